"""The unrolled CEL for condition trees and segment expressions."""

from __future__ import annotations

from kubevisor.core.limits import MAX_DEFINITION_DEPTH
from kubevisor.crds.condition_cel import (
    MAX_DEPTH,
    OPERATORS,
    conditions_ok,
    depth_at_most,
    plain_condition_ok,
    segments_ok,
)

SPEC_OPERATORS = {
    "equals", "notEquals", "before", "after", "in", "notIn", "contains", "notContains",
    "startsWith", "endsWith", "semverEquals", "semverNotEquals", "semverGreaterThan",
    "semverGreaterThanOrEquals", "semverLessThan", "semverLessThanOrEquals", "matches",
    "notMatches", "greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals",
    "exists", "notExists", "includes", "notIncludes",
}  # fmt: skip


def test_operators_are_exactly_the_spec_operators() -> None:
    assert len(OPERATORS) == len(set(OPERATORS))
    assert set(OPERATORS) == SPEC_OPERATORS


def test_depth_zero_accepts_anything() -> None:
    assert conditions_ok("x", 0) == "true"
    assert segments_ok("x", 0) == "true"


def test_each_level_uses_its_own_iteration_variables() -> None:
    expression = conditions_ok("object.spec.conditions")
    for depth in range(1, MAX_DEPTH + 1):
        assert f"c{depth}" in expression and f"k{depth}" in expression
    assert f"c{MAX_DEPTH + 1}" not in expression


def test_segment_expressions_have_no_plain_conditions() -> None:
    assert "attribute" not in segments_ok("s")
    assert plain_condition_ok("c") in conditions_ok("c", 1)


def test_parentheses_balance() -> None:
    for expression in (conditions_ok("x"), segments_ok("x")):
        assert expression.count("(") == expression.count(")")
        assert expression.count("[") == expression.count("]")


def test_depth_check_grows_linearly_and_ends_in_a_scalar_test() -> None:
    assert depth_at_most("x", 0) == "(type(x) != list && type(x) != map)"
    ten, twenty, thirty = (len(depth_at_most("x", levels)) for levels in (10, 20, 30))
    assert thirty - twenty == twenty - ten  # each level adds the same text: linear, not 2**n
    deepest = depth_at_most("object.spec", MAX_DEFINITION_DEPTH)
    assert f"n{MAX_DEFINITION_DEPTH}" in deepest
    assert f"n{MAX_DEFINITION_DEPTH + 1}" not in deepest
