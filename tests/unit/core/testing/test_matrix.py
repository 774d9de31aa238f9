"""Matrix expansion, placeholder substitution, `at` parsing and descriptions (docs/featurevisor.md
§8.3)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from kubevisor.core.testing.matrix import (
    combinations,
    expand_feature_assertions,
    expand_segment_assertions,
    parse_at,
    substitute,
)


def test_first_matrix_key_varies_slowest() -> None:
    assert combinations({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]
    assert combinations({}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${{ n }}", 5),
        ("${{n}}", 5),
        ("at ${{ n }}% in ${{ c }}", "at 5% in nl"),
        ("${{ flag }}", True),
        ("is ${{ flag }}/${{ none }}/${{ f }}", "is true/null/1.5"),
        ("${{ missing }} here", "undefined here"),
        ("no placeholder", "no placeholder"),
        (42, 42),
    ],
)
def test_substitute(value: Any, expected: Any) -> None:
    combination = {"n": 5, "c": "nl", "flag": True, "none": None, "f": 1.5}
    assert substitute(value, combination) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("40", 40), ("12.5", 12.5), ("40%", 40), (" 7", 7), (80, 80)]
)
def test_parse_at(text: Any, expected: Any) -> None:
    assert parse_at(text) == expected


def test_parse_at_of_garbage_is_nan() -> None:
    assert math.isnan(parse_at("abc"))


def test_feature_assertions_expand_and_number_like_upstream() -> None:
    assertions = [
        {"at": 10, "environment": "production"},
        {
            "matrix": {"at": [40, 60], "country": ["de", "nl"]},
            "at": "${{ at }}",
            "environment": "production",
            "description": "${{ country }} at ${{ at }}%",
            "context": {"country": "${{ country }}", "fixed": "x", "nested": {"k": "${{ at }}"}},
        },
        {"matrix": {"at": ["12.5"]}, "at": "${{ at }}"},
    ]
    expanded = expand_feature_assertions(assertions)
    assert [case["description"] for case in expanded] == [
        "Assertion #1: at 10%",
        "Assertion #2: de at 40%",
        "Assertion #2: nl at 40%",
        "Assertion #2: de at 60%",
        "Assertion #2: nl at 60%",
        "Assertion #3: at 12.5%",
    ]
    assert expanded[2]["at"] == 40
    assert expanded[2]["context"] == {"country": "nl", "fixed": "x", "nested": {"k": "${{ at }}"}}
    assert expanded[5]["at"] == 12.5


def test_segment_assertion_descriptions() -> None:
    assertions = [
        {"context": {}, "expectedToMatch": True},
        {"description": "named", "context": {}, "expectedToMatch": True},
        {"matrix": {"c": ["a", "b"]}, "context": {"c": "${{ c }}"}, "expectedToMatch": True},
        {
            "matrix": {"c": ["a"]},
            "description": "c=${{ c }}",
            "context": {},
            "expectedToMatch": True,
        },
    ]
    expanded = expand_segment_assertions(assertions)
    assert [case["description"] for case in expanded] == [
        "Assertion #1",
        "Assertion #2: named",
        "Assertion #3: #3",
        "Assertion #3: #3",
        "Assertion #4: c=a",
    ]
    assert [case["context"] for case in expanded[2:4]] == [{"c": "a"}, {"c": "b"}]


@pytest.mark.parametrize(
    ("matrix", "error", "message"),
    [
        ({"a": [1], "b": 5}, TypeError, "'int' object is not iterable"),
        ({"a": None}, TypeError, "'NoneType' object is not iterable"),
        (True, TypeError, "'bool' object is not iterable"),
        (["a"], AttributeError, "'list' object has no attribute 'values'"),
        ("a", AttributeError, "'str' object has no attribute 'values'"),
    ],
)
def test_malformed_matrix_fails_with_pythons_own_error(
    matrix: Any, error: type[Exception], message: str
) -> None:
    # The runner does not lint first: typing the matrix must not change how a bad one fails.
    with pytest.raises(error) as raised:
        combinations(matrix)
    assert str(raised.value) == message


def test_matrix_columns_iterate_like_python() -> None:
    assert combinations({"a": "xy", "b": {"k": 1}}) == [{"a": "x", "b": "k"}, {"a": "y", "b": "k"}]
