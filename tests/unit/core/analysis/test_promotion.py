"""Planning `promote --from staging --to production` on the mini project."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.core.analysis.promotion import (
    Action,
    OnConflict,
    PromotionError,
    blocked,
    plan_promotion,
)
from kubevisor.core.definitions import Definitions, ProjectConfig
from kubevisor.sources.project import load_project

MINI = Path("tests/conformance/fixtures/mini/input")


def _actions(defs: Definitions, policy: OnConflict) -> dict[tuple[str, str], Action]:
    changes = plan_promotion(defs, "staging", "production", on_conflict=policy)
    return {(change.feature, change.field): change.action for change in changes}


def test_equal_values_are_unchanged_and_different_ones_conflict() -> None:
    actions = _actions(load_project(MINI), OnConflict.FAIL)
    assert actions[("banner", "rules")] is Action.UNCHANGED
    assert actions[("checkout", "rules")] is Action.CONFLICT
    assert actions[("checkout", "force")] is Action.CONFLICT


def test_policies() -> None:
    defs = load_project(MINI)
    assert _actions(defs, OnConflict.OVERWRITE)[("checkout", "rules")] is Action.OVERWRITE
    skip = plan_promotion(defs, "staging", "production", on_conflict=OnConflict.SKIP)
    assert not blocked(skip, OnConflict.SKIP)
    fail = plan_promotion(defs, "staging", "production", on_conflict=OnConflict.FAIL)
    assert blocked(fail, OnConflict.FAIL)


def test_missing_destination_is_added() -> None:
    defs = Definitions(
        config=ProjectConfig(environments=("staging", "production")),
        features={"f": {"rules": {"staging": [{"key": "a", "segments": "*", "percentage": 5}]}}},
    )
    [change] = plan_promotion(defs, "staging", "production")
    assert (change.action, change.previous) == (Action.ADD, None)


@pytest.mark.parametrize(
    ("source", "destination", "message"),
    [("qa", "production", "--from 'qa'"), ("staging", "staging", "same environment")],
)
def test_bad_environments(source: str, destination: str, message: str) -> None:
    with pytest.raises(PromotionError, match=message):
        plan_promotion(load_project(MINI), source, destination)
