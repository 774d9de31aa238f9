"""What both YAML dialects share: composing nodes with libyaml, explicit tags, syntax errors.

`yaml12` (what Featurevisor reads) and `kubectl_yaml` (what kubectl sends) differ only in how
they resolve plain scalars and keys; each keeps those rules to itself and uses this machinery.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import yaml

from kubevisor.core.definitions import JSON

PLAIN = "!plain"
"""Tag the composer gives untagged plain scalars, so explicit `!!str 12` keeps its tag."""

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"

_MAX_SAFE_INT = 2**53
_TAG_TYPES: dict[str, tuple[type, ...]] = {
    INT_TAG: (int,),
    FLOAT_TAG: (int, float),
    BOOL_TAG: (bool,),
}


class Composer(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Composes nodes only (libyaml when available); untagged plain scalars get `PLAIN`."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return PLAIN if implicit[0] else STR_TAG
        if kind is yaml.SequenceNode:
            return SEQ_TAG
        return MAP_TAG


class TagError(ValueError):
    """An explicitly tagged scalar that cannot be read; the message names the line."""


def js_number(value: int | float) -> int | float:
    """A number as JavaScript holds it: integral doubles become `int`, big ints become doubles."""
    if isinstance(value, int):
        return value if -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT else js_number(float(value))
    if math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def node_line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}"


def tagged_scalar(node: yaml.Node, resolve_plain: Callable[[str], JSON]) -> JSON:
    """An explicitly tagged scalar (`!!str`, `!!int`, ...), resolved by the dialect's rules;
    raises `TagError` for an unknown tag or a value the tag does not fit."""
    tag = node.tag
    if tag == STR_TAG:
        return node.value
    if tag == NULL_TAG:
        return None
    value = resolve_plain(node.value)
    expected = _TAG_TYPES.get(tag)
    if expected is None:
        raise TagError(f"{node_line(node)}: unsupported YAML tag {tag}")
    if isinstance(value, bool) != (tag == BOOL_TAG) or not isinstance(value, expected):
        raise TagError(f"{node_line(node)}: {node.value!r} is not a valid {tag}")
    return value


def syntax_error_text(error: yaml.YAMLError) -> str:
    """Where and what a YAML syntax error is: `line L, column C: problem`."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = error.problem or error.context or "invalid YAML"
        return f"{where}: {problem}"
    return f"invalid YAML: {error}"
