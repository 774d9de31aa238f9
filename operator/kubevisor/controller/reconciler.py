"""The reconcile loop: debounce changes per namespace, compile, publish, report.

Events only mark a namespace dirty. A namespace is compiled once it has been quiet for
`debounce_seconds` (or `max_delay_seconds` after its first change, whatever comes first), so a
GitOps sync of hundreds of objects costs one compile and one write per output.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from lightkube.core.exceptions import ApiError

from kubevisor.controller.compiler import CompileFailed, CompilePool
from kubevisor.controller.memory import release_memory
from kubevisor.controller.metrics import Metrics
from kubevisor.controller.publisher import Publisher
from kubevisor.controller.reconciling import InputChanges, describe_change
from kubevisor.controller.recovery import StateLost, recover_state
from kubevisor.controller.resources import PLURALS
from kubevisor.controller.schedule import Schedule
from kubevisor.controller.settings import OperatorSettings
from kubevisor.controller.statestore import StateStore
from kubevisor.controller.status import (
    DatafileOutcome,
    InputVerdict,
    datafile_status,
    input_status,
)
from kubevisor.controller.writer import StatusWriter
from kubevisor.core.definitions import Kind, Problem
from kubevisor.sources.compile_plan import NamespacePlan, SavedState

logger = logging.getLogger(__name__)
T = TypeVar("T")
STATUS_WRITES_IN_FLIGHT = 32
"""Status patches of one namespace in flight: a first pass writes one per object (10,000), and
each waits mostly on the API server."""
COMPILE_RETRY_SECONDS = 30.0
COMPILE_RETRY_MAX_SECONDS = 600.0
STATE_LOST_RETRY_SECONDS = 60.0
"""A compile that failed will most likely fail again with the same inputs: retry slowly."""


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
        compiler: CompilePool,
        clock: Callable[[], float] = time.monotonic,
        serves: Callable[[str], bool] = lambda _namespace: True,
    ) -> None:
        self.settings = settings
        self.clock = clock
        """Monotonic seconds for the debounce and retries (a fake one in tests)."""
        self.serves = serves
        """Whether a namespace is still this shard's (controller.shards): a compile of one that
        left in the meantime writes nothing."""
        self.compiler = compiler
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
        self.schedule = Schedule(settings.debounce_seconds, settings.max_delay_seconds)
        self._compile_failures: dict[str, int] = {}
        self._saved: dict[str, SavedState] = {}
        self._reported: dict[str, dict[str, tuple[InputVerdict, Any]]] = {}
        """namespace -> uid -> (verdict, the cached status it was reported over): see `_publish`."""
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

    def cached(self, namespace: str, uid: str) -> dict[str, Any] | None:
        return self.cache.get(namespace, {}).get(uid)

    def restatus(self, cached: dict[str, Any], status: dict[str, Any]) -> None:
        """Only the status of a cached object changed (see `handlers.only_status_changed`).
        A new object, not an edit: a running reconcile keeps the one it started with."""
        metadata = cached["metadata"]
        self.cache[str(metadata["namespace"])][str(metadata["uid"])] = {**cached, "status": status}

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

    def release(self, namespace: str) -> None:
        """The namespace moved to another shard: drop it from memory without a compile (a
        compile of nothing would write empty state). Its outputs and state stay as they are."""
        for uid, obj in self.cache.pop(namespace, {}).items():
            self._fingerprints.pop(uid, None)
            if obj["kind"] == "Datafile":
                self.metrics.forget(namespace, obj["metadata"]["name"])
        self._saved.pop(namespace, None)
        self._compile_failures.pop(namespace, None)
        self.publisher.reset_backoff(namespace)

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
        """Compile the namespace again: after the debounce for a change (no `delay`), or
        `delay` seconds from now for a retry."""
        now = self.clock()
        if delay:
            self.schedule.retry(namespace, now + delay)
        else:
            self.schedule.change(namespace, now)
        self._wakeup.set()

    def set_leading(self, leading: bool) -> None:
        self.leading = leading
        self.metrics.is_leader.set(1 if leading else 0)
        if leading:
            # Another replica may have written since we last read: read everything again.
            self._saved.clear()
            self._reported.clear()
            self.state_store.forget()
            self.publisher.forget()
            for namespace in self.namespaces():
                self.touch(namespace)

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def waiting_for(self) -> int | None:
        """How many listed objects the cache still lacks (None before a listing, or ready)."""
        return None if self._missing is None else len(self._missing)

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
        """Reconcile due namespaces, up to `settings.concurrency` at a time: a big or slow
        namespace holds one slot, never the others."""
        running: dict[asyncio.Task[None], str] = {}
        try:
            while True:
                self.last_loop = time.monotonic()
                self._wakeup.clear()
                # Datafiles whose inputs changed say Reconciling before their compile starts.
                await self.changes.mark(self.cache, leading=self.leading, now=utc_now())
                free = self.settings.concurrency - len(running)
                due, wait = self._due(free)
                for namespace in due:
                    task = asyncio.create_task(self._reconcile_one(namespace), name=namespace)
                    running[task] = namespace
                waiting: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._wakeup.wait())}
                waiting |= set(running)
                timeout = 5.0 if len(running) >= self.settings.concurrency else min(wait, 5.0)
                done, _ = await asyncio.wait(
                    waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                for future in waiting - set(running):
                    future.cancel()
                for task in [task for task in running if task in done]:
                    self.schedule.done(running.pop(task))
                    if not running:
                        release_memory()
        finally:
            for task in running:
                task.cancel()

    async def _reconcile_one(self, namespace: str) -> None:
        try:
            await self.reconcile(namespace)
        except ApiError as error:
            message = error.status.message or str(error)
            if error.status.code == 403 and "being terminated" in message:
                # Its objects go with it; their deletion events will touch it again.
                logger.info("namespace %s is being deleted: %s", namespace, message)
                return
            logger.warning(
                "reconciling namespace %s: API error %s: %s; retrying in 5 s",
                namespace,
                error.status.code,
                message,
            )
            self.touch(namespace, delay=5.0)
        except Exception:  # one namespace must not stop the others
            logger.exception("reconciling namespace %s failed; retrying in 5 s", namespace)
            self.touch(namespace, delay=5.0)

    def _due(self, limit: int | None = None) -> tuple[list[str], float]:
        """Namespaces to reconcile now (marked running), and seconds until the next is due."""
        if not self.ready:
            return [], 5.0
        return self.schedule.take(
            self.clock(), self.settings.concurrency if limit is None else limit
        )

    # ------------------------------------------------------------------ one namespace

    async def reconcile(self, namespace: str) -> None:
        if not self.serves(namespace):
            return  # handed over to another shard since it was scheduled
        objects = self.objects(namespace)
        live = [obj for obj in objects if not obj["metadata"].get("deletionTimestamp")]
        deleting = [
            obj
            for obj in objects
            if obj["metadata"].get("deletionTimestamp") and obj["kind"] == "Datafile"
        ]
        try:
            saved = await self._saved_state(namespace, live)
        except StateLost as lost:
            await self._stall(namespace, live, str(lost), retry=STATE_LOST_RETRY_SECONDS)
            return
        started = time.perf_counter()
        try:
            plan = await self.compiler.plan(namespace, live, saved)
        except CompileFailed as failure:
            failures = self._compile_failures.get(namespace, 0)
            self._compile_failures[namespace] = failures + 1
            self.metrics.compile_failures.labels(namespace).inc()
            delay = min(COMPILE_RETRY_MAX_SECONDS, COMPILE_RETRY_SECONDS * 2**failures)
            await self._stall(namespace, live, f"it could not be compiled: {failure}", delay)
            return
        self._compile_failures.pop(namespace, None)
        self.metrics.compile_seconds.labels(namespace).observe(time.perf_counter() - started)
        self.metrics.invalid_objects.labels(namespace).set(len(plan.problems))
        if not self.leading or not self.serves(namespace):
            return  # standby (compiled and warm), or handed over meanwhile: writes nothing
        await self._publish(namespace, plan, live)
        for obj in deleting:
            await self.publisher.remove(obj)
            self.metrics.forget(namespace, obj["metadata"]["name"])

    async def _stall(
        self, namespace: str, live: list[dict[str, Any]], reason: str, retry: float
    ) -> None:
        """The namespace stalls alone: its outputs keep the last good revision, its Datafiles
        say why, and it is tried again after `retry` s (or at once when an input changes)."""
        logger.error("namespace %s: %s; trying again in %g s", namespace, reason, retry)
        self.touch(namespace, delay=retry)
        if not self.leading or not self.serves(namespace):
            return
        now = utc_now()
        for obj in live:
            if obj["kind"] == "Datafile":
                problem = Problem(
                    Kind.TARGET,
                    str(obj["metadata"]["name"]),
                    "",
                    f"namespace {namespace} is stalled: {reason}; the last good revision stays",
                    "fix or delete the object that causes it (the operator log may say more); "
                    "it is tried again when an input changes",
                )
                status = input_status(
                    [problem], obj.get("status") or {}, generation=_generation(obj), now=now
                )
                await self.writer.write(obj, status, None)

    async def _saved_state(self, namespace: str, live: list[dict[str, Any]]) -> SavedState:
        if namespace not in self._saved:
            saved = await self.state_store.load(namespace)
            if saved is None:
                datafiles = [obj for obj in live if obj["kind"] == "Datafile"]
                saved = await recover_state(self.state_store.client, datafiles)
                if saved.datafiles:
                    logger.warning(
                        "namespace %s: the state ConfigMap is missing; rebuilt it from %d "
                        "published datafiles",
                        namespace,
                        len(saved.datafiles),
                    )
            self._saved[namespace] = saved
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

        patched = 0

        # Each input's verdict and the cached status it was reported over, last pass: when
        # both are unchanged its status is current. After an edit of one of 10,000 Features,
        # computing every status again to find that one took 3 s.
        reported = self._reported.get(namespace, {})
        now_reported: dict[str, tuple[InputVerdict, Any]] = {}

        async def report(item: tuple[tuple[str, str], dict[str, Any]]) -> None:
            nonlocal patched
            (kind, name), obj = item
            problems = plan.problems.get((kind, name), [])
            if kind == "Datafile" and not problems:  # unplanned yet no problem: say so
                problems = [UNREADABLE_DATAFILE]
            verdict = InputVerdict(
                tuple(problems),
                tuple(plan.warnings.get((kind, name), [])),
                name not in plan.unselected if kind == "Feature" else None,
                _generation(obj),
            )
            uid, previous = str(obj["metadata"]["uid"]), obj.get("status")
            last = reported.get(uid)
            if last is not None and last[0] == verdict and last[1] is previous:
                now_reported[uid] = last
                return
            status = input_status(
                verdict.problems,
                previous or {},
                generation=verdict.generation,
                now=now,
                selected=verdict.selected,
                warnings=verdict.warnings,
            )
            wrote = await self.writer.write(obj, status, None)
            patched += wrote  # after the await: `patched += await ...` reads it before
            now_reported[uid] = (verdict, previous)

        planned = {datafile_plan.name for datafile_plan in plan.datafiles}
        # Datafiles that could not be read (a duplicate target, a bad field) have no plan: they
        # report their problems like any other input, so none of them is left without status.
        inputs = [
            item
            for item in by_name.items()
            if item[0][0] != "Datafile" or item[0][1] not in planned
        ]
        # Writes in flight: the first pass over 10,000 objects took a minute one by one.
        started = time.perf_counter()
        await for_each(inputs, report, limit=STATUS_WRITES_IN_FLIGHT)
        self._reported[namespace] = now_reported  # only now: a failed pass leaves the last
        logger.info(
            "namespace %s: status pass over %d objects, %d patched, in %.1f s",
            namespace,
            len(inputs),
            patched,
            time.perf_counter() - started,
        )
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
