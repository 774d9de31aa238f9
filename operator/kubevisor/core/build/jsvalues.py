"""JavaScript value rules the builder depends on: `undefined`, truthiness, `Number()`, cloning.

Upstream's builder is JavaScript, and several outputs follow from JS semantics (an empty list is
truthy, `null * 1000` is 0, a deep copy through JSON turns NaN into null). Python values model
JS values one to one, plus `UNDEFINED` for a property that is absent.
"""

from __future__ import annotations

import math
import re
from typing import Final, TypeAlias, TypeVar, cast

from kubevisor.core.jsjson import dumps


class _Undefined:
    """JavaScript `undefined`: a property that is absent (JSON output omits it)."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = _Undefined()
Undefined: TypeAlias = _Undefined
"""The type of `UNDEFINED`, for signatures that return it."""

_NUMBER_TEXT = re.compile(r"\s*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*\Z")
_LEADING_INT = re.compile(r"\s*([-+]?\d+)")


def truthy(value: object) -> bool:
    """JavaScript truthiness: `[]` and `{}` are truthy, 0, NaN, "" and null are not."""
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, (int, float)):
        return value == value and value != 0
    if isinstance(value, str):
        return value != ""
    return True


def to_number(value: object) -> int | float:
    """JavaScript `Number(value)` as arithmetic operators apply it."""
    if value is UNDEFINED:
        return math.nan
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if value.strip() == "":
            return 0
        if _NUMBER_TEXT.match(value):
            return float(value)
        return math.nan
    return math.nan


def parse_int(text: str) -> int | float:
    """JavaScript `parseInt(text, 10)`: the leading integer, or NaN."""
    match = _LEADING_INT.match(text)
    return int(match.group(1)) if match else math.nan


_Value = TypeVar("_Value")


def clone(value: _Value) -> _Value:
    """`JSON.parse(JSON.stringify(value))`: a deep copy in which NaN and infinities become null."""
    # The copy has the shape of the original (a datafile stays a datafile): say so once here.
    return cast(_Value, _clone(value))


def _clone(value: object) -> object:
    if isinstance(value, dict):
        return {key: _clone(item) for key, item in value.items() if item is not UNDEFINED}
    if isinstance(value, list):
        return [None if item is UNDEFINED else _clone(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_Expression = TypeVar("_Expression")


def stringify_unless_string(value: _Expression, stringify: bool) -> _Expression | str:
    """Segments/conditions as upstream emits them: JSON text unless already a string."""
    if not stringify or isinstance(value, str) or value is UNDEFINED:
        return value
    return dumps(value)


def number(value: int | float) -> int | float:
    """A computed number as JavaScript would print it: integral doubles held as `int`.

    Keeps output free of `50000.0`-style floats (which would also force the slow JSON path).
    """
    if isinstance(value, float) and value.is_integer() and -(2**53) <= value <= 2**53:
        return int(value)
    return value
