"""Exact ECMAScript `JSON.stringify` text, and the few JavaScript value rules around it.

Upstream output is what Node prints, so three things differ from Python's `json`: numbers use
ECMAScript Number::toString (`50` not `50.0`, `1e-7` not `1e-07`), integer-like object keys come
first in ascending order (JavaScript property order), and NaN/Infinity print as `null`.

The fast path lets the C encoder of `json` do the work and only falls back to the exact writer
below when its text contains anything where the two may differ (checked with one regex).
"""

from __future__ import annotations

import json
import math
import re
from json.encoder import encode_basestring as _encode_string
from typing import Any, NoReturn, TypeVar

from kubevisor.core.definitions import JSON
from kubevisor.core.jsnumber import format_number

_Item = TypeVar("_Item")

_MAX_ARRAY_INDEX = 4294967294
_MAX_SAFE_INT = 2**53

# What the C encoder of `json` may print differently from JavaScript. Each check is cheap and may
# fire on text inside strings too; that only costs a trip through the exact writer.
_INTEGER_KEY = re.compile(r'"(?:0|[1-9][0-9]*)":')  # JavaScript orders these keys first
_INTEGRAL_FLOAT = re.compile(r"[0-9]\.0(?:[,\]}\n]|\Z)")  # Python writes 50.0, JavaScript 50
_EXPONENT = re.compile(r"[0-9]e[-+]")  # thresholds and digits of exponent forms differ
_LONG_INTEGER = re.compile(r"[0-9]{16}")  # beyond 2**53 JavaScript prints the nearest double
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # JavaScript escapes lone surrogates


def _not_json(value: Any) -> Any:
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _compact_encoder() -> Any:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"))` as one C encoder made once:
    `JSONEncoder.encode` makes a new one per call and tracks every container for cycles
    (definitions are trees: a cycle fails the same way, as a RecursionError). A build calls it
    thousands of times, mostly on small values."""
    make_encoder = getattr(json.encoder, "c_make_encoder", None)  # not in the type stubs
    if make_encoder is None:  # an interpreter without the C accelerator
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        return lambda value, _level: [encode(value)]
    return make_encoder(None, _not_json, _encode_string, None, ":", ",", False, False, True)


_COMPACT_ENCODER = _compact_encoder()


def _may_differ(text: str) -> bool:
    return bool(
        "NaN" in text
        or "Infinity" in text
        or (("e-" in text or "e+" in text) and _EXPONENT.search(text))
        or (".0" in text and _INTEGRAL_FLOAT.search(text))
        or _INTEGER_KEY.search(text)
        or _LONG_INTEGER.search(text)
        or (not text.isascii() and _SURROGATE.search(text))
    )


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')


def is_array_index(key: str) -> bool:
    """True for keys JavaScript treats as array indices (canonical integers 0 .. 2**32-2)."""
    if not key or not key.isascii() or not key.isdigit():
        return False
    return (key == "0" or key[0] != "0") and int(key) <= _MAX_ARRAY_INDEX


def js_key_order(obj: dict[str, _Item]) -> dict[str, _Item]:
    """The same mapping in JavaScript property order (integer-like keys first, ascending)."""
    index_keys = [key for key in obj if key[:1].isdigit() and is_array_index(key)]
    if not index_keys:
        return obj
    ordered = {key: obj[key] for key in sorted(index_keys, key=int)}
    for key, value in obj.items():
        if key not in ordered:
            ordered[key] = value
    return ordered


def js_number_text(value: int | float) -> str:
    """ECMAScript Number::toString; ints beyond 2**53 print as the double JavaScript holds."""
    if isinstance(value, int) and not -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT:
        value = float(value)
    return format_number(value)


def js_string(value: object) -> str:
    """JavaScript `String(value)` for JSON-like values."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join("" if item is None else js_string(item) for item in value)
    return "[object Object]"


def _quote(text: str) -> str:
    if text.isascii():
        return _encode_string(text)
    return _quote_unicode(text)


