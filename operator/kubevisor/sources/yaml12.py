"""YAML 1.2 (core schema) reading, the way upstream's JavaScript `yaml` package parses it.

libyaml does the syntax (fast, C). Scalars are resolved here instead of by PyYAML's YAML 1.1
resolver, because the difference changes output: `on`/`no`/`yes` stay strings, timestamps stay
strings, `012` is decimal, `1_000` is a string, `<<` is a plain key, and duplicate keys are an
error. Numbers become what a JavaScript number prints like: integral values are `int`.
"""

from __future__ import annotations

import math
import re

import yaml

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_key_order, js_number_text
from kubevisor.core.limits import MAX_DOCUMENT_DEPTH
from kubevisor.sources.errors import SourceError
from kubevisor.sources.yaml_nodes import (
    PLAIN,
    STR_TAG,
    BudgetError,
    Composer,
    TagError,
    check_alias_expansion,
    js_number,
    may_have_aliases,
    syntax_error_text,
    tagged_scalar,
    too_deep,
)
from kubevisor.sources.yaml_simple import SimpleYamlReader

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


def _tagged_scalar(node: yaml.Node, path: str) -> JSON:
    try:
        return tagged_scalar(node, resolve_plain)
    except TagError as error:
        raise SourceError(f"{path}: {error}") from None


def _key_text(value: JSON) -> str:
    """How JavaScript turns a scalar mapping key into an object property name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    return str(value)


def _key_identity(value: JSON) -> tuple[str, JSON]:
    """Identity of a key for the duplicate check (`===` on the parsed value, as upstream)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return (type(value).__name__, value)


_ScalarNode = yaml.ScalarNode
_SequenceNode = yaml.SequenceNode
_DIGITS = frozenset("0123456789")


def _construct(node: yaml.Node, path: str, depth: int = 0) -> JSON:
    kind = type(node)
    if kind is _ScalarNode:
        tag = node.tag
        if tag == PLAIN:
            return resolve_plain(node.value)
        if tag == STR_TAG:
            text: str = node.value
            return text
        return _tagged_scalar(node, path)
    depth += 1
    if depth > MAX_DOCUMENT_DEPTH:
        raise too_deep(node)
    if kind is _SequenceNode:
        return [_construct(item, path, depth) for item in node.value]
    result: dict[str, JSON] = {}
    integer_like = False
    for key_node, value_node in node.value:
        if type(key_node) is not _ScalarNode:
            raise SourceError(
                f"{path}: line {key_node.start_mark.line + 1}: "
                "mapping keys must be plain values, not lists or maps"
            )
        quoted = key_node.tag == STR_TAG
        key = key_node.value if quoted else _key_text(_construct(key_node, path))
        if key[:1] in _DIGITS:
            integer_like = True
        result[key] = _construct(value_node, path, depth)
    if len(result) != len(node.value):
        _check_duplicates(node, path)
    return js_key_order(result) if integer_like else result


def _check_duplicates(node: yaml.Node, path: str) -> None:
    """Keys equal as parsed values are an error (upstream compares with `===`); keys that only
    print the same (`1` and `"1"`) are allowed, the later one wins as in JavaScript."""
    seen: set[tuple[str, JSON]] = set()
    for key_node, _ in node.value:
        identity = _key_identity(_construct(key_node, path))
        if identity in seen:
            raise SourceError(
                f"{path}: line {key_node.start_mark.line + 1}: duplicate key "
                f"{key_node.value!r}; remove one of them"
            )
        seen.add(identity)


def _plain_key_text(text: str) -> str:
    return _key_text(resolve_plain(text))


def simple_yaml_reader() -> SimpleYamlReader:
    """A reader of plain block YAML that resolves scalars and keys like this module."""
    return SimpleYamlReader(resolve_plain, _plain_key_text, js_key_order)


_SIMPLE_READER = simple_yaml_reader()


def load_yaml(text: str, path: str) -> JSON:
    """Parse one YAML document as upstream does; errors name the file and line.

    Most definition files are plain block YAML, which the simple reader takes several times
    faster; it leaves anything else (and every error) to the full loader."""
    simple = _SIMPLE_READER.load(text)
    return simple if simple is not None else load_full_yaml(text, path)


def load_full_yaml(text: str, path: str) -> JSON:
    """`load_yaml` through libyaml and PyYAML's nodes, for every YAML construct."""
    loader = Composer(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        raise SourceError(f"{path}: {syntax_error_text(error)}") from None
    finally:
        loader.dispose()
    if node is None:
        return None
    try:
        if may_have_aliases(text):
            check_alias_expansion(node)
        return _construct(node, path)
    except BudgetError as error:
        raise SourceError(f"{path}: {error}") from None
