#!/usr/bin/env python3
"""Time whole-process `kubevisor build` on the 2,000-feature synthetic project.

Usage: python bench/build.py [--runs 5] [--features 2000] [--keep DIR] [--baseline DIR]

Generates the project with bench/gen_synthetic.py into a temporary folder, then runs
`kubevisor build PROJECT --out OUT --state-dir STATE` as a separate process `--runs` times, each
on a clean state (like the reference figure), and prints the median wall time next to the
official Featurevisor v3.1.0 CLI's 5.10 s on the same project (2-core machine, see
shared/bench/README.md). Timed twice: as shipped (lint runs first) and with `--no-lint`
(the same work as upstream `featurevisor build`, which does not lint).

On a busy machine wall times mean little (the contention factor says how busy it is).
`--baseline DIR` also times the package in DIR (e.g. `git worktree add ../main main`, then
`--baseline ../main/operator`) in runs interleaved with this one's, so both see the same load:
their ratio carries over to an idle machine better than either figure.

Both packages are byte-compiled first (`compileall`), as an installed package and the container
image are: with PYTHONDONTWRITEBYTECODE set and no `__pycache__`, every run would compile the
sources again, which is not the build's cost.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE_SECONDS = 5.10  # official `featurevisor build`, same project, median of 5


def kubevisor_command(package: Path | None = None) -> list[str]:
    script = Path(sys.executable).with_name("kubevisor")
    if package is None and script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kubevisor"]  # with PYTHONPATH, the package given


Timings = tuple[list[float], list[float]]


def time_build(
    project: Path, work: Path, runs: int, extra: list[str], package: Path | None = None
) -> Timings:
    """Wall times and CPU times (user + system of the child, which shared machines disturb
    less than wall time), of this checkout's kubevisor or of the one in `package`."""
    timings, cpu_times = [], []
    environment = dict(os.environ)
    if package is not None:
        environment["PYTHONPATH"] = str(package)
    for run in range(runs):
        out, state = work / f"out-{run}", work / f"state-{run}"
        command = [*kubevisor_command(package), "build", str(project), "--out", str(out)]
        command += ["--state-dir", str(state), *extra]
        before = os.times()
        started = time.perf_counter()
        completed = subprocess.run(
            command, capture_output=True, text=True, check=False, env=environment
        )
        timings.append(time.perf_counter() - started)
        after = os.times()
        cpu_times.append(
            after.children_user
            - before.children_user
            + after.children_system
            - before.children_system
        )
        if completed.returncode != 0:
            sys.exit(f"build failed:\n{completed.stderr}")
        shutil.rmtree(out)
        shutil.rmtree(state)
    return timings, cpu_times


def compile_bytecode(package: Path) -> None:
    """Write the `__pycache__` files of `package` (the Python path of a kubevisor checkout)."""
    command = [sys.executable, "-m", "compileall", "-q", str(package / "kubevisor")]
    subprocess.run(command, check=True, capture_output=True)


def contention() -> float:
    """Wall time / CPU time of a fixed pure-Python loop: 1.0 on an idle core, more when other
    processes compete for the CPUs (then wall figures are inflated by about this factor)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    total = 0
    for number in range(3_000_000):
        total += number
    return (time.perf_counter() - started) / max(time.process_time() - cpu_started, 1e-9)


def interleaved(project: Path, work: Path, runs: int, baseline: Path) -> tuple[Timings, Timings]:
    """This checkout's and the baseline's timings, one run of each in turn."""
    ours: Timings = ([], [])
    theirs: Timings = ([], [])
    for _ in range(runs):
        for timings, package in ((ours, None), (theirs, baseline)):
            wall, cpu = time_build(project, work, 1, [], package)
            timings[0].extend(wall)
            timings[1].extend(cpu)
    return ours, theirs


def report(label: str, measured: Timings) -> None:
    timings, cpu_times = measured
    median = statistics.median(timings)
    print(
        f"{label:<26} wall median {median:.3f} s (min {min(timings):.3f}, max "
        f"{max(timings):.3f}), CPU median {statistics.median(cpu_times):.3f} s "
        f"-> {REFERENCE_SECONDS / median:.1f}x faster than {REFERENCE_SECONDS:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--features", type=int, default=2000)
    parser.add_argument("--keep", metavar="DIR", help="generate the project here and keep it")
    parser.add_argument(
        "--baseline", metavar="DIR", type=Path, help="also time the kubevisor package in DIR"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kubevisor-bench-") as temporary:
        work = Path(temporary)
        project = Path(args.keep) if args.keep else work / f"synthetic-{args.features}"
        if not (project / "featurevisor.config.js").exists():
            generate = [sys.executable, str(HERE / "gen_synthetic.py"), "--out", str(project)]
            generate += ["--features", str(args.features)]
            subprocess.run(generate, check=True, capture_output=True)
        compile_bytecode(HERE.parent / "operator")
        if args.baseline:
            compile_bytecode(args.baseline.resolve())
        files = sum(1 for path in project.rglob("*.yml"))
        print(f"project: {files} definition files ({args.features} features), {args.runs} runs")
        print(
            f"load average {os.getloadavg()[0]:.2f}, contention factor {contention():.2f} "
            "(wall/CPU of a fixed loop; 1.0 means idle and wall figures are meaningful)"
        )
        if args.baseline:
            ours, theirs = interleaved(project, work, args.runs, args.baseline.resolve())
            report("kubevisor build", ours)
            report("baseline build", theirs)
            ratio = statistics.median(theirs[0]) / statistics.median(ours[0])
            print(f"baseline / this wall time, same minutes: {ratio:.2f}")
        else:
            report("kubevisor build", time_build(project, work, args.runs, []))
        report("kubevisor build --no-lint", time_build(project, work, args.runs, ["--no-lint"]))


if __name__ == "__main__":
    main()
