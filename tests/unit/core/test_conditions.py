"""Condition matching: every case of docs/featurevisor.md §12.3, plus semver, dates, regex flags and
segments.

Expected results are the official Python SDK 3.1.0's (our reference). Rows where the JavaScript
SDK decides differently are marked `js=` with its answer; each row is also run through the
Python SDK's own matcher to prove the expectation is its behaviour.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from featurevisor.evaluation_data_provider import _InstanceEvaluationDataProvider
from hypothesis import given, settings
from hypothesis import strategies as st
from kubevisor.core.conditions import (
    MISSING,
    compare_versions,
    lookup,
    matches,
    parse_instant,
    segments_match,
)


def cond(attribute: str, operator: str, value: Any = MISSING, **extra: Any) -> dict[str, Any]:
    condition: dict[str, Any] = {"attribute": attribute, "operator": operator, **extra}
    if value is not MISSING:
        condition["value"] = value
    return condition


class _Quiet:
    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def official_matches(conditions: Any, context: dict[str, Any]) -> bool:
    provider = _InstanceEvaluationDataProvider(
        datafile={"schemaVersion": "2", "revision": "1", "segments": {}, "features": {}},
        diagnostics=_Quiet(),  # type: ignore[arg-type]
    )
    return bool(provider.all_conditions_are_matched(conditions, context))


# (conditions, context, expected per Python SDK 3.1.0, JavaScript SDK answer if different)
SPEC_CASES: list[tuple[Any, dict[str, Any], bool, bool | None]] = [
    (cond("v", "equals", 1), {"v": "1"}, False, None),
    (cond("v", "equals", 1), {"v": 1.0}, True, None),
    (cond("v", "equals", True), {"v": 1}, False, None),
    (cond("v", "equals", None), {}, False, None),
    (cond("v", "equals", None), {"v": None}, True, None),
    (cond("v", "notEquals", "x"), {}, True, None),
    (cond("v", "exists"), {"v": None}, True, None),
    (cond("v", "exists"), {}, False, None),
    # Python tries every operator's guard; JS stops at the first guard that holds (strings).
    (cond("v", "exists", "x"), {"v": "y"}, True, False),
    (cond("v", "in", ["a", "b"]), {"v": "a"}, True, None),
    (cond("v", "in", ["1"]), {"v": 1}, False, None),
    (cond("v", "in", [None]), {"v": None}, True, None),
    (cond("v", "notIn", ["a"]), {}, False, None),
    (cond("v", "notIn", ["a"]), {"v": True}, False, None),
    (cond("v", "notContains", "x"), {}, False, None),
    (cond("v", "startsWith", "1"), {"v": 123}, False, None),
    (cond("v", "greaterThan", 5), {"v": "6"}, False, None),
    (cond("v", "greaterThanOrEquals", 0), {"v": True}, False, None),
    (cond("v", "semverGreaterThan", "1.2.3"), {"v": "1.10.0"}, True, None),
    (cond("v", "semverLessThan", "1.0.0"), {"v": "1.0.0-beta"}, True, None),
    # Python compares a missing patch part as "" (lower than "0"); JS as "0".
    (cond("v", "semverEquals", "1.0.0"), {"v": "v1.0"}, False, True),
    (cond("v", "semverEquals", "1.0.0"), {"v": "abc"}, False, None),
    (cond("v", "semverEquals", "1.x"), {"v": "1.5.2"}, False, None),
    (cond("d", "before", "2024-01-01T00:00:00Z"), {"d": "2023-12-31T23:59:59Z"}, True, None),
    (cond("d", "before", "2024-01-01T00:00:00Z"), {}, False, None),
    # Python only accepts instants with an offset: date-only strings and epoch ms never match.
    (cond("d", "after", "2024-01-01"), {"d": "2024-01-01T00:00:01Z"}, False, True),
    (cond("d", "after", "2024-01-01T00:00:00Z"), {"d": 1704067201000}, False, True),
    (cond("v", "matches", "^ch", regexFlags="g"), {"v": "chrome"}, True, None),
    (cond("v", "matches", "^CH"), {"v": "chrome"}, False, None),
    (cond("v", "notMatches", "x"), {}, False, None),
    (cond("v", "includes", "a"), {"v": ["a", "b"]}, True, None),
    (cond("v", "includes", 1), {"v": ["1"]}, False, None),
    (cond("v", "notIncludes", "a"), {}, False, None),
    (cond("a.b.c", "equals", 1), {"a": {"b": {"c": 1}}}, True, None),
    (cond("a.b.c", "exists"), {"a": "x"}, False, None),
    (cond("a.b", "equals", 1), {"a.b": 1}, False, None),
    (cond("v", "equals", ["a"]), {"v": ["a"]}, False, None),
    (cond("v", "fooBar", "x"), {"v": "x"}, False, None),
    ([], {}, True, None),
    ({"and": []}, {}, True, None),
    ({"or": []}, {}, False, None),
    ({"not": []}, {}, False, None),
    ("*", {}, True, None),
    ("foo", {}, False, None),
]


@pytest.mark.parametrize(("conditions", "context", "expected", "javascript"), SPEC_CASES)
def test_spec_condition_table(
    conditions: Any, context: dict[str, Any], expected: bool, javascript: bool | None
) -> None:
    assert matches(conditions, context) is expected
    assert official_matches(conditions, context) is expected
    if javascript is not None:
        assert javascript is not expected  # a documented divergence, not a typo


def test_regex_with_global_flag_is_not_stateful() -> None:
    condition = cond("v", "matches", "^ch", regexFlags="g")
    assert [matches(condition, {"v": "chrome"}) for _ in range(3)] == [True, True, True]


@pytest.mark.parametrize(
    ("pattern", "flags", "value", "expected"),
    [
        ("^ch", "i", "CHROME", True),
        ("^ch", "", "CHROME", False),
        ("^ch", "m", "x\nchrome", True),
        ("^ch", "", "x\nchrome", False),
        ("^ch.x", "s", "ch\nx", True),
        ("^ch.x", "", "ch\nx", False),
        ("^ch.x", "gimsuy", "CH\nX", True),
        ("^ch", "q", "chrome", False),
    ],
)
def test_regex_flags(pattern: str, flags: str, value: str, expected: bool) -> None:
    assert matches(cond("v", "matches", pattern, regexFlags=flags), {"v": value}) is expected


def test_invalid_regex_matches_nothing() -> None:
    assert matches(cond("v", "matches", "("), {"v": "("}) is False
    assert matches(cond("v", "notMatches", "("), {"v": "("}) is False


@pytest.mark.parametrize(
    ("left", "right", "order"),
    [
        ("1.2.3", "1.2.3", 0),
        ("1.10.0", "1.9.9", 1),
        ("1.0.0-alpha", "1.0.0-beta", -1),
        ("1.0.0-beta.2", "1.0.0-beta.10", -1),
        ("2", "1.9", 1),
        ("1.2.x", "1.2.7", 0),
        ("=1.2.3", "v1.2.3", 0),
        ("1.2.3+build.5", "1.2.3", 0),
        ("1.2.3.4", "1.2.3.5", -1),
    ],
)
def test_compare_versions(left: str, right: str, order: int) -> None:
    assert compare_versions(left, right) == order
    assert compare_versions(right, left) == -order


@pytest.mark.parametrize("version", ["", "abc", "1.2.3.4.5", "1..2"])
def test_invalid_versions_raise(version: str) -> None:
    with pytest.raises(ValueError, match="semver"):
        compare_versions(version, "1.0.0")


def test_semver_operators() -> None:
    context = {"v": "5.1.0"}
    assert matches(cond("v", "semverGreaterThanOrEquals", "5.1.0"), context)
    assert matches(cond("v", "semverLessThanOrEquals", "5.1.0"), context)
    assert matches(cond("v", "semverNotEquals", "5.0.0"), context)
    assert not matches(cond("v", "semverLessThan", "5.1.0"), context)
    assert not matches(cond("v", "semverGreaterThan", "5.1.0"), {"v": 5.1})


def test_dates_with_offsets_and_fractions() -> None:
    after = cond("d", "after", "2024-01-01T00:00:00Z")
    assert matches(after, {"d": "2024-01-01T01:00:00.500+01:00"}) is True
    assert matches(after, {"d": "2024-01-01T00:59:59+01:00"}) is False
    assert matches(after, {"d": dt.datetime(2024, 1, 2, tzinfo=dt.UTC)}) is True
    assert matches(after, {"d": dt.datetime(2024, 1, 2)}) is False  # naive: not an instant
    assert parse_instant("2024-01-01T00:00:00.123Z") == dt.datetime(
        2024, 1, 1, 0, 0, 0, 123000, tzinfo=dt.UTC
    )
    assert parse_instant("2024-01-01T00:00:00") is None
    assert parse_instant(42) is None


def test_numbers_strings_and_lists() -> None:
    assert matches(cond("n", "lessThan", 5), {"n": 4.5})
    assert matches(cond("n", "lessThanOrEquals", 5), {"n": 5})
    assert not matches(cond("n", "greaterThan", True), {"n": 5})
    assert matches(cond("s", "contains", "ell"), {"s": "hello"})
    assert matches(cond("s", "endsWith", "lo"), {"s": "hello"})
    assert matches(cond("s", "notContains", "x"), {"s": "hello"})
    assert matches(cond("l", "notIncludes", "x"), {"l": ["a"]})
    assert not matches(cond("l", "includes", "a"), {"l": "abc"})
    assert matches(cond("v", "in", [1, 2]), {"v": 2.0})
    assert not matches(cond("v", "in", [1, 2]), {"v": True})
    assert not matches(cond("v", "in", [float("nan")]), {"v": float("nan")})
    assert matches(cond("v", "notIn", [1]), {"v": None})
    assert matches(cond("v", "notExists"), {})


def test_lookup_walks_dicts_only() -> None:
    assert lookup({"a": {"b": None}}, "a.b") is None
    assert lookup({"a": {}}, "a.b") is MISSING
    assert lookup({"a": ["x"]}, "a.0") is MISSING  # Python SDK: no list indexing
    assert lookup({"a.b": 1}, "a.b") is MISSING


def test_combinators() -> None:
    de = cond("country", "equals", "de")
    nl = cond("country", "equals", "nl")
    assert matches({"or": [de, nl]}, {"country": "nl"})
    assert not matches({"and": [de, nl]}, {"country": "nl"})
    assert matches({"not": [de]}, {"country": "nl"})
    assert not matches({"not": [nl, {"or": [de, nl]}]}, {"country": "nl"})
    assert matches([{"attribute": 1, "operator": "exists"}, "*"], {}) is False
    assert matches({"nand": [de]}, {"country": "de"}) is False
    assert matches(42, {}) is False


SEGMENTS = {
    "germany": [cond("country", "equals", "de")],
    "mobile": [cond("device", "equals", "mobile")],
    "everyone": "*",
}


@pytest.mark.parametrize(
    ("expression", "context", "expected"),
    [
        ("*", {}, True),
        ("germany", {"country": "de"}, True),
        ("germany", {"country": "nl"}, False),
        ("unknown", {"country": "de"}, False),
        (["germany", "mobile"], {"country": "de", "device": "mobile"}, True),
        (["germany", "mobile"], {"country": "de"}, False),
        ({"or": ["germany", "mobile"]}, {"device": "mobile"}, True),
        ({"and": ["germany", {"not": ["mobile"]}]}, {"country": "de"}, True),
        ({"not": []}, {}, False),
        ({"or": []}, {}, False),
        ({"and": []}, {}, True),
        ([], {}, True),
        ("everyone", {}, True),
        (None, {}, False),
    ],
)
def test_segment_expressions(expression: Any, context: dict[str, Any], expected: bool) -> None:
    assert segments_match(expression, SEGMENTS.get, context) is expected


def test_regex_pattern_is_python_syntax() -> None:
    # A documented portability limit: patterns are compiled by Python's `re`.
    assert re.compile("(?P<n>a)")
    assert matches(cond("v", "matches", "(?P<n>a)"), {"v": "a"}) is True


OPERATORS = [
    "equals", "notEquals", "exists", "notExists", "greaterThan", "greaterThanOrEquals",
    "lessThan", "lessThanOrEquals", "contains", "notContains", "startsWith", "endsWith",
    "semverEquals", "semverNotEquals", "semverGreaterThan", "semverGreaterThanOrEquals",
    "semverLessThan", "semverLessThanOrEquals", "before", "after", "in", "notIn",
    "includes", "notIncludes", "matches", "notMatches", "unknownOperator",
]  # fmt: skip

VERSIONS = ["1", "1.0", "v1.0", "1.0.0", "1.x", "1.2.3", "1.10", "2.0.0-beta", "2.0.0-beta.2", "x"]
STRINGS = ["", "a", "ab", "^a", "(", "nl", "de"]
DATES = ["2024-01-01", "2024-01-01T00:00:00Z", "2023-06-01T12:00:00+02:00", "2024-01-01T00:00:00"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=10),
    st.sampled_from(STRINGS),
    st.sampled_from(VERSIONS),
    st.sampled_from(DATES),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))
plain_conditions = st.builds(
    lambda attribute, operator, value, flags: {
        "attribute": attribute,
        "operator": operator,
        **({} if value is MISSING else {"value": value}),
        **({} if flags is None else {"regexFlags": flags}),
    },
    st.sampled_from(["v", "w", "o.v"]),
    st.sampled_from(OPERATORS),
    st.one_of(st.just(MISSING), values),
    st.one_of(st.none(), st.sampled_from(["", "i", "g", "ms", "x"])),
)
expressions = st.recursive(
    st.one_of(plain_conditions, st.sampled_from(["*", "nope"])),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.builds(
            lambda k, items: {k: items},
            st.sampled_from(["and", "or", "not"]),
            st.lists(children, max_size=3),
        ),
    ),
    max_leaves=6,
)
condition_contexts = st.fixed_dictionaries(
    {},
    optional={
        "v": values,
        "w": values,
        "o": st.one_of(st.fixed_dictionaries({}, optional={"v": values}), scalars),
    },
)


# Cheap examples and a fixed seed: five times the profile's count, the same ones every run.
@settings(max_examples=5 * settings.default.max_examples, derandomize=True)
@given(conditions=expressions, context=condition_contexts)
def test_random_conditions_match_the_official_sdk(conditions: Any, context: dict[str, Any]) -> None:
    assert matches(conditions, context) is official_matches(conditions, context)


REPRESENTATIVES: list[Any] = [
    MISSING, None, True, False, 0, 1, 1.0, 2.5, -3, "1", *STRINGS, *VERSIONS, *DATES,
    ["a", 1], ["1.0", None], [], {"v": 1},
]  # fmt: skip


@pytest.mark.parametrize("attribute", ["v", "o.v"])
@pytest.mark.parametrize("operator", OPERATORS)
def test_every_operator_value_and_context_pair_matches_the_official_sdk(
    operator: str, attribute: str
) -> None:
    disagreements = []
    for value in REPRESENTATIVES:
        condition = cond(attribute, operator, value)
        for actual in REPRESENTATIVES:
            context: dict[str, Any] = {} if actual is MISSING else {"v": actual}
            if attribute == "o.v":
                context = {"o": context}
            if matches(condition, context) is not official_matches(condition, context):
                disagreements.append((value, actual))
    assert disagreements == []
