"""The reconcile loop: debounce changes per namespace, compile, publish, report.

Events only mark a namespace dirty. A namespace is compiled once it has been quiet for
`debounce_seconds` (or `max_delay_seconds` after its first change, whatever comes first), so a
GitOps sync of hundreds of objects costs one compile and one write per output.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from kubevisor.controller.metrics import Metrics
from kubevisor.controller.plan import NamespacePlan, SavedState, plan_namespace
from kubevisor.controller.publisher import Publisher
from kubevisor.controller.resources import PLURALS
from kubevisor.controller.settings import OperatorSettings
from kubevisor.controller.statestore import StateStore
from kubevisor.controller.status import DatafileOutcome, datafile_status, input_status
from kubevisor.controller.writer import StatusWriter

logger = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Reconciler:
    def __init__(
        self,
        *,
        settings: OperatorSettings,
        metrics: Metrics,
        state_store: StateStore,
        publisher: Publisher,
        writer: StatusWriter,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.state_store = state_store
        self.publisher = publisher
        self.writer = writer
        self.indexes: Mapping[str, Mapping[str, Iterable[dict[str, Any]]]] | None = None
        """The watch caches: kind -> namespace -> compact objects (see `handlers`)."""
        self._fingerprints: dict[str, str] = {}
        self.leading = False
        self._first_change: dict[str, float] = {}
        self._last_change: dict[str, float] = {}
        self._saved: dict[str, SavedState] = {}
        self._wakeup = asyncio.Event()
        self.last_loop = time.monotonic()

    # ------------------------------------------------------------------ inputs

    def attach(self, indexes: Mapping[str, Mapping[str, Iterable[dict[str, Any]]]]) -> None:
        """Take the watch caches (Kopf indexes, kind -> namespace -> objects). Kopf calls event
        handlers only once every index holds its initial listing, so from here on a compile
        never sees half a namespace."""
        if self.indexes is None:
            self.indexes = indexes
            for namespace in self.namespaces():
                self.touch(namespace)

    def observe(self, uid: str, namespace: str, fingerprint: str | None) -> None:
        """An object changed (or was deleted: `fingerprint` None). Mark its namespace dirty
        unless only its status changed: our own status writes come back as watch events."""
        if fingerprint is not None and self._fingerprints.get(uid) == fingerprint:
            return
        if fingerprint is None:
            self._fingerprints.pop(uid, None)
        else:
            self._fingerprints[uid] = fingerprint
        self.touch(namespace)

    def touch(self, namespace: str, delay: float = 0.0) -> None:
        now = time.monotonic() + delay
        self._first_change.setdefault(namespace, now)
        self._last_change[namespace] = max(now, self._last_change.get(namespace, 0.0))
        self._wakeup.set()

    def set_leading(self, leading: bool) -> None:
        self.leading = leading
        self.metrics.is_leader.set(1 if leading else 0)
        if leading:
            # Another replica may have written since we last read: read everything again.
            self._saved.clear()
            self.state_store.forget()
            self.publisher.forget()
            for namespace in self.namespaces():
                self.touch(namespace)

    @property
    def ready(self) -> bool:
        return self.indexes is not None

    def namespaces(self) -> set[str]:
        if self.indexes is None:
            return set()
        return {str(namespace) for index in self.indexes.values() for namespace in index}

    def objects(self, namespace: str) -> list[dict[str, Any]]:
        if self.indexes is None:
            return []
        return [obj for kind in PLURALS for obj in self.indexes[kind].get(namespace, ())]

    # ------------------------------------------------------------------ loop

    async def run(self) -> None:
        while True:
            self.last_loop = time.monotonic()
            due, wait = self._due()
            for namespace in due:
                try:
                    await self.reconcile(namespace)
                except Exception:  # one namespace must not stop the others
                    logger.exception("reconciling namespace %s failed; retrying", namespace)
                    self.touch(namespace, delay=5.0)
            self._wakeup.clear()
            if not due:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=min(wait, 5.0))

    def _due(self) -> tuple[list[str], float]:
        if not self.ready:
            return [], 5.0
        now = time.monotonic()
        due: list[str] = []
        wait = 5.0
        for namespace, last in list(self._last_change.items()):
            first = self._first_change[namespace]
            fire_at = min(
                last + self.settings.debounce_seconds, first + self.settings.max_delay_seconds
            )
            if fire_at <= now:
                due.append(namespace)
                del self._last_change[namespace]
                del self._first_change[namespace]
            else:
                wait = min(wait, fire_at - now)
        return sorted(due), wait

    # ------------------------------------------------------------------ one namespace

    async def reconcile(self, namespace: str) -> None:
        objects = self.objects(namespace)
        live = [obj for obj in objects if not obj["metadata"].get("deletionTimestamp")]
        deleting = [
            obj
            for obj in objects
            if obj["metadata"].get("deletionTimestamp") and obj["kind"] == "Datafile"
        ]
        saved = await self._saved_state(namespace)
        started = time.perf_counter()
        plan = await asyncio.to_thread(plan_namespace, namespace, live, saved)
        self.metrics.compile_seconds.labels(namespace).observe(time.perf_counter() - started)
        self.metrics.invalid_objects.labels(namespace).set(len(plan.problems))
        if not self.leading:
            return  # standby: compiled and warm, writes nothing
        await self._publish(namespace, plan, live)
        for obj in deleting:
            await self.publisher.remove(obj)
            self.metrics.forget(namespace, obj["metadata"]["name"])

    async def _saved_state(self, namespace: str) -> SavedState:
        if namespace not in self._saved:
            self._saved[namespace] = await self.state_store.load(namespace)
        return self._saved[namespace]

    async def _publish(
        self, namespace: str, plan: NamespacePlan, live: list[dict[str, Any]]
    ) -> None:
        # State first: if we die after it, the next leader builds the same bytes and publishes.
        await self.state_store.save(namespace, plan.state)
        self._saved[namespace] = plan.state
        now = utc_now()
        by_name = {(obj["kind"], obj["metadata"]["name"]): obj for obj in live}
        retry = False
        for datafile_plan in plan.datafiles:
            obj = by_name.get(("Datafile", datafile_plan.name))
            if obj is None:
                continue
            outcome = DatafileOutcome(datafile_plan)
            if datafile_plan.content is not None:
                outcome = await self.publisher.publish(obj, datafile_plan)
                if all(result.ok for result in outcome.outputs) and not outcome.too_large:
                    self.metrics.published(namespace, datafile_plan.name)
                    self.metrics.datafile_bytes.labels(namespace, datafile_plan.name).set(
                        len(datafile_plan.content)
                    )
                else:
                    retry = retry or not outcome.too_large
            previous = obj.get("status") or {}
            status = datafile_status(outcome, previous, generation=_generation(obj), now=now)
            await self.writer.write(obj, status, outcome)
        for (kind, name), obj in by_name.items():
            if kind == "Datafile":
                continue
            problems = plan.problems.get((kind, name), [])
            status = input_status(
                problems, obj.get("status") or {}, generation=_generation(obj), now=now
            )
            await self.writer.write(obj, status, None)
        if retry:
            self.touch(namespace, delay=self.publisher.backoff(namespace))
        else:
            self.publisher.reset_backoff(namespace)


def _generation(obj: Mapping[str, Any]) -> int:
    return int(obj["metadata"].get("generation") or 0)
