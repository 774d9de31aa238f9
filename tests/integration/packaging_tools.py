"""Helpers of the packaging tests: the pinned helm and kstatus binaries, a kubeconfig that acts
as a ServiceAccount, and the operator run as a subprocess."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from kubevisor.devcluster.state import ClusterInfo

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "kubevisor"


def _built(script: str) -> str:
    result = subprocess.run(
        ["bash", str(ROOT / "tools" / script / "build.sh")],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@functools.cache
def helm() -> str:
    """tools/helm/build.sh's helm (built once, then cached outside the repository)."""
    return _built("helm")


@functools.cache
def kstatus() -> str:
    """tools/kstatus/build.sh's program around sigs.k8s.io/cli-utils/pkg/kstatus."""
    return _built("kstatus")


def helm_template(release: str, namespace: str, *values: str) -> str:
    command = [helm(), "template", release, str(CHART), "--namespace", namespace]
    for value in values:
        command += ["--set", value]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def ensure_namespace(cluster: ClusterInfo, name: str) -> None:
    manifest = yaml.safe_dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    cluster.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)


def install_crds(cluster: ClusterInfo) -> None:
    """The chart's crds/ folder, as `helm install` (first install) or an upgrade would apply it."""
    # The same field manager as the other integration tests that apply crds/, so whichever runs
    # first, the others' server-side applies own the same fields and never conflict.
    cluster.kubectl(
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager=kubevisor-tests",
        "-f",
        str(CHART / "crds"),
    )
    cluster.kubectl(
        "wait",
        "--for=condition=Established",
        "--timeout=60s",
        "crd",
        "-l",
        "app.kubernetes.io/name=kubevisor",
    )


def service_account_kubeconfig(
    cluster: ClusterInfo, namespace: str, account: str, path: Path
) -> Path:
    """A kubeconfig whose only identity is a token of the ServiceAccount: the operator then has
    exactly the RBAC the chart grants it, as in a pod."""
    token = cluster.kubectl("create", "token", account, "-n", namespace, "--duration=1h").strip()
    admin = yaml.safe_load(cluster.kubeconfig.read_text())
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": admin["clusters"],
        "users": [{"name": account, "user": {"token": token}}],
        "contexts": [
            {
                "name": account,
                "context": {
                    "cluster": admin["clusters"][0]["name"],
                    "user": account,
                    "namespace": namespace,
                },
            }
        ],
        "current-context": account,
    }
    path.write_text(yaml.safe_dump(config))
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def operator_process(
    kubeconfig: Path,
    *,
    pod_namespace: str,
    namespaces: list[str],
    log: Path,
    extra_env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m kubevisor operator` with the environment the chart's Deployment sets."""
    # Object-store credentials must come from the Datafile's Secret (read with the chart's
    # RBAC), never from this process's environment.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "GOOGLE_", "AZURE_"))
    }
    env = {
        **inherited,
        "KUBECONFIG": str(kubeconfig),
        "POD_NAMESPACE": pod_namespace,
        "POD_NAME": "kubevisor-test-0",
        "KUBEVISOR_NAMESPACES": ",".join(namespaces),
        "KUBEVISOR_METRICS_HOST": "127.0.0.1",
        "KUBEVISOR_DEBOUNCE_SECONDS": "0.2",
        **(extra_env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kubevisor", "operator", f"--metrics-port={free_port()}"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: str, check: Callable[[], bool], *, timeout: float = 90, log: Path) -> None:
    """Poll until `check()` holds; on timeout fail with the operator's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; operator log:\n{log.read_text()[-6000:]}")


PERMISSION_PROBLEMS = ("403", "forbidden", "not enough permissions")
"""What a log line says when the operator lacked a permission (Kopf logs some without 403)."""


NOT_PERMISSION = "because it is being terminated"
"""The API server answers 403 to writes into a namespace being deleted (another test's, seen by
the cluster-wide operator): not a missing grant."""


def permission_problems(log: Path) -> list[str]:
    return [
        line
        for line in log.read_text().splitlines()
        if any(marker in line.lower() for marker in PERMISSION_PROBLEMS)
        and NOT_PERMISSION not in line
    ]
