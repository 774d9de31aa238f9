"""Variable schemas (docs/featurevisor.md §2.3.2) and reusable schemas (§2.5): is the schema itself
sound?"""

from __future__ import annotations

from dataclasses import dataclass

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import (
    describe,
    expect_boolean,
    expect_field_types,
    expect_pattern,
    expect_string,
    expect_string_list,
    is_integer,
    is_number,
    strict_object,
)
from kubevisor.core.lint.values import value_problems
from kubevisor.core.lint.variables import check_value

VARIABLE_TYPES = ("string", "integer", "double", "boolean", "array", "object", "json")
REUSABLE_TYPES = ("boolean", "string", "integer", "double", "object", "array")
STRUCTURE = (
    "type",
    "oneOf",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
)
NESTED_FIELDS = (*STRUCTURE, "schema", "enum", "const", "description")
VARIABLE_FIELDS = (
    *NESTED_FIELDS,
    "defaultValue",
    "disabledValue",
    "useDefaultWhenDisabled",
    "deprecated",
)
REUSABLE_FIELDS = (*NESTED_FIELDS, "promotable")


@dataclass(frozen=True)
class Vocabulary:
    """What differs between inline variable schemas and reusable schemas (docs/featurevisor.md
    §2.3.2)."""

    types: tuple[str, ...]
    fewest_branches: int
    """`oneOf` needs at least this many schemas."""
    array_needs_items: bool


VARIABLE = Vocabulary(types=VARIABLE_TYPES, fewest_branches=1, array_needs_items=False)
REUSABLE = Vocabulary(types=REUSABLE_TYPES, fewest_branches=2, array_needs_items=True)


def lint_reusable_schema(project: Project, report: Report, schema: JSON) -> None:
    node = strict_object(report, (), schema, allowed=REUSABLE_FIELDS)
    if node is None:
        return
    expect_field_types(report, (), node, strings=("description",), booleans=("promotable",))
    # Upstream requires neither a description nor a type on reusable schemas.
    lint_schema_node(project, report, (), node, vocabulary=REUSABLE, top_level=False)
    if report.key and _refers_to_itself(project, report.key, node, set()):
        report.error(
            ("schema",), "circular schema reference", "break the loop of `schema:` references"
        )


def lint_variable_schema(
    project: Project, report: Report, path: FieldPath, name: str, schema: JSON
) -> None:
    node = strict_object(report, path, schema, allowed=VARIABLE_FIELDS, required=("defaultValue",))
    if node is None:
        return
    if name == "variation":
        report.error(path, 'the variable name "variation" is reserved', "rename the variable")
    for flag in ("useDefaultWhenDisabled", "deprecated"):
        if flag in node:
            expect_boolean(report, (*path, flag), node[flag])
    if "description" in node:
        expect_string(report, (*path, "description"), node["description"])
    sound = lint_schema_node(project, report, path, node, vocabulary=VARIABLE, top_level=True)
    if not sound:
        return  # values cannot be judged against a broken schema; its errors come first
    for field in ("defaultValue", "disabledValue"):
        if field in node:
            check_value(project, report, (*path, field), node[field], node, top_level=True)


def lint_schema_node(
    project: Project,
    report: Report,
    path: FieldPath,
    node: JSONObject,
    *,
    vocabulary: Vocabulary,
    top_level: bool,
) -> bool:
    """Check one schema (and its sub-schemas); True when no problem was found."""
    before = len(report.problems)
    shapes = [name for name in ("schema", "type", "oneOf") if name in node]
    if top_level and len(shapes) != 1:
        report.error(
            path or ("type",),
            "a schema needs exactly one of `schema`, `type` or `oneOf`",
            "reference a schema, or give an inline `type`, or list `oneOf` branches",
        )
    if "schema" in node:
        _lint_reference(project, report, path, node)
    kind = node.get("type")
    if "type" in node and kind not in vocabulary.types:
        report.error(
            (*path, "type"),
            f"unknown type {describe(kind)}",
            f"use one of {', '.join(vocabulary.types)}",
        )
        kind = None
    if "oneOf" in node:
        branches = node["oneOf"]
        least = vocabulary.fewest_branches
        if not isinstance(branches, list) or len(branches) < least:
            report.error(
                (*path, "oneOf"),
                f"`oneOf` needs a list of at least {least} schemas",
                "list the alternatives",
            )
        else:
            for index, branch in enumerate(branches):
                _nested(project, report, (*path, "oneOf", index), branch)
    _lint_object(project, report, path, node)
    _lint_array(project, report, path, node, kind, vocabulary)
    _lint_limits(report, path, node)
    _lint_allowed_values(project, report, path, node)
    return len(report.problems) == before


