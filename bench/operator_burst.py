"""1,000 objects applied at once: writes per output and time to publish (issue 4 figure).

Starts a dev cluster and the operator on a small project, then applies 1,000 Features with one
`kubectl apply --server-side` of one file (as a GitOps sync would) and waits until the
ConfigMap holds them all. Prints the ConfigMap writes the burst caused and the time to
publish, from the start and from the end of the apply. Goal: <= 3 writes, <= 10 s.

    .venv/bin/python bench/operator_burst.py [--objects 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from operator_env import Operator, RevisionWatch, apply, base_objects, bench_cluster, feature


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=1000)
    args = parser.parse_args()
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as logs:
        apply(cluster, base_objects())
        operator = Operator(cluster, Path(logs) / "operator.log")
        try:
            operator.wait_ready()
            watch = RevisionWatch(cluster, "production")
            watch.wait_for("1")
            writes_before = watch.writes
            burst = [feature(f"burst{i:05d}") for i in range(args.objects)]
            started = time.monotonic()
            took = apply(cluster, burst)
            applied = time.monotonic()
            expected = args.objects + 1
            deadline = applied + 120
            while len(watch.datafile()["features"]) != expected:
                if time.monotonic() > deadline:
                    raise SystemExit("the burst was not published within 120 s")
                time.sleep(0.05)
            published = time.monotonic()
            time.sleep(3)  # let any late write show up in the count (a figure, not a check)
            writes = watch.writes - writes_before
        finally:
            operator.stop()
    print(f"objects applied: {args.objects} Features, one kubectl apply --server-side")
    print(f"kubectl apply took {took:.1f} s")
    print(f"ConfigMap writes caused by the burst: {writes} (goal <= 3)")
    print(
        f"published {published - started:.1f} s after the apply started, "
        f"{published - applied:.1f} s after it ended (goal <= 10 s)"
    )


if __name__ == "__main__":
    main()
