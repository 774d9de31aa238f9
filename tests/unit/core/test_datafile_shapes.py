"""The datafile and state TypedDicts declare every key upstream writes: checked against the
reference datafiles and state files of the conformance fixtures (upstream's own output)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubevisor.core.datafile_shapes import (
    Allocation,
    Datafile,
    DatafileFeature,
    DatafileSegment,
    FeatureState,
    State,
    StateTraffic,
    StateVariation,
    Traffic,
    VariableSchema,
    Variation,
)

FIXTURES = Path(__file__).parents[2] / "conformance" / "fixtures"
DATAFILES = sorted(FIXTURES.glob("*/official/datafiles/**/*.json"))
STATES = sorted(FIXTURES.glob("*/official/state/**/existing-state*.json"))


def _undeclared(where: str, value: object, shape: type) -> set[str]:
    declared = shape.__required_keys__ | shape.__optional_keys__
    assert isinstance(value, dict), f"{where} is not an object"
    return {f"{where}.{key}" for key in value if key not in declared}


def undeclared_datafile_keys(datafile: dict[str, object]) -> set[str]:
    """`<object>.<key>` for every key the shapes do not declare."""
    found = _undeclared("datafile", datafile, Datafile)
    for segment in datafile.get("segments", {}).values():
        found |= _undeclared("segment", segment, DatafileSegment)
    for feature in datafile.get("features", {}).values():
        found |= _undeclared("feature", feature, DatafileFeature)
        for variation in feature.get("variations", []):
            found |= _undeclared("variation", variation, Variation)
        for traffic in feature["traffic"]:
            found |= _undeclared("traffic", traffic, Traffic)
            for allocation in traffic.get("allocation", []):
                found |= _undeclared("allocation", allocation, Allocation)
        for variable in feature.get("variablesSchema", {}).values():
            found |= _undeclared("variablesSchema", variable, VariableSchema)
    return found


def undeclared_state_keys(state: dict[str, object]) -> set[str]:
    found = _undeclared("state", state, State)
    for feature in state["features"].values():
        found |= _undeclared("feature", feature, FeatureState)
        for variation in feature.get("variations", []):
            found |= _undeclared("variation", variation, StateVariation)
        for traffic in feature["traffic"]:
            found |= _undeclared("traffic", traffic, StateTraffic)
            for allocation in traffic.get("allocation", []):
                found |= _undeclared("allocation", allocation, Allocation)
    return found


def test_the_fixtures_have_datafiles_and_states() -> None:
    assert len(DATAFILES) >= 10
    assert len(STATES) >= 4


@pytest.mark.parametrize("path", DATAFILES, ids=lambda path: str(path.relative_to(FIXTURES)))
def test_datafile_keys_are_declared(path: Path) -> None:
    assert undeclared_datafile_keys(json.loads(path.read_text(encoding="utf-8"))) == set()


@pytest.mark.parametrize("path", STATES, ids=lambda path: str(path.relative_to(FIXTURES)))
def test_state_keys_are_declared(path: Path) -> None:
    assert undeclared_state_keys(json.loads(path.read_text(encoding="utf-8"))) == set()


def test_a_misspelt_key_is_reported() -> None:
    datafile = {
        "schemaVersion": "2",
        "revison": "1",
        "segments": {},
        "features": {"f": {"bucketBy": "userId", "traffic": [{"key": "r", "percantage": 0}]}},
    }
    assert undeclared_datafile_keys(datafile) == {"datafile.revison", "traffic.percantage"}
