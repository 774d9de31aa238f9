"""Regular expressions from definitions, run in linear time by RE2 with Python `re` meaning.

Patterns come from custom resources a hostile tenant may write. Python's backtracking `re`
takes exponential time on patterns such as `^(a+)+$` against `"aaaa...!"`, which would freeze
the operator (lint checks `pattern` against values) or the CLI. RE2 (`google-re2`) never
backtracks, so its time is linear in the text.

The official Python SDK, whose decisions we reproduce, uses `re`; so a pattern is first
compiled by `re` (which decides whether it is valid and which flags it sets), then rewritten so
RE2 gives the same answers: `\\d`, `\\w` and `\\s` are Unicode classes as in `re` (RE2's are
ASCII), `$` also matches before a final newline, `\\Z` is RE2's `\\z`, `\\uXXXX` is `\\x{XXXX}`.
One difference is left: `\\b`/`\\B` see only ASCII letters as word characters in RE2.

Patterns RE2 cannot run (backreferences, lookaround, atomic groups, scoped or verbose flags,
counted repetition over 1000) get no searcher: the linter reports them, and evaluation treats
them as not matching, as the SDK does for a pattern it cannot use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

Searcher = Callable[[str], bool]
"""Whether a pattern is found anywhere in a text (JavaScript `RegExp.test`, `re.search`)."""

UNSUPPORTED: Final = (
    "uses a construct that needs a backtracking engine (backreference, lookahead or "
    "lookbehind, atomic group, inline scoped or verbose flags, or a repeat count over 1000)"
)
UNSUPPORTED_HINT: Final = (
    "rewrite it without them: definition regexes run in linear time so that no pattern can "
    "freeze kubevisor"
)

# What Python's `re` means by these classes for `str` patterns, spelled for RE2.
_SPACE: Final = r"\t-\r\x1c-\x1f\x85\p{Z}"
_WORD: Final = r"\p{L}\p{N}_"
_OUTSIDE_CLASS: Final = {
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "Z": r"\z",
}
_INSIDE_CLASS: Final = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": _WORD, "s": _SPACE}
_SCOPED_FLAGS: Final = re.compile(r"\(\?(?:[a-zA-Z]+(?:-[a-zA-Z]+)?|-[a-zA-Z]+):")
_UNSUPPORTED_FLAGS: Final = re.VERBOSE | re.ASCII
_MAX_PROGRAM_MEMORY: Final = 8 << 20  # RE2's own default; bounds the DFA cache too


def searcher(compiled: re.Pattern[str]) -> Searcher | None:
    """A linear-time search with `compiled`'s meaning; None when RE2 cannot run the pattern."""
    import re2  # here: most projects have no regex conditions, and the CLI starts faster

    if compiled.flags & _UNSUPPORTED_FLAGS or _SCOPED_FLAGS.search(compiled.pattern):
        return None
    translated = _to_re2(compiled.pattern, multiline=bool(compiled.flags & re.MULTILINE))
    if translated is None:
        return None
    options = re2.Options()
    options.case_sensitive = not compiled.flags & re.IGNORECASE
    options.dot_nl = bool(compiled.flags & re.DOTALL)
    options.max_mem = _MAX_PROGRAM_MEMORY
    options.log_errors = False
    prefix = "(?m)" if compiled.flags & re.MULTILINE else ""
    try:
        regex = re2.compile(prefix + _without_global_flags(translated), options)
    except re2.error:
        return None
    search = regex.search
    return lambda text: search(text) is not None


def _without_global_flags(pattern: str) -> str:
    """Drop a leading `(?imsu)` group: `re` already turned it into flags given to RE2."""
    match = re.match(r"\(\?[aiLmsux]+\)", pattern)
    while match:
        pattern = pattern[match.end() :]
        match = re.match(r"\(\?[aiLmsux]+\)", pattern)
    return pattern


def _to_re2(pattern: str, *, multiline: bool) -> str | None:
    """`pattern` with `re`'s class and anchor meanings spelled for RE2; None if impossible."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escape = pattern[index + 1]
            replaced = _escape(pattern, index, escape, in_class)
            if replaced is None:
                return None
            text, index = replaced
            out.append(text)
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[":
                char = r"\["  # literal in `re`; RE2 would read `[:alpha:]` as a POSIX class
        elif char == "[":
            in_class = True
            out.append(char)
            index += 1
            if pattern[index : index + 1] == "^":
                out.append("^")
                index += 1
            if pattern[index : index + 1] == "]":  # `[]...]`: a literal `]` in `re`
                out.append(r"\]")
                index += 1
            continue
        elif char == "$" and not multiline:
            # `re`'s `$` also matches before a final newline. RE2 can only consume that
            # newline, which is the same answer unless something after the `$` could match it.
            if _consumes_after(pattern, index + 1):
                return None
            char = r"(?:\n?\z)"
        elif char == "{" and pattern.startswith("{,", index):
            char = "{0"  # `re` reads `{,n}` as `{0,n}`; RE2 would take it literally
        out.append(char)
        index += 1
    return "".join(out)


_ZERO_WIDTH_ESCAPES: Final = frozenset("AbBZz")


def _consumes_after(pattern: str, index: int) -> bool:
    """Whether something that can follow position `index` in a match may consume a character.

    Conservative (a wrong True only makes a pattern unsupported): alternatives after a `|` are
    skipped to the end of their group, since they never follow; group brackets, quantifiers,
    anchors and zero-width escapes consume nothing; anything else may.
    """
    depth = 0  # groups opened after `index`
    skipping = False  # in the remaining alternatives of the group that holds `index`
    while index < len(pattern):
        char = pattern[index]
        step = 1
        if char == "\\":
            step = 2
            if not skipping and pattern[index + 1 : index + 2] not in _ZERO_WIDTH_ESCAPES:
                return True
        elif char == "(":
            depth += 1
            if pattern.startswith("(?:", index):
                step = 3
        elif char == ")":
            if depth:
                depth -= 1
            else:
                skipping = False  # out of that group: what comes after it does follow
        elif char == "|":
            skipping = skipping or depth == 0
        elif char == "{" and not skipping:
            closing = pattern.find("}", index)
            if closing < 0:
                return True  # a literal `{`
            step = closing - index + 1
        elif not skipping and char not in "^$*+?":
            return True
        index += step
    return False


def _escape(pattern: str, index: int, escape: str, in_class: bool) -> tuple[str, int] | None:
    """The RE2 text for the escape at `index` and the index after it; None if RE2 has none."""
    table = _INSIDE_CLASS if in_class else _OUTSIDE_CLASS
    if escape in table:
        return table[escape], index + 2
    if in_class and escape in "WSZ":
        return None  # a negated class inside a class: RE2 cannot spell it
    if escape in "123456789" or escape in "gN":
        return None  # backreferences, `\g<name>`, `\N{NAME}`
    if escape == "u":
        return _code_point(pattern, index, 4)
    if escape == "U":
        return _code_point(pattern, index, 8)
    return pattern[index : index + 2], index + 2


def _code_point(pattern: str, index: int, digits: int) -> tuple[str, int]:
    hex_digits = pattern[index + 2 : index + 2 + digits]
    return f"\\x{{{hex_digits}}}", index + 2 + digits
