"""The sinks against the real API server and S3 server of the dev cluster."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import random
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from kubevisor.devcluster.state import ClusterInfo
from kubevisor.sinks.configmap import (
    CONFIGMAP_LIMIT_BYTES,
    FIELD_MANAGER,
    GZIP_THRESHOLD_BYTES,
    ConfigMapTarget,
    DatafileRef,
    delete_configmap,
    gzip_deterministic,
    publish_configmap,
)
from kubevisor.sinks.credentials import read_credentials
from kubevisor.sinks.objectstore import (
    ObjectStoreConfigError,
    ObjectStoreLocation,
    delete_object,
    open_object_store,
    publish_object,
)
from kubevisor.sinks.payload import Payload
from kubevisor.sinks.results import Outcome, PublishResult
from kubevisor_client import HttpPoller
from lightkube import AsyncClient
from lightkube.config.kubeconfig import KubeConfig
from s3_helpers import s3_client

T = TypeVar("T")


def payload(revision: str, *, features: int = 1, noise: bytes = b"") -> Payload:
    """A datafile with `features` features and, optionally, incompressible padding."""
    value = {
        "schemaVersion": "2",
        "revision": revision,
        "segments": {},
        "features": {
            f"feature-{index:06d}": {"key": f"feature-{index:06d}", "bucketBy": "userId"}
            for index in range(features)
        },
        "padding": base64.b64encode(noise).decode(),
    }
    return Payload.from_bytes(json.dumps(value).encode())


def compressible_payload_over(size: int, revision: str) -> Payload:
    features = 1
    made = payload(revision)
    while len(made.content) <= size:
        features *= 2
        made = payload(revision, features=features)
    return made


def noisy_payload(noise_bytes: int, revision: str = "1") -> Payload:
    return payload(revision, noise=random.Random(noise_bytes).randbytes(noise_bytes))


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def with_client(cluster: ClusterInfo, work: Callable[[AsyncClient], Awaitable[T]]) -> T:
    async def main() -> T:
        client = AsyncClient(KubeConfig.from_file(cluster.kubeconfig))
        try:
            return await work(client)
        finally:
            await client.close()

    return asyncio.run(main())


def publish(cluster: ClusterInfo, target: ConfigMapTarget, made: Payload) -> PublishResult:
    return with_client(cluster, lambda client: publish_configmap(client, target, made))


def get_configmap(cluster: ClusterInfo, target: ConfigMapTarget) -> dict[str, Any]:
    text = cluster.kubectl(
        "get", "configmap", target.name, "-n", target.namespace, "-o", "json",
        "--show-managed-fields",
    )  # fmt: skip
    result: dict[str, Any] = json.loads(text)
    return result


@pytest.fixture
def namespace(cluster: ClusterInfo) -> Iterator[str]:
    name = _unique("kv-sinks")
    cluster.kubectl("create", "namespace", name)
    yield name
    cluster.kubectl("delete", "namespace", name, "--wait=false")


@pytest.fixture
def target(namespace: str) -> ConfigMapTarget:
    return ConfigMapTarget(
        name="featurevisor-all",
        namespace=namespace,
        datafile=DatafileRef(name="all-production", namespace=namespace),
        labels={"app.kubernetes.io/instance": "argo-app", "team": "checkout"},
    )


def test_configmap_is_created_updated_and_not_rewritten_when_unchanged(
    cluster: ClusterInfo, target: ConfigMapTarget
) -> None:
    first, second = payload("1"), payload("2")
    assert publish(cluster, target, first).outcome is Outcome.WRITTEN
    created = get_configmap(cluster, target)
    assert created["data"] == {"datafile.json": first.content.decode()}
    assert created["metadata"]["annotations"]["kubevisor.io/digest"] == first.digest
    assert created["metadata"]["labels"]["team"] == "checkout"
    assert "app.kubernetes.io/instance" not in created["metadata"]["labels"]
    managers = {entry["manager"] for entry in created["metadata"]["managedFields"]}
    assert managers == {FIELD_MANAGER}

    unchanged = publish(cluster, target, first)
    assert unchanged.outcome is Outcome.UNCHANGED
    after = get_configmap(cluster, target)
    assert after["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]

    assert publish(cluster, target, second).outcome is Outcome.WRITTEN
    updated = get_configmap(cluster, target)
    assert updated["data"] == {"datafile.json": second.content.decode()}
    assert updated["metadata"]["annotations"]["kubevisor.io/revision"] == "2"
    assert updated["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]


def test_gzip_path_replaces_the_text_key_and_back(
    cluster: ClusterInfo, target: ConfigMapTarget
) -> None:
    small, big = payload("1"), compressible_payload_over(GZIP_THRESHOLD_BYTES, revision="2")
    publish(cluster, target, small)
    assert publish(cluster, target, big).outcome is Outcome.WRITTEN
    stored = get_configmap(cluster, target)
    assert "data" not in stored  # server-side apply dropped the key we no longer own
    packed = base64.b64decode(stored["binaryData"]["datafile.json.gz"])
    assert gzip.decompress(packed) == big.content
    assert publish(cluster, target, big).outcome is Outcome.UNCHANGED

    assert publish(cluster, target, small).outcome is Outcome.WRITTEN
    stored = get_configmap(cluster, target)
    assert "binaryData" not in stored
    assert stored["data"] == {"datafile.json": small.content.decode()}


def test_gzip_path_removes_a_text_key_that_kubectl_shares_too(
    cluster: ClusterInfo, target: ConfigMapTarget, tmp_path: Path
) -> None:
    small, big = payload("1"), compressible_payload_over(GZIP_THRESHOLD_BYTES, revision="2")
    assert publish(cluster, target, small).outcome is Outcome.WRITTEN
    # A hand edit by another field manager now shares the text key with kubevisor.
    (tmp_path / "datafile.json").write_bytes(small.content)
    edit = cluster.kubectl(
        "create", "configmap", target.name, "-n", target.namespace,
        f"--from-file={tmp_path / 'datafile.json'}", "--dry-run=client", "-o", "yaml",
    )  # fmt: skip
    cluster.kubectl(
        "apply", "--server-side", "--field-manager=hand-edit", "--force-conflicts", "-f", "-",
        stdin=edit,
    )  # fmt: skip
    assert publish(cluster, target, big).outcome is Outcome.WRITTEN
    stored = get_configmap(cluster, target)
    assert "datafile.json" not in (stored.get("data") or {})
    assert set(stored["binaryData"]) == {"datafile.json.gz"}
    assert publish(cluster, target, big).outcome is Outcome.UNCHANGED


def test_a_configmap_kubevisor_did_not_create_is_left_alone(
    cluster: ClusterInfo, target: ConfigMapTarget
) -> None:
    cluster.kubectl(
        "create", "configmap", target.name, "-n", target.namespace, "--from-literal=app=theirs"
    )  # fmt: skip
    result = publish(cluster, target, payload("1"))
    assert result.outcome is Outcome.FAILED and result.reason == "OutputConflict"
    assert not result.retryable
    assert get_configmap(cluster, target)["data"] == {"app": "theirs"}


def _gzip_size(made: Payload) -> int:
    return len("datafile.json.gz") + len(gzip_deterministic(made.content))


def _payload_gzipping_to_just_under_the_limit() -> Payload:
    """Binary search over amounts of random padding for a datafile that gzips to the limit."""
    low, high = CONFIGMAP_LIMIT_BYTES // 2, CONFIGMAP_LIMIT_BYTES
    while high - low > 16:
        middle = (low + high) // 2
        if _gzip_size(noisy_payload(middle)) <= CONFIGMAP_LIMIT_BYTES:
            low = middle
        else:
            high = middle
    return noisy_payload(low)


def test_api_server_accepts_a_configmap_right_at_our_size_limit(
    cluster: ClusterInfo, target: ConfigMapTarget
) -> None:
    fits = _payload_gzipping_to_just_under_the_limit()
    assert CONFIGMAP_LIMIT_BYTES - 200 < _gzip_size(fits) <= CONFIGMAP_LIMIT_BYTES
    assert publish(cluster, target, fits).outcome is Outcome.WRITTEN


def test_too_large_datafile_writes_nothing_and_says_split_by_tags(
    cluster: ClusterInfo, target: ConfigMapTarget
) -> None:
    huge = noisy_payload(CONFIGMAP_LIMIT_BYTES)
    result = publish(cluster, target, huge)
    assert result.outcome is Outcome.FAILED
    assert not result.retryable
    assert "split it into smaller datafiles by tags" in result.message
    listed = cluster.kubectl("get", "configmaps", "-n", target.namespace, "-o", "name")
    assert "configmap/featurevisor-all" not in listed.split()


def test_hand_edits_are_undone_and_other_managers_lose_our_fields(
    cluster: ClusterInfo, target: ConfigMapTarget
) -> None:
    made = payload("1")
    publish(cluster, target, made)
    cluster.kubectl(
        "patch", "configmap", target.name, "-n", target.namespace, "--type=merge",
        "-p", json.dumps({"data": {"datafile.json": "{}", "notes.txt": "mine"}}),
    )  # fmt: skip
    assert publish(cluster, target, made).outcome is Outcome.WRITTEN
    restored = get_configmap(cluster, target)
    assert restored["data"]["datafile.json"] == made.content.decode()
    assert restored["data"]["notes.txt"] == "mine"  # not ours: left alone


def test_delete_removes_ours_and_refuses_a_foreign_configmap(
    cluster: ClusterInfo, target: ConfigMapTarget, namespace: str
) -> None:
    publish(cluster, target, payload("1"))
    deleted = with_client(cluster, lambda client: delete_configmap(client, target))
    assert deleted.outcome is Outcome.DELETED
    again = with_client(cluster, lambda client: delete_configmap(client, target))
    assert again.outcome is Outcome.UNCHANGED

    cluster.kubectl("create", "configmap", target.name, "-n", namespace, "--from-literal=a=b")
    refused = with_client(cluster, lambda client: delete_configmap(client, target))
    assert refused.outcome is Outcome.UNCHANGED
    assert refused.message.startswith("left in place: not managed by kubevisor for Datafile")
    assert get_configmap(cluster, target)["data"] == {"a": "b"}


def test_missing_namespace_is_a_failed_result(cluster: ClusterInfo) -> None:
    absent = _unique("kv-absent")
    target = ConfigMapTarget("featurevisor-all", absent, DatafileRef("all", absent))
    result = publish(cluster, target, payload("1"))
    assert result.outcome is Outcome.FAILED
    assert result.message.startswith("API error 404")


# --- object store ---------------------------------------------------------------------------


def credentials(cluster: ClusterInfo, *, secret: str | None = None) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": cluster.s3_access_key,
        "AWS_SECRET_ACCESS_KEY": secret or cluster.s3_secret_key,
        "AWS_ENDPOINT_URL": cluster.s3_endpoint,
        "AWS_REGION": cluster.s3_region,
    }


@pytest.fixture
def bucket(cluster: ClusterInfo) -> str:
    name = _unique("kv-sinks")
    s3_client(cluster).create_bucket(Bucket=name)
    return name


def location(url: str, keys: dict[str, str]) -> ObjectStoreLocation:
    opened = open_object_store(url, keys, environ={})
    assert isinstance(opened, ObjectStoreLocation), opened
    return opened


def test_s3_publish_writes_revision_then_polled_path_byte_identical(
    cluster: ClusterInfo, bucket: str
) -> None:
    store = location(f"s3://{bucket}/shop", credentials(cluster))
    made = payload("3")
    result = asyncio.run(publish_object(store, made, target="all", environment="production"))
    assert result.outcome is Outcome.WRITTEN, result.message
    assert result.output == f"s3://{bucket}/shop/production/featurevisor-all.json"
    s3 = s3_client(cluster)
    for key in ("shop/production/featurevisor-all.json",
                "shop/production/revisions/3/featurevisor-all.json"):  # fmt: skip
        stored = s3.get_object(Bucket=bucket, Key=key)
        assert stored["Body"].read() == made.content
        assert stored["ContentType"] == "application/json"
    before = s3.head_object(Bucket=bucket, Key="shop/production/featurevisor-all.json")

    again = asyncio.run(publish_object(store, made, target="all", environment="production"))
    assert again.outcome is Outcome.UNCHANGED
    after = s3.head_object(Bucket=bucket, Key="shop/production/featurevisor-all.json")
    assert after["LastModified"] == before["LastModified"]
    assert after["ETag"] == before["ETag"]


def test_s3_no_environments_mode_and_delete_keeps_revisions(
    cluster: ClusterInfo, bucket: str
) -> None:
    store = location(f"s3://{bucket}", credentials(cluster))
    asyncio.run(publish_object(store, payload("1"), target="web", environment=None))
    deleted = asyncio.run(delete_object(store, target="web", environment=None))
    assert deleted.outcome is Outcome.DELETED
    listed = s3_client(cluster).list_objects_v2(Bucket=bucket)
    assert [item["Key"] for item in listed["Contents"]] == ["revisions/1/featurevisor-web.json"]


def test_s3_wrong_secret_is_a_clean_access_denied_result(cluster: ClusterInfo, bucket: str) -> None:
    store = location(f"s3://{bucket}", credentials(cluster, secret="wrong-secret"))
    result = asyncio.run(publish_object(store, payload("1"), target="all", environment=None))
    assert result.outcome is Outcome.FAILED
    assert result.message.startswith("access denied ("), result.message
    assert "HTTP 403" in result.message
    assert "check the credentials Secret" in result.message
    # Only the type, status and code of the error: no request or response text.
    assert cluster.s3_access_key not in result.message and bucket not in result.message


def test_s3_environment_credentials_are_the_fallback(cluster: ClusterInfo, bucket: str) -> None:
    opened = open_object_store(f"s3://{bucket}", {}, environ=credentials(cluster))
    assert isinstance(opened, ObjectStoreLocation)
    result = asyncio.run(publish_object(opened, payload("1"), target="all", environment=None))
    assert result.outcome is Outcome.WRITTEN, result.message


def test_http_poller_follows_the_published_object_with_etags(
    cluster: ClusterInfo, bucket: str
) -> None:
    store = location(f"s3://{bucket}", credentials(cluster))
    asyncio.run(publish_object(store, payload("1"), target="all", environment="production"))
    url = s3_client(cluster).generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": "production/featurevisor-all.json"},
        ExpiresIn=600,
    )
    revisions: list[str] = []
    poller = HttpPoller(url, lambda datafile: revisions.append(datafile["revision"]))
    poller.load()
    poller.load()  # answered 304: no second delivery
    asyncio.run(publish_object(store, payload("2"), target="all", environment="production"))
    poller.load()
    assert revisions == ["1", "2"]


def test_credentials_from_a_secret_open_the_store(
    cluster: ClusterInfo, bucket: str, namespace: str
) -> None:
    keys = credentials(cluster)
    literals = [f"--from-literal={key}={value}" for key, value in keys.items()]
    cluster.kubectl("create", "secret", "generic", "s3-creds", "-n", namespace, *literals)
    url = f"s3://{bucket}/shop"
    read = with_client(cluster, lambda c: read_credentials(c, namespace, "s3-creds", url=url))
    assert read == keys
    opened = open_object_store(url, read, environ={})
    assert isinstance(opened, ObjectStoreLocation)
    result = asyncio.run(publish_object(opened, payload("1"), target="all", environment=None))
    assert result.outcome is Outcome.WRITTEN, result.message
    missing = with_client(cluster, lambda c: read_credentials(c, namespace, "nope", url=url))
    assert isinstance(missing, ObjectStoreConfigError)
    assert missing.message == (
        f"Secret {namespace}/nope not found: "
        "create it, or fix spec.objectStore.credentialsSecret.name"
    )
