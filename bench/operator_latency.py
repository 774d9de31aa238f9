"""Edit-to-ConfigMap latency of the operator on a real API server (issue 4 figure).

Starts a dev cluster and the operator, then edits one Feature 100 times (server-side apply of
a new percentage), each time waiting until the ConfigMap carries the next revision. Prints
p50/p99 of the time from the apply request to the new ConfigMap, with and without the debounce
window, in steady state (after the operator's first pass over every object's status).
Goal: p50 <= 0.5 s and p99 <= 1 s after the debounce.

    .venv/bin/python bench/operator_latency.py [--edits 100] [--debounce 0.3] [--features 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from operator_env import (
    Operator,
    RevisionWatch,
    apply,
    base_objects,
    bench_cluster,
    edit_latencies,
    feature,
    percentile,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--debounce", type=float, default=0.3)
    parser.add_argument("--features", type=int, default=50, help="features in the namespace")
    args = parser.parse_args()
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as logs:
        objects = base_objects() + [feature(f"f{i:05d}") for i in range(args.features)]
        apply(cluster, objects)
        operator = Operator(
            cluster, Path(logs) / "operator.log", KUBEVISOR_DEBOUNCE_SECONDS=str(args.debounce)
        )
        try:
            operator.wait_ready()
            watch = RevisionWatch(cluster, "production")
            watch.wait_for("1")
            operator.wait_idle()  # steady state: the first status pass is over
            latencies = edit_latencies(cluster.kubeconfig, watch, args.edits)
        finally:
            operator.stop()
    after = [value - args.debounce for value in latencies]
    print(f"edits: {len(latencies)}, features in the namespace: {args.features + 1}")
    print(f"debounce window: {args.debounce:.2f} s")
    print(
        f"edit -> ConfigMap: p50 {percentile(latencies, 0.5):.3f} s, "
        f"p99 {percentile(latencies, 0.99):.3f} s, mean {statistics.mean(latencies):.3f} s, "
        f"max {max(latencies):.3f} s"
    )
    print(
        f"after the debounce: p50 {percentile(after, 0.5):.3f} s, "
        f"p99 {percentile(after, 0.99):.3f} s (goal p50 <= 0.5 s, p99 <= 1 s)"
    )


if __name__ == "__main__":
    main()
