"""The operator runs with exactly the chart's RBAC (a token of the chart's ServiceAccount), in
cluster-wide and namespaced scope: the shop example gets published and Ready, and nothing in
the operator's log says a permission was missing. Status objects it writes on the way (healthy,
reconciling, stalled, behind) are captured and judged by our Argo CD Lua and by kstatus."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitops_health import argocd_health, flux_health_check_exprs, kstatus_of
from kubevisor.devcluster.state import ClusterInfo
from packaging_tools import (
    ROOT,
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

EXAMPLE = ROOT / "examples" / "shop"


@dataclass
class Run:
    mode: str
    namespace: str
    log: Path
    configmaps: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: list[dict[str, Any]] = field(default_factory=list)
    captured: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stored_object: dict[str, Any] = field(default_factory=dict)


def example_in(namespace: str) -> str:
    docs = []
    for path in sorted(EXAMPLE.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                doc["metadata"]["namespace"] = namespace
                docs.append(doc)
    return yaml.safe_dump_all(docs)


def apply(cluster: ClusterInfo, kind: str, name: str, namespace: str, spec: dict[str, Any]) -> None:
    """Create or update one kubevisor object with kubectl, as a user would."""
    manifest = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump(manifest))


def get_all(cluster: ClusterInfo, namespace: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(
        cluster.kubectl("get", "featurevisor", "-n", namespace, "-o", "json")
    )["items"]
    return items


def get(cluster: ClusterInfo, kind: str, name: str, namespace: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        cluster.kubectl("get", kind, name, "-n", namespace, "-o", "json")
    )
    return found


def condition(obj: dict[str, Any], kind: str) -> str | None:
    for item in (obj.get("status") or {}).get("conditions") or []:
        if item.get("type") == kind:
            return str(item.get("status"))
    return None


def current(obj: dict[str, Any]) -> bool:
    return (obj.get("status") or {}).get("observedGeneration") == obj["metadata"]["generation"]


def all_ready(objects: list[dict[str, Any]]) -> bool:
    return bool(objects) and all(condition(o, "Ready") == "True" and current(o) for o in objects)


def release_finalizers(cluster: ClusterInfo) -> None:
    """Once the operator is gone, nothing would remove its finalizer: drop it so namespaces of
    this and other tests can be deleted."""
    datafiles = json.loads(cluster.kubectl("get", "datafiles", "-A", "-o", "json"))["items"]
    for item in datafiles:
        if item["metadata"].get("finalizers"):
            cluster.kubectl(
                "patch",
                "datafile",
                item["metadata"]["name"],
                "-n",
                item["metadata"]["namespace"],
                "--type=merge",
                "-p",
                '{"metadata":{"finalizers":null}}',
            )


@pytest.fixture(scope="module", params=["cluster", "namespaced"])
def run(
    request: pytest.FixtureRequest, cluster: ClusterInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    mode: str = request.param
    release_namespace = f"lp-{mode}-system"
    namespace = f"lp-{mode}-shop"
    work = tmp_path_factory.mktemp(f"least-privilege-{mode}")
    result = Run(mode, namespace, work / "operator.log")

    install_crds(cluster)
    for name in (release_namespace, namespace):
        ensure_namespace(cluster, name)
    values = ["rbac.scope=cluster"]
    if mode == "namespaced":
        values = ["rbac.scope=namespaced", f"watchNamespaces={{{namespace}}}"]
    cluster.kubectl(
        "apply", "-f", "-", stdin=helm_template(f"lp-{mode}", release_namespace, *values)
    )
    kubeconfig = service_account_kubeconfig(
        cluster, release_namespace, f"lp-{mode}-kubevisor", work / "kubeconfig"
    )
    cluster.kubectl("apply", "-f", "-", stdin=example_in(namespace))
    # The example has no Schema; one more object so every kind is captured.
    apply(cluster, "Schema", "color", namespace, {"description": "A CSS colour", "type": "string"})
    # Before the operator has run: no status at all.
    result.captured["no-status"] = [get(cluster, "feature", "checkout", namespace)]

    try:
        with operator_process(
            kubeconfig,
            pod_namespace=release_namespace,
            namespaces=[namespace] if mode == "namespaced" else [],
            log=result.log,
            # The admin lets Datafiles name endpoints: the test S3 server, and one that is down.
            extra_env={"KUBEVISOR_OBJECT_STORE_ALLOWED_ENDPOINTS": "*"},
        ):
            wait_for(
                "every object Ready", lambda: all_ready(get_all(cluster, namespace)), log=result.log
            )
            result.objects = get_all(cluster, namespace)
            result.captured["ready"] = result.objects
            for name in ("shop-flags", "shop-flags-production", "production-mobile"):
                result.configmaps[name] = get(cluster, "configmap", name, namespace)

            # The real S3 server, credentials from a Secret: proves `secrets: get` suffices.
            bucket = f"lp-{mode}"
            s3_client(cluster).create_bucket(Bucket=bucket)
            cluster.kubectl(
                "create",
                "secret",
                "generic",
                "store-credentials",
                "-n",
                namespace,
                f"--from-literal=AWS_ACCESS_KEY_ID={cluster.s3_access_key}",
                f"--from-literal=AWS_SECRET_ACCESS_KEY={cluster.s3_secret_key}",
                f"--from-literal=AWS_REGION={cluster.s3_region}",
            )
            apply(
                cluster,
                "Datafile",
                "to-store",
                namespace,
                {
                    "target": "store",
                    "environment": "production",
                    "description": "published to the object store",
                    "tag": "mobile",
                    "objectStore": {
                        "url": f"s3://{bucket}/shop",
                        "endpoint": cluster.s3_endpoint,
                        "credentialsSecret": {"name": "store-credentials"},
                    },
                },
            )
            wait_for(
                "the Datafile publishing to S3 to be Ready",
                lambda: all_ready([get(cluster, "datafile", "to-store", namespace)]),
                log=result.log,
            )
            stored = s3_client(cluster).get_object(
                Bucket=bucket, Key="shop/production/featurevisor-store.json"
            )
            result.stored_object = json.loads(stored["Body"].read())

            # An object store nobody listens on: the Datafile keeps retrying (Reconciling).
            apply(
                cluster,
                "Datafile",
                "behind",
                namespace,
                {
                    "target": "behind",
                    "description": "published to an object store that is down",
                    "environment": "production",
                    "tag": "mobile",
                    "objectStore": {
                        "url": "s3://flags/shop",
                        "endpoint": f"http://127.0.0.1:{free_port()}",
                        "region": "us-east-1",
                        "credentialsSecret": {"name": "store-credentials"},
                    },
                },
            )
            wait_for(
                "the Datafile with an unreachable object store to be Reconciling",
                lambda: (
                    condition(get(cluster, "datafile", "behind", namespace), "Reconciling")
                    == "True"
                ),
                log=result.log,
            )
            result.captured["reconciling"] = [get(cluster, "datafile", "behind", namespace)]

            # A Feature that names a segment nobody defined: it and its Datafiles are Stalled.
            apply(
                cluster,
                "Feature",
                "broken",
                namespace,
                {
                    "description": "refers to a segment that does not exist",
                    "tags": ["all"],
                    "bucketBy": "userId",
                    "rules": {
                        "staging": [{"key": "x", "segments": "no-such-segment", "percentage": 100}],
                        "production": [{"key": "x", "segments": "*", "percentage": 100}],
                    },
                },
            )
            wait_for(
                "the broken Feature and the staging Datafile to be Stalled",
                lambda: (
                    condition(get(cluster, "feature", "broken", namespace), "Stalled") == "True"
                    and condition(get(cluster, "datafile", "staging-all", namespace), "Stalled")
                    == "True"
                ),
                log=result.log,
            )
            result.captured["stalled"] = [
                get(cluster, "feature", "broken", namespace),
                get(cluster, "datafile", "staging-all", namespace),
            ]
        # The operator is stopped: a spec change stays unobserved (generation ahead).
        cluster.kubectl(
            "patch",
            "feature",
            "checkout",
            "-n",
            namespace,
            "--type=merge",
            "-p",
            '{"spec":{"description":"edited while the operator is down"}}',
        )
        result.captured["behind"] = [get(cluster, "feature", "checkout", namespace)]
        yield result
    finally:
        release_finalizers(cluster)
        cluster.kubectl("delete", "namespace", namespace, "--wait=false")


def test_no_permission_was_missing(run: Run) -> None:
    problems = permission_problems(run.log)
    assert not problems, f"{run.mode}: the chart's RBAC lacks something:\n" + "\n".join(problems)


def test_object_store_output_uses_the_secret(run: Run) -> None:
    assert run.stored_object["schemaVersion"] == "2"
    assert run.stored_object["features"]


def test_example_is_published_and_ready(run: Run) -> None:
    kinds = {obj["kind"] for obj in run.objects}
    assert {"Attribute", "Segment", "Feature", "Group", "Schema", "Datafile"} <= kinds
    for name, configmap in run.configmaps.items():
        datafile = json.loads(configmap["data"]["datafile.json"])
        assert datafile["schemaVersion"] == "2", name
        assert datafile["features"], name


EXPECTED = {
    # capture: (Argo CD health, kstatus status, Flux with our healthCheckExprs)
    # kstatus calls an object without any status Current: the operator has not seen it yet, so
    # deploy/gitops/flux adds healthCheckExprs, which cannot evaluate yet (Flux: Unknown, waits).
    "no-status": ("Progressing", "Current", "Error"),
    "ready": ("Healthy", "Current", "Current"),
    "reconciling": ("Progressing", "InProgress", "InProgress"),
    "stalled": ("Degraded", "Failed", "Failed"),
    "behind": ("Progressing", "InProgress", "InProgress"),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_argocd_lua_health_of_captured_objects(run: Run, case: str) -> None:
    wanted = EXPECTED[case][0]
    objects = run.captured[case]
    assert objects
    for obj in objects:
        status, message = argocd_health(obj)
        assert status == wanted, f"{obj['kind']}/{obj['metadata']['name']}: {status} {message}"
        assert message


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_kstatus_of_captured_objects(run: Run, case: str) -> None:
    wanted = EXPECTED[case][1]
    objects = run.captured[case]
    statuses = kstatus_of(objects)
    assert statuses == [wanted] * len(objects), [
        (o["kind"], o["metadata"]["name"], s) for o, s in zip(objects, statuses, strict=True)
    ]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_flux_health_check_exprs_of_captured_objects(run: Run, case: str, tmp_path: Path) -> None:
    wanted = EXPECTED[case][2]
    objects = run.captured[case]
    statuses = kstatus_of(objects, flux_exprs=flux_health_check_exprs(tmp_path))
    assert statuses == [wanted] * len(objects), [
        (o["kind"], o["metadata"]["name"], s) for o, s in zip(objects, statuses, strict=True)
    ]