def _nested(project: Project, report: Report, path: FieldPath, value: JSON) -> None:
    """A schema inside another one. Upstream checks it with the reusable-schema vocabulary,
    even inside a variable schema (so no nested `json`, and nested arrays need `items`)."""
    node = strict_object(report, path, value, allowed=NESTED_FIELDS)
    if node is not None:
        lint_schema_node(project, report, path, node, vocabulary=REUSABLE, top_level=False)


def _lint_reference(project: Project, report: Report, path: FieldPath, node: JSONObject) -> None:
    key = node["schema"]
    if not isinstance(key, str) or project.schema(key) is None:
        report.error(
            (*path, "schema"),
            f"Unknown schema {describe(key)}",
            "define it under schemas or fix the key",
        )
    extra = [name for name in STRUCTURE if name in node]
    if extra:
        report.error(
            (*path, extra[0]),
            f"a schema reference cannot also set {', '.join(extra)}",
            "put the structure into the referenced schema, or drop `schema`",
        )


def _lint_object(
    project: Project,
    report: Report,
    path: FieldPath,
    node: JSONObject,
) -> None:
    properties = node.get("properties")
    if "properties" in node:
        if not isinstance(properties, dict):
            report.error(
                (*path, "properties"),
                "`properties` must be a mapping",
                "map each property name to its schema",
            )
            properties = None
        else:
            for name, sub in properties.items():
                _nested(project, report, (*path, "properties", name), sub)
    if "additionalProperties" in node and not isinstance(node["additionalProperties"], bool):
        _nested(
            project,
            report,
            (*path, "additionalProperties"),
            node["additionalProperties"],
        )
    if "required" in node:
        names = expect_string_list(report, (*path, "required"), node["required"], unique=True)
        for index, name in enumerate(names):
            if isinstance(properties, dict) and name not in properties:
                report.error(
                    (*path, "required", index),
                    f'required property "{name}" is not declared in `properties`',
                    "declare it or remove it from `required`",
                )


def _lint_array(
    project: Project,
    report: Report,
    path: FieldPath,
    node: JSONObject,
    kind: JSON,
    vocabulary: Vocabulary,
) -> None:
    if "items" in node:
        _nested(project, report, (*path, "items"), node["items"])
    elif kind == "array" and vocabulary.array_needs_items:
        report.error((*path, "items"), "an array schema needs `items`", "add `items: {...}`")
    if "uniqueItems" in node:
        expect_boolean(report, (*path, "uniqueItems"), node["uniqueItems"])


def _lint_limits(report: Report, path: FieldPath, node: JSONObject) -> None:
    for name in ("minimum", "maximum"):
        if name in node and not is_number(node[name]):
            report.error((*path, name), f"`{name}` must be a number", "write a number")
    for name in ("minLength", "maxLength", "minItems", "maxItems"):
        if name in node and (not is_integer(size := node[name]) or size < 0):
            report.error((*path, name), f"`{name}` must be a whole number ≥ 0", "write e.g. 1")
    for low, high in (("minimum", "maximum"), ("minLength", "maxLength"), ("minItems", "maxItems")):
        a, b = node.get(low), node.get(high)
        if is_number(a) and is_number(b) and a > b:
            report.error((*path, low), f"`{low}` is greater than `{high}`", "swap them")
    if "pattern" in node:
        expect_pattern(report, (*path, "pattern"), node["pattern"])


def _lint_allowed_values(
    project: Project, report: Report, path: FieldPath, node: JSONObject
) -> None:
    """enum and const values must themselves fit the rest of the schema."""
    shape = {name: value for name, value in node.items() if name not in ("enum", "const")}
    if "enum" in node:
        enum = node["enum"]
        if not isinstance(enum, list) or not enum:
            report.error((*path, "enum"), "`enum` must be a non-empty list", "list the values")
        else:
            for index, value in enumerate(enum):
                for sub, message in value_problems(project, value, shape):
                    report.error((*path, "enum", index, *sub), message, "fix the enum value")
    if "const" in node:
        for sub, message in value_problems(project, node["const"], shape):
            report.error((*path, "const", *sub), message, "fix the constant")


def _refers_to_itself(project: Project, origin: str, node: JSONObject, seen: set[str]) -> bool:
    """Whether following `schema:` references from `node` leads back to `origin`."""
    for ref in _references(node):
        if ref == origin:
            return True
        if ref in seen:
            continue
        seen.add(ref)
        target = project.schema(ref)
        if target is not None and _refers_to_itself(project, origin, target, seen):
            return True
    return False


def _references(node: JSON) -> list[str]:
    if isinstance(node, list):
        return [ref for item in node for ref in _references(item)]
    if not isinstance(node, dict):
        return []
    reference = node.get("schema")
    found = [reference] if isinstance(reference, str) else []
    for name in ("oneOf", "items", "additionalProperties"):
        found += _references(node.get(name))
    properties = node.get("properties")
    if isinstance(properties, dict):
        found += _references(list(properties.values()))
    return found
