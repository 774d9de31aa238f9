"""Issue 13, item 4: shards of namespaces across operator instances, on a real API server.

Two cluster-wide instances: the default one (namespaces without `kubevisor.io/shard`) and shard
`a`. Each publishes only its own namespace and holds its own Lease. Relabeling a namespace moves
it: its ConfigMaps are never deleted, the old shard stops writing there, and the new shard
publishes the next edit with the revision after the old shard's last one.

The default instance serves every unlabeled namespace of the test cluster, so namespaces other
tests left behind get published too; that does not matter here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from kubevisor.controller.shards import SHARD_LABEL
from lightkube.core.exceptions import ApiError
from lightkube.resources.coordination_v1 import Lease
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
LAST_PUBLISH = "kubevisor_seconds_since_last_successful_publish"


def samples(metrics: str, name: str, namespace: str) -> list[float]:
    """Values of the samples of `name` labeled with `namespace`."""
    label = f'namespace="{namespace}"'
    return [
        float(line.rpartition(" ")[2])
        for line in metrics.splitlines()
        if line.startswith(name + "{") and label in line
    ]


def publishes(operator: OperatorProcess, namespace: str) -> float:
    return sum(samples(operator.metrics(), "kubevisor_publishes_total", namespace))


def has_published(operator: OperatorProcess, namespace: str) -> bool:
    return bool(samples(operator.metrics(), LAST_PUBLISH, namespace))


def served(kube: Kube, namespace: str) -> str | None:
    """The revision in the namespace's ConfigMap, once its Datafile says it is served."""
    other = Kube(kube.cluster, namespace)
    status_revision = published_revision(other)
    try:
        text = other.datafile_text("production")
    except ApiError:  # not published yet
        return None
    return status_revision if status_revision == revision_of(text) else None


def uid(kube: Kube, name: str, namespace: str) -> str:
    metadata = kube.configmap(name, namespace).metadata
    assert metadata is not None
    return str(metadata.uid)


def holder(kube: Kube, lease: str) -> str:
    spec = kube.client.get(Lease, lease, namespace=kube.namespace).spec
    return str(spec.holderIdentity if spec else "")


@pytest.fixture
def shard_namespace(kube: Kube) -> Iterator[str]:
    """A second namespace, labeled for shard `a`."""
    name = f"{kube.namespace}-a"
    kube.cluster.kubectl("create", "namespace", name)
    kube.cluster.kubectl("label", "namespace", name, f"{SHARD_LABEL}=a")
    yield name
    kube.cluster.kubectl("delete", "namespace", name, "--wait=false")


def test_each_shard_publishes_its_namespaces_and_a_moved_namespace_continues(
    kube: Kube, operators: Callable[..., OperatorProcess], shard_namespace: str
) -> None:
    plain = kube.namespace
    other = Kube(kube.cluster, shard_namespace)
    kube.apply(base_objects())
    other.apply(base_objects())
    cluster_wide = {"KUBEVISOR_NAMESPACES": ""}
    default = operators(name="default", extra_env=cluster_wide)
    shard_a = operators(name="shard-a", extra_env={**cluster_wide, "KUBEVISOR_SHARD": "a"})

    for namespace in (plain, shard_namespace):
        wait_until(lambda ns=namespace: served(kube, ns) == "1", timeout=TIMEOUT, what=namespace)
    assert has_published(default, plain) and not has_published(default, shard_namespace)
    assert has_published(shard_a, shard_namespace) and not has_published(shard_a, plain)
    # Every shard elects its own leader: two Leases, each held by its own instance.
    wait_until(
        lambda: holder(kube, "kubevisor-operator").startswith("default-"),
        timeout=30,
        what="default's lease",
    )
    wait_until(
        lambda: holder(kube, "kubevisor-operator-a").startswith("shard-a-"),
        timeout=30,
        what="shard a's lease",
    )

    other.apply([feature("checkout", percentage=50)])
    wait_until(lambda: served(kube, shard_namespace) == "2", timeout=TIMEOUT, what="edit in a")
    before = {name: uid(kube, name, shard_namespace) for name in ("production", "kubevisor-state")}
    written_by_a = publishes(shard_a, shard_namespace)

    # Move the namespace to the default instance: the label goes.
    kube.cluster.kubectl("label", "namespace", shard_namespace, f"{SHARD_LABEL}-")
    wait_until(
        lambda: (
            has_published(default, shard_namespace) and not has_published(shard_a, shard_namespace)
        ),
        timeout=TIMEOUT,
        what="the default instance to take the namespace over",
    )
    assert served(kube, shard_namespace) == "2"  # the move alone is no new revision

    other.apply([feature("checkout", percentage=25)])
    wait_until(
        lambda: served(kube, shard_namespace) == "3", timeout=TIMEOUT, what="edit after move"
    )
    rule = other.datafile_text("production")
    assert '"percentage":25000' in rule.replace(" ", "")
    after = {name: uid(kube, name, shard_namespace) for name in ("production", "kubevisor-state")}
    assert after == before  # never deleted and recreated on hand-off
    assert publishes(shard_a, shard_namespace) == written_by_a  # the old shard wrote nothing
    assert default.running() and shard_a.running()
