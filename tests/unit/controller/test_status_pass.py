"""The status pass after a compile writes the statuses that would change, and skips inputs
whose verdict and cached status are what they were when last reported."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, cast

from kubevisor.controller.metrics import Metrics
from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.settings import OperatorSettings
from kubevisor.controller.status import DatafileOutcome
from kubevisor.sources.compile_plan import DatafilePlan, SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace


class Store:
    async def save(self, namespace: str, state: SavedState) -> bool:
        return True


class Publisher:
    async def publish(self, obj: dict[str, Any], plan: DatafilePlan) -> DatafileOutcome:
        return DatafileOutcome(plan)

    def reset_backoff(self, namespace: str) -> None:
        pass


class Writer:
    """Counts the status computations handed to it, per object name."""

    def __init__(self) -> None:
        self.written: Counter[str] = Counter()
        self.last: dict[str, dict[str, Any]] = {}

    async def write(self, obj: dict[str, Any], status: dict[str, Any], outcome: Any) -> bool:
        self.written[obj["metadata"]["name"]] += 1
        self.last[obj["metadata"]["name"]] = status
        return True


def reconciler(writer: Writer) -> Reconciler:
    return Reconciler(
        settings=OperatorSettings(),
        metrics=Metrics(),
        state_store=cast(Any, Store()),
        publisher=cast(Any, Publisher()),
        writer=cast(Any, writer),
        compiler=cast(Any, None),
    )


def status_pass(target: Reconciler, live: list[dict[str, Any]]) -> None:
    plan = compile_namespace("shop", live, SavedState(), revisions=PER_DATAFILE)
    asyncio.run(target._publish("shop", plan, live))


def inputs_written(writer: Writer, live: list[dict[str, Any]]) -> set[str]:
    datafiles = {obj["metadata"]["name"] for obj in live if obj["kind"] == "Datafile"}
    return set(writer.written) - datafiles


def test_unchanged_inputs_are_skipped_and_changed_ones_written(
    shop: list[dict[str, Any]],
) -> None:
    writer = Writer()
    target = reconciler(writer)
    status_pass(target, shop)
    everything = inputs_written(writer, shop)
    assert len(everything) > 5

    writer.written.clear()
    status_pass(target, shop)
    assert inputs_written(writer, shop) == set()  # nothing changed: nothing computed

    feature = next(obj for obj in shop if obj["kind"] == "Feature")
    edited = {**feature, "metadata": {**feature["metadata"], "generation": 2}}
    live = [edited if obj is feature else obj for obj in shop]
    writer.written.clear()
    status_pass(target, live)
    assert inputs_written(writer, live) == {feature["metadata"]["name"]}

    segment = next(obj for obj in live if obj["kind"] == "Segment")
    restated = {**segment, "status": {"observedGeneration": 7}}  # someone else wrote it
    live = [restated if obj is segment else obj for obj in live]
    writer.written.clear()
    status_pass(target, live)
    assert inputs_written(writer, live) == {segment["metadata"]["name"]}


def test_a_new_problem_is_written_even_over_the_same_status(shop: list[dict[str, Any]]) -> None:
    writer = Writer()
    target = reconciler(writer)
    status_pass(target, shop)
    feature = next(obj for obj in shop if obj["kind"] == "Feature")
    broken = {**feature, "spec": {**feature["spec"], "bucketBy": 5}}  # same generation
    live = [broken if obj is feature else obj for obj in shop]
    writer.written.clear()
    status_pass(target, live)
    assert feature["metadata"]["name"] in inputs_written(writer, live)
    valid = next(
        c for c in writer.last[feature["metadata"]["name"]]["conditions"] if c["type"] == "Valid"
    )
    assert valid["status"] == "False"
