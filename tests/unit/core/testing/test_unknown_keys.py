"""An assertion key the runner does not know fails the assertion (it would check nothing)."""

from __future__ import annotations

from typing import Any

from kubevisor.core.definitions import Definitions, ProjectConfig
from kubevisor.core.testing import run_tests

DATAFILE: dict[str, Any] = {
    "schemaVersion": "2",
    "revision": "1",
    "segments": {},
    "features": {
        "f": {
            "bucketBy": "userId",
            "variations": [{"value": "a"}],
            "traffic": [
                {
                    "key": "all",
                    "segments": "*",
                    "percentage": 100000,
                    "allocation": [{"variation": "a", "range": [0, 100000]}],
                }
            ],
        }
    },
}


def datafile_for(environment: str | None, target: str | None) -> dict[str, Any] | None:
    return DATAFILE if environment == "production" and target is None else None


def project(tests: dict[str, Any]) -> Definitions:
    return Definitions(
        config=ProjectConfig(environments=("production",)),
        segments={"nl": {"conditions": [{"attribute": "c", "operator": "equals", "value": "nl"}]}},
        features={"f": {}},
        tests=tests,
    )


def errors_of(tests: dict[str, dict[str, object]]) -> list[str]:
    report = run_tests(project(tests), datafile_for)
    return [error for spec in report.specs for result in spec.assertions for error in result.errors]


def test_a_misspelled_expectation_fails_with_the_closest_key() -> None:
    spec = {
        "feature": "f",
        "assertions": [{"environment": "production", "at": 10, "expectedToBeEnable": True}],
    }
    assert errors_of({"t": spec}) == [
        'expectedToBeEnable: unknown key, nothing was checked; did you mean "expectedToBeEnabled"?'
    ]


def test_a_misspelled_segment_expectation_fails() -> None:
    spec = {"segment": "nl", "assertions": [{"context": {}, "expectToMatch": False}]}
    errors = errors_of({"t": spec})
    assert errors[0].startswith("expectToMatch: unknown key")
    assert 'did you mean "expectedToMatch"?' in errors[0]


def test_a_misspelled_key_in_a_child_fails() -> None:
    child = {"context": {}, "expectedVariaton": "a"}
    spec = {
        "feature": "f",
        "assertions": [{"environment": "production", "at": 10, "children": [child]}],
    }
    assert errors_of({"t": spec}) == [
        "children[0].expectedVariaton: unknown key, nothing was checked; "
        'did you mean "expectedVariation"?'
    ]


def test_an_unrelated_key_lists_the_known_ones() -> None:
    spec = {"feature": "f", "assertions": [{"environment": "production", "at": 1, "zzz": 1}]}
    (error,) = errors_of({"t": spec})
    assert error.startswith("zzz: unknown key, nothing was checked; known keys: description")


def test_known_keys_pass() -> None:
    spec = {
        "feature": "f",
        "assertions": [{"environment": "production", "at": 10, "expectedToBeEnabled": True}],
    }
    assert errors_of({"t": spec}) == []
