"""The test-spec runner on a small synthetic project (docs/featurevisor.md §8.3)."""

from __future__ import annotations

from typing import Any

from kubevisor.core.definitions import Definitions, ProjectConfig
from kubevisor.core.testing import deep_equal, run_tests

SEGMENT_NL = [{"attribute": "country", "operator": "equals", "value": "nl"}]

DATAFILE: dict[str, Any] = {
    "schemaVersion": "2",
    "revision": "1",
    "segments": {
        "nl": {"conditions": '[{"attribute":"country","operator":"equals","value":"nl"}]'}
    },
    "features": {
        "f": {
            "bucketBy": "userId",
            "variations": [{"value": "a"}, {"value": "b", "variables": {"v": "from-b"}}],
            "traffic": [
                {
                    "key": "all",
                    "segments": "*",
                    "percentage": 50000,
                    "allocation": [
                        {"variation": "a", "range": [0, 25000]},
                        {"variation": "b", "range": [25000, 50000]},
                    ],
                }
            ],
            "variablesSchema": {
                "v": {"type": "string", "defaultValue": "dflt"},
                "j": {"type": "json", "defaultValue": '{"x":[1,2]}'},
            },
        },
        "nl-only": {
            "bucketBy": "userId",
            "traffic": [{"key": "nl", "segments": "nl", "percentage": 100000}],
        },
    },
}
TARGET_DATAFILE: dict[str, Any] = {**DATAFILE, "features": {}}


def datafile_for(environment: str | None, target: str | None) -> dict[str, Any] | None:
    if environment != "production":
        return None
    return TARGET_DATAFILE if target == "empty" else DATAFILE if target is None else None


def project(tests: dict[str, dict[str, Any]]) -> Definitions:
    return Definitions(
        config=ProjectConfig(environments=("production",)),
        segments={"nl": {"conditions": SEGMENT_NL}},
        features={"f": {}, "nl-only": {}},
        tests=tests,
    )


def feature_spec(*assertions: dict[str, Any], feature: str = "f") -> dict[str, Any]:
    return {
        "feature": feature,
        "assertions": [{"environment": "production", **a} for a in assertions],
    }


def errors_of(tests: dict[str, dict[str, Any]]) -> list[list[str]]:
    report = run_tests(project(tests), datafile_for)
    return [result.errors for spec in report.specs for result in spec.assertions]


def test_passing_expectations() -> None:
    spec = feature_spec(
        {"at": 10, "expectedToBeEnabled": True, "expectedVariation": "a"},
        {
            "at": 30,
            "expectedVariation": "b",
            "expectedVariables": {"v": "from-b", "j": '{"x":[1,2]}'},
        },
        {"at": 60, "expectedToBeEnabled": False, "expectedVariation": None},
        {"at": 10, "expectedVariables": {"j": {"x": [1, 2]}}},
        {
            "at": 30,
            "expectedEvaluations": {
                "flag": {"reason": "rule", "bucketValue": 30000, "ruleKey": "all"},
                "variation": {"reason": "allocated"},
                "variables": {"v": {"reason": "allocated", "variableValue": "from-b"}},
            },
        },
    )
    assert errors_of({"f.spec": spec}) == [[], [], [], [], []]


def test_failures_name_the_expectation() -> None:
    spec = feature_spec(
        {"at": 10, "expectedToBeEnabled": False},
        {"at": 10, "expectedVariation": "b"},
        {"at": 10, "expectedVariables": {"v": "nope", "missing": 1}},
        {"at": 10, "expectedEvaluations": {"flag": {"reason": "forced", "nothing": 1}}},
    )
    assert errors_of({"f.spec": spec}) == [
        ['expectedToBeEnabled: expected "false", received "true"'],
        ['expectedVariation: expected "b", received "a"'],
        [
            "expectedVariables.v:\n       => expected: nope\n       => received: dflt",
            'expectedVariables.missing: schema for variable "missing" not found in feature',
        ],
        [
            'evaluation.flag.reason: expected "forced", received "rule"',
            'evaluation.flag.nothing: expected "1", received "undefined"',
        ],
    ]


def test_sticky_defaults_and_children() -> None:
    spec = feature_spec(
        {
            "at": 90,
            "sticky": {"nl-only": {"enabled": True, "variation": "b"}},
            "expectedVariation": "b",
        },
        {"at": 90, "defaultVariationValue": "z", "expectedVariation": "z"},
        {"at": 90, "defaultVariableValues": {"v": "dv"}, "expectedVariables": {"v": "dv"}},
        {
            "at": 10,
            "context": {"country": "de"},
            "expectedToBeEnabled": False,
            "children": [
                {"context": {"country": "nl"}, "expectedToBeEnabled": True},
                {"context": {}, "expectedToBeEnabled": True},
            ],
        },
        feature="nl-only",
    )
    assert errors_of({"nl.spec": spec}) == [
        [],
        [],
        ['expectedVariables.v: schema for variable "v" not found in feature'],
        ['children[1].expectedToBeEnabled: expected "true", received "false"'],
    ]


def test_targets_missing_datafiles_and_missing_features() -> None:
    tests = {
        "a.spec": feature_spec(
            {"at": 10, "target": "empty", "expectedToBeEnabled": False},
            {"at": 10, "target": "unknown", "expectedToBeEnabled": True},
            {"at": 10, "environment": "staging", "expectedToBeEnabled": True},
        ),
        "b.spec": feature_spec({"at": 10}, feature="ghost"),
        "c.spec": {"segment": "ghost", "assertions": []},
    }
    report = run_tests(project(tests), datafile_for)
    first, ghost_feature, ghost_segment = report.specs
    assert [result.errors for result in first.assertions] == [
        [],
        [],
        ['datafile not found for environment "staging"'],
    ]
    assert ghost_feature.not_found and ghost_segment.not_found
    assert report.counts() == (0, 3, 2, 1)
    assert "  => feature ghost not found" in report.render()


def test_segment_specs_and_patterns() -> None:
    tests = {
        "s.spec": {
            "segment": "nl",
            "assertions": [
                {"context": {"country": "nl"}, "expectedToMatch": True},
                {"description": "germany", "context": {"country": "de"}, "expectedToMatch": True},
            ],
        },
        "f.spec": feature_spec({"at": 10, "expectedToBeEnabled": True}),
    }
    report = run_tests(project(tests), datafile_for, key_pattern="^NL$")
    assert [spec.key for spec in report.specs] == ["s.spec"]
    assert [result.errors for result in report.specs[0].assertions] == [
        [],
        ['segment: expected "true", received "false"'],
    ]
    only = run_tests(project(tests), datafile_for, assertion_pattern="germany")
    assert [len(spec.assertions) for spec in only.specs] == [1, 0]
    assert not report.passed
    assert report.render().endswith(
        "Test specs: 0 passed, 1 failed\nAssertions: 1 passed, 1 failed"
    )


def test_deep_equal_is_strict_on_primitives_and_ignores_key_order() -> None:
    assert deep_equal({"a": [1, {"b": None}], "c": "x"}, {"c": "x", "a": [1.0, {"b": None}]})
    assert not deep_equal({"a": 1}, {"a": True})
    assert not deep_equal([1, 2], [1])
    assert not deep_equal({"a": 1}, {"a": 1, "b": 2})
    assert not deep_equal("1", 1)
