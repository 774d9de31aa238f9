"""Time to ready and time to stop of the dev cluster (etcd, kube-apiserver,
kube-controller-manager, SeaweedFS S3), with binaries already built.

    .venv/bin/python bench/devcluster_start.py [RUNS]

Prints one line per run and the median; the build (first use) is timed separately.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from kubevisor.devcluster.binaries import control_plane_bin_dir, find_weed
from kubevisor.devcluster.cluster import Cluster, remove_run_dir


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    started = time.monotonic()
    bin_dir = control_plane_bin_dir()
    print(f"binaries ready (build or reuse): {time.monotonic() - started:.1f} s")
    weed = find_weed()
    ready_times = []
    for run in range(1, runs + 1):
        run_dir = Path(tempfile.mkdtemp(prefix="kubevisor-bench-"))
        cluster = Cluster(run_dir, control_plane_bin=bin_dir, weed=weed)
        started = time.monotonic()
        cluster.start()
        ready = time.monotonic() - started
        started = time.monotonic()
        cluster.stop()
        stopped = time.monotonic() - started
        remove_run_dir(run_dir)
        ready_times.append(ready)
        print(f"run {run}: ready in {ready:.1f} s, stopped in {stopped:.1f} s")
    print(f"median time to ready: {statistics.median(ready_times):.1f} s over {runs} runs")


if __name__ == "__main__":
    main()
