"""Evaluations per second: kubevisor's Evaluator vs the official Python SDK (featurevisor 3.1.0).

Both evaluate `is_enabled` and `get_variation` for every feature of the example-1 production
datafile, for the same contexts (varying userId), and must make the same decisions.

    .venv/bin/python bench/evaluate.py [--users N] [--rounds R]
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from featurevisor import Featurevisor
from kubevisor import Evaluator

DATAFILE = (
    Path(__file__).resolve().parent.parent
    / "tests/conformance/fixtures/example-1/official/json/production.json"
)
COUNTRIES = ["nl", "de", "ch", "us", "gb"]
DEVICES = ["mobile", "desktop"]


def contexts(users: int) -> list[dict[str, Any]]:
    return [
        {
            "userId": f"user-{index}",
            "country": COUNTRIES[index % len(COUNTRIES)],
            "device": DEVICES[index % len(DEVICES)],
            "version": "5.1.0",
        }
        for index in range(users)
    ]


def run(
    is_enabled: Callable[[str, dict[str, Any]], Any],
    get_variation: Callable[[str, dict[str, Any]], Any],
    feature_keys: list[str],
    all_contexts: list[dict[str, Any]],
) -> tuple[float, list[Any]]:
    """(seconds, decisions) for is_enabled + get_variation of every feature and context."""
    decisions: list[Any] = []
    append = decisions.append
    start = time.perf_counter()
    for context in all_contexts:
        for key in feature_keys:
            append(is_enabled(key, context))
            append(get_variation(key, context))
    return time.perf_counter() - start, decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000, help="contexts (default 2000)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds, best of each (default 3)"
    )
    args = parser.parse_args()

    datafile = json.loads(DATAFILE.read_text(encoding="utf-8"))
    feature_keys = list(datafile["features"])
    all_contexts = contexts(args.users)
    evaluations = 2 * len(feature_keys) * len(all_contexts)

    official = Featurevisor({"datafile": copy.deepcopy(datafile), "logLevel": "fatal"})
    ours = Evaluator(copy.deepcopy(datafile))
    # Warm up both (regex and semver caches, our lazy compilation) on a few contexts.
    run(official.is_enabled, official.get_variation, feature_keys, all_contexts[:20])
    run(ours.is_enabled, ours.get_variation, feature_keys, all_contexts[:20])

    official_seconds, official_decisions = run(
        official.is_enabled, official.get_variation, feature_keys, all_contexts
    )
    our_seconds, our_decisions = run(
        ours.is_enabled, ours.get_variation, feature_keys, all_contexts
    )
    if our_decisions != official_decisions:
        raise SystemExit("decisions differ from the official SDK: the comparison is void")

    official_rate = evaluations / official_seconds
    our_rate = evaluations / our_seconds
    print(
        f"datafile: {DATAFILE.name} ({len(feature_keys)} features), contexts: {len(all_contexts)}"
    )
    print(
        f"evaluations per round: {evaluations} (is_enabled + get_variation), "
        f"best of {args.rounds} rounds, decisions identical"
    )
    print(f"official featurevisor 3.1.0: {official_rate:12,.0f} evaluations/s")
    print(f"kubevisor Evaluator:         {our_rate:12,.0f} evaluations/s")
    print(f"speed-up: {our_rate / official_rate:.1f}x")


if __name__ == "__main__":
    main()
