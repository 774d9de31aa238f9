"""A fast reader for the plain subset of YAML that most definition files are written in.

Composing nodes through PyYAML costs far more than libyaml's own parsing (a Python object, a
resolver call and marks per node), and it was most of `kubevisor build`'s time. Most files use
only block mappings and sequences, one scalar per line, so this reader handles exactly that:

    key: plain scalar          - plain scalar          key:
    key: "double quoted"       - key: value              nested: block
    key: 'single quoted'       -                       # full-line comments, blank lines

and gives up (returns None) on anything else: flow collections, block scalars, anchors,
tags, escapes, inline comments, multi-line scalars, documents, tabs, duplicate keys, keys that
are not identifiers. The caller then uses the full loader, so every value this reader returns
is the value the full loader returns for the same text (tests compare the two), and every
error message still comes from the full loader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from kubevisor.core.definitions import JSON


class _NotSimple(Exception):
    """The text uses something this reader leaves to the full loader."""


_MAX_DEPTH = 64
"""Deeper nesting goes to the full loader, which owns the depth budget and its message."""

# What libyaml rejects in a stream (control characters, surrogates, U+FFFE/U+FFFF) or treats as
# special (tabs, CR, NEL, LS, PS, BOM): text with any of it is left to the full loader. (Listing
# these few ranges compiles far faster than listing the allowed ones.)
_UNUSUAL_CHARACTER = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_KEY = re.compile(r'(?:([A-Za-z_][A-Za-z0-9_./-]*)|"([^"\\]*)")(?::$|: +)')
_DOUBLE_QUOTED = re.compile(
    r'"([^"\\]*(?:\\(?:["\\bfnrt]|u(?![dD][89abAB])[0-9a-fA-F]{4})[^"\\]*)*)"\Z'
)
"""A double-quoted scalar whose escapes mean the same in JSON, so `json` can decode them
(surrogate escapes, which JSON pairs up and YAML does not, are left to the full loader)."""
_SINGLE_QUOTED = re.compile(r"'([^']*)'\Z")
_PLAIN_FIRST_EXCLUDED = frozenset("?:,[]{}#&*!|>'\"%@`")
_DIGITS = frozenset("0123456789")

_ENTRY, _KEY_SCALAR, _KEY_ONLY, _SCALAR = range(4)
"""What a line holds: an entry marker `-`, `key: scalar`, `key:` (a block follows), a scalar."""

_Line = tuple[int, int, str, JSON]
"""A significant line: its indentation, kind, key (or "") and scalar value (or None). `- `
entry markers are lines of their own, so `- key: value` is an entry line followed by the line
`key: value` (indented to where `key` starts), which opens the entry's mapping."""

_END: _Line = (-1, _ENTRY, "", None)
"""The sentinel after the last line, indented less than any, so no loop runs past the end."""

_MEMO_LIMIT = 100_000
"""Lines seen before are not parsed again (most lines repeat across definition files)."""


