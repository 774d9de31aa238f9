"""The status a Datafile gets the moment one of its inputs changes (controller.reconciling)."""

from __future__ import annotations

from typing import Any

from kubevisor.controller.conditions import Condition, render_conditions, stalled
from kubevisor.controller.reconciling import REASON, describe_change, reconciling_status


def held_back(generation: int) -> dict[str, Any]:
    """A Datafile held back by an invalid Feature, serving revision 3."""
    wanted = [*stalled("InputInvalid", "Feature x: bad"), Condition("Valid", False, "Invalid")]
    return {
        "observedGeneration": generation,
        "revision": "3",
        "digest": "sha256:abc",
        "outputs": [{"output": "configMap", "location": "ConfigMap ns/flags", "ready": "True"}],
        "conditions": render_conditions(wanted, [], generation=generation, now="t1"),
    }


def by_type(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["type"]: c for c in status["conditions"]}


def test_a_stalled_datafile_turns_reconciling_not_stalled() -> None:
    status = reconciling_status(held_back(2), change="Feature x changed", generation=2, now="t2")
    assert status is not None
    conditions = by_type(status)
    assert conditions["Reconciling"]["status"] == "True"
    assert conditions["Reconciling"]["reason"] == REASON
    assert conditions["Stalled"]["status"] == "False"
    assert conditions["Ready"]["status"] == "False"
    assert conditions["Reconciling"]["message"] == (
        "Feature x changed; compiling (still serving revision 3)"
    )
    # kstatus reads the conditions only when the generation is observed.
    assert status["observedGeneration"] == 2
    assert {c["observedGeneration"] for c in status["conditions"]} == {2}
    # It still serves what it served, and keeps its domain verdicts.
    assert (status["revision"], status["digest"]) == ("3", "sha256:abc")
    assert status["outputs"] == held_back(2)["outputs"]
    assert conditions["Valid"]["status"] == "False"
    assert [c["type"] for c in status["conditions"]][:3] == ["Ready", "Reconciling", "Stalled"]


def test_transition_times_move_only_for_flipped_conditions() -> None:
    status = reconciling_status(held_back(2), change="c", generation=2, now="t2")
    assert status is not None
    times = {kind: c["lastTransitionTime"] for kind, c in by_type(status).items()}
    assert times == {"Ready": "t1", "Reconciling": "t2", "Stalled": "t2", "Valid": "t1"}


def test_marked_once_per_burst() -> None:
    first = reconciling_status(held_back(2), change="Feature a changed", generation=2, now="t2")
    assert first is not None
    again = reconciling_status(first, change="Feature b changed", generation=2, now="t3")
    assert again is None


def test_marked_again_when_the_datafile_itself_changed_since() -> None:
    first = reconciling_status(held_back(2), change="Feature a changed", generation=2, now="t2")
    assert first is not None
    newer = reconciling_status(first, change="Datafile d changed", generation=3, now="t3")
    assert newer is not None
    assert newer["observedGeneration"] == 3


def test_a_datafile_without_status_yet() -> None:
    status = reconciling_status({}, change="Segment s was deleted", generation=1, now="t")
    assert status is not None
    assert by_type(status)["Reconciling"]["message"] == (
        "Segment s was deleted; compiling (nothing published yet)"
    )
    assert "revision" not in status


def test_describe_change() -> None:
    obj = {"kind": "Feature", "metadata": {"name": "checkout"}}
    assert describe_change(obj) == "Feature checkout changed"
    assert describe_change(obj, deleted=True) == "Feature checkout was deleted"
