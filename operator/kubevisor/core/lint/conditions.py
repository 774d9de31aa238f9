"""Condition expressions (docs/featurevisor.md §3.1, §3.3) and segment expressions (§3.6)."""

from __future__ import annotations

import re
from collections.abc import Callable

from kubevisor.core.conditions import compile_regex
from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.linear_regex import UNSUPPORTED, UNSUPPORTED_HINT, searcher
from kubevisor.core.lint.attributes import attribute_value_problem
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import describe, is_number, is_scalar, js_type, strict_object
from kubevisor.core.lint.suggest import did_you_mean, text_expected_hint

EQUALITY = ("equals", "notEquals")
NUMERIC = ("greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals")
SUBSTRING = ("contains", "notContains", "startsWith", "endsWith")
REGEX_OPERATORS = ("matches", "notMatches")
TEXT = (*SUBSTRING, *REGEX_OPERATORS)
SEMVER = (
    "semverEquals",
    "semverNotEquals",
    "semverGreaterThan",
    "semverGreaterThanOrEquals",
    "semverLessThan",
    "semverLessThanOrEquals",
)
DATES = ("before", "after")
MEMBERSHIP = ("in", "notIn")
PRESENCE = ("exists", "notExists")
INCLUSION = ("includes", "notIncludes")
OPERATORS = (*EQUALITY, *DATES, *MEMBERSHIP, *TEXT, *SEMVER, *NUMERIC, *PRESENCE, *INCLUSION)
BOOLEAN_KEYS = ("and", "or", "not")

# The linter's portable date forms (docs/featurevisor.md §3.3): a day, or a date-time with an
# explicit offset.
ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?",
)
# Which attribute types each operator family may compare against.
ATTRIBUTE_TYPES_FOR = {
    NUMERIC: ("integer", "double"),
    TEXT: ("string", "semver", "date"),
    SEMVER: ("string", "semver"),
    DATES: ("string", "date"),
}


def lint_conditions(project: Project, report: Report, path: FieldPath, value: JSON) -> None:
    """`"*"`, one condition, or a list of conditions (implicit AND)."""
    if value == "*":
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _lint_condition(project, report, (*path, index), item)
        return
    if isinstance(value, dict):
        _lint_condition(project, report, path, value)
        return
    report.error(
        path,
        f'conditions must be "*", a condition or a list of conditions, got {describe(value)}',
        'write "*" or `- attribute: ..., operator: ..., value: ...`',
    )


def _lint_condition(project: Project, report: Report, path: FieldPath, value: JSON) -> None:
    if isinstance(value, dict) and "attribute" in value:
        _lint_plain(project, report, path, value)
        return
    if isinstance(value, dict) and any(key in value for key in BOOLEAN_KEYS):
        _lint_boolean(
            report, path, value, lambda p, item: _lint_condition(project, report, p, item)
        )
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _lint_condition(project, report, (*path, index), item)
        return
    report.error(
        path,
        f"expected a condition object, got {js_type(value)}",
        "write `attribute`, `operator` and `value`, or an `and`/`or`/`not` list",
    )


def _lint_boolean(
    report: Report, path: FieldPath, value: JSONObject, each: Callable[[FieldPath, JSON], None]
) -> None:
    present = [key for key in BOOLEAN_KEYS if key in value]
    strict_object(report, path, value, allowed=BOOLEAN_KEYS)
    if len(present) > 1:
        report.error(path, f"use one of {', '.join(present)} per object", "split into two objects")
    for key in present:
        items = value[key]
        if not isinstance(items, list) or not items:
            report.error(
                (*path, key),
                f"`{key}` needs a non-empty list, got {describe(items)}",
                "list at least one entry",
            )
            continue
        for index, item in enumerate(items):
            each((*path, key, index), item)


def _lint_plain(project: Project, report: Report, path: FieldPath, cond: JSONObject) -> None:
    # Upstream's plain-condition schema is not strict: extra keys are ignored, not errors.
    strict_object(report, path, cond, allowed=cond.keys(), required=("attribute", "operator"))
    attribute, operator = cond.get("attribute"), cond.get("operator")
    schema: JSONObject | None = None
    if not isinstance(attribute, str) or not attribute:
        report.error((*path, "attribute"), "expected an attribute name", "name a known attribute")
    else:
        use = project.attribute_use(attribute)
        if not use.known:
            report.error(
                (*path, "attribute"),
                f'Unknown attribute "{attribute}"',
                did_you_mean(
                    attribute,
                    project.defs.attributes,
                    "define it under attributes (or declare the property) or fix the name",
                ),
            )
        schema = use.schema
    if "operator" not in cond:
        return
    if operator not in OPERATORS:
        report.error(
            (*path, "operator"),
            f"unknown operator {describe(operator)}",
            did_you_mean(operator, OPERATORS, f"use one of {', '.join(OPERATORS)}"),
        )
        return
    _lint_value(report, path, cond, operator)
    if schema is not None:
        _lint_against_attribute(report, path, cond, operator, schema)


