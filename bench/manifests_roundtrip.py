#!/usr/bin/env python3
"""Time `kubevisor import` and `kubevisor build` of manifests on the synthetic project.

Usage: python3 bench/manifests_roundtrip.py [--features 2000] [--runs 3]

Prints the median wall time of each whole process (import, build of the manifests, build of the
project folder for comparison), the size of the manifests, and whether the manifests build is
byte-identical to the project build (datafiles and state).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KUBEVISOR = [sys.executable, "-m", "kubevisor"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def same_tree(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.diff_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(left / name, right / name) for name in comparison.common_dirs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = root / "project"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "gen_synthetic.py"),
                "--out",
                str(project),
                "--features",
                str(args.features),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(project / ".featurevisor", ignore_errors=True)
        times: dict[str, list[float]] = {"import": [], "build manifests": [], "build project": []}
        for _ in range(args.runs):
            for name in ("manifests", "out", "project-out", "project-state"):
                shutil.rmtree(root / name, ignore_errors=True)
            times["import"].append(
                timed([*KUBEVISOR, "import", str(project), "--out", str(root / "manifests")])
            )
            times["build manifests"].append(
                timed([*KUBEVISOR, "build", str(root / "manifests"), "--out", str(root / "out")])
            )
            times["build project"].append(
                timed(
                    [
                        *KUBEVISOR,
                        "build",
                        str(project),
                        "--out",
                        str(root / "project-out"),
                        "--state-dir",
                        str(root / "project-state"),
                    ]
                )
            )
        manifests = list((root / "manifests").rglob("*.yaml"))
        size = sum(path.stat().st_size for path in manifests)
        identical = same_tree(root / "out" / "default", root / "project-out") and same_tree(
            root / "out" / ".kubevisor-state" / "default", root / "project-state"
        )
        print(f"features: {args.features}, manifests: {len(manifests)}, {size / 1e6:.1f} MB")
        for name, values in times.items():
            print(f"{name}: median {statistics.median(values):.2f} s over {len(values)} runs")
        print(f"manifests build identical to project build: {identical}")
        return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
