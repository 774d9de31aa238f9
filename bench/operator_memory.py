"""Operator memory with 10,000 Features in one namespace (issue 4 figure).

Starts a dev cluster, applies the Features (parallel kubectl server-side applies), starts the
operator and waits until the ConfigMap holds every feature and the operator is idle, then
prints its resident set size (current and peak) and the compile time it reports.
Goal: <= 200 MiB RSS.

    .venv/bin/python bench/operator_memory.py [--features 10000]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from operator_env import Operator, RevisionWatch, apply, base_objects, bench_cluster, feature


def compile_seconds(metrics: str) -> tuple[float, int]:
    """(total seconds, count) of compiles, from the Prometheus text."""
    total = re.search(r"^kubevisor_compile_duration_seconds_sum\{[^}]*\} (\S+)$", metrics, re.M)
    count = re.search(r"^kubevisor_compile_duration_seconds_count\{[^}]*\} (\S+)$", metrics, re.M)
    return (float(total.group(1)) if total else 0.0, int(float(count.group(1))) if count else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", type=int, default=10_000)
    args = parser.parse_args()
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as logs:
        objects = base_objects() + [feature(f"f{i:05d}") for i in range(args.features)]
        took = apply(cluster, objects, workers=4)
        print(f"applied {len(objects)} objects in {took:.1f} s")
        watch = RevisionWatch(cluster, "production")
        operator = Operator(cluster, Path(logs) / "operator.log")
        try:
            started = time.monotonic()
            operator.wait_ready(timeout=300)
            ready = time.monotonic()
            watch.wait_for("1", timeout=600)
            published = time.monotonic()
            features = len(watch.datafile()["features"])
            # The first pass also writes every object's status: measure once that is over.
            operator.wait_idle()
            idle = time.monotonic()
            rss, peak = operator.rss_mib()
            workers = operator.descendants_rss_mib()
            total, count = compile_seconds(operator.metrics())
        finally:
            operator.stop()
    print(f"features in the datafile: {features}")
    print(
        f"operator ready {ready - started:.1f} s after start, published after "
        f"{published - started:.1f} s, idle after {idle - started:.1f} s"
    )
    print(f"compiles: {count}, mean {total / max(count, 1):.2f} s")
    print(f"operator RSS: {rss:.0f} MiB now, {peak:.0f} MiB peak (goal <= 200 MiB)")
    print(f"its compile workers (and forkserver) RSS now: {workers:.0f} MiB")


if __name__ == "__main__":
    main()
