"""Issue 4, second "done when": edits reach both outputs with one revision bump each; an invalid
edit keeps the last good datafile and says why on the Feature and the Datafile; fixing it
publishes; deleting a Feature drops it; deleting a Datafile removes every output."""

from __future__ import annotations

import json
from collections.abc import Callable

from operator_helpers import (
    Kube,
    OperatorProcess,
    WriteCounter,
    base_objects,
    credentials_secret,
    feature,
    object_store_spec,
    published_revision,
    revision_of,
    s3_client,
    s3_text,
    wait_until,
)

TIMEOUT = 30.0


def outputs_at(kube: Kube, bucket: str, revision: str) -> str | None:
    """The datafile text once the status, the ConfigMap and S3 all serve `revision`."""
    if published_revision(kube) != revision:
        return None
    text = kube.datafile_text("production")
    copy = kube.datafile_text("production", namespace=f"{kube.namespace}-copy")
    if revision_of(text) != revision or s3_text(kube.cluster, bucket) != text or copy != text:
        return None
    return text


def test_edit_invalid_edit_fix_and_deletes(
    kube: Kube, operators: Callable[..., OperatorProcess], bucket: str
) -> None:
    copy_namespace = f"{kube.namespace}-copy"
    kube.cluster.kubectl("create", "namespace", copy_namespace)
    try:
        _edit_invalid_edit_fix_and_deletes(kube, operators, bucket, copy_namespace)
    finally:
        kube.cluster.kubectl("delete", "namespace", copy_namespace, "--wait=false")


def _edit_invalid_edit_fix_and_deletes(
    kube: Kube, operators: Callable[..., OperatorProcess], bucket: str, copy_namespace: str
) -> None:
    kube.apply([credentials_secret(kube.cluster)])
    datafile_outputs = {
        "configMap": {"name": "production", "namespaces": [copy_namespace]},
        "objectStore": object_store_spec(kube.cluster, bucket),
    }
    kube.apply(base_objects(datafile=datafile_outputs))
    operators()
    first = wait_until(lambda: outputs_at(kube, bucket, "1"), timeout=TIMEOUT, what="revision 1")
    assert set(json.loads(first)["features"]) == {"checkout", "banner"}
    assert "kubevisor.io/outputs" in kube.get("datafile", "production")["metadata"]["finalizers"]

    with WriteCounter(kube) as writes:
        # A valid edit: one new revision, on every output, written once.
        kube.apply([feature("checkout", percentage=50)])
        second = wait_until(
            lambda: outputs_at(kube, bucket, "2"), timeout=TIMEOUT, what="the edit published"
        )
        rule = json.loads(second)["features"]["checkout"]["traffic"][0]
        assert rule["percentage"] == 50000

        # An invalid edit the CRD cannot catch: a rule naming a segment that does not exist.
        kube.apply([feature("checkout", percentage=50, segments="missing-segment")])

        def held_back() -> tuple[str, str] | None:
            on_feature = kube.condition("feature", "checkout", "Ready")
            on_datafile = kube.condition("datafile", "production", "Ready")
            if not on_feature or not on_datafile or on_datafile["status"] != "False":
                return None
            if on_feature["status"] != "False":
                return None
            return on_feature["message"], on_datafile["message"]

        feature_message, datafile_message = wait_until(
            held_back, timeout=TIMEOUT, what="Ready=False on the Feature and the Datafile"
        )
        for message in (feature_message, datafile_message):
            assert "missing-segment" in message, message
            assert "rules" in message and "segments" in message, message  # the field path
        assert "still serving revision 2" in datafile_message
        assert kube.datafile_text("production") == second
        assert s3_text(kube.cluster, bucket) == second

        # Fixing it publishes.
        kube.apply([feature("checkout", percentage=50, segments="nl")])
        third = wait_until(lambda: outputs_at(kube, bucket, "3"), timeout=TIMEOUT, what="the fix")
        assert kube.condition("feature", "checkout", "Ready")["status"] == "True"  # type: ignore[index]
        assert "nl" in json.loads(third)["segments"]

        # Deleting a Feature removes it from the datafile.
        kube.kubectl("delete", "feature", "banner")
        fourth = wait_until(
            lambda: outputs_at(kube, bucket, "4"), timeout=TIMEOUT, what="the deletion"
        )
        assert set(json.loads(fourth)["features"]) == {"checkout"}

    # Each change was one write of its revision, nothing twice, nothing for the invalid edit.
    assert writes.revisions["production"] == ["2", "3", "4"], (writes.start_version, writes.events)
    s3 = s3_client(kube.cluster)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="flags/production/revisions/")
    kept = sorted(item["Key"].split("/")[3] for item in listed["Contents"])
    assert kept == ["1", "2", "3", "4"]

    # Deleting the Datafile removes its outputs: ConfigMaps here and in the other namespace,
    # and the polled object (revision objects stay for rollback).
    kube.kubectl("delete", "datafile", "production", "--wait=false")

    def outputs_gone() -> bool:
        return (
            not kube.exists("datafile", "production")
            and not kube.exists("configmap", "production")
            and not kube.exists("configmap", "production", namespace=copy_namespace)
            and s3_text(kube.cluster, bucket) is None
        )

    wait_until(outputs_gone, timeout=TIMEOUT, what="the Datafile and its outputs to be gone")
    assert s3_text(kube.cluster, bucket, "flags/production/revisions/4/featurevisor-all.json")
