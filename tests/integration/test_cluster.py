"""The dev cluster itself: the API server, the controller manager and the S3 server work, and
nothing is left running after it stops."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from kubevisor.devcluster.cluster import temporary_cluster
from kubevisor.devcluster.state import ClusterInfo, KubectlError
from s3_helpers import s3_client


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _wait_until_gone(cluster: ClusterInfo, *args: str, limit: float = 60.0) -> bool:
    """Poll `kubectl get ARGS` until it reports NotFound; False if it never does."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            cluster.kubectl("get", *args)
        except KubectlError as error:
            if "NotFound" in str(error):
                return True
            raise
        time.sleep(0.5)
    return False


def test_api_server_lists_the_built_in_namespaces(cluster: ClusterInfo) -> None:
    names = cluster.kubectl("get", "namespaces", "-o", "name").split()
    assert "namespace/default" in names
    assert "namespace/kube-system" in names


def test_namespace_is_created_and_deleted(cluster: ClusterInfo) -> None:
    # Deletion only completes when the namespace controller empties and finalizes it.
    name = _unique("kv-ns")
    cluster.kubectl("create", "namespace", name)
    cluster.kubectl("create", "configmap", "inside", f"--namespace={name}")
    cluster.kubectl("delete", "namespace", name, "--wait=false")
    assert _wait_until_gone(cluster, "namespace", name)


def test_config_map_round_trips(cluster: ClusterInfo) -> None:
    name = _unique("kv-cm")
    data = {"datafile.json": '{"schemaVersion":"2","features":{}}', "text": "läuft\nzwei Zeilen"}
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"},
        "data": data,
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    stored = json.loads(cluster.kubectl("get", "configmap", name, "-o", "json"))
    assert stored["data"] == data
    cluster.kubectl("delete", "configmap", name)


def test_garbage_collector_removes_owned_objects(cluster: ClusterInfo) -> None:
    owner_name = _unique("kv-owner")
    cluster.kubectl("create", "configmap", owner_name)
    owner = json.loads(cluster.kubectl("get", "configmap", owner_name, "-o", "json"))
    child_name = _unique("kv-child")
    child = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": child_name,
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "name": owner_name,
                    "uid": owner["metadata"]["uid"],
                }
            ],
        },
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(child))
    cluster.kubectl("delete", "configmap", owner_name)
    assert _wait_until_gone(cluster, "configmap", child_name)


def test_s3_stores_and_returns_an_object(cluster: ClusterInfo) -> None:
    s3 = s3_client(cluster)
    bucket = _unique("kv-bucket")
    s3.create_bucket(Bucket=bucket)
    body = json.dumps({"revision": 1}).encode()
    s3.put_object(Bucket=bucket, Key="production/featurevisor-all.json", Body=body)
    fetched = s3.get_object(Bucket=bucket, Key="production/featurevisor-all.json")
    assert fetched["Body"].read() == body


def test_s3_rejects_a_wrong_secret(cluster: ClusterInfo) -> None:
    bucket = _unique("kv-bucket")
    s3_client(cluster).create_bucket(Bucket=bucket)
    intruder = s3_client(cluster, secret_key=cluster.s3_secret_key + "x")
    with pytest.raises(ClientError) as raised:
        intruder.put_object(Bucket=bucket, Key="k", Body=b"nope")
    assert raised.value.response["Error"]["Code"] in ("AccessDenied", "SignatureDoesNotMatch")


def _process_alive(pid: int, binary_name: str) -> bool:
    """Checked through /proc, independently of the code under test. A PID reused by another
    program does not count: its command line names a different binary."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    state = stat[stat.rindex(")") + 2 :].split()[0]
    return state != "Z" and binary_name.encode() in cmdline


def test_stopping_leaves_no_process_even_when_the_body_fails() -> None:
    class BodyFailed(Exception):
        pass

    started: list[tuple[int, str]] = []
    run_dir = None
    leftovers: tuple[Path, ...] = ()
    with pytest.raises(BodyFailed), temporary_cluster() as info:
        started = [(record.pid, record.name) for record in info.processes]
        run_dir = info.run_dir
        leftovers = info.leftover_files
        assert all(_process_alive(pid, name) for pid, name in started)
        raise BodyFailed
    names = sorted(name for _, name in started)
    assert names == ["etcd", "kube-apiserver", "kube-controller-manager", "weed"]
    assert [pid for pid, name in started if _process_alive(pid, name)] == []
    assert run_dir is not None
    assert not run_dir.exists()
    # weed's gRPC sockets in /tmp (named by this run's ports) are gone too.
    assert leftovers
    assert [path for path in leftovers if path.exists()] == []
