"""A feature's rules, force entries and expose settings (docs/featurevisor.md §2.3.4 to §2.3.6)."""

from __future__ import annotations

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.conditions import lint_segment_expression
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.environments import per_environment
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import (
    describe,
    expect_boolean,
    expect_percentage,
    expect_string,
    expect_string_list,
    is_number,
    js_type,
    strict_object,
)
from kubevisor.core.lint.suggest import did_you_mean
from kubevisor.core.lint.variables import (
    lint_matcher,
    lint_variable_maps,
    lint_variable_values,
)

RULE_FIELDS = (
    "key",
    "description",
    "segments",
    "percentage",
    "enabled",
    "variation",
    "variables",
    "variableOverrides",
    "variationWeights",
    "promotable",
)
FORCE_FIELDS = ("segments", "conditions", "enabled", "variation", "variables")


class FeatureShape:
    """What rules and force entries of one feature are checked against."""

    def __init__(self, feature: JSONObject) -> None:
        schemas = feature.get("variablesSchema")
        self.schemas: JSONObject = schemas if isinstance(schemas, dict) else {}
        variations = feature.get("variations")
        self.has_variations = isinstance(variations, list) and bool(variations)
        self.variations: list[str] = [
            value
            for v in (variations if isinstance(variations, list) else [])
            if isinstance(v, dict) and isinstance(value := v.get("value"), str)
        ]


def lint_rules(project: Project, report: Report, feature: JSONObject, shape: FeatureShape) -> None:
    if "rules" not in feature:
        return
    rules = feature["rules"]
    per_environment(
        project,
        report,
        ("rules",),
        rules,
        lambda path, value: _lint_rule_list(project, report, path, value, shape),
    )
    if project.defs.config.environments is not None and isinstance(rules, dict):
        # Upstream's linter lets an environment go without rules, but its build then crashes
        # ("rules is not iterable", docs/featurevisor.md §11 item 14). We report it so the build
        # never starts.
        for environment in project.environments:
            if environment not in rules:
                report.error(
                    ("rules", environment),
                    f'no rules for environment "{environment}"',
                    f'add `rules.{environment}` (e.g. one rule with segments "*" and percentage 0)',
                )


def _lint_rule_list(
    project: Project, report: Report, path: FieldPath, rules: JSON, shape: FeatureShape
) -> None:
    if not isinstance(rules, list):
        report.error(path, f"expected a list of rules, got {js_type(rules)}", "write a YAML list")
        return
    if not rules:
        report.error(path, "needs at least one rule", 'add a rule, e.g. segments "*"')
        return
    keys: list[str] = []
    for index, rule in enumerate(rules):
        key = _lint_rule(project, report, (*path, index), rule, shape)
        if key is not None and key in keys:
            report.error((*path, index, "key"), f'duplicate rule key "{key}"', "use unique keys")
        if key is not None:
            keys.append(key)
    last = rules[-1]
    if project.defs.config.enforce_catch_all_rule and (
        not isinstance(last, dict) or last.get("segments") != "*"
    ):
        report.error(
            (*path, len(rules) - 1, "segments"),
            'the last rule must have segments "*" (enforceCatchAllRule)',
            'add a final rule with `segments: "*"`',
        )


def _lint_rule(
    project: Project, report: Report, path: FieldPath, rule: JSON, shape: FeatureShape
) -> str | None:
    node = strict_object(
        report, path, rule, allowed=RULE_FIELDS, required=("key", "segments", "percentage")
    )
    if node is None:
        return None
    key = node.get("key")
    if "key" in node and not expect_string(report, (*path, "key"), key):
        key = None
    if "description" in node:
        expect_string(report, (*path, "description"), node["description"])
    for flag in ("enabled", "promotable"):
        if flag in node:
            expect_boolean(report, (*path, flag), node[flag])
    if "segments" in node:
        lint_segment_expression(project, report, (*path, "segments"), node["segments"])
    if "percentage" in node:
        expect_percentage(report, (*path, "percentage"), node["percentage"])
    if "variation" in node:
        # Upstream checks only that a rule's pinned variation is a non-empty string (unlike
        # force entries); an unknown value builds fine, so rejecting it would break parity.
        expect_string(report, (*path, "variation"), node["variation"], non_empty=True)
    lint_variable_maps(project, report, path, node, shape.schemas)
    if "variationWeights" in node:
        _lint_variation_weights(
            report, (*path, "variationWeights"), node["variationWeights"], shape
        )
    return key if isinstance(key, str) else None


