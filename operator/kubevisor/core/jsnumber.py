"""JavaScript `Number.prototype.toString()` for Python numbers (ECMAScript Number::toString)."""

from __future__ import annotations

import math

_EXPONENT_LIMIT = 21


def format_number(value: float) -> str:
    """The text JavaScript gives a number: `1.5`, `100`, `1e-7`, `1e+21`, `NaN`, `-Infinity`.

    Python ints below 10**21 print exactly (a JavaScript double would have rounded very large
    ones first); from 10**21 on they are formatted as the double they become in JavaScript.
    """
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, int):
        if abs(value) < 10**_EXPONENT_LIMIT:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    return sign + _place_point(digits, point)


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-tripping digits (no leading/trailing zeros) and the decimal point position
    `n` such that value = 0.digits * 10**n (ECMAScript's k digits and n)."""
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    leading_zeros = len(whole + fraction) - len(digits)
    point = len(whole) - leading_zeros + (int(exponent) if exponent else 0)
    return digits.rstrip("0") or "0", point


def _place_point(digits: str, point: int) -> str:
    count = len(digits)
    if count <= point <= _EXPONENT_LIMIT:
        return digits + "0" * (point - count)
    if 0 < point <= _EXPONENT_LIMIT:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    exponent_text = f"e+{exponent}" if exponent >= 0 else f"e{exponent}"
    if count == 1:
        return digits + exponent_text
    return digits[0] + "." + digits[1:] + exponent_text
