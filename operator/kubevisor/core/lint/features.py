"""Features (docs/featurevisor.md §2.3): top-level fields, variations, required features and their
cycles."""

from __future__ import annotations

from kubevisor.core.definitions import JSON
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.rules import FeatureShape, lint_expose, lint_force, lint_rules
from kubevisor.core.lint.schemas import lint_variable_schema
from kubevisor.core.lint.shapes import (
    expect_field_types,
    expect_mapping,
    expect_percentage,
    expect_string,
    expect_string_list,
    js_type,
    strict_object,
)
from kubevisor.core.lint.suggest import did_you_mean
from kubevisor.core.lint.variables import lint_variable_maps

FIELDS = (
    "description",
    "tags",
    "archived",
    "deprecated",
    "promotable",
    "bucketBy",
    "required",
    "variablesSchema",
    "variations",
    "disabledVariationValue",
    "rules",
    "force",
    "expose",
)
VARIATION_FIELDS = ("value", "weight", "description", "variables", "variableOverrides")


def lint_feature(project: Project, report: Report, feature: JSON) -> None:
    node = strict_object(
        report, (), feature, allowed=FIELDS, required=("description", "bucketBy", "rules")
    )
    if node is None:
        return
    expect_field_types(
        report,
        (),
        node,
        strings=("description",),
        booleans=("archived", "deprecated", "promotable"),
    )
    if "tags" in node:
        _lint_tags(project, report, node["tags"])
    if "bucketBy" in node:
        _lint_bucket_by(project, report, node["bucketBy"])
    if "required" in node:
        _lint_required(project, report, node["required"])
    if "variablesSchema" in node:
        _lint_variables_schema(project, report, node["variablesSchema"])
    shape = FeatureShape(node)
    if "variations" in node:
        _lint_variations(project, report, node["variations"], shape)
    if "disabledVariationValue" in node:
        _lint_disabled_variation(report, node["disabledVariationValue"], shape)
    lint_rules(project, report, node, shape)
    lint_force(project, report, node, shape)
    lint_expose(project, report, node)


def _lint_tags(project: Project, report: Report, tags: JSON) -> None:
    expect_string_list(report, ("tags",), tags, unique=True)
    for index, tag in enumerate(tags if isinstance(tags, list) else []):
        if isinstance(tag, str) and tag not in project.tags:
            report.error(
                ("tags", index),
                f'unknown tag "{tag}"',
                f"use a configured tag ({', '.join(project.tags)}) or add it to the config",
            )


def _lint_bucket_by(project: Project, report: Report, bucket_by: JSON) -> None:
    path: FieldPath = ("bucketBy",)
    names: list[tuple[FieldPath, JSON]]
    if isinstance(bucket_by, str):
        names = [(path, bucket_by)]
    elif isinstance(bucket_by, list):
        names = [((*path, index), name) for index, name in enumerate(bucket_by)]
    elif isinstance(bucket_by, dict) and "or" in bucket_by:
        strict_object(report, path, bucket_by, allowed=("or",))
        either = bucket_by["or"]
        if not isinstance(either, list):
            report.error((*path, "or"), "`or` needs a list", "list attribute names")
            return
        names = [((*path, "or", index), name) for index, name in enumerate(either)]
    else:
        report.error(
            path,
            f"bucketBy must be an attribute name, a list of them or `or: [...]`, "
            f"got {js_type(bucket_by)}",
            "write e.g. `bucketBy: userId`",
        )
        return
    for where, name in names:
        if not expect_string(report, where, name, non_empty=True):
            continue
        assert isinstance(name, str)  # expect_string said so
        if name != "*" and not project.attribute_use(name).known:
            report.error(
                where,
                f'Unknown attribute "{name}"',
                did_you_mean(name, project.defs.attributes, "define the attribute or fix the name"),
            )


def _lint_required(project: Project, report: Report, required: JSON) -> None:
    if not isinstance(required, list):
        report.error(("required",), f"expected a list, got {js_type(required)}", "write a list")
        return
    for index, entry in enumerate(required):
        where: FieldPath = ("required", index)
        if isinstance(entry, dict):
            node = strict_object(
                report, where, entry, allowed=("key", "variation"), required=("key",)
            )
            if node is None or not expect_string(report, (*where, "key"), node.get("key")):
                continue
            if "variation" in node:
                # Upstream checks only the type; the variation is not looked up.
                expect_string(report, (*where, "variation"), node["variation"])
            key, where = node["key"], (*where, "key")
        elif isinstance(entry, str):
            key = entry
        else:
            report.error(where, f"expected a feature key, got {js_type(entry)}", "name a feature")
            continue
        if key not in project.defs.features:
            report.error(
                where,
                f'unknown required feature "{key}"',
                did_you_mean(key, project.defs.features, "define it or fix the key"),
            )
    cycle = find_required_cycle(project, report.key)
    if cycle:
        report.error(
            ("required",),
            f"circular dependency found: {' -> '.join(cycle)}",
            "remove one of the `required` links in this chain",
        )


def required_keys(feature: JSON) -> list[str]:
    """The feature keys a feature requires, ignoring malformed entries."""
    required = feature.get("required") if isinstance(feature, dict) else None
    keys: list[str] = []
    for entry in required if isinstance(required, list) else []:
        key = entry.get("key") if isinstance(entry, dict) else entry
        if isinstance(key, str):
            keys.append(key)
    return keys


def find_required_cycle(project: Project, start: str) -> list[str]:
    """A chain `start -> ... -> start` through `required`, or [] when there is none."""
    features = project.defs.features
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        key, chain = stack.pop()
        for needed in required_keys(features.get(key)):
            if needed == start:
                return [*chain, start]
            if needed not in seen and needed in features:
                seen.add(needed)
                stack.append((needed, [*chain, needed]))
    return []


def _lint_variables_schema(project: Project, report: Report, schemas: JSON) -> None:
    mapping = expect_mapping(report, ("variablesSchema",), schemas)
    for name, schema in (mapping or {}).items():
        lint_variable_schema(project, report, ("variablesSchema", name), name, schema)


def _lint_variations(
    project: Project, report: Report, variations: JSON, shape: FeatureShape
) -> None:
    if not isinstance(variations, list):
        report.error(
            ("variations",),
            f"expected a list, got {js_type(variations)}",
            "list variations as `- value: ..., weight: ...`",
        )
        return
    seen: list[str] = []
    for index, variation in enumerate(variations):
        where: FieldPath = ("variations", index)
        node = strict_object(
            report, where, variation, allowed=VARIATION_FIELDS, required=("value", "weight")
        )
        if node is None:
            continue
        value = node.get("value")
        valid = "value" in node and expect_string(report, (*where, "value"), value, non_empty=True)
        if valid and isinstance(value, str):
            if value in seen:
                report.error(
                    (*where, "value"),
                    f'duplicate variation "{value}"',
                    "give every variation a different value",
                )
            seen.append(value)
        if "weight" in node:
            expect_percentage(report, (*where, "weight"), node["weight"])
        if "description" in node:
            expect_string(report, (*where, "description"), node["description"])
        lint_variable_maps(project, report, where, node, shape.schemas)


def _lint_disabled_variation(report: Report, value: JSON, shape: FeatureShape) -> None:
    path: FieldPath = ("disabledVariationValue",)
    if not expect_string(report, path, value, non_empty=True):
        return
    if not shape.has_variations:
        report.error(path, "`disabledVariationValue` needs variations", "add variations first")
    elif value not in shape.variations:
        report.error(
            path,
            f'"{value}" is not one of the variations',
            f"use one of: {', '.join(shape.variations)}",
        )
