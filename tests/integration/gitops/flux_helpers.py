"""Flux objects for the GitOps tests, reading their status, and requesting reconciles by
annotation (so no test waits on an interval)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import yaml
from kubevisor.controller.resources import RESOURCES
from kubevisor.devcluster.gitops import GitOpsInfo, sync_objects
from kubevisor.devcluster.state import ClusterInfo
from lightkube import Client
from lightkube.config.kubeconfig import KubeConfig

REPO = Path(__file__).resolve().parents[3]
SHIPPED_FLUX = REPO / "deploy" / "gitops" / "flux" / "kustomization.yaml"
FLUX_NAMESPACE = "flux-system"
REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
GIT_IDENTITY = ("-c", "user.name=kubevisor tests", "-c", "user.email=tests@kubevisor.invalid")
LONG_INTERVAL = "10m"
"""Interval and retryInterval of the test's Flux objects: nothing happens on a timer during a
test, so a Kustomization that turns Ready did so without waiting for a retry."""


def shipped_health_check_exprs() -> list[dict[str, Any]]:
    """The healthCheckExprs deploy/gitops/flux ships for the features Kustomization."""
    for document in yaml.safe_load_all(SHIPPED_FLUX.read_text()):
        exprs = (document or {}).get("spec", {}).get("healthCheckExprs")
        if exprs:
            return list(exprs)
    raise AssertionError(f"no healthCheckExprs in {SHIPPED_FLUX}")


class Flux:
    """The test's GitRepository and Kustomization (same name) in flux-system."""

    def __init__(self, cluster: ClusterInfo, name: str) -> None:
        self.cluster = cluster
        self.name = name

    def create(self, url: str, target_namespace: str) -> None:
        items = sync_objects(
            self.name,
            url,
            target_namespace,
            interval=LONG_INTERVAL,
            health_check_exprs=shipped_health_check_exprs(),
        )
        text = json.dumps({"apiVersion": "v1", "kind": "List", "items": items})
        self.cluster.kubectl(
            "apply", "--server-side", "--field-manager=tests", "-f", "-", stdin=text
        )

    def delete(self) -> None:
        for kind in ("kustomization", "gitrepository"):
            self.cluster.kubectl(
                "-n",
                FLUX_NAMESPACE,
                "delete",
                kind,
                self.name,
                "--ignore-not-found",
                "--wait=false",
            )

    def request_reconcile(self, kind: str = "gitrepository") -> str:
        """Ask Flux to reconcile now (what `flux reconcile` does); returns the token, which
        the object's status.lastHandledReconcileAt carries once it was handled."""
        token = str(time.time_ns())
        self.cluster.kubectl(
            "-n",
            FLUX_NAMESPACE,
            "annotate",
            "--overwrite",
            kind,
            self.name,
            f"{REQUESTED_AT}={token}",
        )
        return token

    def kustomization(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(
            self.cluster.kubectl(
                "-n", FLUX_NAMESPACE, "get", "kustomization", self.name, "-o", "json"
            )
        )
        return found

    def ready(self) -> dict[str, Any] | None:
        """The Kustomization's Ready condition."""
        conditions = (self.kustomization().get("status") or {}).get("conditions") or []
        return next((c for c in conditions if c.get("type") == "Ready"), None)

    def healthy_at(self, sha: str) -> bool:
        """Ready=True with commit `sha` applied."""
        status = self.kustomization().get("status") or {}
        ready = self.ready() or {}
        applied = str(status.get("lastAppliedRevision") or "")
        return ready.get("status") == "True" and applied.endswith(sha)

    def unhealthy_at(self, sha: str) -> str | None:
        """The Ready message once the Kustomization failed on commit `sha`."""
        status = self.kustomization().get("status") or {}
        ready = self.ready() or {}
        attempted = str(status.get("lastAttemptedRevision") or "")
        if ready.get("status") == "False" and attempted.endswith(sha):
            return str(ready.get("message"))
        return None


class StatusRecorder:
    """Every Datafile (and Feature) object a watch delivers in one namespace, in order: the
    states the operator passed through, including ones that last milliseconds."""

    KINDS = ("Datafile", "Feature")

    def __init__(self, cluster: ClusterInfo, namespace: str) -> None:
        self.cluster = cluster
        self.namespace = namespace
        self.seen: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(kind,), daemon=True) for kind in self.KINDS
        ]

    def __enter__(self) -> StatusRecorder:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def _run(self, kind: str) -> None:
        client = Client(KubeConfig.from_file(self.cluster.kubeconfig))
        version: str | None = None
        with contextlib.suppress(Exception):  # the cluster going away at the end
            while not self._stop.is_set():
                for _, obj in client.watch(
                    RESOURCES[kind],
                    namespace=self.namespace,
                    resource_version=version,
                    server_timeout=5,
                ):
                    plain = obj.to_dict()
                    version = plain["metadata"]["resourceVersion"]
                    with self._lock:
                        self.seen.append(plain)
                    if self._stop.is_set():
                        return

    def states(self, kind: str, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                obj for obj in self.seen if obj["kind"] == kind and obj["metadata"]["name"] == name
            ]


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    for item in (obj.get("status") or {}).get("conditions") or []:
        if item.get("type") == kind:
            found: dict[str, Any] = item
            return found
    return {}


class GitRepository:
    """A bare repository served to Flux, and a working copy to commit and push from."""

    def __init__(self, flux: GitOpsInfo, work: Path) -> None:
        name = f"features-{uuid.uuid4().hex[:8]}"
        self.url = flux.repository_url(name)
        """The URL Flux's GitRepository fetches from."""
        self.work = work
        bare = flux.git_root / f"{name}.git"
        self._git(
            "init", "--quiet", "--bare", "--initial-branch=main", str(bare), cwd=flux.git_root
        )
        self._git("init", "--quiet", "--initial-branch=main", str(work), cwd=flux.git_root)
        self._git("remote", "add", "origin", str(bare))

    def write(self, path: str, text: str) -> None:
        target = self.work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def remove(self, path: str) -> None:
        (self.work / path).unlink()

    def commit_and_push(self, message: str) -> str:
        """Commit everything in the working copy, push it to `main`; the new commit's sha."""
        self._git("add", "--all")
        self._git(*GIT_IDENTITY, "commit", "--quiet", "--message", message)
        self._git("push", "--quiet", "origin", "main")
        return self._git("rev-parse", "HEAD").strip()

    def _git(self, *args: str, cwd: Path | None = None) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd or self.work, capture_output=True, text=True, check=True
        ).stdout
