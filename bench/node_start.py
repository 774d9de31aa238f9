"""Time to a Ready node: `Cluster(node=True).start()` until the node is Ready and schedulable,
and the time to tear it down (nothing left behind). Needs root and tools/node/install.sh.

    .venv/bin/python bench/node_start.py [RUNS]

The first lines time what a first run builds (binaries, pause image) or reuses (warm).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from kubevisor.devcluster.binaries import control_plane_bin_dir, find_weed
from kubevisor.devcluster.cluster import Cluster, remove_run_dir
from kubevisor.devcluster.node.images import pause_image
from kubevisor.devcluster.node.node import leftovers, recorded_slot


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    started = time.monotonic()
    bin_dir = control_plane_bin_dir()
    print(f"binaries ready (build or reuse): {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    pause_image()
    print(f"pause image ready (build or reuse): {time.monotonic() - started:.1f} s")
    weed = find_weed()
    ready_times = []
    for run in range(1, runs + 1):
        run_dir = Path(tempfile.mkdtemp(prefix="kubevisor-bench-"))
        cluster = Cluster(run_dir, control_plane_bin=bin_dir, weed=weed, node=True)
        started = time.monotonic()
        cluster.start()
        ready = time.monotonic() - started
        slot = recorded_slot(run_dir)
        started = time.monotonic()
        cluster.stop()
        stopped = time.monotonic() - started
        left = leftovers(run_dir, slot) if slot else []
        remove_run_dir(run_dir)
        ready_times.append(ready)
        print(f"run {run}: node Ready in {ready:.1f} s, torn down in {stopped:.1f} s, left {left}")
    print(f"median time to a Ready node: {statistics.median(ready_times):.1f} s over {runs} runs")


if __name__ == "__main__":
    main()
