"""Regular expressions written for ECMAScript, checked and run with Python's `re`.

Upstream compiles patterns with JavaScript's RegExp. The common syntax is shared; the JS-only
spellings of named groups are rewritten, and patterns Python still cannot compile (Unicode
property escapes, ...) are treated as valid rather than rejected. Patterns are run on RE2 in
linear time (`kubevisor.core.linear_regex`); the few that would need backtracking are reported
instead of run, because a tenant's pattern must not be able to freeze the operator.
"""

from __future__ import annotations

import re

from kubevisor.core.linear_regex import searcher

_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")
_NAMED_BACKREFERENCE = re.compile(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>")
_UNICODE_PROPERTY = re.compile(r"\\[pP]\{[^}]*\}")


def to_python(pattern: str) -> str:
    pattern = _NAMED_GROUP.sub("(?P<", pattern)
    return _NAMED_BACKREFERENCE.sub(r"(?P=\1)", pattern)


def compiled(pattern: str) -> re.Pattern[str] | None:
    """The pattern compiled for Python; None when Python cannot compile it."""
    try:
        return re.compile(to_python(pattern))
    except (re.error, RecursionError, OverflowError):
        return None


def regex_error(pattern: str) -> str | None:
    """Why a pattern is not a valid regular expression, or None when it is (or may be)."""
    try:
        re.compile(to_python(pattern))
    except re.error as error:
        if _UNICODE_PROPERTY.search(pattern):
            return None  # valid in JS with the `u` flag; Python has no \p{...}
        return str(error)
    except (RecursionError, OverflowError):
        return None
    return None


def needs_backtracking(pattern: str) -> bool:
    """True when the pattern compiles here but cannot run in linear time (see `linear_regex`)."""
    regex = compiled(pattern)
    return regex is not None and searcher(regex) is None


def clearly_mismatches(pattern: str, value: str) -> bool:
    """True only when the pattern runs here and finds no match (a JS RegExp `test`). Runs in
    linear time; a pattern that would need backtracking is never run (lint reports it)."""
    regex = compiled(pattern)
    search = searcher(regex) if regex is not None else None
    return search is not None and not search(value)
