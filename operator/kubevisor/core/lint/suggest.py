""" "Did you mean" hints for names that are close to a known one (a typo, a wrong case)."""

from __future__ import annotations

from collections.abc import Iterable


def closest(name: object, known: Iterable[str]) -> str | None:
    """The known name `name` most likely misspells, or None when nothing is close."""
    import difflib  # only definitions with problems need it

    if not isinstance(name, str) or not name:
        return None
    choices = [choice for choice in known if isinstance(choice, str)]
    by_case = [choice for choice in choices if choice.lower() == name.lower()]
    if by_case:
        return by_case[0]
    matches = difflib.get_close_matches(name, choices, n=1, cutoff=0.75)
    return matches[0] if matches else None


def did_you_mean(name: object, known: Iterable[str], otherwise: str) -> str:
    """A hint: `did you mean `x`?` when a known name is close to `name`, else `otherwise`."""
    match = closest(name, known)
    return f"did you mean `{match}`?" if match is not None else otherwise


def text_expected_hint(value: object, otherwise: str) -> str:
    """The fix when text was expected: for a boolean, explain YAML 1.1 (what kubectl reads
    manifests as) turning unquoted `no`/`off`/`n` into false and `yes`/`on`/`y` into true."""
    if value is False:
        return "quote it: 'no' (or 'off', 'n'); kubectl reads YAML 1.1, where those are false"
    if value is True:
        return "quote it: 'yes' (or 'on', 'y'); kubectl reads YAML 1.1, where those are true"
    return otherwise