def _quote_unicode(text: str) -> str:
    if not _SURROGATE.search(text):
        return _encode_string(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _ESCAPES.get(char) or f"\\u{ord(char):04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def _compact(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is dict:
        return (
            "{"
            + ",".join(
                [_quote(key) + ":" + _compact(item) for key, item in js_key_order(value).items()]
            )
            + "}"
        )
    if kind is list or kind is tuple:
        return "[" + ",".join([_compact(item) for item in value]) + "]"
    return _scalar(value)


def _pretty(value: Any, pad: str) -> str:
    parts: list[str] = []
    _write_pretty(value, pad, parts)
    return "".join(parts)


def _write_pretty(value: Any, pad: str, out: list[str]) -> None:
    """Append the pretty text of `value` to `out`. One list joined once, and the common leaves
    (strings, safe integers, plain decimals) written without a call each: a pretty state file
    is mostly those, and a call and a joined string per value were most of its cost."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        out.append("{\n" + inner)
        separator = ""
        for key, item in _js_items(value):
            out.append(separator + _member_key(key))
            separator = ",\n" + inner
            _write_pretty_item(item, inner, out)
        out.append("\n" + pad + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        out.append("[\n" + inner)
        separator = ""
        for item in value:
            if separator:
                out.append(separator)
            separator = ",\n" + inner
            _write_pretty_item(item, inner, out)
        out.append("\n" + pad + "]")
    else:
        out.append(_quote(value) if kind is str else _scalar(value))


def _write_pretty_item(value: Any, pad: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_quote(value))
    elif kind is int and -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT:
        out.append(int.__repr__(value))
    elif kind is float and _is_plain_decimal(text := float.__repr__(value)):
        out.append(text)
    else:
        _write_pretty(value, pad, out)


def _is_plain_decimal(text: str) -> bool:
    """Python's repr of a float is JavaScript's text too unless it has an exponent, is
    integral (`50.0`) or is not finite (`inf`, `nan`)."""
    return "e" not in text and "n" not in text and not text.endswith(".0")


_CACHE_LIMIT = 10_000
_PLAIN_KEYS: set[str] = set()
"""Keys seen that are no array index: a mapping with only these keeps its order as it is."""
_MEMBER_KEYS: dict[str, str] = {}
"""`"key": ` texts of keys seen (a pretty file repeats a few keys very often)."""


def _js_items(obj: dict[str, Any]) -> Any:
    """`js_key_order(obj).items()`, skipping the reordering for mappings of known keys."""
    if _PLAIN_KEYS.issuperset(obj):
        return obj.items()
    if len(_PLAIN_KEYS) > _CACHE_LIMIT:
        _PLAIN_KEYS.clear()
    _PLAIN_KEYS.update(key for key in obj if not is_array_index(key))
    return js_key_order(obj).items()


def _member_key(key: str) -> str:
    text = _MEMBER_KEYS.get(key)
    if text is None:
        if len(_MEMBER_KEYS) > _CACHE_LIMIT:
            _MEMBER_KEYS.clear()
        text = _MEMBER_KEYS[key] = _quote(key) + ": "
    return text


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        if type(value) is int and -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT:
            return int.__repr__(value)
        return js_number_text(value) if math.isfinite(value) else "null"
    if isinstance(value, str):  # a str subclass
        return _quote(str(value))
    if isinstance(value, dict):
        return _compact(dict(value))
    if isinstance(value, (list, tuple)):
        return _compact(list(value))
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def dumps_exact(value: object, pretty: bool = False) -> str:
    """The exact writer (no fast path); `dumps` uses it when the fast path may differ."""
    return _pretty(value, "") if pretty else _compact(value)


def dumps(value: object, pretty: bool = False) -> str:
    """`JSON.stringify(value)` (compact) or `JSON.stringify(value, null, 2)` (pretty)."""
    if pretty:
        # Python's own indenting encoder is pure Python and slower than the exact writer.
        return _pretty(value, "")
    if type(value) is list and all(type(item) is str for item in value):
        return "[" + ",".join([_quote(item) for item in value]) + "]"  # segment lists: common
    try:
        text = "".join(_COMPACT_ENCODER(value, 0))
    except (TypeError, ValueError):
        return dumps_exact(value, pretty)
    if _may_differ(text):
        return dumps_exact(value, pretty)
    return text


def dumps_string(text: str) -> str:
    """`JSON.stringify` of one string."""
    return _quote(text)


def loads(text: str) -> JSON:
    """`JSON.parse`: objects in JavaScript property order, numbers as JavaScript holds them."""
    value: JSON = json.loads(
        text,
        object_hook=js_key_order,
        parse_int=_parse_int,
        parse_float=_parse_float,
        parse_constant=_reject_constant,
    )
    return value


def js_number(value: int | float) -> int | float:
    """A number as JavaScript holds it: integral doubles become `int`, big ints become doubles."""
    if isinstance(value, int):
        return value if -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT else js_number(float(value))
    if math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _parse_int(text: str) -> int | float:
    number = int(text)
    return number if -_MAX_SAFE_INT <= number <= _MAX_SAFE_INT else float(text)


def _parse_float(text: str) -> int | float:
    number = float(text)
    if math.isfinite(number) and number.is_integer() and abs(number) <= _MAX_SAFE_INT:
        return int(number)
    return number


def _reject_constant(text: str) -> NoReturn:
    raise ValueError(f"{text} is not valid JSON")
