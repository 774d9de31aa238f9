"""Flux on the dev cluster: source-controller and kustomize-controller as local processes, and a
loopback Git server (devcluster.gitserver) for them to sync from.

The controllers come from tools/flux/build.sh (built from their Go modules, cached outside the
repository, with the matching CRDs). Every port is set explicitly and picked free: their
defaults (:8080 metrics, :9440 health) clash with each other and with the operator's.
Saved as JSON in the run directory, so `kubevisor dev cluster down` can stop it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubevisor.devcluster.binaries import BinariesError, run_build_script
from kubevisor.devcluster.ports import LOOPBACK, pick_ports
from kubevisor.devcluster.probes import http_status
from kubevisor.devcluster.process import ProcessRecord
from kubevisor.devcluster.server_group import ServerGroup
from kubevisor.devcluster.state import ClusterInfo

FLUX_DIR_VARIABLE = "KUBEVISOR_FLUX_DIR"
"""A folder holding source-controller, kustomize-controller and crds/: skips the build."""

FLUX_BUILD_SCRIPT = Path("tools") / "flux" / "build.sh"
CONTROLLERS = ("source-controller", "kustomize-controller")
FLUX_NAMESPACE = "flux-system"
STATE_FILE = "gitops.json"
START_TIMEOUT = 60.0
CRD_TIMEOUT = "60s"


def flux_dir() -> Path:
    """The folder with the Flux controllers and their CRDs, building them if needed."""
    override = os.environ.get(FLUX_DIR_VARIABLE)
    if override:
        folder = Path(override)
    else:
        folder = run_build_script(
            FLUX_BUILD_SCRIPT,
            instead=f"set {FLUX_DIR_VARIABLE} to a folder with {', '.join(CONTROLLERS)}, crds/",
        )
    missing = [name for name in (*CONTROLLERS, "crds") if not (folder / name).exists()]
    if missing:
        raise BinariesError(f"{folder} lacks {', '.join(missing)}; run {FLUX_BUILD_SCRIPT}")
    return folder


@dataclass(frozen=True)
class GitOpsInfo:
    """A running Flux and Git server: where the repositories are and how to reach them."""

    run_dir: Path
    git_root: Path
    """Folder of bare repositories: push to `git_root/NAME.git` directly."""
    git_url: str
    """`http://127.0.0.1:PORT`; a repository's URL for Flux is `git_url/NAME.git`."""
    processes: tuple[ProcessRecord, ...]

    def repository_url(self, name: str) -> str:
        return f"{self.git_url}/{name}.git"

    def stop(self) -> None:
        for record in reversed(self.processes):
            record.stop()

    def save(self) -> None:
        data = {
            "run_dir": str(self.run_dir),
            "git_root": str(self.git_root),
            "git_url": self.git_url,
            "processes": [record.to_json() for record in self.processes],
        }
        (self.run_dir / STATE_FILE).write_text(json.dumps(data, indent=2) + "\n")


def gitops_dir(cluster_run_dir: Path) -> Path:
    """Where `kubevisor dev cluster up --gitops` keeps Flux's logs, data and repositories."""
    return cluster_run_dir / "gitops"


