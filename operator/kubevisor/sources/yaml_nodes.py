"""What both YAML dialects share: composing nodes with libyaml, explicit tags, syntax errors.

`yaml12` (what Featurevisor reads) and `kubectl_yaml` (what kubectl sends) differ only in how
they resolve plain scalars and keys; each keeps those rules to itself and uses this machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_number as js_number  # re-exported for the dialects
from kubevisor.core.limits import MAX_DOCUMENT_DEPTH, MAX_YAML_NODES

PLAIN = "!plain"
"""Tag the composer gives untagged plain scalars, so explicit `!!str 12` keeps its tag."""

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"

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


class BudgetError(ValueError):
    """A document too deep or too big once aliases are followed; the message says which."""


def too_deep(node: yaml.Node) -> BudgetError:
    """The error for a list or map nested past `MAX_DOCUMENT_DEPTH` (raised by constructors)."""
    return BudgetError(
        f"{node_line(node)}: lists and maps nest deeper than {MAX_DOCUMENT_DEPTH} levels; "
        "flatten the document"
    )


def may_have_aliases(text: str) -> bool:
    """False when the text has no anchor, so no alias can expand (the cheap common case)."""
    return "&" in text


def check_alias_expansion(root: yaml.Node) -> None:
    """Raise `BudgetError` when following aliases would add more than `MAX_YAML_NODES` values
    to those written, or loop forever (an alias inside its own anchor): "billion laughs".

    Counts without constructing anything: each composed node once, iteratively, with the
    expanded size of shared (aliased) nodes memoised.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        ident = id(node)
        if isinstance(node, yaml.ScalarNode) or (ident in sizes and not children_done):
            sizes.setdefault(ident, 1)
            continue
        children = _children(node)
        if not children_done:
            if ident in open_nodes:
                raise BudgetError(f"{node_line(node)}: a YAML alias refers to itself")
            open_nodes.add(ident)
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        open_nodes.discard(ident)
        sizes[ident] = 1 + sum(sizes[id(child)] for child in children)
        # What aliases add is the expanded size beyond the nodes written: a big file with one
        # anchor is fine, ten nested tenfold aliases are not.
        if sizes[ident] - len(sizes) > MAX_YAML_NODES:
            raise BudgetError(
                f"{node_line(node)}: YAML aliases expand to more than {MAX_YAML_NODES:,} values "
                "(an alias bomb?); write the values out or use fewer aliases"
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [part for pair in node.value for part in pair]


def node_line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}"


def tagged_scalar(node: yaml.Node, resolve_plain: Callable[[str], JSON]) -> JSON:
    """An explicitly tagged scalar (`!!str`, `!!int`, ...), resolved by the dialect's rules;
    raises `TagError` for an unknown tag or a value the tag does not fit."""
    tag = node.tag
    if tag == STR_TAG:
        text: str = node.value
        return text
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
