"""The GitOps flow against Flux's real controllers, the real API server and the real S3 server:
a features repository synced by Flux, published by the operator, health told truthfully.

Reconciles are requested by annotation and every Flux interval (and retryInterval) is 10
minutes, so no step waits on a timer: after a fixing commit the Kustomization turns Ready
without a retry, or the step times out. Timeouts are generous (a loaded machine), never a
measure of speed; bench/gitops_latency.py measures that.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flux_helpers import Flux, GitRepository, StatusRecorder, condition
from gitops_health import argocd_health, flux_health_check_exprs, kstatus_of
from kubevisor.devcluster.gitops import GitOpsInfo
from kubevisor.devcluster.state import ClusterInfo
from operator_helpers import (
    Kube,
    OperatorProcess,
    credentials_secret,
    object_store_spec,
    s3_text,
    wait_until,
)
from packaging_tools import install_crds
from s3_helpers import s3_client

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shop"
STEP_TIMEOUT = 180.0
"""Per step; Flux itself would only retry after 10 minutes, so a pass never rides on a retry."""
ALL_KEY = "flags/production/featurevisor-all.json"
MOBILE_KEY = "flags/production/featurevisor-mobile.json"


class FeaturesRepository:
    """The bundled example as a features repository: one file per kind, one per Datafile
    (so a Datafile can be removed), production Datafiles also published to S3, and a
    Segment with `value: null` (only server-side apply keeps it)."""

    def __init__(self, git: GitRepository, store: dict[str, Any]) -> None:
        self.git = git
        self.documents: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(EXAMPLE.glob("*.yaml")):
            for document in yaml.safe_load_all(path.read_text()):
                document["metadata"].pop("namespace", None)  # the Kustomization sets it
                if document["kind"] == "Datafile":
                    if document["spec"]["environment"] == "production":
                        document["spec"]["objectStore"] = store
                    document["spec"].setdefault("configMap", {"name": "shop-flags-mobile"})
                    self.documents[f"datafiles/{document['metadata']['name']}.yaml"] = [document]
                else:
                    self.documents.setdefault(path.name, []).append(document)
        self.documents["nulls.yaml"] = [
            {
                "apiVersion": "kubevisor.io/v1alpha1",
                "kind": "Segment",
                "metadata": {"name": "no-country"},
                "spec": {
                    "description": "Users whose country is not known",
                    "conditions": [{"attribute": "country", "operator": "equals", "value": None}],
                },
            }
        ]

    def feature(self, name: str) -> dict[str, Any]:
        return next(d for d in self.documents["features.yaml"] if d["metadata"]["name"] == name)

    def push(self, message: str) -> str:
        for name in list(self.git.work.rglob("*.yaml")):
            name.unlink()
        for path, documents in self.documents.items():
            self.git.write(path, yaml.safe_dump_all(documents, sort_keys=False))
        return self.git.commit_and_push(message)


def production_rule(feature: dict[str, Any], key: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(
        r for r in feature["spec"]["rules"]["production"] if r["key"] == key
    )
    return rule


@pytest.fixture
def kube(cluster: ClusterInfo) -> Iterator[Kube]:
    """A fresh namespace for Flux to sync into, with the kubevisor CRDs installed."""
    install_crds(cluster)
    name = f"gitops-{uuid.uuid4().hex[:8]}"
    cluster.kubectl("create", "namespace", name)
    yield Kube(cluster, name)
    cluster.kubectl("delete", "namespace", name, "--wait=false")


@pytest.fixture
def operator(kube: Kube, tmp_path: Path) -> Iterator[OperatorProcess]:
    process = OperatorProcess(kube.cluster, kube.namespace, tmp_path).start()
    try:
        yield process.wait_ready()
    finally:
        process.kill()


def configmap_revision(kube: Kube, name: str) -> str | None:
    annotations = kube.configmap(name).metadata.annotations or {}
    return annotations.get("kubevisor.io/revision")


def test_features_repository_synced_by_flux(
    kube: Kube,
    operator: OperatorProcess,
    git_repository: GitRepository,
    flux: GitOpsInfo,
    tmp_path: Path,
) -> None:
    bucket = f"kv-{uuid.uuid4().hex[:10]}"
    s3_client(kube.cluster).create_bucket(Bucket=bucket)
    kube.apply([credentials_secret(kube.cluster)])  # credentials stay out of Git
    repo = FeaturesRepository(git_repository, object_store_spec(kube.cluster, bucket))
    sync = Flux(kube.cluster, kube.namespace)

    def step(what: str, check: Callable[[], Any]) -> Any:
        return wait_until(check, timeout=STEP_TIMEOUT, what=what, interval=0.2)

    with StatusRecorder(kube.cluster, kube.namespace) as recorder:
        # 1. Flux applies the repository server-side; the operator publishes.
        first = repo.push("the shop example")
        sync.create(git_repository.url, kube.namespace)
        try:
            step("Flux to apply and call the first commit healthy", lambda: sync.healthy_at(first))
            first_revision = step(
                "the production ConfigMap",
                lambda: configmap_revision(kube, "shop-flags-production"),
            )
            step("the datafile in S3", lambda: s3_text(kube.cluster, bucket, ALL_KEY))
            step("the mobile datafile in S3", lambda: s3_text(kube.cluster, bucket, MOBILE_KEY))
            step("the mobile ConfigMap", lambda: configmap_revision(kube, "shop-flags-mobile"))
            segment = json.loads(
                kube.kubectl("get", "segment", "no-country", "-o", "json", "--show-managed-fields")
            )
            assert segment["spec"]["conditions"][0] == {
                "attribute": "country",
                "operator": "equals",
                "value": None,
            }, "Flux's server-side apply keeps `value: null`"
            managers = {
                (m["manager"], m["operation"]) for m in segment["metadata"]["managedFields"]
            }
            assert ("kustomize-controller", "Apply") in managers
            healthy = {
                "Datafile": kube.get("datafile", "production-all"),
                "Feature": kube.get("feature", "checkout"),
            }

            # 2. A commit that changes a percentage publishes a new revision.
            production_rule(repo.feature("checkout"), "everyone")["percentage"] = 20
            second = repo.push("checkout: 20 % of everyone")
            sync.request_reconcile()
            second_revision = step(
                "a new revision in the ConfigMap",
                lambda: (
                    (r := configmap_revision(kube, "shop-flags-production")) != first_revision and r
                ),
            )
            assert int(second_revision) > int(first_revision)
            step("Flux to call the second commit healthy", lambda: sync.healthy_at(second))
            in_s3 = step(
                "the new revision in S3",
                lambda: (
                    (t := s3_text(kube.cluster, bucket, ALL_KEY))
                    and str(json.loads(t)["revision"]) == second_revision
                    and t
                ),
            )

            # 3. A commit that breaks a reference: unhealthy, naming the culprit; the last good
            # datafile stays published.
            good = copy.deepcopy(repo.feature("checkout"))
            production_rule(repo.feature("checkout"), "netherlands")["segments"] = ["netherland"]
            broken = repo.push("checkout: a typo in a segment name")
            sync.request_reconcile()
            message = step(
                "Flux to call the broken commit unhealthy", lambda: sync.unhealthy_at(broken)
            )
            # Flux fails fast on the first Failed object of its poll and names it: a Datafile
            # held back (Datafiles come before Features) or the Feature; a Datafile's message
            # names the culprit Feature, its field and the fix.
            named = f"(Datafile|Feature)/{kube.namespace}/[a-z-]+ status: 'Failed'"
            assert re.search(named, message), message
            stalled = {
                "Datafile": kube.get("datafile", "production-all"),
                "Feature": kube.get("feature", "checkout"),
            }
            held = condition(stalled["Datafile"], "Stalled")
            assert held["status"] == "True"
            assert "checkout" in held["message"] and "netherland" in held["message"]
            assert "still serving revision" in held["message"]
            culprit = condition(stalled["Feature"], "Stalled")
            assert culprit["status"] == "True"
            assert "rules.production" in culprit["message"] and "netherland" in culprit["message"]
            assert configmap_revision(kube, "shop-flags-production") == second_revision
            assert s3_text(kube.cluster, bucket, ALL_KEY) == in_s3

            # 4. The fixing commit turns it green without waiting for a retry (10 minutes).
            repo.documents["features.yaml"] = [
                good if d["metadata"]["name"] == "checkout" else d
                for d in repo.documents["features.yaml"]
            ]
            fixed = repo.push("checkout: fix the segment name")
            sync.request_reconcile()
            step(
                "Flux to call the fixing commit healthy, without a retry",
                lambda: sync.healthy_at(fixed),
            )
            # Between the Stalled verdict and the new one, the operator said Reconciling.
            states = recorder.states("Datafile", "production-all")
            last_stalled = max(
                i for i, s in enumerate(states) if condition(s, "Stalled").get("status") == "True"
            )
            marks = [
                s
                for s in states[last_stalled + 1 :]
                if condition(s, "Reconciling").get("reason") == "InputsChanged"
            ]
            assert marks, "the Datafile went from Stalled to a verdict without Reconciling"
            reconciling = marks[0]
            assert condition(reconciling, "Stalled")["status"] == "False"
            assert condition(reconciling, "Ready")["status"] == "False"

            # 5. No drift between syncs: status and finalizers written by the operator are not
            # changes to Flux.
            drift_checked_from = flux_log_size(flux)
            token = sync.request_reconcile("kustomization")
            step(
                "Flux to handle the requested reconcile",
                lambda: (
                    (sync.kustomization().get("status") or {}).get("lastHandledReconcileAt")
                    == token
                ),
            )
            changes = applied_changes(flux, drift_checked_from, kube.namespace)
            assert changes, "no server-side apply logged for the requested reconcile"
            assert set(changes.values()) == {"unchanged"}, changes

            # 6. Removing a Datafile from Git prunes it and its outputs.
            del repo.documents["datafiles/production-mobile.yaml"]
            removed = repo.push("drop the mobile datafile")
            sync.request_reconcile()
            step("Flux to apply the removal", lambda: sync.healthy_at(removed))
            step(
                "the Datafile to be gone",
                lambda: not kube.exists("datafile", "production-mobile"),
            )
            step(
                "its ConfigMap to be gone",
                lambda: not kube.exists("configmap", "shop-flags-mobile"),
            )
            step(
                "its S3 datafile to be gone",
                lambda: s3_text(kube.cluster, bucket, MOBILE_KEY) is None,
            )
            assert s3_text(kube.cluster, bucket, ALL_KEY) is not None
        finally:
            sync.delete()

    # Argo CD's health Lua (Lua 5.1) and Flux's checks on the statuses of this very run.
    exprs = flux_health_check_exprs(tmp_path)
    captured = [
        (healthy["Datafile"], "Healthy", "Current"),
        (healthy["Feature"], "Healthy", "Current"),
        (stalled["Datafile"], "Degraded", "Failed"),
        (stalled["Feature"], "Degraded", "Failed"),
        (reconciling, "Progressing", "InProgress"),
    ]
    for obj, argocd, _ in captured:
        assert argocd_health(obj)[0] == argocd, (obj["kind"], obj.get("status"))
    objects = [obj for obj, _, _ in captured]
    expected = [flux_status for _, _, flux_status in captured]
    assert kstatus_of(objects) == expected
    assert kstatus_of(objects, flux_exprs=exprs) == expected
    assert "still serving revision" in argocd_health(reconciling)[1]


def flux_log_size(flux: GitOpsInfo) -> int:
    return (flux.run_dir / "kustomize-controller.log").stat().st_size


def applied_changes(flux: GitOpsInfo, offset: int, namespace: str) -> dict[str, str]:
    """What kustomize-controller's "server-side apply completed" lines logged after `offset`
    for objects of `namespace`: object -> action (created, configured, unchanged, ...)."""
    changes: dict[str, str] = {}
    with (flux.run_dir / "kustomize-controller.log").open() as log:
        log.seek(offset)
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "server-side apply completed":
                for name, action in (entry.get("output") or {}).items():
                    if f"/{namespace}/" in name:
                        changes[name] = action
    return changes
