"""The reconcile loop: debounce changes per namespace, compile, publish, report.

Events only mark a namespace dirty. A namespace is compiled once it has been quiet for
`debounce_seconds` (or `max_delay_seconds` after its first change, whatever comes first), so a
GitOps sync of hundreds of objects costs one compile and one write per output.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from lightkube.core.exceptions import ApiError

from kubevisor.controller.metrics import Metrics
from kubevisor.controller.plan import NamespacePlan, SavedState, plan_namespace
from kubevisor.controller.publisher import Publisher
from kubevisor.controller.reconciling import InputChanges, describe_change
from kubevisor.controller.resources import PLURALS
from kubevisor.controller.settings import OperatorSettings
from kubevisor.controller.statestore import StateStore
from kubevisor.controller.status import DatafileOutcome, datafile_status, input_status
from kubevisor.controller.writer import StatusWriter
from kubevisor.core.definitions import Kind, Problem

logger = logging.getLogger(__name__)
T = TypeVar("T")
STATUS_WRITES_IN_FLIGHT = 8


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_MALLOC_TRIM = _malloc_trim()


def release_memory() -> None:
    """Give the heap freed by a compile back to the system: a big namespace's compile and
    status pass leave hundreds of MiB of free arenas that glibc keeps otherwise."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


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
        self.cache: dict[str, dict[str, dict[str, Any]]] = {}
        """The watch cache: namespace -> uid -> compact object (see `handlers.compact`)."""
        self._fingerprints: dict[str, str] = {}
        self._deleted: set[str] = set()
        self._missing: set[str] | None = None
        """Listed uids not seen yet (None before the first listing)."""
        self._ready = False
        self.leading = False
        self._first_change: dict[str, float] = {}
        self._last_change: dict[str, float] = {}
        self._saved: dict[str, SavedState] = {}
        self._wakeup = asyncio.Event()
        self.last_loop = time.monotonic()
        self.changes = InputChanges(writer)
        """Datafiles to mark Reconciling before the debounced compile (controller.reconciling)."""

    # ------------------------------------------------------------------ inputs

    def expect(self, uids: Iterable[str]) -> None:
        """The uids a fresh listing found. The cache is complete, and compiles may start, once
        each of them was seen (or deleted): a compile never sees half a namespace, so a restart
        never publishes a partial datafile. Called again with a newer listing while not ready
        (an object deleted between two listings is then no longer waited for)."""
        if self._ready:
            return
        self._missing = set(uids) - self._fingerprints.keys() - self._deleted
        self._check_ready()

    def remember(self, obj: dict[str, Any], fingerprint: str) -> None:
        """An object was listed, added or changed. Its namespace becomes dirty unless only its
        status changed: our own status writes come back as watch events."""
        metadata = obj["metadata"]
        uid, namespace = str(metadata["uid"]), str(metadata["namespace"])
        self.cache.setdefault(namespace, {})[uid] = obj
        self._deleted.discard(uid)
        if self._missing is not None:
            self._missing.discard(uid)
        if self._fingerprints.get(uid) != fingerprint:
            self._fingerprints[uid] = fingerprint
            self._note_change(namespace, obj)
            self.touch(namespace)
        self._check_ready()

    def forget(self, uid: str, namespace: str) -> None:
        """An object was deleted."""
        objects = self.cache.get(namespace, {})
        gone = objects.pop(uid, None)
        if gone is not None:
            self._note_change(namespace, gone, deleted=True)
        if not objects:
            self.cache.pop(namespace, None)
        self._fingerprints.pop(uid, None)
        if not self._ready:
            self._deleted.add(uid)
        if self._missing is not None:
            self._missing.discard(uid)
        self.touch(namespace)
        self._check_ready()

    def _note_change(self, namespace: str, obj: dict[str, Any], *, deleted: bool = False) -> None:
        # Only changes after the first listing: a start-up must not rewrite every status.
        if self._ready:
            self.changes.note(namespace, describe_change(obj, deleted=deleted))

    def _check_ready(self) -> None:
        if self._ready or self._missing is None or self._missing:
            return
        self._ready = True
        self._missing = None
        self._deleted.clear()
        for namespace in self.namespaces():
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
        return self._ready

    def namespaces(self) -> set[str]:
        return set(self.cache)

    def objects(self, namespace: str) -> list[dict[str, Any]]:
        """The namespace's cached objects, in a stable order (kind, then name)."""
        order = {kind: index for index, kind in enumerate(PLURALS)}
        return sorted(
            self.cache.get(namespace, {}).values(),
            key=lambda obj: (order.get(obj["kind"], len(order)), obj["metadata"]["name"]),
        )

    # ------------------------------------------------------------------ loop

    async def run(self) -> None:
        while True:
            self.last_loop = time.monotonic()
            await self.changes.mark(self.cache, leading=self.leading, now=utc_now())
            due, wait = self._due()
            for namespace in due:
                try:
                    await self.reconcile(namespace)
                except ApiError as error:
                    message = error.status.message or str(error)
                    if error.status.code == 403 and "being terminated" in message:
                        # Its objects go with it; their deletion events will touch it again.
                        logger.info("namespace %s is being deleted: %s", namespace, message)
                        continue
                    logger.warning(
                        "reconciling namespace %s: API error %s: %s; retrying in 5 s",
                        namespace,
                        error.status.code,
                        message,
                    )
                    self.touch(namespace, delay=5.0)
                except Exception:  # one namespace must not stop the others
                    logger.exception("reconciling namespace %s failed; retrying", namespace)
                    self.touch(namespace, delay=5.0)
            if due:
                release_memory()
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

        async def report(item: tuple[tuple[str, str], dict[str, Any]]) -> None:
            (kind, name), obj = item
            problems = plan.problems.get((kind, name), [])
            if kind == "Datafile" and not problems:  # unplanned yet no problem: say so
                problems = [UNREADABLE_DATAFILE]
            status = input_status(
                problems, obj.get("status") or {}, generation=_generation(obj), now=now
            )
            await self.writer.write(obj, status, None)

        planned = {datafile_plan.name for datafile_plan in plan.datafiles}
        # Datafiles that could not be read (a duplicate target, a bad field) have no plan: they
        # report their problems like any other input, so none of them is left without status.
        inputs = [
            item
            for item in by_name.items()
            if item[0][0] != "Datafile" or item[0][1] not in planned
        ]
        # A few writes in flight: the first pass over 10,000 objects took a minute one by one.
        await for_each(inputs, report, limit=STATUS_WRITES_IN_FLIGHT)
        if retry:
            self.touch(namespace, delay=self.publisher.backoff(namespace))
        else:
            self.publisher.reset_backoff(namespace)


async def for_each(
    items: Iterable[T], action: Callable[[T], Awaitable[None]], *, limit: int
) -> None:
    """`action` on every item, at most `limit` at a time (no task per item: 10,000 pending
    coroutines would cost more memory than the writes themselves)."""
    remaining = iter(items)

    async def worker() -> None:
        for item in remaining:
            await action(item)

    await asyncio.gather(*(worker() for _ in range(limit)))


UNREADABLE_DATAFILE = Problem(
    Kind.TARGET, "", "spec", "could not be read", "see the operator log for the reason"
)


def _generation(obj: Mapping[str, Any]) -> int:
    return int(obj["metadata"].get("generation") or 0)
