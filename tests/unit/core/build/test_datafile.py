"""Whole datafiles built from small in-code projects: context, errors, state, hashes."""

from __future__ import annotations

from typing import Any

import pytest
from kubevisor.core.build import BuildError, DatafileBuilder, build_datafile, build_project
from kubevisor.core.definitions import Definitions, Kind, ProjectConfig
from kubevisor.core.jsjson import dumps


def project(**features: dict[str, Any]) -> Definitions:
    return Definitions(
        config=ProjectConfig(environments=("production",)),
        segments={
            "chromeUsers": {
                "conditions": [{"attribute": "browser", "operator": "equals", "value": "chrome"}]
            },
            "netherlands": {
                "conditions": [{"attribute": "country", "operator": "equals", "value": "nl"}]
            },
            "everyone": {"conditions": "*"},
        },
        features=features,
        targets={"web": {"tag": "web", "context": {"browser": "chrome"}}, "all": {"tag": "all"}},
    )


def feature(**extra: Any) -> dict[str, Any]:
    return {"tags": ["all", "web"], "bucketBy": "userId", **extra}


RULES = {
    "production": [
        {"key": "chrome", "segments": "chromeUsers", "percentage": 50},
        {"key": "both", "segments": ["netherlands", "chromeUsers"], "percentage": 20},
        {"key": "rest", "segments": "*", "percentage": 10},
        {"key": "rest2", "segments": "*", "percentage": 5},
    ]
}
FORCE = {"production": [{"segments": ["chromeUsers"], "enabled": True}]}


def test_target_context_simplifies_traffic_but_not_segments() -> None:
    defs = project(f=feature(rules=RULES, force=FORCE))
    plain = build_datafile(defs, target_key="all", environment="production", state={}, revision="1")
    web = build_datafile(defs, target_key="web", environment="production", state={}, revision="1")
    traffic = web["features"]["f"]["traffic"]
    assert [entry["segments"] for entry in traffic] == ["*", ["netherlands"], "*"]
    assert [entry["key"] for entry in traffic] == ["chrome", "both", "rest"]
    assert web["features"]["f"]["force"][0]["segments"] == '["chromeUsers"]'
    assert web["segments"]["chromeUsers"] == plain["segments"]["chromeUsers"]
    assert web["features"]["f"]["hash"] == plain["features"]["f"]["hash"]
    assert "everyone" not in plain["segments"]  # "*" never names a segment file


def test_missing_rules_for_an_environment_is_a_problem() -> None:
    defs = project(f=feature(rules={"staging": []}))
    with pytest.raises(BuildError) as raised:
        build_datafile(defs, target_key=None, environment="production", state={}, revision="1")
    [problem] = raised.value.problems
    assert (problem.kind, problem.key, problem.path) == (Kind.FEATURE, "f", "rules.production")
    output = build_project(defs, states={}, current_revision="0")
    assert output.problems and not output.files


def test_required_cycle_is_a_problem() -> None:
    rules = {"production": [{"key": "r", "segments": "*", "percentage": 1}]}
    defs = project(a=feature(rules=rules, required=["b"]), b=feature(rules=rules, required=["a"]))
    output = build_project(defs, states={}, current_revision="0")
    assert [problem.path for problem in output.problems] == ["required"]


def test_required_features_hash_in_datafile_order() -> None:
    rules = {"production": [{"key": "r", "segments": "*", "percentage": 1}]}
    defs = project(a=feature(rules=rules, required=["b"]), b=feature(rules=rules))
    both = build_datafile(defs, target_key=None, environment="production", state={}, revision="1")
    alone = Definitions(config=defs.config, features={"a": defs.features["a"]})
    only_a = build_datafile(
        alone, target_key=None, environment="production", state={}, revision="1"
    )
    assert both["features"]["a"]["hash"] != only_a["features"]["a"]["hash"]


def test_project_build_writes_state_and_revision_and_keeps_inputs() -> None:
    defs = project(f=feature(rules=RULES))
    states: dict[str | None, dict[str, Any]] = {
        "production": {"features": {"gone": {"traffic": []}}}
    }
    output = build_project(defs, states=states, current_revision="4", featurevisor_version=None)
    assert output.revision == "5"
    assert sorted(output.files) == [
        "REVISION",
        "production/featurevisor-all.json",
        "production/featurevisor-web.json",
    ]
    state = output.states["production"]
    assert list(state["features"]) == ["gone", "f"]  # entries are never pruned
    assert state["features"]["f"]["hash"]
    assert states["production"] == {"features": {"gone": {"traffic": []}}}
    assert (
        output.state_files["existing-state-production.json"] == dumps(state, pretty=True).encode()
    )
    assert b'"featurevisorVersion"' not in output.files["production/featurevisor-all.json"]


def test_no_targets_is_a_problem() -> None:
    defs = Definitions(features={})
    output = build_project(defs, states={}, current_revision="0")
    assert output.problems[0].message == "No targets found"


def test_assembled_text_equals_the_serialized_datafile() -> None:
    rules = {"production": [{"key": "r", "segments": ["netherlands"], "percentage": 12.5}]}
    defs = project(
        **{
            "b": feature(rules=rules, required=["10"]),
            "10": feature(rules=rules),
            "2": feature(rules=rules, required=["b", {"key": "10", "variation": "x"}]),
        }
    )
    for target in ("all", None):
        builder = DatafileBuilder(defs)
        text = builder.build_text(
            target_key=target, environment="production", state={}, revision="3"
        )
        content = DatafileBuilder(defs).build(
            target_key=target, environment="production", state={}, revision="3"
        )
        assert text == dumps(content)
        assert list(content["features"]) == ["2", "10", "b"]
