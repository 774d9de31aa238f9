"""Publish latency of one namespace while others are busy (issues 8.5 and 13.3).

Two scenarios on a real API server, one operator watching every namespace:

- `neighbour` (issue 8.5): a small namespace is edited once a second, first alone, then while
  another namespace applies `--big` features (5,000 by default). Prints the small namespace's
  edit -> ConfigMap latency in both phases; goal: at most 1 s added.
- `spread` (issue 13.3): `--namespaces` namespaces (200) of `--features` features (100) each,
  then `--edits` edits spread over them, one at a time. Goal: p99 <= 1 s.

Figures only; nothing asserts speed. Heavy: run once, on a quiet machine.

    .venv/bin/python bench/operator_isolation.py neighbour [--big 5000]
    .venv/bin/python bench/operator_isolation.py spread [--namespaces 200] [--features 100]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kubevisor.controller.resources import RESOURCES
from kubevisor.devcluster.state import ClusterInfo
from lightkube import ALL_NS, Client
from lightkube.config.kubeconfig import KubeConfig
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import ConfigMap, Namespace
from lightkube.types import PatchType
from operator_env import Operator, apply, base_objects, bench_cluster, feature, percentile


def in_namespace(objects: list[dict[str, Any]], namespace: str) -> list[dict[str, Any]]:
    return [{**obj, "metadata": {**obj["metadata"], "namespace": namespace}} for obj in objects]


def project(namespace: str, features: int) -> list[dict[str, Any]]:
    extra = [feature(f"f{index:05d}") for index in range(features - 1)]
    return in_namespace(base_objects() + extra, namespace)


class Revisions:
    """When each (namespace, revision) of the `production` ConfigMaps was first seen."""

    def __init__(self, cluster: ClusterInfo) -> None:
        self.cluster = cluster
        self.seen: dict[tuple[str, str], float] = {}
        self.changed = threading.Condition()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        client = Client(KubeConfig.from_file(self.cluster.kubeconfig))
        with contextlib.suppress(Exception):  # the cluster going away at the end
            for event, obj in client.watch(
                ConfigMap, namespace=ALL_NS, fields={"metadata.name": "production"}
            ):
                if event not in ("ADDED", "MODIFIED") or obj.metadata is None:
                    continue
                revision = (obj.metadata.annotations or {}).get("kubevisor.io/revision", "")
                with self.changed:
                    self.seen.setdefault((str(obj.metadata.namespace), revision), time.monotonic())
                    self.changed.notify_all()

    def wait_for(self, namespace: str, revision: str, timeout: float = 600) -> float:
        with self.changed:
            if not self.changed.wait_for(
                lambda: (namespace, revision) in self.seen, timeout=timeout
            ):
                raise SystemExit(f"{namespace}: revision {revision} never arrived")
            return self.seen[(namespace, revision)]


class Editor:
    """Edits `checkout` of a namespace and measures apply -> new ConfigMap revision."""

    def __init__(self, cluster: ClusterInfo, revisions: Revisions) -> None:
        self.client = Client(KubeConfig.from_file(cluster.kubeconfig))
        self.revisions = revisions
        self.next_revision: dict[str, int] = {}

    def edit(self, namespace: str) -> float:
        if namespace not in self.next_revision:  # a burst may have published several already
            found = self.client.get(ConfigMap, "production", namespace=namespace)
            annotations = (found.metadata and found.metadata.annotations) or {}
            self.next_revision[namespace] = int(annotations["kubevisor.io/revision"]) + 1
        revision = self.next_revision[namespace]
        self.next_revision[namespace] = revision + 1
        body = in_namespace([feature("checkout", percentage=1 + revision % 99)], namespace)[0]
        started = time.monotonic()
        self.client.patch(
            RESOURCES["Feature"],
            "checkout",
            body,
            namespace=namespace,
            patch_type=PatchType.APPLY,
            field_manager="bench",
            force=True,
        )
        return self.revisions.wait_for(namespace, str(revision)) - started


def published_all(cluster: ClusterInfo, namespace: str, features: int) -> float:
    """The monotonic time at which the namespace's datafile first holds `features` features."""
    client = Client(KubeConfig.from_file(cluster.kubeconfig))
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        found = client.get(ConfigMap, "production", namespace=namespace)
        text = (found.data or {}).get("datafile.json")
        if text is None:
            packed = base64.b64decode((found.binaryData or {})["datafile.json.gz"])
            text = gzip.decompress(packed).decode()
        if len(json.loads(text)["features"]) >= features:
            return time.monotonic()
        time.sleep(0.5)
    raise SystemExit(f"{namespace} never published {features} features")


