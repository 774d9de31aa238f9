"""Compiles in worker processes: a runaway compile is stopped and reported, and the pool goes on.

The workers are real processes (no cluster needed); standard-library functions stand in for a
compile that hangs, crashes or raises, so these tests do not depend on which inputs happen to
be slow in the core.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from typing import Any

import pytest
from kubevisor.controller.compiler import CompileFailed, CompilePool
from kubevisor.controller.handlers import MAX_DEPTH, compact, depth
from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, UNREADABLE, compile_namespace


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def with_pool(action: Any, **options: Any) -> Any:
    pool = CompilePool(**{"workers": 1, "timeout": 60.0, "memory_mib": 0, **options})
    try:
        return await action(pool)
    finally:
        pool.close()


def test_a_namespace_compiles_in_a_worker_like_in_process(shop: list[dict[str, Any]]) -> None:
    async def action(pool: CompilePool) -> Any:
        return await pool.plan("shop", shop, SavedState())

    plan = run(with_pool(action))
    expected = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    assert [d.content for d in plan.datafiles] == [d.content for d in expected.datafiles]
    assert plan.state == expected.state


def test_a_compile_past_the_timeout_is_stopped_and_the_next_one_runs() -> None:
    async def action(pool: CompilePool) -> tuple[str, float]:
        with pytest.raises(CompileFailed) as failure:
            await pool.run(time.sleep, 3600)
        # The replacement worker's start-up is not what this test judges: on a loaded machine
        # it can take longer than the 1 s that stopped the runaway compile.
        pool.timeout = 60.0
        return str(failure.value), await pool.run(math.sqrt, 4.0)

    reason, after = run(with_pool(action, timeout=1.0))
    assert "longer than 1 s" in reason
    assert after == 2.0


def test_a_crashing_compile_is_reported_and_the_worker_replaced() -> None:
    async def action(pool: CompilePool) -> tuple[str, float]:
        with pytest.raises(CompileFailed) as failure:
            await pool.run(os.abort)
        return str(failure.value), await pool.run(math.sqrt, 9.0)

    reason, after = run(with_pool(action))
    assert "SIGABRT" in reason
    assert after == 3.0


def test_an_exception_in_the_compile_is_a_reason_not_a_crash() -> None:
    async def action(pool: CompilePool) -> str:
        with pytest.raises(CompileFailed) as failure:
            await pool.run(math.sqrt, -1.0)
        return str(failure.value)

    assert "ValueError: math domain error" in run(with_pool(action))


def test_a_compile_over_its_memory_limit_fails_alone() -> None:
    async def action(pool: CompilePool) -> tuple[str, float]:
        with pytest.raises(CompileFailed) as failure:
            await pool.run(bytearray, 1024 * 1024 * 1024)
        return str(failure.value), await pool.run(math.sqrt, 16.0)

    reason, after = run(with_pool(action, memory_mib=512))
    assert "memory" in reason
    assert after == 4.0


def nested_and(levels: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"attribute": "country", "operator": "equals", "value": "nl"}
    for _ in range(levels):
        condition = {"and": [condition]}
    return condition


def test_depth_counts_maps_and_lists_without_recursion() -> None:
    assert depth("x") == 0
    assert depth({"a": [1]}) == 2
    assert depth(nested_and(5_000)) == 10_001


def test_a_too_deep_object_holds_its_namespace_back(shop: list[dict[str, Any]]) -> None:
    poisoned = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Segment",
        "metadata": {"name": "deep", "namespace": "shop", "uid": "uid-deep", "generation": 1},
        "spec": {"description": "deep", "conditions": nested_and(MAX_DEPTH)},
    }
    cached = compact(poisoned)
    assert cached["spec"] == {} and "levels deep" in cached[UNREADABLE]
    plan = compile_namespace("shop", [*shop, cached], SavedState(), revisions=PER_DATAFILE)
    assert plan.datafiles and all(d.content is None for d in plan.datafiles)
    assert all("levels deep" in d.held_by[0].message for d in plan.datafiles)
    (problem,) = plan.problems[("Segment", "deep")]
    assert problem.key == "deep" and "flatten" in problem.hint
