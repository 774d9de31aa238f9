"""Test-spec matrix expansion and assertion descriptions (docs/featurevisor.md §8.3 items 3-4)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Final

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.jsnumber import format_number

_PLACEHOLDER: Final = re.compile(r"\$\{\{(.+?)\}\}")
_LEADING_FLOAT: Final = re.compile(
    r"^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
)
_LEADING_INT: Final = re.compile(r"^\s*[+-]?\d+")

Combination = Mapping[str, JSON]


def js_text(value: object) -> str:
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


def combinations(matrix: JSON) -> list[JSONObject]:
    """The cartesian product of the matrix values; the first key varies slowest.

    The runner does not lint first, so a malformed matrix fails here with the error Python
    raised before this was typed (`list(matrix)` / `matrix.values()` / `itertools.product`)."""
    if not matrix:
        return []
    if not isinstance(matrix, dict):
        if isinstance(matrix, list | str):
            raise AttributeError(f"{type(matrix).__name__!r} object has no attribute 'values'")
        raise _not_iterable(matrix)
    keys = list(matrix)
    columns = [_iterated(values) for values in matrix.values()]
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*columns)]


def _iterated(value: JSON) -> Iterable[JSON]:
    """What Python iterates for a matrix column: a list its items, a string its characters, a
    dict its keys."""
    if isinstance(value, list | str | dict):
        return value
    raise _not_iterable(value)


def _not_iterable(value: JSON) -> TypeError:
    return TypeError(f"{type(value).__name__!r} object is not iterable")


def substitute(value: JSON, combination: Combination) -> JSON:
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


def parse_at(value: JSON) -> JSON:
    """A string `at` is read like JavaScript (`parseFloat` with a `.`, else `parseInt`)."""
    if not isinstance(value, str):
        return value
    match = (_LEADING_FLOAT if "." in value else _LEADING_INT).match(value)
    if match is None:
        return math.nan
    text = match.group(0).strip()
    return float(text) if "." in value else int(text)


def expand_feature_assertions(assertions: list[JSONObject]) -> list[JSONObject]:
    """Matrix-expanded feature assertions, each with its final `description`."""
    expanded: list[JSONObject] = []
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
                context = case.get("context")
                if isinstance(context, dict):
                    case["context"] = {
                        key: substitute(item, combination) for key, item in context.items()
                    }
            if "at" in case:
                case["at"] = parse_at(case["at"])
            suffix = case.get("description") or f"at {js_text(case.get('at', _UNDEFINED))}%"
            case["description"] = f"Assertion #{index + 1}: {js_text(suffix)}"
            expanded.append(case)
    return expanded


def expand_segment_assertions(assertions: list[JSONObject]) -> list[JSONObject]:
    """Matrix-expanded segment assertions, each with its final `description`."""
    expanded: list[JSONObject] = []
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
            context = case.get("context")
            if isinstance(context, dict):
                case["context"] = {
                    key: substitute(item, combination) for key, item in context.items()
                }
            description = substitute(case.get("description"), combination)
            case["description"] = (
                f"{number}: {js_text(description) if description else '#' + str(index + 1)}"
            )
            expanded.append(case)
    return expanded
