"""Test-spec matrix expansion and assertion descriptions (docs/featurevisor.md §8.3 items 3-4)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from typing import Any, Final

from kubevisor.core.jsnumber import format_number

_PLACEHOLDER: Final = re.compile(r"\$\{\{(.+?)\}\}")
_LEADING_FLOAT: Final = re.compile(
    r"^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
)
_LEADING_INT: Final = re.compile(r"^\s*[+-]?\d+")

Combination = Mapping[str, Any]


def js_text(value: Any) -> str:
    """JavaScript `String(value)` for JSON-like values (and `undefined` for a missing one)."""
    if value is _UNDEFINED:
        return "undefined"
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list):
        return ",".join("" if item is None else js_text(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


_UNDEFINED: Final = _Undefined()


def combinations(matrix: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """The cartesian product of the matrix values; the first key varies slowest."""
    if not matrix:
        return []
    keys = list(matrix)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*matrix.values())]


def substitute(value: Any, combination: Combination) -> Any:
    """Apply `${{ name }}` placeholders to a string: a lone placeholder keeps the raw value's
    type, otherwise each is replaced by its JavaScript text."""
    if not isinstance(value, str):
        return value
    found = _PLACEHOLDER.findall(value)
    if not found:
        return value
    if len(found) == 1 and value.startswith("${{") and value.endswith("}}"):
        return combination.get(value[3:-2].strip())
    return _PLACEHOLDER.sub(
        lambda match: js_text(combination.get(match.group(1).strip(), _UNDEFINED)), value
    )


def parse_at(value: Any) -> Any:
    """A string `at` is read like JavaScript (`parseFloat` with a `.`, else `parseInt`)."""
    if not isinstance(value, str):
        return value
    match = (_LEADING_FLOAT if "." in value else _LEADING_INT).match(value)
    if match is None:
        return math.nan
    text = match.group(0).strip()
    return float(text) if "." in value else int(text)


def expand_feature_assertions(assertions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Matrix-expanded feature assertions, each with its final `description`."""
    expanded: list[dict[str, Any]] = []
    for index, assertion in enumerate(assertions):
        cases = combinations(assertion["matrix"]) if assertion.get("matrix") else [None]
        for combination in cases:
            case = dict(assertion)
            if combination is not None:
                for field in ("environment", "at", "target"):
                    if field in case:
                        case[field] = substitute(case[field], combination)
                if case.get("description"):
                    case["description"] = substitute(case["description"], combination)
                if isinstance(case.get("context"), dict):
                    case["context"] = {
                        key: substitute(item, combination) for key, item in case["context"].items()
                    }
            if "at" in case:
                case["at"] = parse_at(case["at"])
            suffix = case.get("description") or f"at {js_text(case.get('at', _UNDEFINED))}%"
            case["description"] = f"Assertion #{index + 1}: {js_text(suffix)}"
            expanded.append(case)
    return expanded


def expand_segment_assertions(assertions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Matrix-expanded segment assertions, each with its final `description`."""
    expanded: list[dict[str, Any]] = []
    for index, assertion in enumerate(assertions):
        number = f"Assertion #{index + 1}"
        if not assertion.get("matrix"):
            case = dict(assertion)
            description = case.get("description")
            case["description"] = f"{number}: {js_text(description)}" if description else number
            expanded.append(case)
            continue
        for combination in combinations(assertion["matrix"]):
            case = dict(assertion)
            if isinstance(case.get("context"), dict):
                case["context"] = {
                    key: substitute(item, combination) for key, item in case["context"].items()
                }
            description = substitute(case.get("description"), combination)
            case["description"] = (
                f"{number}: {js_text(description) if description else '#' + str(index + 1)}"
            )
            expanded.append(case)
    return expanded
