from __future__ import annotations

from kubevisor.controller.conditions import ready, render_conditions, stalled


def test_transition_time_moves_only_when_status_flips() -> None:
    first = render_conditions(ready(), [], generation=1, now="t1")
    same = render_conditions(ready(), first, generation=2, now="t2")
    assert [c["lastTransitionTime"] for c in same] == ["t1", "t1", "t1"]
    assert all(c["observedGeneration"] == 2 for c in same)
    flipped = render_conditions(stalled("Bad", "broken"), same, generation=3, now="t3")
    times = {c["type"]: c["lastTransitionTime"] for c in flipped}
    assert times == {"Ready": "t3", "Reconciling": "t1", "Stalled": "t3"}


def test_kstatus_shape() -> None:
    rendered = render_conditions(stalled("InputInvalid", "feature x"), [], generation=4, now="t")
    by_type = {c["type"]: c for c in rendered}
    assert by_type["Ready"]["status"] == "False"
    assert by_type["Stalled"]["status"] == "True"
    assert by_type["Stalled"]["message"] == "feature x"
    assert by_type["Reconciling"]["status"] == "False"
