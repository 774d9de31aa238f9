#!/usr/bin/env python3
"""Print how long `kubevisor.core.lint.lint` takes on a project folder (loading not counted).

Usage: python bench/lint_speed.py PROJECT [--repeat 5]
(e.g. a project from `python3 bench/gen_synthetic.py --out DIR --features 2000`).
"""

from __future__ import annotations

import argparse
import time

from kubevisor.core.definitions import Kind
from kubevisor.core.lint import lint
from kubevisor.sources.project import load_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    defs = load_project(args.project)
    loaded = time.perf_counter() - started
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        problems = lint(defs)
        timings.append(time.perf_counter() - started)
    count = sum(len(defs.of_kind(kind)) for kind in Kind)
    print(f"definitions: {count} ({len(defs.features)} features), problems: {len(problems)}")
    print(f"load: {loaded * 1000:.0f} ms")
    median = sorted(timings)[len(timings) // 2]
    print(f"lint: best {min(timings) * 1000:.0f} ms, median {median * 1000:.0f} ms")


if __name__ == "__main__":
    main()
