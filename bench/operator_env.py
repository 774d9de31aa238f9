"""Shared set-up of the operator benchmarks: a temporary dev cluster with the CRDs, a namespace,
the operator as a subprocess, manifests applied concurrently (server-side), and a ConfigMap
watch that notes when each revision arrives. Figures are printed by the scripts; nothing here
asserts speed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
from kubevisor.controller.resources import RESOURCES
from kubevisor.crds import KINDS
from kubevisor.devcluster.cluster import temporary_cluster
from kubevisor.devcluster.ports import LOOPBACK, pick_ports
from kubevisor.devcluster.state import ClusterInfo
from lightkube import AsyncClient, Client
from lightkube.config.kubeconfig import KubeConfig
from lightkube.resources.core_v1 import ConfigMap
from lightkube.types import PatchType

REPO = Path(__file__).resolve().parents[1]
NAMESPACE = "bench"
API_VERSION = "kubevisor.io/v1alpha1"


def feature(key: str, percentage: float = 100) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Feature",
        "metadata": {"name": key.lower(), "namespace": NAMESPACE},
        "spec": {
            "key": key,
            "description": f"Feature {key}",
            "tags": ["all"],
            "bucketBy": "userId",
            "rules": {"production": [{"key": "main", "segments": "*", "percentage": percentage}]},
        },
    }


def base_objects() -> list[dict[str, Any]]:
    def obj(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
        metadata = {"name": name, "namespace": NAMESPACE}
        return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}

    return [
        obj("Attribute", "userid", {"key": "userId", "description": "User", "type": "string"}),
        feature("checkout"),
        obj(
            "Datafile",
            "production",
            {"target": "all", "environment": "production", "description": "All", "tag": "all"},
        ),
    ]


APPLY_TIMEOUT = httpx2.Timeout(60.0)
APPLY_ATTEMPTS = 3


def apply(cluster: ClusterInfo, objects: list[dict[str, Any]], in_flight: int = 16) -> float:
    """Server-side apply of every object, `in_flight` requests at a time; seconds taken.

    One request per object like `kubectl apply --server-side`, but concurrent and in this
    process: kubectl applies a list one object after another, which took 13 minutes for 5,000
    Features on the loaded CI machine."""
    return asyncio.run(_apply(cluster, objects, in_flight))


async def _apply(cluster: ClusterInfo, objects: list[dict[str, Any]], in_flight: int) -> float:
    started = time.perf_counter()
    client = AsyncClient(
        KubeConfig.from_file(cluster.kubeconfig), field_manager="bench", timeout=APPLY_TIMEOUT
    )
    remaining = iter(objects)

    async def apply_one(obj: dict[str, Any]) -> None:
        metadata = obj["metadata"]
        await client.patch(
            RESOURCES[obj["kind"]],
            metadata["name"],
            obj,
            namespace=metadata["namespace"],
            patch_type=PatchType.APPLY,
            force=True,
        )

    async def worker() -> None:
        for obj in remaining:
            for attempt in range(APPLY_ATTEMPTS):
                try:
                    await apply_one(obj)
                    break
                except Exception:  # a loaded API server times out now and then; apply is idempotent
                    if attempt == APPLY_ATTEMPTS - 1:
                        raise

    try:
        await asyncio.gather(*(worker() for _ in range(in_flight)))
    finally:
        await client.close()
    return time.perf_counter() - started


@contextlib.contextmanager
def bench_cluster() -> Iterator[ClusterInfo]:
    print("starting the dev cluster ...", file=sys.stderr)
    with temporary_cluster() as cluster:
        crds = [f"--filename={REPO / 'crds' / (info.crd_name + '.yaml')}" for info in KINDS]
        cluster.kubectl("apply", "--server-side", *crds)
        names = [f"crd/{info.crd_name}" for info in KINDS]
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *names)
        deadline = time.monotonic() + 60
        while True:
            try:
                cluster.kubectl("get", ",".join(info.crd_name for info in KINDS), "-A")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        cluster.kubectl("create", "namespace", NAMESPACE)
        yield cluster


class Operator:
    """`python -m kubevisor operator` for the bench namespace."""

    def __init__(self, cluster: ClusterInfo, log: Path, **env: str) -> None:
        self.port = pick_ports(1)[0]
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KUBEVISOR_"))},
            "KUBECONFIG": str(cluster.kubeconfig),
            "KUBEVISOR_NAMESPACES": NAMESPACE,
            "KUBEVISOR_LEASE_NAMESPACE": NAMESPACE,
            "KUBEVISOR_METRICS_HOST": LOOPBACK,
            "KUBEVISOR_METRICS_PORT_NUMBER": str(self.port),
            **env,
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kubevisor", "operator"],
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                url = f"http://{LOOPBACK}:{self.port}/readyz"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise SystemExit("the operator did not become ready")

    def metrics(self) -> str:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{self.port}/metrics") as response:
            return str(response.read().decode())

    def rss_mib(self) -> tuple[float, float]:
        """(current, peak) resident set size in MiB."""
        values: dict[str, float] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def descendants_rss_mib(self) -> float:
        """Resident set size of the operator's child processes (the forkserver and the compile
        workers), summed, in MiB."""
        total = 0.0
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            with contextlib.suppress(OSError):
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                pending.extend(int(child) for child in children)
                for child in children:
                    for line in Path(f"/proc/{child}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) / 1024
        return total

    def cpu_seconds(self) -> float:
        """User plus system CPU time the operator has used so far."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, timeout: float = 600) -> None:
        """Until the operator used under 0.1 s of CPU in 2 s (e.g. its first status pass,
        which writes every object's status, is over)."""
        deadline = time.monotonic() + timeout
        used = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(2)
            now_used = self.cpu_seconds()
            if now_used - used < 0.1:
                return
            used = now_used
        raise SystemExit("the operator did not become idle")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class RevisionWatch:
    """Notes the monotonic time at which each revision of a ConfigMap is first seen, and every
    write (ADDED/MODIFIED event)."""

    def __init__(self, cluster: ClusterInfo, name: str) -> None:
        self.cluster = cluster
        self.name = name
        self.seen: dict[str, float] = {}
        self.writes = 0
        self.changed = threading.Condition()
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()

    def _run(self) -> None:
        client = Client(KubeConfig.from_file(self.cluster.kubeconfig))
        watch = client.watch(ConfigMap, namespace=NAMESPACE, fields={"metadata.name": self.name})
        with contextlib.suppress(Exception):  # the cluster going away at the end
            for event, obj in watch:
                if event not in ("ADDED", "MODIFIED") or obj.metadata is None:
                    continue
                revision = (obj.metadata.annotations or {}).get("kubevisor.io/revision", "")
                with self.changed:
                    self.writes += 1
                    self.seen.setdefault(revision, time.monotonic())
                    self.changed.notify_all()

    def wait_for(self, revision: str, timeout: float = 60) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: revision in self.seen, timeout=timeout):
                raise SystemExit(f"revision {revision} never arrived")
            return self.seen[revision]

    def datafile(self) -> dict[str, Any]:
        client = Client(KubeConfig.from_file(self.cluster.kubeconfig))
        found = client.get(ConfigMap, self.name, namespace=NAMESPACE)
        text = (found.data or {}).get("datafile.json")
        if text is None:  # above ~900 KiB the operator publishes it gzipped
            packed = base64.b64decode((found.binaryData or {})["datafile.json.gz"])
            text = gzip.decompress(packed).decode()
        loaded: dict[str, Any] = json.loads(text)
        return loaded


def edit_latencies(cluster_kubeconfig: Path, watch: RevisionWatch, edits: int) -> list[float]:
    """Seconds from each edit of `checkout` (a new percentage) to the ConfigMap revision."""
    client = Client(KubeConfig.from_file(cluster_kubeconfig))
    latencies = []
    for edit in range(edits):
        body = feature("checkout", percentage=1 + edit % 99)
        started = time.monotonic()
        client.patch(
            RESOURCES["Feature"],
            "checkout",
            body,
            namespace=NAMESPACE,
            patch_type=PatchType.APPLY,
            field_manager="bench",
            force=True,
        )
        latencies.append(watch.wait_for(str(edit + 2), timeout=120) - started)
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]
