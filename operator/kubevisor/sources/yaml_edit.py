"""Copying one entry of a YAML block mapping to a sibling key, in the text itself.

`kubevisor promote` must leave everything else of a file as it was (comments, quoting, key
order, blank lines), so it never re-serialises: it copies the source entry's lines, renames
the key on the first line, and puts them in place of the destination entry (or right after
the source entry when the destination is missing). Siblings share an indentation, so the
copied lines need no re-indenting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from kubevisor.sources.yaml_nodes import Composer


class EditError(ValueError):
    """The file cannot be edited in place; the message says why and what to do."""


@dataclass(frozen=True)
class Edit:
    """Replace lines [start, end) with `lines` (an insertion when start == end)."""

    start: int
    end: int
    lines: tuple[str, ...]


def compose_documents(text: str) -> list[yaml.Node]:
    return [node for node in yaml.compose_all(text, Loader=Composer) if node is not None]


def mapping_value(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node, value node) of `key` in a mapping node, or None."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _entries(mapping: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node, int]]:
    """Each (key, value, end line) of a block mapping: an entry runs to the next key."""
    pairs = mapping.value
    for position, (key_node, value_node) in enumerate(pairs):
        if position + 1 < len(pairs):
            end = pairs[position + 1][0].start_mark.line
        elif isinstance(value_node, yaml.CollectionNode) and not value_node.flow_style:
            end = value_node.end_mark.line  # block collections end where the next token starts
        else:
            mark = value_node.end_mark
            end = mark.line + 1 if mark.column > 0 else mark.line
        yield key_node, value_node, end


def copy_entry_edit(lines: list[str], mapping: yaml.Node, source: str, destination: str) -> Edit:
    """The edit that gives `destination` a copy of `source`'s value in a block mapping."""
    if not isinstance(mapping, yaml.MappingNode) or mapping.flow_style:
        line = mapping.start_mark.line + 1
        raise EditError(f"line {line}: write this mapping in block style to promote it")
    found: dict[str, tuple[int, int, yaml.Node]] = {}
    for key_node, _, end in _entries(mapping):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value in (source, destination):
            found[key_node.value] = (key_node.start_mark.line, end, key_node)
    start, end, key_node = found[source]
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after an entry separate it from the next; they stay put
    copied = list(lines[start:end])
    first = copied[0]
    column = key_node.start_mark.column
    key_length = key_node.end_mark.index - key_node.start_mark.index
    copied[0] = first[:column] + destination + first[column + key_length :]
    if not copied[-1].endswith("\n"):
        copied[-1] += "\n"
    if destination in found:
        dest_start, dest_end, _ = found[destination]
        while dest_end > dest_start + 1 and not lines[dest_end - 1].strip():
            dest_end -= 1
        if not lines[dest_end - 1].endswith("\n"):
            copied[-1] = copied[-1][:-1]  # the destination ended the file without a newline
        return Edit(dest_start, dest_end, tuple(copied))
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
        copied[-1] = copied[-1][:-1]
    return Edit(end, end, tuple(copied))


def apply_edits(lines: list[str], edits: list[Edit]) -> str:
    """The text after all edits (they must not overlap), applied bottom-up."""
    result = list(lines)
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        result[edit.start : edit.end] = edit.lines
    return "".join(result)
