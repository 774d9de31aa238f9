"""The reconciler end to end on a fake API and an in-process compiler: the debounce (on a fake
clock), one compile and at most one write per output for a burst of edits, deletes, a standby
that writes nothing, and a compile failure that stalls its own namespace only."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pytest
from fake_api import FakeApi
from kubevisor.controller.compiler import (
    CompileFailed,
    CompilePool,
    CompileRequest,
    compile_request,
)
from kubevisor.controller.handlers import compact, fingerprint
from kubevisor.controller.metrics import Metrics
from kubevisor.controller.publisher import Publisher
from kubevisor.controller.reconciler import COMPILE_RETRY_SECONDS, Reconciler
from kubevisor.controller.resources import PLURALS
from kubevisor.controller.settings import OperatorSettings
from kubevisor.controller.statestore import STATE_CONFIGMAP, StateStore
from kubevisor.controller.writer import StatusWriter
from kubevisor.sinks.configmap import ANNOTATION_REVISION
from kubevisor.sources.compile_plan import NamespacePlan, SavedState

DEBOUNCE, MAX_DELAY = 0.3, 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class InlineCompiler:
    """The compile pool's contract, in this process: plans, or CompileFailed for `failing`."""

    def __init__(self) -> None:
        self.compiled: list[str] = []
        self.failing: set[str] = set()

    async def plan(
        self, namespace: str, objects: Sequence[Mapping[str, Any]], saved: SavedState
    ) -> NamespacePlan:
        self.compiled.append(namespace)
        if namespace in self.failing:
            raise CompileFailed("the compile took longer than 60 s")
        return compile_request(CompileRequest(namespace, copy.deepcopy(list(objects)), saved))


class Operator:
    """A reconciler wired as `controller.operator` wires it, on the fake API."""

    def __init__(self) -> None:
        self.api = FakeApi()
        self.clock = Clock()
        self.compiler = InlineCompiler()
        settings = OperatorSettings(debounce_seconds=DEBOUNCE, max_delay_seconds=MAX_DELAY)
        metrics = Metrics()
        client = self.api.client
        self.reconciler = Reconciler(
            settings=settings,
            metrics=metrics,
            state_store=StateStore(client),
            publisher=Publisher(client, metrics),
            writer=StatusWriter(client),
            compiler=cast(CompilePool, self.compiler),
            clock=self.clock,
        )
        self.reconciler.set_leading(True)

    def watch(self, obj: dict[str, Any]) -> None:
        """The object as the API server now holds it reaches the cache (a watch event)."""
        stored = self.api.stored(obj["kind"], obj["metadata"]["namespace"], obj["metadata"]["name"])
        value = compact(stored or obj)
        self.reconciler.remember(value, fingerprint(value))

    def apply(self, obj: dict[str, Any]) -> None:
        self.watch(self.api.put(obj))

    def due(self) -> list[str]:
        return sorted(self.reconciler._due()[0])

    def reconcile_due(self) -> list[str]:
        """Reconcile what is due now, as the loop would, then let the watch deliver the
        statuses it wrote; the namespaces reconciled."""
        due = self.due()
        for namespace in due:
            asyncio.run(self.reconciler.reconcile(namespace))
            self.reconciler.schedule.done(namespace)
        for (_, kind, _, _), obj in list(self.api.objects.items()):
            if kind in PLURALS:
                self.watch(obj)
        return due

    def configmaps(self, namespace: str) -> dict[str, str]:
        """Output ConfigMaps of the namespace: name -> revision served."""
        return {
            name: obj["metadata"]["annotations"][ANNOTATION_REVISION]
            for (_, kind, ns, name), obj in self.api.objects.items()
            if kind == "ConfigMap" and ns == namespace and name != STATE_CONFIGMAP
        }

    def output_writes(self) -> list[str]:
        return [c.name for c in self.api.writes("ConfigMap") if c.name != STATE_CONFIGMAP]


def in_namespace(objects: list[dict[str, Any]], namespace: str) -> list[dict[str, Any]]:
    moved = copy.deepcopy(objects)
    for obj in moved:
        obj["metadata"]["namespace"] = namespace
        obj["metadata"]["uid"] = f"{namespace}-{obj['metadata']['uid']}"
    return moved


@pytest.fixture
def started(shop: list[dict[str, Any]]) -> Operator:
    """An operator whose first listing found the example, after its first reconcile."""
    operator = Operator()
    for obj in shop:
        operator.apply(obj)
    assert operator.due() == []  # nothing compiles before the listing is confirmed
    operator.reconciler.expect(obj["metadata"]["uid"] for obj in shop)
    operator.clock.now += DEBOUNCE
    assert operator.reconcile_due() == ["shop"]
    return operator


def test_the_first_reconcile_publishes_every_output_once(started: Operator) -> None:
    served = started.configmaps("shop")
    assert sorted(served) == ["production-mobile", "shop-flags", "shop-flags-production"]
    assert set(served.values()) == {"1"}
    assert sorted(started.output_writes()) == sorted(served)
    assert started.compiler.compiled == ["shop"]
    assert started.api.stored("ConfigMap", "shop", STATE_CONFIGMAP) is not None


