"""YAML 1.2 core-schema scalars, resolved the way upstream's JavaScript `yaml` package does.

Shared by both YAML readers (`yaml12` with its plain-block fast path, and `yaml12_full` on
libyaml), so the two can never disagree on a value: `on`/`no`/`yes` stay strings, `012` is
decimal, `1_000` is a string, and numbers become what a JavaScript number prints like.
"""

from __future__ import annotations

import math
import re

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_number, js_number_text

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"([-+]?)\.(?:inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(?:nan|NaN|NAN)\Z")
_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> JSON:
    """The YAML 1.2 core-schema value of an untagged plain scalar."""
    if text in _NULLS:
        return None
    if not text or text[0] not in _NUMBER_START:
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if _INT_RE.match(text):
        return js_number(int(text))
    if _OCT_RE.match(text):
        return js_number(int(text[2:], 8))
    if _HEX_RE.match(text):
        return js_number(int(text[2:], 16))
    if _FLOAT_RE.match(text):
        return js_number(float(text))
    inf = _INF_RE.match(text)
    if inf:
        return -math.inf if inf.group(1) == "-" else math.inf
    if _NAN_RE.match(text):
        return math.nan
    return text


def key_text(value: JSON) -> str:
    """How JavaScript turns a scalar mapping key into an object property name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    return str(value)
