"""A hostile tenant against the operator, end to end.

The operator runs with exactly the chart's RBAC (cluster scope: it may write ConfigMaps in
every namespace, so only its own checks stand between a tenant and other teams) and with an
ambient S3 identity that an admin allowed under `s3://<bucket>/{namespace}/`. The tenant
`tenant-a` may create kubevisor objects (and Secrets) in namespace `sec-a` only, and applies
them by impersonation (`kubectl --as tenant-a`). Every attack is tried, and each test proves
the harm did not happen and that the Datafile says why.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from kubevisor.devcluster.state import ClusterInfo, KubectlError
from packaging_tools import (
    ensure_namespace,
    free_port,
    helm_template,
    install_crds,
    operator_process,
    permission_problems,
    service_account_kubeconfig,
    wait_for,
)
from s3_helpers import s3_client

TENANT = "tenant-a"
RELEASE_NAMESPACE = "sec-system"
A, B, C = "sec-a", "sec-b", "sec-c"
"""The tenant's namespace, a victim team's, and one that may consent to copies."""
BUCKET = "sec-flags"
VICTIM_KEY = f"{B}/featurevisor-steal.json"
VICTIM_BYTES = b'{"victim": true}'
TIMEOUT = 120.0


class Recorder(BaseHTTPRequestHandler):
    """Records every request that reaches the listener; answers 500 to anything."""

    seen: ClassVar[list[str]] = []

    def _record(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        self.send_response(500)
        self.end_headers()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _record

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@dataclass
class World:
    cluster: ClusterInfo
    log: Path
    listener: str
    seen: list[str]
    file_target: Path
    victims: dict[str, dict[str, Any]] = field(default_factory=dict)


def as_tenant(cluster: ClusterInfo, manifest: dict[str, Any]) -> None:
    manifest = {"apiVersion": "kubevisor.io/v1alpha1", **manifest}
    manifest["metadata"].setdefault("namespace", A)
    cluster.kubectl("--as", TENANT, "apply", "-f", "-", stdin=yaml.safe_dump(manifest))


def datafile(cluster: ClusterInfo, name: str, **spec: Any) -> None:
    as_tenant(
        cluster,
        {
            "kind": "Datafile",
            "metadata": {"name": name},
            "spec": {"tag": "all", "description": f"attack {name}", **spec},
        },
    )


def get(cluster: ClusterInfo, kind: str, name: str, namespace: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = json.loads(
            cluster.kubectl("get", kind, name, "-n", namespace, "-o", "json")
        )
    except KubectlError as error:
        if "NotFound" in str(error):
            return None
        raise
    return found


def conditions(cluster: ClusterInfo, name: str) -> dict[str, dict[str, Any]]:
    obj = get(cluster, "datafile", name, A) or {}
    status = obj.get("status") or {}
    if status.get("observedGeneration") != obj.get("metadata", {}).get("generation"):
        return {}
    return {c["type"]: c for c in status.get("conditions") or []}


def stalled(world: World, name: str, reason: str) -> dict[str, Any]:
    """Wait for the Datafile to be Stalled for `reason`; its Stalled condition."""
    found: dict[str, Any] = {}

    def check() -> bool:
        stall = conditions(world.cluster, name).get("Stalled") or {}
        found.update(stall)
        return stall.get("status") == "True" and stall.get("reason") == reason

    try:
        wait_for(f"Datafile {name} Stalled with {reason}", check, timeout=TIMEOUT, log=world.log)
    except AssertionError as error:
        raise AssertionError(f"{error}\nlast seen: {conditions(world.cluster, name)}") from None
    return found


def ready(world: World, name: str) -> None:
    def check() -> bool:
        return (conditions(world.cluster, name).get("Ready") or {}).get("status") == "True"

    wait_for(f"Datafile {name} Ready", check, timeout=TIMEOUT, log=world.log)


def unchanged(cluster: ClusterInfo, original: dict[str, Any]) -> bool:
    metadata = original["metadata"]
    now = get(cluster, "configmap", metadata["name"], metadata["namespace"])
    return (
        now is not None
        and now["metadata"]["resourceVersion"] == metadata["resourceVersion"]
        and now.get("data") == original.get("data")
    )


def victim_configmap(cluster: ClusterInfo, name: str, namespace: str) -> dict[str, Any]:
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": "payments"}},
        "data": {"settings.json": '{"limit": 10}'},
    }
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump(manifest))
    found = get(cluster, "configmap", name, namespace)
    assert found is not None
    return found


def tenant_rbac(cluster: ClusterInfo) -> None:
    """`tenant-a` may manage kubevisor objects and Secrets in `sec-a`, and read its ConfigMaps."""
    documents = [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "kubevisor-author", "namespace": A},
            "rules": [
                {"apiGroups": ["kubevisor.io"], "resources": ["*"], "verbs": ["*"]},
                {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "get"]},
                {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]},
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "kubevisor-author", "namespace": A},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "Role",
                "name": "kubevisor-author",
            },
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": TENANT}],
        },
    ]
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump_all(documents))


def release_finalizers(cluster: ClusterInfo, namespace: str) -> None:
    items = json.loads(cluster.kubectl("get", "datafiles", "-n", namespace, "-o", "json"))
    for item in items["items"]:
        if item["metadata"].get("finalizers"):
            cluster.kubectl(
                "patch",
                "datafile",
                item["metadata"]["name"],
                "-n",
                namespace,
                "--type=merge",
                "-p",
                '{"metadata":{"finalizers":null}}',
            )


@pytest.fixture(scope="module")
def world(cluster: ClusterInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    work = tmp_path_factory.mktemp("security")
    install_crds(cluster)
    for name in (RELEASE_NAMESPACE, A, B, C):
        ensure_namespace(cluster, name)
    cluster.kubectl(
        "apply", "-f", "-", stdin=helm_template("sec", RELEASE_NAMESPACE, "rbac.scope=cluster")
    )
    kubeconfig = service_account_kubeconfig(
        cluster, RELEASE_NAMESPACE, "sec-kubevisor", work / "kubeconfig"
    )
    tenant_rbac(cluster)
    # What the tenant must not touch: another team's ConfigMap, one in its own namespace that
    # kubevisor did not create, and another team's object in the shared bucket.
    s3 = s3_client(cluster)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=VICTIM_KEY, Body=VICTIM_BYTES)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    world = World(
        cluster,
        work / "operator.log",
        listener=f"http://127.0.0.1:{server.server_address[1]}",
        seen=Recorder.seen,
        file_target=work / "written-by-operator",
    )
    world.victims["other-team"] = victim_configmap(cluster, "victim", B)
    world.victims["own-namespace"] = victim_configmap(cluster, "app-config", A)

    # The tenant's project: one attribute and one feature in `sec-a`.
    as_tenant(
        cluster,
        {
            "kind": "Attribute",
            "metadata": {"name": "userid"},
            "spec": {"key": "userId", "description": "User", "type": "string"},
        },
    )
    as_tenant(
        cluster,
        {
            "kind": "Feature",
            "metadata": {"name": "checkout"},
            "spec": {
                "description": "Checkout",
                "tags": ["all"],
                "bucketBy": "userId",
                "rules": [{"key": "everyone", "segments": "*", "percentage": 100}],
            },
        },
    )
    ambient = {
        # The operator's own identity, which the admin lets each namespace use under its prefix.
        "AWS_ACCESS_KEY_ID": cluster.s3_access_key,
        "AWS_SECRET_ACCESS_KEY": cluster.s3_secret_key,
        "AWS_REGION": cluster.s3_region,
        "AWS_ENDPOINT_URL": cluster.s3_endpoint,
        "KUBEVISOR_OBJECT_STORE_AMBIENT_PREFIXES": f"s3://{BUCKET}/{{namespace}}/",
    }
    try:
        with operator_process(
            kubeconfig,
            pod_namespace=RELEASE_NAMESPACE,
            namespaces=[],
            log=world.log,
            extra_env=ambient,
        ):
            yield world
    finally:
        server.shutdown()
        for namespace in (A, B, C):
            release_finalizers(cluster, namespace)
        cluster.kubectl("delete", "namespace", A, B, C, "--wait=false")


def test_tenant_cannot_write_outside_its_namespace_itself(world: World) -> None:
    """The premise: RBAC alone stops the tenant; only the operator could do it for them."""
    with pytest.raises(KubectlError):
        world.cluster.kubectl("--as", TENANT, "delete", "configmap", "victim", "-n", B)
    with pytest.raises(KubectlError):
        datafile_in_b = {"kind": "Datafile", "metadata": {"name": "x", "namespace": B}}
        as_tenant(world.cluster, {**datafile_in_b, "spec": {"tag": "all"}})


def test_overwriting_a_foreign_configmap_in_its_own_namespace_is_refused(world: World) -> None:
    datafile(world.cluster, "hijack-own", configMap={"name": "app-config"})
    stall = stalled(world, "hijack-own", "OutputConflict")
    assert "ConfigMap sec-a/app-config already exists" in stall["message"]
    assert "not created by kubevisor" in stall["message"]
    assert "spec.configMap.name" in stall["message"]
    assert unchanged(world.cluster, world.victims["own-namespace"])
    # Deleting the Datafile must not delete the ConfigMap it never owned.
    world.cluster.kubectl("--as", TENANT, "delete", "datafile", "hijack-own", "-n", A)
    wait_for(
        "the Datafile to be gone",
        lambda: get(world.cluster, "datafile", "hijack-own", A) is None,
        timeout=TIMEOUT,
        log=world.log,
    )
    assert unchanged(world.cluster, world.victims["own-namespace"])


def test_overwriting_another_teams_configmap_is_refused_even_with_consent(world: World) -> None:
    # Team B consents to copies from sec-a; its existing ConfigMap is still not the tenant's.
    grant = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "DatafileGrant",
        "metadata": {"name": "from-a", "namespace": B},
        "spec": {"from": [{"namespace": A}]},
    }
    world.cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump(grant))
    datafile(world.cluster, "hijack-other", configMap={"name": "victim", "namespaces": [B]})
    stall = stalled(world, "hijack-other", "OutputConflict")
    assert "ConfigMap sec-b/victim already exists" in stall["message"]
    assert unchanged(world.cluster, world.victims["other-team"])
    world.cluster.kubectl("--as", TENANT, "delete", "datafile", "hijack-other", "-n", A)
    wait_for(
        "the Datafile to be gone",
        lambda: get(world.cluster, "datafile", "hijack-other", A) is None,
        timeout=TIMEOUT,
        log=world.log,
    )
    assert unchanged(world.cluster, world.victims["other-team"])


def test_the_state_configmap_is_reserved(world: World) -> None:
    datafile(world.cluster, "hijack-state", configMap={"name": "kubevisor-state"})
    stall = stalled(world, "hijack-state", "OutputConflict")
    assert "reserved for the operator's own state" in stall["message"]
    state = get(world.cluster, "configmap", "kubevisor-state", A)
    assert state is not None
    assert "kubevisor.io/datafile" not in (state["metadata"].get("labels") or {})
    assert "datafile.json" not in (state.get("data") or {})


def test_second_datafile_at_one_configmap_is_stalled_and_the_first_keeps_publishing(
    world: World,
) -> None:
    datafile(world.cluster, "first", configMap={"name": "shared"})
    ready(world, "first")
    datafile(world.cluster, "second", configMap={"name": "shared"})
    stall = stalled(world, "second", "OutputConflict")
    assert "the output of Datafile sec-a/first" in stall["message"]
    shared = get(world.cluster, "configmap", "shared", A)
    assert shared is not None
    assert shared["metadata"]["labels"]["kubevisor.io/datafile"] == "first"
    assert (conditions(world.cluster, "first").get("Ready") or {}).get("status") == "True"


def test_copies_need_the_receiving_namespaces_consent(world: World) -> None:
    cluster = world.cluster
    datafile(cluster, "copied", configMap={"name": "flags", "namespaces": [C]})
    stall = stalled(world, "copied", "CopyNotGranted")
    assert "DatafileGrant in sec-c" in stall["message"]
    assert get(cluster, "configmap", "flags", C) is None
    assert get(cluster, "configmap", "flags", A) is not None  # its own output still publishes

    grant = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "DatafileGrant",
        "metadata": {"name": "from-a", "namespace": C},
        "spec": {"from": [{"namespace": A}], "datafiles": ["copied"]},
    }
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump(grant))
    ready(world, "copied")
    copy = get(cluster, "configmap", "flags", C)
    assert copy is not None and "datafile.json" in copy["data"]

    cluster.kubectl("delete", "datafilegrant", "from-a", "-n", C)
    stalled(world, "copied", "CopyNotGranted")
    wait_for(
        "the withdrawn copy to be deleted",
        lambda: get(cluster, "configmap", "flags", C) is None,
        timeout=TIMEOUT,
        log=world.log,
    )


def test_ambient_identity_only_under_the_namespaces_own_prefix(world: World) -> None:
    s3 = s3_client(world.cluster)
    datafile(world.cluster, "steal", objectStore={"url": f"s3://{BUCKET}/{B}"})
    stall = stalled(world, "steal", "ObjectStoreNotAllowed")
    assert f"s3://{BUCKET}/{A}/" in stall["message"] and "credentialsSecret" in stall["message"]
    assert s3.get_object(Bucket=BUCKET, Key=VICTIM_KEY)["Body"].read() == VICTIM_BYTES
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{B}/")
    assert [item["Key"] for item in listed.get("Contents", [])] == [VICTIM_KEY]

    # The control: under its own prefix the same identity publishes.
    datafile(world.cluster, "own-store", objectStore={"url": f"s3://{BUCKET}/{A}"})
    ready(world, "own-store")
    body = s3.get_object(Bucket=BUCKET, Key=f"{A}/featurevisor-own-store.json")["Body"].read()
    assert json.loads(body)["schemaVersion"] == "2"


def test_endpoint_overrides_send_no_request(world: World) -> None:
    cluster = world.cluster
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "redirect", "namespace": A},
        "stringData": {
            "AWS_ACCESS_KEY_ID": "tenant",
            "AWS_SECRET_ACCESS_KEY": "tenant-secret",
            "AWS_ENDPOINT_URL": world.listener,
        },
    }
    cluster.kubectl("--as", TENANT, "apply", "-f", "-", stdin=yaml.safe_dump(secret))
    datafile(
        cluster,
        "exfiltrate",
        objectStore={"url": f"s3://{BUCKET}/{A}", "endpoint": world.listener},
    )
    stall = stalled(world, "exfiltrate", "ObjectStoreNotAllowed")
    assert "spec.objectStore.endpoint" in stall["message"]
    datafile(
        cluster,
        "exfiltrate-secret",
        objectStore={"url": f"s3://{BUCKET}/{A}", "credentialsSecret": {"name": "redirect"}},
    )
    stall = stalled(world, "exfiltrate-secret", "ObjectStoreNotAllowed")
    assert "AWS_ENDPOINT_URL" in stall["message"]
    assert world.listener not in stall["message"]
    assert world.seen == []


def test_file_urls_write_nothing(world: World) -> None:
    datafile(world.cluster, "to-disk", objectStore={"url": f"file://{world.file_target}"})
    stall = stalled(world, "to-disk", "ObjectStoreNotAllowed")
    assert "allowFileURLs" in stall["message"]
    assert not world.file_target.exists()


def test_events_carry_no_credentials(world: World) -> None:
    events = world.cluster.kubectl("get", "events", "-n", A, "-o", "json")
    assert world.cluster.s3_secret_key not in events
    assert "tenant-secret" not in events


def test_no_permission_was_missing(world: World) -> None:
    assert not permission_problems(world.log), "\n".join(permission_problems(world.log))
