"""assess-distribution: counts per flag and variation, and split checks per rule."""

from __future__ import annotations

import itertools
from typing import Any

from kubevisor.core.analysis.distribution import mismatches, simulate
from kubevisor.core.evaluate import Evaluator


def _datafile(percentage: int, allocation: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemaVersion": "2",
        "revision": "1",
        "segments": {},
        "features": {
            "f": {
                "bucketBy": "userId",
                "variations": [{"value": "a"}, {"value": "b"}],
                "traffic": [
                    {
                        "key": "all",
                        "segments": "*",
                        "percentage": percentage,
                        "allocation": allocation,
                    }
                ],
            }
        },
    }


def _ids() -> Any:
    counter = itertools.count()
    return lambda: f"user-{next(counter)}"


def test_counts_follow_the_weights() -> None:
    datafile = _datafile(
        50_000,
        [{"variation": "a", "range": [0, 25_000]}, {"variation": "b", "range": [25_000, 50_000]}],
    )
    result = simulate(
        Evaluator(datafile), "f", {}, 4000, populate=("userId",), new_identifier=_ids()
    )
    assert result.flags["enabled"] + result.flags["disabled"] == 4000
    assert abs(result.flags["enabled"] - 2000) < 200
    assert abs(result.variations["a"] - 1000) < 150
    assert result.variations["null"] == result.flags["disabled"]
    assert mismatches(result) == []


def test_a_split_that_does_not_follow_the_weights_is_reported() -> None:
    datafile = _datafile(
        50_000,
        [{"variation": "a", "range": [0, 25_000]}, {"variation": "b", "range": [25_000, 50_000]}],
    )
    result = simulate(
        Evaluator(datafile), "f", {}, 2000, populate=("userId",), new_identifier=_ids()
    )
    result.rules["all"].expected_variations["a"] = 40.0  # what weights 80/20 would promise
    found = mismatches(result, tolerance=1.0)
    assert [mismatch.what for mismatch in found] == ["variation a"]
    assert "expected 40.00%" in found[0].render()


def test_too_few_users_to_judge_a_split_is_not_a_mismatch() -> None:
    datafile = _datafile(
        50_000,
        [{"variation": "a", "range": [0, 25_000]}, {"variation": "b", "range": [25_000, 50_000]}],
    )
    for first in range(20):  # one user is always 100% of one side of the split
        result = simulate(
            Evaluator(datafile),
            "f",
            {},
            1,
            populate=("userId",),
            new_identifier=lambda first=first: f"u{first}",
        )
        assert mismatches(result) == []
    # A side that should get nobody (0%) is judged however few users there are.
    result = simulate(Evaluator(datafile), "f", {}, 40, populate=("userId",), new_identifier=_ids())
    result.rules["all"].expected_variations["b"] = 0.0
    assert "variation b" in [mismatch.what for mismatch in mismatches(result)]
