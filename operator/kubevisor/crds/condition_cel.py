"""CEL that checks Featurevisor condition trees (docs/featurevisor.md §3.1) and segment expressions
(§3.6) to a bounded depth, and CEL that bounds how deep any value nests (`depth_at_most`).

CEL has no recursion, so the check is unrolled: each level accepts `"*"`/a string, a list of
conditions, a plain condition `{attribute, operator, value?, regexFlags?}`, or `{and|or|not:
[...]}`. Below MAX_DEPTH levels anything is accepted (the operator's lint still reports it);
real condition trees rarely nest deeper than two or three.
"""

from __future__ import annotations

from kubevisor.core.lint.conditions import (
    DATES,
    EQUALITY,
    INCLUSION,
    MEMBERSHIP,
    NUMERIC,
    PRESENCE,
    REGEX_OPERATORS,
    SEMVER,
    SUBSTRING,
)

# The linter's operator families; the CRD lists the regex operators after the semver ones, and
# the generated CEL (and so the CRD bytes) depends on that order.
OPERATORS = (
    *EQUALITY,
    *DATES,
    *MEMBERSHIP,
    *SUBSTRING,
    *SEMVER,
    *REGEX_OPERATORS,
    *NUMERIC,
    *PRESENCE,
    *INCLUSION,
)
MAX_DEPTH = 3
OPERATOR_LIST = "[" + ", ".join(f"'{name}'" for name in OPERATORS) + "]"


def plain_condition_ok(node: str) -> str:
    return (
        f"(type({node}.attribute) == string && has({node}.operator) && "
        f"{node}.operator in {OPERATOR_LIST} && (!has({node}.regexFlags) || "
        f"(type({node}.regexFlags) == string && {node}.regexFlags.matches('^[gimsuy]*$'))))"
    )


def conditions_ok(node: str, depth: int = MAX_DEPTH) -> str:
    """CEL that is true when `node` is a well-formed condition expression."""
    return _tree_ok(node, depth, plain=True)


def segments_ok(node: str, depth: int = MAX_DEPTH) -> str:
    """CEL that is true when `node` is a well-formed segment expression (docs/featurevisor.md
    §3.6)."""
    return _tree_ok(node, depth, plain=False)


def _tree_ok(node: str, depth: int, *, plain: bool) -> str:
    """Strings are leaves, lists mean AND, maps are and/or/not groups (or plain conditions)."""
    if depth == 0:
        return "true"
    item, key = f"c{depth}", f"k{depth}"
    inner = _tree_ok(item, depth - 1, plain=plain)
    groups = (
        f"['and', 'or', 'not'].exists({key}, {key} in {node}) && "
        f"['and', 'or', 'not'].all({key}, !({key} in {node}) || "
        f"(type({node}[{key}]) == list && {node}[{key}].all({item}, {inner})))"
    )
    as_map = (
        f"(has({node}.attribute) ? {plain_condition_ok(node)} : ({groups}))" if plain else groups
    )
    return (
        f"(type({node}) == string || (type({node}) == list && {node}.all({item}, {inner})) || "
        f"(type({node}) == map && {as_map}))"
    )


def depth_at_most(node: str, levels: int, prefix: str = "n") -> str:
    """CEL that is true when `node` nests at most `levels` lists and maps deep.

    Depth counts containers as `kubevisor.core.limits` does. CEL cannot recurse, so the check is
    unrolled once per level; each level names the children of a list (its items) and of a map
    (its values) alike, so the expression grows linearly with `levels`, not exponentially.
    """
    if levels == 0:
        return f"(type({node}) != list && type({node}) != map)"
    item, key = f"{prefix}{levels}", f"{prefix}k{levels}"
    children = (
        f"(type({node}) == list ? {node} : type({node}) == map ? "
        f"{node}.map({key}, {node}[{key}]) : [])"
    )
    return f"{children}.all({item}, {depth_at_most(item, levels - 1, prefix)})"
