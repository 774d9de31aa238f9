"""Issue 8: the operator survives the platform: the API server going away for a while, and the
`kubevisor-state` ConfigMap being deleted (revisions never go down, no user changes bucket)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kubevisor.core.evaluate.evaluator import Evaluator
from kubevisor.devcluster.cluster import Cluster
from operator_helpers import (
    Kube,
    OperatorProcess,
    base_objects,
    feature,
    published_revision,
    revision_of,
    wait_until,
)

TIMEOUT = 60.0
OUTAGE_SECONDS = 45.0


@pytest.fixture
def api_server(cluster_control: Cluster) -> Iterator[Cluster]:
    """The cluster, with the kube-apiserver started again after the test whatever happens."""
    yield cluster_control
    cluster_control.start_server("kube-apiserver")


def test_an_api_server_outage_is_waited_out_and_caught_up(
    kube: Kube, operators: Callable[..., OperatorProcess], api_server: Cluster
) -> None:
    kube.apply(base_objects())
    operator = operators()
    wait_until(lambda: published_revision(kube) == "1", timeout=TIMEOUT, what="revision 1")
    pid = operator.pid

    api_server.stop_server("kube-apiserver")
    back_at = time.monotonic() + OUTAGE_SECONDS
    while time.monotonic() < back_at:  # the outage lasts; the operator must not exit
        assert operator.running(), operator.log_tail()
        time.sleep(1)
    api_server.start_server("kube-apiserver")

    kube.apply([feature("checkout", percentage=25)])
    wait_until(
        lambda: revision_of(kube.datafile_text("production")) == "2",
        timeout=180,
        what="the edit made after the outage to be published",
    )
    wait_until(lambda: published_revision(kube) == "2", timeout=TIMEOUT, what="Ready at 2")
    assert operator.running() and operator.pid == pid


def experiment(percentage: float) -> dict[str, Any]:
    """`checkout` as a 50/50 experiment on `percentage` % of users."""
    obj = feature("checkout", percentage=percentage)
    obj["spec"]["variations"] = [
        {"value": "control", "weight": 50},
        {"value": "treatment", "weight": 50},
    ]
    return obj


USERS = [f"user-{index}" for index in range(400)]


def variations(text: str) -> dict[str, Any]:
    evaluator = Evaluator(json.loads(text))
    return {user: evaluator.get_variation("checkout", {"userId": user}) for user in USERS}


def allocation(text: str) -> Any:
    return [rule.get("allocation") for rule in json.loads(text)["features"]["checkout"]["traffic"]]


def test_a_deleted_state_configmap_is_rebuilt_without_moving_users(
    kube: Kube, operators: Callable[..., OperatorProcess]
) -> None:
    kube.apply([*base_objects(features=("banner",)), experiment(20)])
    operator = operators()
    wait_until(lambda: published_revision(kube) == "1", timeout=TIMEOUT, what="revision 1")
    # Raising the percentage appends ranges; only the state remembers the old ones.
    kube.apply([experiment(60)])
    wait_until(lambda: published_revision(kube) == "2", timeout=TIMEOUT, what="revision 2")
    before = kube.datafile_text("production")

    kube.kubectl("delete", "configmap", "kubevisor-state")
    operator.kill()
    operators(name="restarted")
    kube.apply([feature("banner", percentage=50)])
    wait_until(lambda: published_revision(kube) == "3", timeout=TIMEOUT, what="revision 3")
    after = kube.datafile_text("production")

    assert revision_of(after) == "3"
    assert allocation(after) == allocation(before)
    assert variations(after) == variations(before)
    assert any(value == "treatment" for value in variations(after).values())
    assert kube.exists("configmap", "kubevisor-state")
