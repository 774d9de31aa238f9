"""Type and shape checks shared by every kind: what a JSON-like value is, strict objects."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TypeGuard

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.linear_regex import UNSUPPORTED, UNSUPPORTED_HINT
from kubevisor.core.lint.regex import needs_backtracking, regex_error
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.suggest import did_you_mean, text_expected_hint


def js_type(value: object) -> str:
    """The name people know from JSON for the type of a parsed value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def is_number(value: object) -> TypeGuard[int | float]:
    """A finite JSON number; booleans are not numbers (Python says they are)."""
    kind = type(value)
    if kind is int:
        return True  # the common case first: lint calls this for every percentage and weight
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_integer(value: object) -> TypeGuard[int | float]:
    """An integral number, like JavaScript's `Number.isInteger` (50.0 counts)."""
    if not is_number(value):
        return False
    return isinstance(value, int) or float(value).is_integer()


def is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | bool) or is_number(value)


def js_equal(left: object, right: object) -> bool:
    """Deep equality as upstream means it: `1 == True` is false, key order does not matter."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            js_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(js_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def describe(value: object) -> str:
    """A short rendering of a value for messages."""
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def strict_object(
    report: Report,
    path: FieldPath,
    value: JSON,
    *,
    allowed: Collection[str],
    required: Collection[str] = (),
    what: str = "",
) -> JSONObject | None:
    """Check `value` is an object with only `allowed` keys and every `required` key.

    Returns the object to keep checking its fields, or None when it is not an object at all.
    """
    label = what or "this value"
    if not isinstance(value, dict):
        report.error(
            path,
            f"expected {label} to be an object, got {js_type(value)}",
            "write a mapping of field names to values here",
        )
        return None
    for name in value:
        if name not in allowed:
            report.error(
                (*path, str(name)),
                f'unknown field "{name}"',
                did_you_mean(
                    name, allowed, f"remove it or rename it to one of: {', '.join(sorted(allowed))}"
                ),
            )
    for name in required:
        if name not in value:
            report.error(
                (*path, name),
                f'required field "{name}" is missing',
                f'add "{name}"',
            )
    return value


def expect_string(report: Report, path: FieldPath, value: JSON, *, non_empty: bool = False) -> bool:
    if not isinstance(value, str):
        hint = text_expected_hint(value, "write a text value")
        report.error(path, f"expected a string, got {js_type(value)}", hint)
        return False
    if non_empty and not value:
        report.error(path, "must not be empty", "write a non-empty text value")
        return False
    return True


def expect_pattern(report: Report, path: FieldPath, value: JSON) -> None:
    """A `pattern` field: a string that compiles as a regular expression."""
    if not expect_string(report, path, value):
        return
    assert isinstance(value, str)  # expect_string said so
    error = regex_error(value)
    if error:
        report.error(
            path,
            f"invalid regular expression: {error}",
            "write a valid regular expression (escape special characters with a backslash)",
        )
    elif needs_backtracking(value):
        report.error(path, f"the regular expression {UNSUPPORTED}", UNSUPPORTED_HINT)


def expect_boolean(report: Report, path: FieldPath, value: JSON) -> bool:
    if not isinstance(value, bool):
        report.error(
            path, f"expected a boolean, got {js_type(value)}", "write true or false (unquoted)"
        )
        return False
    return True


def expect_percentage(report: Report, path: FieldPath, value: JSON) -> bool:
    """A number from 0 to 100 inclusive, as rule percentages, weights and slots are written."""
    if not is_number(value):
        report.error(
            path, f"expected a number from 0 to 100, got {js_type(value)}", "write e.g. 50"
        )
        return False
    if not 0 <= value <= 100:
        report.error(
            path,
            f"percentage {describe(value)} is outside 0 to 100",
            "use a number from 0 to 100",
        )
        return False
    return True


def expect_string_list(
    report: Report, path: FieldPath, value: JSON, *, non_empty: bool = False, unique: bool = False
) -> list[str]:
    """The strings of a list, reporting non-strings; [] when `value` is not a list."""
    if not isinstance(value, list):
        report.error(path, f"expected a list of strings, got {js_type(value)}", "write a YAML list")
        return []
    if non_empty and not value:
        report.error(path, "must not be an empty list", "list at least one entry")
    strings: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            report.error(
                (*path, index),
                f"expected a string, got {js_type(item)}",
                text_expected_hint(item, "write a text value"),
            )
            continue
        if unique and item in strings:
            report.error((*path, index), f'duplicate entry "{item}"', "remove the duplicate")
        strings.append(item)
    return strings


def expect_mapping(report: Report, path: FieldPath, value: JSON) -> JSONObject | None:
    if not isinstance(value, dict):
        report.error(
            path,
            f"expected an object, got {js_type(value)}",
            "write a mapping of names to values",
        )
        return None
    return value


def expect_field_types(
    report: Report,
    path: FieldPath,
    node: JSONObject,
    *,
    strings: Collection[str] = (),
    booleans: Collection[str] = (),
) -> None:
    """Type-check the plain text and flag fields an object has (description, archived, ...)."""
    for name in strings:
        if name in node:
            expect_string(report, (*path, name), node[name])
    for name in booleans:
        if name in node:
            expect_boolean(report, (*path, name), node[name])
