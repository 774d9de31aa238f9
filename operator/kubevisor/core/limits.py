"""Bounds on the size and nesting of definitions: one constant per limit, for every gate.

The author of a definition may be a hostile tenant. Everything that walks a definition (lint,
build, evaluation, YAML and JSON readers) recurses over nested lists and maps, so one object
nested a thousand levels deep would crash the process for every namespace on every restart.
The CRD admission policies (`kubevisor.crds`), the file loaders (`kubevisor.sources`) and the
linter all refuse the same things, with these numbers, so whichever way a definition arrives it
is stopped before anything recursive sees it.

Nesting depth counts containers: every list and every map is one level, so
`{and: [{attribute: a, operator: in, value: [x]}]}` is four levels deep. The limits sit far
above anything written by hand (the conformance projects nest conditions five levels deep at
most) and far below what hurts (Python's recursion limit is about a thousand frames).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from kubevisor.core.definitions import JSON, JSONObject

MAX_CONDITION_DEPTH: Final = 32
"""Levels of lists and maps in one `conditions` or `segments` value."""

MAX_DEFINITION_DEPTH: Final = 64
"""Levels of lists and maps in one whole definition (variable values included)."""

MAX_DOCUMENT_DEPTH: Final = 100
"""Levels of lists and maps in one file or YAML document: a definition plus a manifest's
envelope (a `List`, its `items`, `spec`) with room to spare; the readers refuse more."""

MAX_STRING_LENGTH: Final = 1024
"""Characters of a string field with no limit of its own (descriptions, names, values)."""

MAX_LIST_ITEMS: Final = 1000
"""Items of a list with no limit of its own (rules, force entries, conditions, tags...)."""

MAX_MAP_ENTRIES: Final = 1000
"""Entries of a map with no limit of its own (environments, variables...)."""

MAX_FILE_BYTES: Final = 16 * 1024 * 1024
"""Bytes of one definition or manifest file a loader reads."""

MAX_YAML_NODES: Final = 1_000_000
"""Values following its aliases may add to one YAML document (alias bombs)."""

CONDITION_FIELDS: Final = frozenset(("conditions", "segments"))
"""Fields holding condition or segment expressions, wherever they sit in a definition."""


@dataclass(frozen=True)
class LimitExceeded:
    """Where a definition goes past a limit, and what to do about it."""

    path: tuple[str | int, ...]
    message: str
    hint: str


def nesting_problems(definition: object) -> Iterator[LimitExceeded]:
    """Where `definition` nests deeper than the limits allow (at most one finding per limit).

    Walks with an explicit stack, never recursion, so it is safe on any depth; it stops at the
    first container past the whole-definition limit, so its cost is bounded by the object.
    """
    if _within_limits(definition):
        return  # the common case, checked without building field paths
    condition_found = False
    # (value, path, depth of value, depth at which the enclosing condition field starts)
    stack: list[tuple[object, tuple[str | int, ...], int, int]] = [(definition, (), 0, -1)]
    while stack:
        value, path, depth, condition_start = stack.pop()
        if isinstance(value, dict):
            items: Iterable[tuple[str | int, object]] = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        depth += 1
        if depth > MAX_DEFINITION_DEPTH:
            yield LimitExceeded(
                path[:1],
                f"nests deeper than {MAX_DEFINITION_DEPTH} levels of lists and maps",
                "flatten the value: no definition needs that much nesting",
            )
            return
        if condition_start >= 0 and depth - condition_start > MAX_CONDITION_DEPTH:
            if not condition_found:
                condition_found = True
                field = _condition_field(path)
                yield LimitExceeded(
                    field,
                    f"conditions nest deeper than {MAX_CONDITION_DEPTH} levels of lists and maps",
                    "flatten the and/or/not groups or move parts into segments",
                )
            continue
        for key, child in items:
            start = condition_start
            if start < 0 and key in CONDITION_FIELDS and isinstance(value, dict):
                start = depth
            stack.append((child, (*path, key), depth, start))


def _within_limits(definition: object) -> bool:
    """The same limits as `nesting_problems`, as a yes/no: only containers are visited."""
    if not isinstance(definition, (dict, list)):
        return True
    # (container, its depth, depth of the map holding the enclosing condition field or -1)
    stack: list[tuple[JSONObject | list[JSON], int, int]] = [(definition, 1, -1)]
    while stack:
        value, depth, start = stack.pop()
        if depth > MAX_DEFINITION_DEPTH or (start >= 0 and depth - start > MAX_CONDITION_DEPTH):
            return False
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(child, (dict, list)):
                    inner = depth if start < 0 and key in CONDITION_FIELDS else start
                    stack.append((child, depth + 1, inner))
        else:
            stack.extend(
                (child, depth + 1, start) for child in value if isinstance(child, (dict, list))
            )
    return True


def _condition_field(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The path up to the outermost `conditions`/`segments` field inside `path`."""
    for index, part in enumerate(path):
        if part in CONDITION_FIELDS:
            return path[: index + 1]
    return path