def test_every_object_reports_a_status(started: Operator, shop: list[dict[str, Any]]) -> None:
    for obj in shop:
        stored = started.api.stored(obj["kind"], "shop", obj["metadata"]["name"])
        assert stored is not None
        ready = [c for c in stored["status"]["conditions"] if c["type"] == "Ready"]
        assert ready and ready[0]["status"] == "True", (obj["kind"], obj["metadata"]["name"])


def test_a_burst_of_edits_is_one_compile_after_the_debounce(
    started: Operator, shop: list[dict[str, Any]]
) -> None:
    feature = next(obj for obj in shop if obj["kind"] == "Feature")
    before = started.configmaps("shop")
    started.api.calls.clear()
    for step in range(3):
        edited = started.api.stored("Feature", "shop", feature["metadata"]["name"])
        assert edited is not None
        edited["spec"]["deprecated"] = step % 2 == 0  # ends deprecated: a change to publish
        started.apply(edited)
        started.clock.now += DEBOUNCE / 2
        assert started.due() == []  # still within the debounce of the last edit
    started.clock.now += DEBOUNCE
    assert started.reconcile_due() == ["shop"]
    assert started.compiler.compiled == ["shop", "shop"]
    after = started.configmaps("shop")
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed and len(changed) < len(after)  # only the datafiles selecting the feature
    assert all(int(after[name]) == int(before[name]) + 1 for name in changed)
    assert sorted(started.output_writes()) == changed  # one write per changed output
    assert started.due() == []


def test_edits_that_never_pause_compile_after_the_longest_delay(
    started: Operator, shop: list[dict[str, Any]]
) -> None:
    feature = next(obj for obj in shop if obj["kind"] == "Feature")
    waited = 0.0
    while not started.due():
        edited = started.api.stored("Feature", "shop", feature["metadata"]["name"])
        assert edited is not None
        edited["spec"]["description"] = f"edit at {waited}"
        started.apply(edited)
        started.clock.now += DEBOUNCE / 2
        waited += DEBOUNCE / 2
    assert MAX_DELAY <= waited < MAX_DELAY + DEBOUNCE


def test_nothing_changed_is_nothing_written(started: Operator) -> None:
    started.api.calls.clear()
    started.reconciler.touch("shop")
    started.clock.now += DEBOUNCE
    assert started.reconcile_due() == ["shop"]
    assert started.api.writes() == []


def test_status_events_do_not_compile_again(started: Operator, shop: list[dict[str, Any]]) -> None:
    for obj in shop:  # our own status writes come back as watch events
        started.watch(obj)
    started.clock.now += MAX_DELAY
    assert started.due() == []


def test_a_deleted_feature_leaves_the_datafiles(
    started: Operator, shop: list[dict[str, Any]]
) -> None:
    feature = next(obj for obj in shop if obj["kind"] == "Feature")
    key = feature["spec"].get("key") or feature["metadata"]["name"]
    started.reconciler.forget(feature["metadata"]["uid"], "shop")
    started.clock.now += DEBOUNCE
    assert started.reconcile_due() == ["shop"]
    assert "2" in started.configmaps("shop").values()
    for name in started.configmaps("shop"):
        published = started.api.stored("ConfigMap", "shop", name)
        assert published is not None
        assert key not in json.loads(published["data"]["datafile.json"])["features"]


def test_a_deleted_datafile_takes_its_outputs_with_it(
    started: Operator, shop: list[dict[str, Any]]
) -> None:
    deleting = started.api.stored("Datafile", "shop", "production-mobile")
    assert deleting is not None
    deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    started.apply(deleting)
    started.clock.now += DEBOUNCE
    assert started.reconcile_due() == ["shop"]
    assert sorted(started.configmaps("shop")) == ["shop-flags", "shop-flags-production"]


def test_a_standby_compiles_but_writes_nothing(shop: list[dict[str, Any]]) -> None:
    operator = Operator()
    operator.reconciler.set_leading(False)
    for obj in shop:
        operator.apply(obj)
    operator.reconciler.expect(obj["metadata"]["uid"] for obj in shop)
    operator.api.calls.clear()
    operator.clock.now += DEBOUNCE
    assert operator.reconcile_due() == ["shop"]
    assert operator.compiler.compiled == ["shop"]
    assert operator.api.writes() == []
    operator.reconciler.set_leading(True)  # taking over re-reads and publishes
    operator.clock.now += DEBOUNCE
    assert operator.reconcile_due() == ["shop"]
    assert len(operator.configmaps("shop")) == 3


def test_a_compile_failure_stalls_only_its_namespace(shop: list[dict[str, Any]]) -> None:
    operator = Operator()
    objects = [*shop, *in_namespace(shop, "other")]
    for obj in objects:
        operator.apply(obj)
    operator.compiler.failing.add("other")
    operator.reconciler.expect(obj["metadata"]["uid"] for obj in objects)
    operator.clock.now += DEBOUNCE
    assert operator.reconcile_due() == ["other", "shop"]
    assert len(operator.configmaps("shop")) == 3
    assert operator.configmaps("other") == {}
    stalled = operator.api.stored("Datafile", "other", "production-all")
    assert stalled is not None
    ready = next(c for c in stalled["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False"
    assert "namespace other is stalled" in ready["message"]
    assert "longer than 60 s" in ready["message"]
    # Tried again later, not at once (the same inputs most likely fail the same way).
    operator.clock.now += COMPILE_RETRY_SECONDS - 1
    assert operator.due() == []
    operator.clock.now += 1
    assert operator.due() == ["other"]
