"""Groups (docs/featurevisor.md §2.4): slots that share 100% of the traffic."""

from __future__ import annotations

from kubevisor.core.definitions import JSON
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import (
    describe,
    expect_field_types,
    expect_percentage,
    expect_string,
    is_number,
    js_type,
    strict_object,
)

FIELDS = ("description", "promotable", "slots")
SLOT_FIELDS = ("feature", "percentage")


def lint_group(project: Project, report: Report, group: JSON) -> None:
    node = strict_object(report, (), group, allowed=FIELDS, required=("description", "slots"))
    if node is None:
        return
    expect_field_types(report, (), node, strings=("description",), booleans=("promotable",))
    slots = node.get("slots")
    if "slots" not in node:
        return
    if not isinstance(slots, list):
        report.error(
            ("slots",),
            f"expected a list of slots, got {js_type(slots)}",
            "list slots as `- feature: ..., percentage: ...`",
        )
        return
    total = 0.0
    for index, slot in enumerate(slots):
        where: FieldPath = ("slots", index)
        entry = strict_object(report, where, slot, allowed=SLOT_FIELDS, required=("percentage",))
        if entry is None:
            continue
        percentage = entry.get("percentage")
        if "percentage" in entry and expect_percentage(report, (*where, "percentage"), percentage):
            assert is_number(percentage)  # expect_percentage said so
            total += percentage
        if "feature" in entry:
            _lint_slot_feature(project, report, where, entry["feature"], entry.get("percentage"))
    if round(total, 9) != 100:
        report.error(
            ("slots",),
            f"Total percentage of all slots is not 100 (it is {describe(total)})",
            "make the slots add up to exactly 100 (a slot without feature keeps space free)",
        )


def _lint_slot_feature(
    project: Project, report: Report, where: FieldPath, key: JSON, slot_percentage: JSON
) -> None:
    if not expect_string(report, (*where, "feature"), key) or not key:
        return  # an empty string reserves space like an omitted feature
    assert isinstance(key, str)  # expect_string said so
    feature = project.defs.features.get(key)
    if feature is None:
        report.error((*where, "feature"), f'unknown feature "{key}"', "define it or fix the key")
        return
    if not is_number(slot_percentage):
        return
    for environment, rule_key, percentage in _rule_percentages(project, feature):
        if percentage > slot_percentage:
            place = f" in {environment}" if environment else ""
            report.error(
                (*where, "percentage"),
                f"Feature {key}'s rule {rule_key}{place} has a percentage of {percentage} "
                f"which is greater than the maximum percentage of {slot_percentage} for the slot",
                "lower the rule percentage or give the slot more",
            )


def _rule_percentages(project: Project, feature: JSON) -> list[tuple[str, str, float]]:
    """(environment, rule key, percentage) of every well-formed rule of a feature."""
    rules = feature.get("rules") if isinstance(feature, dict) else None
    lists: list[tuple[str, JSON]]
    if project.defs.config.environments is None:
        lists = [("", rules)]
    else:
        lists = list(rules.items()) if isinstance(rules, dict) else []
    found: list[tuple[str, str, float]] = []
    for environment, rule_list in lists:
        for rule in rule_list if isinstance(rule_list, list) else []:
            if isinstance(rule, dict) and is_number(percentage := rule.get("percentage")):
                found.append((str(environment), str(rule.get("key")), percentage))
    return found
