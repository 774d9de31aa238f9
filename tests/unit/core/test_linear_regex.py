"""Regexes from definitions run in linear time, with the answers Python's `re` gives."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kubevisor.core.conditions import matches
from kubevisor.core.definitions import Definitions
from kubevisor.core.linear_regex import searcher
from kubevisor.core.lint import lint

CATASTROPHIC = r"^(a+)+$"
EVIL_TEXT = "a" * 40 + "!"  # Python's `re` would backtrack for hours on this


def cond(operator: str, value: Any) -> dict[str, Any]:
    return {"attribute": "v", "operator": operator, "value": value}


def test_catastrophic_pattern_finishes_with_the_right_answer_in_conditions() -> None:
    assert matches(cond("matches", CATASTROPHIC), {"v": EVIL_TEXT}) is False
    assert matches(cond("notMatches", CATASTROPHIC), {"v": EVIL_TEXT}) is True
    assert matches(cond("matches", CATASTROPHIC), {"v": "a" * 40}) is True


def test_catastrophic_pattern_finishes_in_lint_of_a_variable_value() -> None:
    defs = Definitions()
    defs.attributes["userId"] = {"description": "user", "type": "string"}
    defs.features["f"] = {
        "description": "d",
        "tags": ["all"],
        "bucketBy": "userId",
        "variablesSchema": {
            "code": {"type": "string", "pattern": CATASTROPHIC, "defaultValue": EVIL_TEXT}
        },
        "rules": [{"key": "everyone", "segments": "*", "percentage": 100}],
    }
    problems = lint(defs)
    assert [p.path for p in problems] == ["variablesSchema.code.defaultValue"]
    assert f'does not match "{CATASTROPHIC}"' in problems[0].message


def test_backreferences_and_lookaround_get_no_searcher_and_match_nothing() -> None:
    for pattern in (r"(a)\1", r"a(?=b)", r"(?<!a)b", r"(?>a+)b", r"(?i:a)b", r"(?x) a"):
        assert searcher(re.compile(pattern)) is None, pattern
    assert matches(cond("matches", r"^(a+)\1$"), {"v": "aa"}) is False
    assert matches(cond("notMatches", r"^(a+)\1$"), {"v": "ab"}) is False


def test_condition_regex_needing_backtracking_is_a_lint_error() -> None:
    defs = Definitions()
    defs.attributes["v"] = {"description": "v", "type": "string"}
    defs.segments["s"] = {"description": "s", "conditions": [cond("matches", r"^(?=x)x")]}
    problems = lint(defs)
    assert [p.path for p in problems] == ["conditions.0.value"]
    assert "backtracking engine" in problems[0].message


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"a$", "a\n", True),  # `$` before a final newline, as in `re`
        (r"a$", "a\nb", False),
        (r"a\Z", "a\n", False),
        (r"^\d+$", "٣٤", True),  # Unicode digits, as in `re`
        (r"^\w+$", "été_1", True),
        (r"^\s$", "\u3000", True),
        (r"^\s$", "\v", True),
        (r"^[\d\s]+$", "1 ٣", True),
        (r"x{,2}y", "xxy", True),
        (r"\u00e9", "é", True),
        (r"(?i)^CHROME", "chrome", True),
        (r"(?m)^b$", "a\nb\nc", True),
    ],
)
def test_translation_keeps_python_meaning(pattern: str, text: str, expected: bool) -> None:
    search = searcher(re.compile(pattern))
    assert search is not None
    assert search(text) is expected
    assert (re.search(pattern, text) is not None) is expected


TOKENS = [
    "a", "b", "é", "٣", " ", r"\n", ".", "^", "$", r"\A", r"\Z", r"\d", r"\D", r"\w", r"\W",
    r"\s", r"\S", "[ab]", "[^a]", r"[\d\s]", r"[\w.]", "(", ")", "(?:", "|", "*", "+", "?",
    "*?", "{1,2}", "{,2}", "{2}",
]  # fmt: skip
POSSESSIVE = re.compile(r"[*+?}]\+")
FLAGS = [0, re.IGNORECASE, re.MULTILINE, re.DOTALL, re.IGNORECASE | re.MULTILINE]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=7).map("".join),
    st.sampled_from(FLAGS),
    st.text(alphabet="abAB1٣é _\n\t\u3000", max_size=8),
)
def test_same_answers_as_python_re(pattern: str, flags: int, text: str) -> None:
    try:
        compiled = re.compile(pattern, flags)
    except re.error:
        return  # invalid for `re`: the evaluator never gets this far
    search = searcher(compiled)
    if search is None:
        # Possessive quantifiers (`a*+`) need backtracking; a `$` that something after it could
        # match past (`$\\n`) is refused rather than answered differently.
        assert POSSESSIVE.search(pattern) or ("$" in pattern and not flags & re.MULTILINE), pattern
        return
    assert search(text) is (compiled.search(text) is not None)