class SimpleYamlReader:
    """Reads the subset for one YAML dialect (how it resolves plain scalars and keys)."""

    def __init__(
        self,
        resolve_plain: Callable[[str], JSON],
        key_text: Callable[[str], str],
        key_order: Callable[[dict[str, JSON]], dict[str, JSON]],
    ) -> None:
        """`resolve_plain` gives a plain scalar's value, `key_text` a plain key's property
        name, `key_order` the property order of a mapping with integer-like keys."""
        self.resolve_plain = resolve_plain
        self.key_text = key_text
        self.key_order = key_order
        self._memo: dict[str, tuple[_Line, ...]] = {}

    def load(self, text: str) -> dict[str, JSON] | None:
        """The document in `text` if it is a mapping in the subset, else None."""
        if _UNUSUAL_CHARACTER.search(text):
            return None
        if len(self._memo) > _MEMO_LIMIT:
            self._memo.clear()
        try:
            lines = self._significant_lines(text)
            if len(lines) == 1:
                return None  # nothing but `_END`: an empty document
            document = _Document(lines, self.key_order)
            value = document.block(lines[0][0], 0)
        except _NotSimple:
            return None
        if document.position != len(lines) - 1 or not isinstance(value, dict):
            return None  # trailing content, or a document that is not a mapping
        return value

    def _significant_lines(self, text: str) -> list[_Line]:
        """The significant lines of `text`, then `_END`."""
        lines: list[_Line] = []
        memo = self._memo
        for raw in text.split("\n"):
            parsed = memo.get(raw)
            if parsed is None:
                parsed = memo[raw] = self._parse_line(raw)
            lines.extend(parsed)
        lines.append(_END)
        return lines

    def _parse_line(self, raw: str) -> tuple[_Line, ...]:
        """The significant lines one line of text holds: none for a blank line or a comment,
        one per `- ` entry marker, one for a key and/or scalar."""
        content = raw.lstrip(" ")
        if not content or content[0] == "#":
            return ()
        indent = len(raw) - len(content)
        lines: list[_Line] = []
        while content[0] == "-" and content[1:2] in ("", " "):
            lines.append((indent, _ENTRY, "", None))
            rest = content[1:].lstrip(" ")
            if not rest:
                return tuple(lines)
            indent += len(content) - len(rest)
            content = rest
        content = content.rstrip(" ")
        match = _KEY.match(content)
        if match is None:
            lines.append((indent, _SCALAR, "", self._scalar(content)))
            return tuple(lines)
        plain_key, quoted_key = match.groups()
        key = quoted_key if plain_key is None else self.key_text(plain_key)
        rest = content[match.end() :]
        if rest:
            lines.append((indent, _KEY_SCALAR, key, self._scalar(rest)))
        else:
            lines.append((indent, _KEY_ONLY, key, None))
        return tuple(lines)

    def _scalar(self, text: str) -> JSON:
        first = text[0]
        if first == '"':
            match = _DOUBLE_QUOTED.match(text)
        elif first == "'":
            match = _SINGLE_QUOTED.match(text)
        else:
            if first in _PLAIN_FIRST_EXCLUDED or (first == "-" and text[1:2] in ("", " ")):
                raise _NotSimple
            if ": " in text or " #" in text or text[-1] == ":":
                raise _NotSimple
            return self.resolve_plain(text)
        if match is None:
            raise _NotSimple  # other escapes, a quote inside, text after the closing quote
        content = match.group(1)
        if first == '"' and "\\" in content:
            decoded: str = json.loads(match.group())
            return decoded
        return content


class _Document:
    """Recursive descent over the significant lines of one text; `position` is the next line
    to read. A block ends at the first line indented differently from its own lines; a line
    indented deeper than expected (a multi-line scalar, say) thus ends every open block and is
    left over, which `load` rejects."""

    def __init__(
        self, lines: list[_Line], key_order: Callable[[dict[str, JSON]], dict[str, JSON]]
    ) -> None:
        self.lines = lines
        self.key_order = key_order
        self.position = 0

    def block(self, indent: int, depth: int) -> JSON:
        """The node whose first line is the next line, at `indent`."""
        if depth > _MAX_DEPTH:
            raise _NotSimple
        _, kind, _, value = self.lines[self.position]
        if kind == _ENTRY:
            return self.sequence(indent, depth)
        if kind != _SCALAR:
            return self.mapping(indent, depth)
        self.position += 1
        return value

    def mapping(self, indent: int, depth: int) -> dict[str, JSON]:
        result: dict[str, JSON] = {}
        integer_like = False
        lines = self.lines
        position = self.position
        while lines[position][0] == indent:
            _, kind, key, value = lines[position]
            if kind in (_ENTRY, _SCALAR) or key in result:
                raise _NotSimple  # a duplicate key: the full loader says whether that is allowed
            if key[:1] in _DIGITS:
                integer_like = True
            position += 1
            if kind == _KEY_SCALAR:
                result[key] = value
            else:
                self.position = position
                result[key] = self._nested_value(indent, depth)
                position = self.position
        self.position = position
        return self.key_order(result) if integer_like else result

    def _nested_value(self, indent: int, depth: int) -> JSON:
        """The value of `key:` with nothing after the colon: the block below, a sequence at the
        key's own indentation (YAML allows that), or null."""
        following, kind, _, _ = self.lines[self.position]
        if following > indent:
            return self.block(following, depth + 1)
        if following == indent and kind == _ENTRY:
            return self.sequence(indent, depth + 1)
        return None

    def sequence(self, indent: int, depth: int) -> list[JSON]:
        items: list[JSON] = []
        lines = self.lines
        while lines[self.position][0] == indent and lines[self.position][1] == _ENTRY:
            self.position += 1
            following = lines[self.position][0]
            items.append(self.block(following, depth + 1) if following > indent else None)
        return items