def load_gitops(run_dir: Path) -> GitOpsInfo | None:
    """The Flux saved in `run_dir` (a GitOps run directory), or None if none was started."""
    try:
        data = json.loads((run_dir / STATE_FILE).read_text())
        return GitOpsInfo(
            run_dir=Path(data["run_dir"]),
            git_root=Path(data["git_root"]),
            git_url=data["git_url"],
            processes=tuple(ProcessRecord.from_json(record) for record in data["processes"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stop_gitops(run_dir: Path) -> bool:
    """Stop the Flux of `run_dir` if one runs; True if there was one."""
    info = load_gitops(run_dir)
    if info is None:
        return False
    info.stop()
    (run_dir / STATE_FILE).unlink(missing_ok=True)
    return True


class GitOps(ServerGroup[GitOpsInfo]):
    """Flux and a Git server for `cluster`, their logs and data in `run_dir`; started and
    stopped like every `ServerGroup`."""

    def __init__(
        self, cluster: ClusterInfo, run_dir: Path, *, flux: Path, die_with_parent: bool = True
    ) -> None:
        super().__init__(run_dir, die_with_parent=die_with_parent)
        self.cluster = cluster
        self.flux = flux

    def _start(self) -> GitOpsInfo:
        self.run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        git_root = self.run_dir / "git"
        git_root.mkdir(exist_ok=True)
        (self.run_dir / "artifacts").mkdir(exist_ok=True)
        self._install_crds()
        git_port, storage, source_metrics, source_health, kustomize_metrics, kustomize_health = (
            pick_ports(6)
        )
        git = self._spawn(
            "git-server",
            [
                sys.executable,
                "-m",
                "kubevisor.devcluster.gitserver",
                f"--root={git_root}",
                f"--port={git_port}",
            ],
        )
        source = self._spawn(
            "source-controller",
            [
                *self._environment(),
                str(self.flux / "source-controller"),
                f"--storage-path={self.run_dir / 'artifacts'}",
                f"--storage-addr={LOOPBACK}:{storage}",
                f"--storage-adv-addr={LOOPBACK}:{storage}",
                *self._common_flags(source_metrics, source_health),
            ],
        )
        kustomize = self._spawn(
            "kustomize-controller",
            [
                *self._environment(),
                str(self.flux / "kustomize-controller"),
                "--no-remote-bases=true",
                *self._common_flags(kustomize_metrics, kustomize_health),
            ],
        )
        git_url = f"http://{LOOPBACK}:{git_port}"
        git.wait_ready(lambda: http_status(git_url + "/") > 0, START_TIMEOUT)
        source.wait_ready(lambda: _ready(source_health), START_TIMEOUT)
        kustomize.wait_ready(lambda: _ready(kustomize_health), START_TIMEOUT)
        return GitOpsInfo(
            run_dir=self.run_dir,
            git_root=git_root,
            git_url=git_url,
            processes=self._records(),
        )

    def _install_crds(self) -> None:
        self.cluster.kubectl(
            "apply",
            "--server-side",
            "--field-manager=kubevisor-dev",
            f"--filename={self.flux / 'crds'}",
        )
        self.cluster.kubectl(
            "wait",
            "--for=condition=Established",
            f"--timeout={CRD_TIMEOUT}",
            f"--filename={self.flux / 'crds'}",
        )
        namespaces = self.cluster.kubectl(
            "get", "namespace", FLUX_NAMESPACE, "--ignore-not-found", "-o", "name"
        )
        if not namespaces.strip():
            self.cluster.kubectl("create", "namespace", FLUX_NAMESPACE)

    def _environment(self) -> list[str]:
        # `env` execs the controller, so the recorded pid is the controller's own.
        return [
            "env",
            f"KUBECONFIG={self.cluster.kubeconfig}",
            f"RUNTIME_NAMESPACE={FLUX_NAMESPACE}",
        ]

    @staticmethod
    def _common_flags(metrics: int, health: int) -> list[str]:
        return [
            f"--metrics-addr={LOOPBACK}:{metrics}",
            f"--health-addr={LOOPBACK}:{health}",
            "--enable-leader-election=false",
            "--watch-all-namespaces=true",
            "--log-level=info",
        ]


def sync_objects(
    name: str,
    url: str,
    target_namespace: str,
    *,
    interval: str,
    health_check_exprs: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """A GitRepository for branch `main` of `url` and a Kustomization (same name, in
    flux-system) that applies the repository's root into `target_namespace` server-side,
    prunes what leaves Git, and waits for health with `health_check_exprs`. `interval` is
    also the retryInterval; tests and benchmarks request reconciles by annotation instead."""
    metadata = {"name": name, "namespace": FLUX_NAMESPACE}
    return [
        {
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": metadata,
            "spec": {"interval": interval, "url": url, "ref": {"branch": "main"}},
        },
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": metadata,
            "spec": {
                "interval": interval,
                "retryInterval": interval,
                "timeout": "3m",
                "sourceRef": {"kind": "GitRepository", "name": name},
                "path": "./",
                "targetNamespace": target_namespace,
                "prune": True,
                "wait": True,
                "healthCheckExprs": health_check_exprs,
            },
        },
    ]


def _ready(health_port: int) -> bool:
    return http_status(f"http://{LOOPBACK}:{health_port}/readyz") == 200


@contextlib.contextmanager
def temporary_gitops(cluster: ClusterInfo, run_dir: Path) -> Iterator[GitOpsInfo]:
    """Flux and a Git server for `cluster` in `run_dir`, stopped on exit (tests)."""
    with GitOps(cluster, run_dir, flux=flux_dir()) as info:
        yield info
