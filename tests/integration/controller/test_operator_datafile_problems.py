"""A Datafile the operator cannot build is never left without a status: it says why."""

from __future__ import annotations

from collections.abc import Callable

from operator_helpers import Kube, OperatorProcess, base_objects, resource, wait_until

TIMEOUT = 30.0


def test_a_second_datafile_for_the_same_target_is_stalled_with_the_reason(
    kube: Kube, operators: Callable[..., OperatorProcess]
) -> None:
    duplicate = resource(
        "Datafile",
        "production-again",
        {"target": "all", "environment": "production", "description": "Same", "tag": "all"},
    )
    kube.apply([*base_objects(), duplicate])
    operators()

    def reason() -> str | None:
        ready = kube.condition("datafile", "production-again", "Ready")
        stalled = kube.condition("datafile", "production-again", "Stalled")
        if not ready or ready["status"] != "False" or not stalled or stalled["status"] != "True":
            return None
        return str(ready["message"])

    message = wait_until(reason, timeout=TIMEOUT, what="the duplicate Datafile to be Stalled")
    assert "spec.target" in message
    assert "already builds target `all`" in message
    # the first Datafile of that target is unaffected and published
    first = kube.condition("datafile", "production", "Ready")
    assert first is not None and first["status"] == "True"