def _lint_value(report: Report, path: FieldPath, cond: JSONObject, operator: str) -> None:
    has_value, value = "value" in cond, cond.get("value")
    where = (*path, "value")
    if operator in PRESENCE:
        if has_value:
            report.error(where, f"`{operator}` takes no value", "remove `value`")
    elif not has_value:
        report.error(where, f"`{operator}` needs a value", "add `value`")
    elif operator in EQUALITY and not is_scalar(value):
        report.error(where, f"`{operator}` compares with a single value", "write one value")
    elif operator in NUMERIC and not is_number(value):
        report.error(where, f"`{operator}` needs a number, got {js_type(value)}", "write a number")
    elif operator in (*TEXT, *SEMVER) and not isinstance(value, str):
        report.error(where, f"`{operator}` needs a string, got {js_type(value)}", "quote it")
    elif operator in DATES and not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        report.error(
            where,
            f"`{operator}` needs an ISO date, got {describe(value)}",
            "write YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ",
        )
    elif operator in MEMBERSHIP and not (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        report.error(where, f"`{operator}` needs a list of strings", "write a YAML list")
    elif operator in INCLUSION and not is_scalar(value):
        report.error(where, f"`{operator}` needs one value, not a list", "write one value")
    elif operator in REGEX_OPERATORS and isinstance(value, str):
        _lint_regex(report, where, value, cond.get("regexFlags", ""))
    if "regexFlags" in cond:
        _lint_flags(report, (*path, "regexFlags"), cond["regexFlags"], operator)


def _lint_regex(report: Report, where: FieldPath, pattern: str, flags: JSON) -> None:
    """A pattern the evaluator would have to refuse because only backtracking can run it."""
    try:
        regex = compile_regex(pattern, flags)
    except (re.error, ValueError, TypeError, RecursionError, OverflowError):
        return  # not valid for Python's SDK either: it never matches, as upstream allows
    if searcher(regex) is None:
        report.error(where, f"the regular expression {UNSUPPORTED}", UNSUPPORTED_HINT)


def _lint_flags(report: Report, path: FieldPath, flags: JSON, operator: str) -> None:
    if operator not in REGEX_OPERATORS:
        report.error(path, "`regexFlags` only goes with matches/notMatches", "remove it")
    elif not isinstance(flags, str) or any(c not in "gimsuy" for c in flags):
        report.error(path, f"invalid regex flags {describe(flags)}", "use letters from gimsuy")
    elif len(set(flags)) != len(flags):
        report.error(path, f"repeated regex flag in {describe(flags)}", "list each flag once")


def _lint_against_attribute(
    report: Report, path: FieldPath, cond: JSONObject, operator: str, schema: JSONObject
) -> None:
    kinds = _attribute_types(schema)
    where = (*path, "operator")
    hint = "use an operator that fits the attribute type"
    if "object" in kinds and operator not in PRESENCE:
        report.error(where, f"`{operator}` cannot compare an object attribute", "use exists")
        return
    for family, allowed in ATTRIBUTE_TYPES_FOR.items():
        if operator in family and kinds and not set(kinds) & set(allowed):
            report.error(where, f"`{operator}` needs a {'/'.join(allowed)} attribute", hint)
            return
    value = cond.get("value")
    if operator in MEMBERSHIP:
        if "array" in kinds:
            report.error(where, f"`{operator}` needs a primitive attribute", "use includes")
        elif isinstance(value, list):
            _values_fit(report, (*path, "value"), value, schema)
    elif operator in INCLUSION:
        if kinds and "array" not in kinds:
            report.error(where, f"`{operator}` needs an array attribute", "use equals or in")
        items = schema.get("items")
        if isinstance(items, dict) and "value" in cond:
            _values_fit(report, (*path, "value"), [value], items)
    elif operator in EQUALITY and value is not None and "value" in cond:
        _values_fit(report, (*path, "value"), [value], schema)


def _values_fit(report: Report, path: FieldPath, values: list[JSON], schema: JSONObject) -> None:
    for value in values:
        problem = attribute_value_problem(value, schema)
        if problem:
            hint = "use a value the attribute allows"
            if schema.get("type") == "string":
                hint = text_expected_hint(value, hint)
            report.error(path, problem, hint)


def _attribute_types(schema: JSONObject) -> list[str]:
    """The possible types of an attribute value; [] when unknown (then anything goes)."""
    if isinstance(kind := schema.get("type"), str):
        return [kind]
    branches = schema.get("oneOf")
    if isinstance(branches, list):
        found = [b.get("type") for b in branches if isinstance(b, dict)]
        if all(isinstance(kind, str) for kind in found):
            return [kind for kind in found if isinstance(kind, str)]
    return []


def lint_segment_expression(project: Project, report: Report, path: FieldPath, value: JSON) -> None:
    """`"*"`, a segment key, a list (AND) or an `and`/`or`/`not` object of those."""
    if isinstance(value, str):
        if value != "*" and value not in project.defs.segments:
            report.error(
                path,
                f'Unknown segment key "{value}"',
                did_you_mean(value, project.defs.segments, "define the segment or fix the key"),
            )
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            lint_segment_expression(project, report, (*path, index), item)
        return
    if isinstance(value, dict) and any(key in value for key in BOOLEAN_KEYS):
        _lint_boolean(
            report, path, value, lambda p, item: lint_segment_expression(project, report, p, item)
        )
        return
    report.error(
        path,
        f"expected a segment key, a list or an and/or/not object, got {js_type(value)}",
        'write "*", a segment key, or `and:`/`or:`/`not:` with a list of segment keys',
    )
