"""What compiling in a worker process costs (issue 8.4), no cluster needed.

For one namespace of `--features` features (as the watch cache holds them), prints:
- the compile in-process (what a thread would do, and what a frozen event loop would wait for);
- the same compile through the long-lived worker pool (pickling the objects and the saved
  state there, the plan back), and the pickled sizes;
- starting a worker: the first (forkserver + fork) and a replacement after a kill;
- a fresh Python process importing the compiler, i.e. the floor of a process per compile.

    .venv/bin/python bench/operator_compile_worker.py [--features 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import statistics
import subprocess
import sys
import time
from typing import Any

from kubevisor.controller.compiler import CompilePool, CompileRequest
from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace
from operator_env import NAMESPACE, base_objects, feature


def namespace_objects(features: int) -> list[dict[str, Any]]:
    objects = base_objects() + [feature(f"f{index:05d}", 50) for index in range(features - 1)]
    for index, obj in enumerate(objects):
        obj["metadata"].update(uid=f"uid-{index}", generation=1)
    return objects


def timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


async def pooled(objects: list[dict[str, Any]], saved: SavedState, runs: int) -> dict[str, Any]:
    pool = CompilePool(workers=1, timeout=600, memory_mib=0)
    try:
        started = time.perf_counter()
        await pool.run(abs, 1)
        first_start = time.perf_counter() - started
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await pool.plan(NAMESPACE, objects, saved)
            times.append(time.perf_counter() - started)
        for worker in list(pool._workers):
            worker.process.kill()
        started = time.perf_counter()
        await pool.run(abs, 1)
        replacement = time.perf_counter() - started
    finally:
        pool.close()
    return {"first_start": first_start, "times": times, "replacement": replacement}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    objects = namespace_objects(args.features)
    first = compile_namespace(NAMESPACE, objects, SavedState(), revisions=PER_DATAFILE)
    saved = first.state
    in_process = [
        timed(lambda: compile_namespace(NAMESPACE, objects, saved, revisions=PER_DATAFILE))[0]
        for _ in range(args.runs)
    ]
    request_seconds, request = timed(
        lambda: pickle.dumps(CompileRequest(NAMESPACE, objects, saved), pickle.HIGHEST_PROTOCOL)
    )
    plan_seconds, plan_bytes = timed(lambda: pickle.dumps(first, pickle.HIGHEST_PROTOCOL))
    figures = asyncio.run(pooled(objects, saved, args.runs))
    fresh = [
        timed(
            lambda: subprocess.run(
                [sys.executable, "-c", "import kubevisor.sources.namespace_compile"], check=True
            )
        )[0]
        for _ in range(args.runs)
    ]
    load = os.getloadavg()
    print(f"namespace of {args.features} features, median of {args.runs}")
    print(f"compile in-process:            {statistics.median(in_process):.3f} s")
    print(f"compile via the worker pool:   {statistics.median(figures['times']):.3f} s")
    print(
        f"pickling: request {len(request) / 1e6:.1f} MB in {request_seconds:.3f} s, "
        f"plan {len(plan_bytes) / 1e6:.1f} MB in {plan_seconds:.3f} s"
    )
    print(f"first worker start (forkserver + fork): {figures['first_start']:.3f} s")
    print(f"replacing a killed worker:              {figures['replacement']:.3f} s")
    print(f"fresh Python importing the compiler:    {statistics.median(fresh):.3f} s")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
