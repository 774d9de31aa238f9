"""Publish throughput with one operator instance and with two shards (issue 13, item 4).

`--namespaces` namespaces (20) of `--features` features (50) each on a real API server. Each
round edits one Feature in every namespace at once and waits until every namespace published
the new revision. Measured twice on the same cluster:

- one cluster-wide instance serving every namespace;
- two instances: the default one, and shard `b` serving the half of the namespaces labeled
  `kubevisor.io/shard=b` (the namespaces move by label, as in production).

Prints datafiles published per second over the rounds, and edit -> ConfigMap p50/p99. Both
instances share the machine's cores: on one machine shards split memory and the event loop,
not CPU. Figures only; nothing asserts speed.

    .venv/bin/python bench/operator_shards.py [--namespaces 20] [--features 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kubevisor.controller.resources import RESOURCES
from kubevisor.controller.shards import SHARD_LABEL
from kubevisor.devcluster.state import ClusterInfo
from lightkube import Client
from lightkube.config.kubeconfig import KubeConfig
from lightkube.resources.core_v1 import ConfigMap
from lightkube.types import PatchType
from operator_env import NAMESPACE, Operator, apply, bench_cluster, feature, percentile
from operator_isolation import Revisions, in_namespace, project

SHARD = "b"


@contextlib.contextmanager
def instances(cluster: ClusterInfo, logs: Path, shards: list[str | None]) -> Iterator[None]:
    """Cluster-wide operator instances, one per shard key (None: the default instance)."""
    started = []
    try:
        for shard in shards:
            env = {"KUBEVISOR_NAMESPACES": "", "KUBEVISOR_LEASE_NAMESPACE": NAMESPACE}
            if shard:
                env["KUBEVISOR_SHARD"] = shard
            started.append(Operator(cluster, logs / f"operator-{shard or 'default'}.log", **env))
        for operator in started:
            operator.wait_ready(timeout=900)
        for operator in started:
            operator.wait_idle(timeout=900)
        yield
    finally:
        for operator in started:
            operator.stop()


class Rounds:
    """Edits `checkout` in every namespace at once, then waits for every new revision."""

    def __init__(self, cluster: ClusterInfo, revisions: Revisions, names: list[str]) -> None:
        self.client = Client(KubeConfig.from_file(cluster.kubeconfig))
        self.revisions = revisions
        self.names = names
        self.next_revision = {name: self._served(name) + 1 for name in names}

    def _served(self, namespace: str) -> int:
        found = self.client.get(ConfigMap, "production", namespace=namespace)
        annotations = (found.metadata and found.metadata.annotations) or {}
        return int(annotations["kubevisor.io/revision"])

    def run(self, count: int) -> tuple[list[float], float, int]:
        """(edit -> ConfigMap latencies, seconds the rounds took, datafiles published)."""
        latencies: list[float] = []
        elapsed = 0.0
        for _ in range(count):
            sent: dict[str, tuple[str, float]] = {}
            began = time.monotonic()
            for name in self.names:
                revision = self.next_revision[name]
                self.next_revision[name] = revision + 1
                body = in_namespace([feature("checkout", percentage=1 + revision % 99)], name)[0]
                sent[name] = (str(revision), time.monotonic())
                self.client.patch(
                    RESOURCES["Feature"],
                    "checkout",
                    body,
                    namespace=name,
                    patch_type=PatchType.APPLY,
                    field_manager="bench",
                    force=True,
                )
            arrived = {
                name: self.revisions.wait_for(name, revision)
                for name, (revision, _) in sent.items()
            }
            latencies += [arrived[name] - at for name, (_, at) in sent.items()]
            elapsed += max(arrived.values()) - began
        return latencies, elapsed, count * len(self.names)


def report(label: str, latencies: list[float], elapsed: float, published: int) -> None:
    print(
        f"{label}: {published} datafiles in {elapsed:.1f} s = {published / elapsed:.2f}/s; "
        f"edit -> ConfigMap p50 {percentile(latencies, 0.5):.3f} s, "
        f"p99 {percentile(latencies, 0.99):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--namespaces", type=int, default=20)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    names = [f"ns-{index:03d}" for index in range(args.namespaces)]
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as directory:
        logs = Path(directory)
        revisions = Revisions(cluster)
        for name in names:
            cluster.kubectl("create", "namespace", name)
        apply(cluster, [obj for name in names for obj in project(name, args.features)], 2)

        with instances(cluster, logs, [None]):
            for name in names:
                revisions.wait_for(name, "1", timeout=1800)
            one = Rounds(cluster, revisions, names).run(args.rounds)
            load_one = os.getloadavg()

        for name in names[::2]:
            cluster.kubectl("label", "namespace", name, f"{SHARD_LABEL}={SHARD}")
        with instances(cluster, logs, [None, SHARD]):
            two = Rounds(cluster, revisions, names).run(args.rounds)
            load_two = os.getloadavg()
    print(f"{args.namespaces} namespaces x {args.features} features, {args.rounds} rounds")
    report("1 instance", *one)
    print(f"  load average: {load_one[0]:.2f} {load_one[1]:.2f} {load_one[2]:.2f}")
    report(f"2 shards (default + {SHARD}, half the namespaces each)", *two)
    print(f"  load average: {load_two[0]:.2f} {load_two[1]:.2f} {load_two[2]:.2f}")


if __name__ == "__main__":
    main()
