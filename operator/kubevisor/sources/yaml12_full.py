"""YAML 1.2 through libyaml and PyYAML's nodes: every construct, and every error message.

The fallback of `yaml12.load_yaml` for what its simple reader does not take; kept apart so that
reading a project of plain files never imports PyYAML. Scalars resolve by `yaml12`'s rules.
"""

from __future__ import annotations

import yaml

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_key_order
from kubevisor.core.limits import MAX_DOCUMENT_DEPTH
from kubevisor.sources.errors import SourceError
from kubevisor.sources.yaml12_scalars import key_text, resolve_plain
from kubevisor.sources.yaml_nodes import (
    PLAIN,
    STR_TAG,
    BudgetError,
    Composer,
    TagError,
    check_alias_expansion,
    may_have_aliases,
    syntax_error_text,
    tagged_scalar,
    too_deep,
)


def _tagged_scalar(node: yaml.Node, path: str) -> JSON:
    try:
        return tagged_scalar(node, resolve_plain)
    except TagError as error:
        raise SourceError(f"{path}: {error}") from None


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
        key = key_node.value if quoted else key_text(_construct(key_node, path))
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
