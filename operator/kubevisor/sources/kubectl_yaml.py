"""YAML as kubectl reads it: YAML 1.1 scalars (go-yaml v2), then converted to JSON.

Manifests reach the cluster through kubectl (or Argo CD / Flux, which use the same libraries):
go-yaml v2 resolves plain scalars with YAML 1.1 rules and the result is converted to JSON before
the API server sees it. An offline build must read a manifest the same way, or it would build
something else than the operator. The differences from YAML 1.2 (what Featurevisor reads) and
from PyYAML's own YAML 1.1 resolver:

* `y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE` are true, `n/N/no/No/NO/off/Off/OFF/false/...`
  false (PyYAML does not know `y`/`n`);
* integers as Go's `ParseInt(s, 0, 64)` reads them after removing `_`: `012` is octal 10,
  `0x1F`, `0o17`, `0b101`; too large for 64 bits becomes a float;
* floats need only digits with a `.` or an exponent (`1e3` is 1000; PyYAML keeps it a string);
  `.inf`/`.nan` forms; no sexagesimal `1:20` (PyYAML reads 80);
* timestamps stay strings (go-yaml keeps them strings when the target is a JSON value);
* `<<` merges mappings; duplicate keys are rejected (Featurevisor rejects them too);
* non-string mapping keys become strings as the JSON conversion writes them.

Numbers are then held as the JSON round trip through the API server leaves them: an integral
float is an `int`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_number_text
from kubevisor.core.limits import MAX_DOCUMENT_DEPTH
from kubevisor.sources.yaml_nodes import (
    PLAIN,
    BudgetError,
    Composer,
    TagError,
    check_alias_expansion,
    js_number,
    may_have_aliases,
    node_line,
    syntax_error_text,
    tagged_scalar,
    too_deep,
)

_MERGE_KEY = "<<"

_BOOLEANS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
}
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# Go's ParseInt with base 0, after go-yaml removed every `_`.
_GO_INTEGERS = (
    (re.compile(r"([-+]?)0[xX]([0-9a-fA-F]+)\Z"), 16),
    (re.compile(r"([-+]?)0[bB]([01]+)\Z"), 2),
    (re.compile(r"([-+]?)0[oO]([0-7]+)\Z"), 8),
    (re.compile(r"([-+]?)0([0-7]+)\Z"), 8),
    (re.compile(r"([-+]?)(0|[1-9][0-9]*)\Z"), 10),
)
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INT64 = (-(2**63), 2**63 - 1)
_UINT64_MAX = 2**64 - 1
_NUMBER_START = frozenset("0123456789+-.")


class KubectlYAMLError(ValueError):
    """A document kubectl would reject; the message names the line."""


def _go_integer(text: str) -> int | None:
    for pattern, base in _GO_INTEGERS:
        match = pattern.match(text)
        if match:
            magnitude = int(match.group(2), base)
            value = -magnitude if match.group(1) == "-" else magnitude
            if _INT64[0] <= value <= _INT64[1]:
                return value
            # ParseUint accepts no sign at all
            if not match.group(1) and value <= _UINT64_MAX:
                return value
            return None
    return None


def _go_float(text: str) -> float | None:
    value = float(text)
    # Go's ParseFloat reports out-of-range values as errors, so go-yaml keeps the string
    return value if math.isfinite(value) else None


def resolve_plain(text: str) -> JSON:
    """The value go-yaml v2 gives an untagged plain scalar, as JSON holds it."""
    if text in _NULLS:
        return None
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    if text[0] not in _NUMBER_START:
        return text
    if text[0] == ".":
        # go-yaml hands a leading `.` straight to ParseFloat
        if _YAML_STYLE_FLOAT.match(text):
            number = _go_float(text)
            return text if number is None else js_number(number)
        return text
    plain = text.replace("_", "")
    integer = _go_integer(plain)
    if integer is not None:
        return js_number(integer)
    if _YAML_STYLE_FLOAT.match(plain):
        number = _go_float(plain)
        if number is not None:
            return js_number(number)
    return text


def _key_text(value: JSON) -> str:
    """How the YAML-to-JSON conversion spells a non-string mapping key."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    return str(value)


def _tagged_scalar(node: yaml.Node) -> JSON:
    try:
        return tagged_scalar(node, resolve_plain)
    except TagError as error:
        raise KubectlYAMLError(str(error)) from None


def _merged(value_node: yaml.Node, depth: int) -> dict[str, JSON]:
    """What a `<<` merge brings in: a mapping, or a list of mappings where earlier ones win."""
    sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
    merged: dict[str, JSON] = {}
    for source in sources:
        value = _construct(source, depth)
        if not isinstance(value, dict):
            raise KubectlYAMLError(f"{node_line(source)}: `<<` must merge a mapping")
        for key, item in value.items():
            merged.setdefault(key, item)
    return merged


def _construct(node: yaml.Node, depth: int = 0) -> JSON:
    if isinstance(node, yaml.ScalarNode):
        return resolve_plain(node.value) if node.tag == PLAIN else _tagged_scalar(node)
    depth += 1
    if depth > MAX_DOCUMENT_DEPTH:
        raise too_deep(node)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, depth) for item in node.value]
    merged: dict[str, JSON] = {}
    explicit: dict[str, JSON] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise KubectlYAMLError(f"{node_line(key_node)}: mapping keys must be plain values")
        if key_node.tag == PLAIN and key_node.value == _MERGE_KEY:
            for key, item in _merged(value_node, depth).items():
                merged.setdefault(key, item)
            continue
        key = _key_text(_construct(key_node))
        if key in explicit:
            raise KubectlYAMLError(
                f"{node_line(key_node)}: duplicate key {key!r}; remove one of them"
            )
        explicit[key] = _construct(value_node, depth)
    return {**merged, **explicit} if merged else explicit


@dataclass(frozen=True)
class Document:
    """One YAML document of a file: its position, its value, or why it could not be read."""

    index: int
    """0-based position in the file."""
    value: JSON = None
    error: str = ""
    kind: str = ""
    """The document's `kind` as written, known even when the document itself is broken."""
    name: str = ""
    """The document's `metadata.name` as written, when it can be seen."""


def _peek(node: yaml.Node, *path: str) -> str:
    """A plain scalar at `path` in a composed mapping, without constructing the document."""
    current = node
    for step in path:
        if not isinstance(current, yaml.MappingNode):
            return ""
        found = [value for key, value in current.value if getattr(key, "value", None) == step]
        if not found:
            return ""
        current = found[0]
    return current.value if isinstance(current, yaml.ScalarNode) else ""


def iter_documents(text: str) -> Iterator[Document]:
    """Every document of a multi-document YAML text.

    A document that composes but cannot be converted (bad tag, duplicate key) is yielded with
    `error`; a syntax error ends the stream with `KubectlYAMLError`, as kubectl rejects the file.
    """
    loader = Composer(text)
    aliases = may_have_aliases(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            try:
                if aliases:
                    check_alias_expansion(node)
                yield Document(index=index, value=_construct(node))
            except (KubectlYAMLError, BudgetError) as error:
                yield Document(
                    index=index,
                    error=str(error),
                    kind=_peek(node, "kind"),
                    name=_peek(node, "metadata", "name"),
                )
            index += 1
    except yaml.YAMLError as error:
        raise KubectlYAMLError(f"document {index + 1}: {syntax_error_text(error)}") from None
    finally:
        loader.dispose()