def _lint_variation_pin(
    report: Report, path: FieldPath, node: JSONObject, shape: FeatureShape
) -> None:
    if "variation" not in node:
        return
    value = node["variation"]
    if not expect_string(report, (*path, "variation"), value):
        return
    if value not in shape.variations:
        report.error(
            (*path, "variation"),
            f'unknown variation "{value}"',
            did_you_mean(
                value,
                shape.variations,
                f"use one of the feature's variations: {', '.join(shape.variations) or '(none)'}",
            ),
        )


def _lint_variation_weights(
    report: Report, path: FieldPath, weights: JSON, shape: FeatureShape
) -> None:
    if not shape.has_variations:
        report.error(path, "`variationWeights` needs the feature to have variations", "add them")
        return
    if not isinstance(weights, dict):
        report.error(path, f"expected a mapping, got {js_type(weights)}", "map variation -> weight")
        return
    for name, weight in weights.items():
        if name not in shape.variations:
            report.error(
                (*path, name), f'unknown variation "{name}"', "use the feature's variation values"
            )
        expect_percentage(report, (*path, name), weight)
    missing = [name for name in shape.variations if name not in weights]
    if missing:
        report.error(
            path,
            f"`variationWeights` misses variations: {', '.join(missing)}",
            "give every variation a weight",
        )
    total = sum(weight for weight in weights.values() if is_number(weight))
    if round(total, 9) != 100:
        report.error(
            path, f"variation weights add up to {describe(total)}, not 100", "make them sum to 100"
        )


def lint_force(project: Project, report: Report, feature: JSONObject, shape: FeatureShape) -> None:
    if "force" in feature:
        per_environment(
            project,
            report,
            ("force",),
            feature["force"],
            lambda path, value: _lint_force_list(project, report, path, value, shape),
        )


def _lint_force_list(
    project: Project, report: Report, path: FieldPath, entries: JSON, shape: FeatureShape
) -> None:
    if not isinstance(entries, list):
        report.error(path, f"expected a list, got {js_type(entries)}", "write a YAML list")
        return
    for index, entry in enumerate(entries):
        where = (*path, index)
        node = strict_object(report, where, entry, allowed=FORCE_FIELDS)
        if node is None:
            continue
        lint_matcher(project, report, where, node)
        if "enabled" in node:
            expect_boolean(report, (*where, "enabled"), node["enabled"])
        _lint_variation_pin(report, where, node, shape)
        if "variables" in node:
            lint_variable_values(
                project, report, (*where, "variables"), node["variables"], shape.schemas
            )


def lint_expose(project: Project, report: Report, feature: JSONObject) -> None:
    if "expose" in feature:
        per_environment(
            project,
            report,
            ("expose",),
            feature["expose"],
            lambda path, value: _lint_expose_value(project, report, path, value),
        )


def _lint_expose_value(project: Project, report: Report, path: FieldPath, value: JSON) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, list):
        report.error(
            path,
            f"expected true, false or a list of tags, got {js_type(value)}",
            "write true, false, or a list of configured tags",
        )
        return
    expect_string_list(report, path, value)
    for index, tag in enumerate(value):
        if isinstance(tag, str) and tag not in project.tags:
            report.error(
                (*path, index), f'unknown tag "{tag}"', "use a tag from featurevisor.config.js"
            )