@contextlib.contextmanager
def operator_for(cluster: ClusterInfo, namespaces: list[str], logs: str) -> Iterator[Operator]:
    client = Client(KubeConfig.from_file(cluster.kubeconfig))
    for namespace in namespaces:  # one client, not a kubectl per namespace (200 of them)
        client.create(Namespace(metadata=ObjectMeta(name=namespace)))
    operator = Operator(
        cluster,
        Path(logs) / "operator.log",
        KUBEVISOR_NAMESPACES=",".join(namespaces),
        KUBEVISOR_LEASE_NAMESPACE=namespaces[0],
    )
    try:
        operator.wait_ready(timeout=900)
        yield operator
    finally:
        operator.stop()


def summary(label: str, values: list[float]) -> str:
    return (
        f"{label}: n={len(values)} p50 {percentile(values, 0.5):.3f} s, "
        f"p99 {percentile(values, 0.99):.3f} s, mean {statistics.mean(values):.3f} s, "
        f"max {max(values):.3f} s"
    )


def neighbour(args: argparse.Namespace) -> None:
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as logs:
        revisions = Revisions(cluster)
        with operator_for(cluster, ["small", "big"], logs) as operator:
            apply(cluster, project("small", 10) + project("big", 10))
            for namespace in ("small", "big"):
                revisions.wait_for(namespace, "1")
            operator.wait_idle()
            editor = Editor(cluster, revisions)
            alone = [editor.edit("small") for _ in range(args.edits)]

            crowd = project("big", args.big)
            applying = threading.Thread(target=apply, args=(cluster, crowd), daemon=True)
            started = time.monotonic()
            applying.start()
            busy: list[float] = []
            while applying.is_alive() or len(busy) < args.edits:
                busy.append(editor.edit("small"))
                time.sleep(0.5)
            big_done = published_all(cluster, "big", args.big) - started
            load = os.getloadavg()
    print(f"small namespace: 10 features; big namespace: {args.big} features applied meanwhile")
    print(summary("small, alone      ", alone))
    print(summary("small, big applies", busy))
    added = percentile(busy, 0.99) - percentile(alone, 0.99)
    print(f"p99 added by the big neighbour: {added:.3f} s (goal <= 1 s)")
    print(f"big namespace published its {args.big} features {big_done:.1f} s after the apply began")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def spread(args: argparse.Namespace) -> None:
    names = [f"ns-{index:03d}" for index in range(args.namespaces)]
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as logs:
        revisions = Revisions(cluster)
        with operator_for(cluster, names, logs) as operator:
            objects = [obj for name in names for obj in project(name, args.features)]
            took = apply(cluster, objects)
            print(f"applied {len(objects)} objects in {took:.1f} s", flush=True)
            started = time.monotonic()
            for name in names:
                revisions.wait_for(name, "1", timeout=1800)
            first = time.monotonic() - started
            print(f"every namespace at revision 1 {first:.1f} s after the apply", flush=True)
            operator.wait_idle(timeout=1800)
            editor = Editor(cluster, revisions)
            order = random.Random(1).choices(names, k=args.edits)
            latencies = [editor.edit(name) for name in order]
            load = os.getloadavg()
    print(f"{args.namespaces} namespaces x {args.features} features")
    print(summary("edit -> ConfigMap, edits spread over namespaces", latencies))
    print(f"goal: p99 <= 1 s; load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    scenarios = parser.add_subparsers(dest="scenario", required=True)
    one = scenarios.add_parser("neighbour")
    one.add_argument("--big", type=int, default=5000)
    one.add_argument("--edits", type=int, default=20)
    many = scenarios.add_parser("spread")
    many.add_argument("--namespaces", type=int, default=200)
    many.add_argument("--features", type=int, default=100)
    many.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    if args.scenario == "neighbour":
        neighbour(args)
    else:
        spread(args)


if __name__ == "__main__":
    main()
