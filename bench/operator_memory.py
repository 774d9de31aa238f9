"""The operator at 10,000 Features in one namespace (issues 4 and 13.2).

Starts a dev cluster, applies the Features (concurrent server-side applies), starts the
operator and prints:
- when it was ready, published revision 1, and finished its first status pass (the pass that
  gives each of the 10,000 objects its status; its duration is what the operator logs);
- its resident set size once settled after that pass, and its peak (VmHWM);
- edit -> ConfigMap latency over `--edits` edits of one Feature (p50/p99, also minus the
  debounce), and the RSS settled and peak after them;
- then the same operator restarted, which finds every status current: when it was ready,
  its first status pass, its RSS settled and peak.
Goals: RSS <= 150 MiB settled and <= 200 MiB peak; first status pass <= 10 s; edit ->
ConfigMap p99 <= 1 s after the debounce. Figures only; nothing asserts speed.

    .venv/bin/python bench/operator_memory.py [--features 10000] [--edits 30] [--log FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

from operator_env import (
    NAMESPACE,
    Operator,
    RevisionWatch,
    apply,
    base_objects,
    bench_cluster,
    edit_latencies,
    feature,
    percentile,
)

DEBOUNCE_SECONDS = 0.3
STATUS_PASS = re.compile(
    rf"namespace {NAMESPACE}: status pass over (\d+) objects, (\d+) patched, in ([\d.]+) s"
)


def compile_seconds(metrics: str) -> tuple[float, int]:
    """(total seconds, count) of compiles, from the Prometheus text."""
    total = re.search(r"^kubevisor_compile_duration_seconds_sum\{[^}]*\} (\S+)$", metrics, re.M)
    count = re.search(r"^kubevisor_compile_duration_seconds_count\{[^}]*\} (\S+)$", metrics, re.M)
    return (float(total.group(1)) if total else 0.0, int(float(count.group(1))) if count else 0)


def wait_status_pass(log: Path, start: int = 0, timeout: float = 900) -> tuple[int, int, float]:
    """(objects, patched, seconds) of the first status pass the operator logs after byte
    `start` of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = STATUS_PASS.search(log.read_bytes()[start:].decode(errors="replace"))
        if found:
            return int(found.group(1)), int(found.group(2)), float(found.group(3))
        time.sleep(0.2)
    raise SystemExit("the operator never finished its first status pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--log", type=Path, help="keep the operator's log in this file")
    args = parser.parse_args()
    with bench_cluster() as cluster, tempfile.TemporaryDirectory() as logs:
        objects = base_objects() + [feature(f"f{i:05d}") for i in range(args.features)]
        took = apply(cluster, objects)
        print(f"applied {len(objects)} objects in {took:.1f} s")
        watch = RevisionWatch(cluster, "production")
        log = args.log or Path(logs) / "operator.log"
        log.write_bytes(b"")
        operator = Operator(cluster, log, KUBEVISOR_DEBOUNCE_SECONDS=str(DEBOUNCE_SECONDS))
        try:
            started = time.monotonic()
            operator.wait_ready(timeout=600)
            ready = time.monotonic()
            watch.wait_for("1", timeout=900)
            published = time.monotonic()
            features = len(watch.datafile()["features"])
            listed, patched, status_pass = wait_status_pass(log)
            passed = time.monotonic()
            operator.wait_idle()
            rss, peak = operator.rss_mib()
            workers = operator.descendants_rss_mib()
            total, count = compile_seconds(operator.metrics())
            latencies = edit_latencies(cluster.kubeconfig, watch, args.edits)
            operator.wait_idle()
            rss_after, peak_after = operator.rss_mib()
        finally:
            operator.stop()
        # A restart finds every status current: its first pass should patch (almost) nothing.
        start = log.stat().st_size
        operator = Operator(cluster, log, KUBEVISOR_DEBOUNCE_SECONDS=str(DEBOUNCE_SECONDS))
        try:
            restarted = time.monotonic()
            operator.wait_ready(timeout=600)
            restart_ready = time.monotonic() - restarted
            restart_pass = wait_status_pass(log, start)
            restart_passed = time.monotonic() - restarted
            operator.wait_idle()
            restart_rss, restart_peak = operator.rss_mib()
            load = os.getloadavg()
        finally:
            operator.stop()
    after = [value - DEBOUNCE_SECONDS for value in latencies]
    print(f"features in the datafile: {features}")
    print(
        f"operator ready {ready - started:.1f} s after start, published revision 1 after "
        f"{published - started:.1f} s, first status pass over after {passed - started:.1f} s"
    )
    print(
        f"first status pass: {listed} objects, {patched} patched, in {status_pass:.1f} s "
        "(goal <= 10 s)"
    )
    print(f"compiles before the edits: {count}, mean {total / max(count, 1):.2f} s")
    print(f"operator RSS settled: {rss:.0f} MiB (goal <= 150), peak {peak:.0f} MiB (goal <= 200)")
    print(f"its compile workers (and forkserver) RSS: {workers:.0f} MiB")
    print(
        f"edit -> ConfigMap over {len(latencies)} edits: p50 {percentile(latencies, 0.5):.3f} s, "
        f"p99 {percentile(latencies, 0.99):.3f} s; after the {DEBOUNCE_SECONDS} s debounce: "
        f"p50 {percentile(after, 0.5):.3f} s, p99 {percentile(after, 0.99):.3f} s (goal <= 1 s)"
    )
    print(f"operator RSS after the edits: {rss_after:.0f} MiB settled, {peak_after:.0f} MiB peak")
    print(
        f"restart: ready after {restart_ready:.1f} s, first status pass over after "
        f"{restart_passed:.1f} s ({restart_pass[0]} objects, {restart_pass[1]} patched, in "
        f"{restart_pass[2]:.1f} s); RSS {restart_rss:.0f} MiB settled, {restart_peak:.0f} MiB peak"
    )
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
