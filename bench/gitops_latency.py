"""GitOps figures with Flux's real controllers (issue 10): `git push` -> ConfigMap latency, and
the time from a fixing commit to a healthy Kustomization.

Starts a dev cluster, Flux (tools/flux/build.sh) with a loopback Git server, and the operator;
Flux syncs a small features repository with `wait: true` and the shipped healthCheckExprs.
Every reconcile is requested by annotation on the GitRepository right after the push (Flux's
intervals are 10 minutes, so none fires on its own). Prints p50/p99 over `--pushes` commits
that each change one percentage, then, `--fixes` times, how long a fixing commit takes from
`git push` to Ready=True after a commit that broke a segment reference.

    .venv/bin/python bench/gitops_latency.py [--pushes 20] [--fixes 3] [--debounce 0.3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from kubevisor.devcluster.gitops import GitOps, flux_dir, sync_objects
from kubevisor.devcluster.state import ClusterInfo
from operator_env import (
    NAMESPACE,
    REPO,
    Operator,
    RevisionWatch,
    base_objects,
    bench_cluster,
    feature,
    percentile,
)

NAME = "bench"
IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@kubevisor.invalid"]


def git(work: Path, *args: str) -> str:
    command = ["git", *args]
    return subprocess.run(command, cwd=work, capture_output=True, text=True, check=True).stdout


def commit(work: Path, objects: list[dict[str, Any]], message: str) -> None:
    (work / "features.yaml").write_text(yaml.safe_dump_all(objects))
    git(work, "add", "--all")
    git(work, *IDENTITY, "commit", "--quiet", "--message", message)


def push(work: Path) -> str:
    git(work, "push", "--quiet", "origin", "main")
    return git(work, "rev-parse", "HEAD").strip()


def request_reconcile(cluster: ClusterInfo) -> None:
    cluster.kubectl(
        "-n",
        "flux-system",
        "annotate",
        "--overwrite",
        "gitrepository",
        NAME,
        f"reconcile.fluxcd.io/requestedAt={time.time_ns()}",
    )


def kustomization_ready(cluster: ClusterInfo) -> tuple[str, str]:
    """(Ready status, lastAttemptedRevision) of the Kustomization."""
    found = json.loads(
        cluster.kubectl("-n", "flux-system", "get", "kustomization", NAME, "-o", "json")
    )
    status = found.get("status") or {}
    ready = next((c for c in status.get("conditions") or [] if c["type"] == "Ready"), {})
    return str(ready.get("status")), str(status.get("lastAttemptedRevision") or "")


def wait_ready(cluster: ClusterInfo, sha: str, wanted: str, timeout: float = 900) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, revision = kustomization_ready(cluster)
        if ready == wanted and revision.endswith(sha):
            return time.monotonic()
        time.sleep(0.05)
    raise SystemExit(f"the Kustomization never became Ready={wanted} at {sha}")


def health_check_exprs() -> list[dict[str, Any]]:
    shipped = REPO / "deploy" / "gitops" / "flux" / "kustomization.yaml"
    documents = [d for d in yaml.safe_load_all(shipped.read_text()) if d]
    return [e for d in documents for e in d["spec"].get("healthCheckExprs") or []]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pushes", type=int, default=20)
    parser.add_argument("--fixes", type=int, default=3)
    parser.add_argument("--debounce", type=float, default=0.3)
    args = parser.parse_args()
    flux = flux_dir()
    with (
        bench_cluster() as cluster,
        tempfile.TemporaryDirectory() as tmp,
        GitOps(cluster, Path(tmp) / "gitops", flux=flux) as gitops,
    ):
        operator = Operator(
            cluster, Path(tmp) / "operator.log", KUBEVISOR_DEBOUNCE_SECONDS=str(args.debounce)
        )
        try:
            operator.wait_ready()
            pushed, fixed = run(cluster, gitops.git_root, gitops.repository_url(NAME), args)
        finally:
            operator.stop()
    print(f"pushes: {len(pushed)}, operator debounce {args.debounce:.2f} s, trigger: annotation")
    print(
        f"git push -> ConfigMap: p50 {percentile(pushed, 0.5):.2f} s, "
        f"p99 {percentile(pushed, 0.99):.2f} s, mean {statistics.mean(pushed):.2f} s, "
        f"max {max(pushed):.2f} s"
    )
    print(
        "fixing commit -> Kustomization Ready: "
        + ", ".join(f"{value:.2f} s" for value in fixed)
        + f" (median {statistics.median(fixed):.2f} s; retryInterval 10 m never fired)"
    )


def run(
    cluster: ClusterInfo, git_root: Path, url: str, args: argparse.Namespace
) -> tuple[list[float], list[float]]:
    work = git_root.parent / "work"
    git(git_root, "init", "--quiet", "--bare", "--initial-branch=main", f"{NAME}.git")
    git(git_root, "init", "--quiet", "--initial-branch=main", str(work))
    git(work, "remote", "add", "origin", str(git_root / f"{NAME}.git"))
    objects = base_objects()
    for obj in objects:
        obj["metadata"].pop("namespace")
    commit(work, objects, "first")
    first = push(work)
    manifest = json.dumps(
        {
            "apiVersion": "v1",
            "kind": "List",
            "items": sync_objects(
                NAME, url, NAMESPACE, interval="10m", health_check_exprs=health_check_exprs()
            ),
        }
    )
    cluster.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)
    watch = RevisionWatch(cluster, "production")
    watch.wait_for("1", timeout=300)
    wait_ready(cluster, first, "True")
    print("first sync healthy; timing pushes ...", file=sys.stderr)

    checkout = next(i for i, obj in enumerate(objects) if obj["metadata"]["name"] == "checkout")
    revision = 1
    pushed: list[float] = []
    for index in range(args.pushes):
        objects[checkout] = feature("checkout", percentage=1 + index % 99)
        objects[checkout]["metadata"].pop("namespace")
        commit(work, objects, f"checkout at {1 + index % 99} %")
        started = time.monotonic()
        sha = push(work)
        request_reconcile(cluster)
        revision += 1
        pushed.append(watch.wait_for(str(revision)) - started)
        wait_ready(cluster, sha, "True")  # the next push starts from a settled sync

    fixed: list[float] = []
    good = objects[checkout]
    for index in range(args.fixes):
        broken = json.loads(json.dumps(good))
        broken["spec"]["rules"]["production"][0]["segments"] = [f"missing{index}"]
        objects[checkout] = broken
        commit(work, objects, "break a segment reference")
        sha = push(work)
        request_reconcile(cluster)
        wait_ready(cluster, sha, "False")
        objects[checkout] = good
        commit(work, objects, "fix it")
        started = time.monotonic()
        sha = push(work)
        request_reconcile(cluster)
        fixed.append(wait_ready(cluster, sha, "True") - started)
    return pushed, fixed


if __name__ == "__main__":
    main()
