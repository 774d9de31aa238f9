"""Issue 4: the S3 server away for a while (the ConfigMap still publishes, status says the object
store is behind, it catches up); two replicas (one writes; the other takes over within 30 s);
the metrics and probe endpoints."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from kubevisor.devcluster.cluster import Cluster
from operator_helpers import (
    Kube,
    OperatorProcess,
    WriteCounter,
    base_objects,
    credentials_secret,
    feature,
    http_get,
    metric_value,
    object_store_spec,
    published_revision,
    revision_of,
    s3_text,
    wait_until,
)

TIMEOUT = 30.0


@pytest.fixture
def s3_server(cluster_control: Cluster) -> Iterator[Cluster]:
    """The cluster, with the S3 server started again after the test whatever happens."""
    yield cluster_control
    cluster_control.start_server("weed")


def test_object_store_outage_keeps_configmaps_publishing_and_catches_up(
    kube: Kube,
    operators: Callable[..., OperatorProcess],
    bucket: str,
    s3_server: Cluster,
) -> None:
    kube.apply([credentials_secret(kube.cluster)])
    store = object_store_spec(kube.cluster, bucket)
    kube.apply(base_objects(datafile={"objectStore": store}))
    operator = operators()
    wait_until(lambda: published_revision(kube) == "1", timeout=TIMEOUT, what="revision 1")
    before = wait_until(lambda: s3_text(kube.cluster, bucket), timeout=TIMEOUT, what="S3 object")

    s3_server.stop_server("weed")
    kube.apply([feature("checkout", percentage=25)])

    def configmap_at_2() -> bool:
        return revision_of(kube.datafile_text("production")) == "2"

    wait_until(configmap_at_2, timeout=TIMEOUT, what="the ConfigMap to publish revision 2")

    def object_store_behind() -> dict[str, str] | None:
        behind = kube.condition("datafile", "production", "ObjectStorePublished")
        reconciling = kube.condition("datafile", "production", "Reconciling")
        if not behind or behind["status"] != "False":
            return None
        if not reconciling or reconciling["status"] != "True":
            return None
        # A later input-change mark ("Feature checkout changed; compiling") may stand for a
        # while in between; what must come is the status that names the output behind.
        if "objectStore" not in reconciling["message"]:
            return None
        return {"store": behind["message"], "reconciling": reconciling["message"]}

    messages = wait_until(object_store_behind, timeout=60, what="ObjectStorePublished=False")
    assert bucket in messages["store"] and messages["store"].strip(), messages
    assert "objectStore" in messages["reconciling"] and "retrying" in messages["reconciling"]
    assert kube.condition("datafile", "production", "ConfigMapPublished")["status"] == "True"  # type: ignore[index]
    metrics = operator.metrics()
    failed = {"namespace": kube.namespace, "output": "objectStore", "result": "failed"}
    assert (metric_value(metrics, "kubevisor_publishes_total", failed) or 0) >= 1

    s3_server.start_server("weed")
    assert s3_text(kube.cluster, bucket) == before  # nothing was written while it was away
    caught_up = wait_until(
        lambda: s3_text(kube.cluster, bucket) == kube.datafile_text("production"),
        timeout=90,
        what="S3 to catch up after the outage",
    )
    assert caught_up
    wait_until(lambda: published_revision(kube) == "2", timeout=TIMEOUT, what="Ready at revision 2")
    store_condition = kube.condition("datafile", "production", "ObjectStorePublished")
    assert store_condition is not None and store_condition["status"] == "True"


def leader_of(kube: Kube) -> str:
    lease = json.loads(kube.kubectl("get", "lease", "kubevisor-operator", "-o", "json"))
    return str(lease["spec"].get("holderIdentity") or "")


def is_leading(process: OperatorProcess) -> bool:
    return metric_value(process.metrics(), "kubevisor_leader") == 1


def test_two_replicas_one_writes_and_the_other_takes_over(
    kube: Kube, operators: Callable[..., OperatorProcess]
) -> None:
    kube.apply(base_objects())
    first = operators(name="replica-a")
    wait_until(lambda: published_revision(kube) == "1", timeout=TIMEOUT, what="revision 1")
    second = operators(name="replica-b")
    assert leader_of(kube).startswith("replica-a")
    assert is_leading(first) and not is_leading(second)

    # While both run, an edit is written once: by the leader only.
    with WriteCounter(kube) as writes:
        kube.apply([feature("checkout", percentage=40)])
        wait_until(lambda: published_revision(kube) == "2", timeout=TIMEOUT, what="revision 2")
    assert writes.revisions["production"] == ["2"], writes.events
    standby_writes = {"namespace": kube.namespace, "output": "configMap"}
    assert metric_value(second.metrics(), "kubevisor_publishes_total", standby_writes) is None

    first.kill()
    killed_at = time.monotonic()
    kube.apply([feature("checkout", percentage=60)])
    wait_until(lambda: published_revision(kube) == "3", timeout=30, what="the standby to publish")
    took = time.monotonic() - killed_at
    assert took < 30, took
    assert leader_of(kube).startswith("replica-b")
    assert is_leading(second)
    assert revision_of(kube.datafile_text("production")) == "3"


def test_metrics_and_probes(kube: Kube, operators: Callable[..., OperatorProcess]) -> None:
    kube.apply(base_objects())
    operator = operators()
    wait_until(lambda: published_revision(kube) == "1", timeout=TIMEOUT, what="revision 1")
    status, content_type, metrics = http_get(operator.url + "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    labels = {"namespace": kube.namespace, "datafile": "production"}
    size = len(kube.datafile_text("production").encode())
    assert metric_value(metrics, "kubevisor_datafile_bytes", labels) == size
    since = metric_value(metrics, "kubevisor_seconds_since_last_successful_publish", labels)
    assert since is not None and since >= 0
    assert (metric_value(metrics, "kubevisor_compile_duration_seconds_count") or 0) >= 1
    assert (
        metric_value(metrics, "kubevisor_publish_duration_seconds_count", {"output": "configMap"})
        or 0
    ) >= 1
    assert metric_value(metrics, "kubevisor_invalid_objects", {"namespace": kube.namespace}) == 0
    assert metric_value(metrics, "kubevisor_leader") == 1
    written = {**labels, "output": "configMap", "result": "written"}
    assert metric_value(metrics, "kubevisor_publishes_total", written) == 1

    kube.apply([feature("checkout", segments="missing-segment")])

    def invalid_counted() -> bool:
        invalid = {"namespace": kube.namespace}
        return metric_value(operator.metrics(), "kubevisor_invalid_objects", invalid) == 1

    wait_until(invalid_counted, timeout=TIMEOUT, what="the invalid object to be counted")
    for probe in ("/healthz", "/readyz"):
        status, _, body = http_get(operator.url + probe)
        assert (status, body) == (200, "ok\n")
