"""Nesting limits: deep definitions are Problems naming the field and the limit, never a crash."""

from __future__ import annotations

from typing import Any

from kubevisor.core.definitions import Definitions
from kubevisor.core.limits import (
    MAX_CONDITION_DEPTH,
    MAX_DEFINITION_DEPTH,
    nesting_problems,
)
from kubevisor.core.lint import lint

LEAF = {"attribute": "country", "operator": "equals", "value": "nl"}


def nested_and(levels: int) -> dict[str, Any]:
    """`levels` nested `{and: [...]}` groups around one condition (2 levels each, plus 1)."""
    condition: dict[str, Any] = dict(LEAF)
    for _ in range(levels):
        condition = {"and": [condition]}
    return condition


def nested_lists(depth: int) -> Any:
    """A value that is `depth` lists deep (`[[...[1]...]]`)."""
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def segment(conditions: Any) -> Definitions:
    defs = Definitions()
    defs.attributes["country"] = {"description": "Country", "type": "string"}
    defs.segments["dutch"] = {"description": "Dutch users", "conditions": conditions}
    return defs


def feature_with_default(default: Any) -> dict[str, Any]:
    return {
        "description": "d",
        "tags": ["all"],
        "bucketBy": "userId",
        "variablesSchema": {"config": {"type": "array", "defaultValue": default}},
        "rules": [{"key": "everyone", "segments": "*", "percentage": 100}],
    }


def test_the_issue_segment_of_500_nested_ands_is_one_problem_not_a_crash() -> None:
    problems = lint(segment(nested_and(500)))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == "conditions"
    assert f"deeper than {MAX_CONDITION_DEPTH} levels" in problem.message
    assert "flatten" in problem.hint


def test_conditions_exactly_at_the_limit_pass_and_one_more_level_fails() -> None:
    at_limit = nested_lists(MAX_CONDITION_DEPTH - 1)  # lists around one condition map
    assert [found.path for found in nesting_problems({"conditions": _wrap(at_limit)})] == []
    too_deep = nested_lists(MAX_CONDITION_DEPTH)
    found = list(nesting_problems({"conditions": _wrap(too_deep)}))
    assert [item.path for item in found] == [("conditions",)]


def _wrap(lists: Any) -> Any:
    """Replace the innermost `1` of nested lists with a plain condition map."""
    if isinstance(lists, list):
        return [_wrap(lists[0])]
    return dict(LEAF)


def test_rule_segments_deep_inside_a_feature_name_the_rule_field() -> None:
    feature = feature_with_default([])
    feature["rules"][0]["segments"] = {"or": nested_lists(MAX_CONDITION_DEPTH)}
    found = list(nesting_problems(feature))
    assert [item.path for item in found] == [("rules", 0, "segments")]


def test_realistic_conditions_pass() -> None:
    assert lint(segment(nested_and(3))) == []


def test_variable_values_deeper_than_the_definition_limit_are_refused() -> None:
    feature = feature_with_default(nested_lists(MAX_DEFINITION_DEPTH))
    defs = Definitions()
    defs.features["deep"] = feature
    problems = lint(defs)
    assert [(p.path, p.message) for p in problems] == [
        ("variablesSchema", f"nests deeper than {MAX_DEFINITION_DEPTH} levels of lists and maps")
    ]


def test_variable_values_within_the_definition_limit_are_not_a_limit_problem() -> None:
    # The default value sits inside 3 maps: the feature, variablesSchema, config.
    feature = feature_with_default(nested_lists(MAX_DEFINITION_DEPTH - 3))
    assert list(nesting_problems(feature)) == []
    feature = feature_with_default(nested_lists(MAX_DEFINITION_DEPTH - 2))
    assert len(list(nesting_problems(feature))) == 1


def test_a_thousand_levels_deep_value_is_walked_without_recursion() -> None:
    found = list(nesting_problems({"v": nested_lists(100_000)}))
    assert [item.path for item in found] == [("v",)]
