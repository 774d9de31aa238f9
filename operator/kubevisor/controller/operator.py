"""Runs the operator: Kopf watches, the reconcile loop, leader election, metrics and probes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

import kopf
from aiohttp import web
from lightkube import AsyncClient

from kubevisor.controller.compiler import RECURSION_LIMIT, CompilePool
from kubevisor.controller.grants import register_grants
from kubevisor.controller.handlers import register
from kubevisor.controller.leader import LeaderElector
from kubevisor.controller.login import login
from kubevisor.controller.metrics import Metrics, make_app
from kubevisor.controller.publisher import Publisher
from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.settings import OperatorSettings, SettingsError, shard_problem
from kubevisor.controller.shard_watch import register_namespaces, seed
from kubevisor.controller.shards import ShardFilter, lease_name
from kubevisor.controller.statestore import StateStore
from kubevisor.controller.watchdog import Watchdog
from kubevisor.controller.writer import StatusWriter

logger = logging.getLogger(__name__)
LIST_CHUNK_SIZE = 500
WORKER_IDLE_SECONDS = 0.5


class EndlessBackoffs:
    """Delays between retries of Kopf's API requests: 1, 2, 4 … 30 s, without end.

    Kopf's default gives up after eight retries (about a minute) and then lets a watch's task
    die, leaving that kind unwatched until a restart. The API server being away for a while
    (an upgrade, an etcd hiccup) must be waited out instead. Not a sized collection, so Kopf
    counts no attempts; each request iterates afresh.
    """

    def __iter__(self) -> Iterator[float]:
        delay = 1.0
        while True:
            yield delay
            delay = min(delay * 2, 30.0)


class NoDiffBase(kopf.AnnotationsDiffBaseStorage):
    """No essence to diff: the operator has no change handlers, yet Kopf builds each event's
    "essence" (a deep copy of the whole object, managed fields and status included) to diff
    it. At 10,000 objects that copy was a fifth of Kopf's time per event."""

    def build(
        self, *, body: kopf.Body, extra_fields: Iterable[Any] | None = None
    ) -> kopf.BodyEssence:
        return kopf.BodyEssence()


def make_registry(
    reconciler: Reconciler,
    *,
    namespaced: bool = False,
    shards: ShardFilter | None = None,
    client: AsyncClient | None = None,
) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()
    register(registry, reconciler, shards)
    register_grants(registry, reconciler)
    if shards is not None and client is not None:
        register_namespaces(registry, shards, client)

    kopf.on.login(registry=registry)(login)

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        # Kopf posts no Events of its own: every write goes through our one client, and a
        # handler failure is in the log (our handlers only fill the cache).
        settings.posting.enabled = False
        settings.watching.server_timeout = 300
        settings.watching.client_timeout = 330
        settings.watching.connect_timeout = 30
        settings.networking.request_timeout = 60
        settings.networking.error_backoffs = EndlessBackoffs()
        # Memory at 10,000 objects of a kind: list them in pages instead of one response held
        # whole, and let each object's Kopf worker (a task and a queue holding the last raw
        # event) end soon after its event instead of 5 s later, when a listing has them all.
        settings.watching.chunk_size = LIST_CHUNK_SIZE
        settings.queueing.idle_timeout = WORKER_IDLE_SECONDS
        settings.persistence.diffbase_storage = NoDiffBase()
        # Namespaced mode: the namespaces are named exactly and the CRDs are installed, so Kopf
        # must not list namespaces or watch CRDs (cluster-scoped rights a Role cannot grant).
        settings.scanning.disabled = namespaced

    return registry


async def run(settings: OperatorSettings) -> None:
    # The API server accepts objects nested 10,000 levels deep; Kopf parses every watch event
    # with `json.loads`, which counts its nesting against the recursion limit. With the
    # default limit (1,000) one deep object kills the watch of its kind for every namespace.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    if problem := shard_problem(settings.shard, settings.namespaces):
        raise SettingsError(problem)
    client = AsyncClient(field_manager="kubevisor")
    metrics = Metrics()
    compiler = CompilePool(
        workers=settings.concurrency,
        timeout=settings.compile_timeout_seconds,
        memory_mib=settings.compile_memory_mib,
    )
    reconciler = Reconciler(
        settings=settings,
        metrics=metrics,
        state_store=StateStore(client),
        publisher=Publisher(client, metrics, settings.security),
        writer=StatusWriter(client),
        compiler=compiler,
    )
    # Cluster-wide, an instance serves one shard of the namespaces (controller.shards); in
    # namespaced mode the admin names them instead.
    shards = None if settings.namespaces else ShardFilter(reconciler, settings.shard)
    if shards is not None:
        reconciler.serves = shards.serves
    leader = LeaderElector(
        client,
        namespace=settings.lease_namespace,
        name=lease_name(settings.lease_name, settings.shard),
        identity=settings.identity,
        lease_seconds=settings.lease_seconds,
        on_change=reconciler.set_leading,
    )
    watchdog = Watchdog(client, reconciler, settings.namespaces, reconciler.serves)

    async def watch() -> None:
        if shards is not None:  # which namespaces are ours, before their objects arrive
            await seed(client, shards)
        await kopf.operator(
            registry=make_registry(
                reconciler, namespaced=bool(settings.namespaces), shards=shards, client=client
            ),
            standalone=True,  # leader election is ours (a Lease), not Kopf peering
            clusterwide=not settings.namespaces,
            namespaces=settings.namespaces,
        )

    operator_task = asyncio.create_task(watch(), name="kopf")

    def healthy() -> str | None:
        if operator_task.done():
            return "the Kopf watch loop has stopped"
        if time.monotonic() - reconciler.last_loop > 60:
            return "the reconcile loop is stuck"
        return watchdog.problem

    def ready() -> str | None:
        problem = healthy()
        if problem:
            return problem
        return None if reconciler.ready else "waiting for the initial listing of all kinds"

    async def confirm_listing() -> None:
        # The cache is complete once it holds every object a listing found (see `expect`).
        # List again only once the cache stopped filling (an object deleted since the listing
        # is then waited for in vain): listing 10,000 objects every 5 s while Kopf was still
        # taking in its own listing doubled the operator's CPU and memory at start-up.
        while not reconciler.ready:
            if shards is None or shards.seeded:  # before, no namespace counts as ours
                with contextlib.suppress(Exception):
                    reconciler.expect(uid for _, uid, _ in await watchdog.listed())
            previous = None
            while not reconciler.ready:
                await asyncio.sleep(5)
                waiting = reconciler.waiting_for
                if waiting is None or waiting == previous:
                    break
                previous = waiting

    runner = web.AppRunner(make_app(metrics, healthy, ready))
    await runner.setup()
    await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
    tasks = [
        operator_task,
        asyncio.create_task(leader.run(), name="leader"),
        asyncio.create_task(reconciler.run(), name="reconciler"),
        asyncio.create_task(watchdog.run(settings.resync_seconds), name="watchdog"),
    ]
    listing_check = asyncio.create_task(confirm_listing(), name="initial-listing")
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            # On SIGTERM Kopf stops and cancels the loop's other tasks: a clean shutdown.
            # Anything else that ended a task is the error that stopped us.
            if not task.cancelled() and (error := task.exception()) is not None:
                raise error
    finally:
        for task in [*tasks, listing_check]:
            task.cancel()
        for task in [*tasks, listing_check]:
            with contextlib.suppress(BaseException):
                await task
        await leader.release()
        compiler.close()
        await runner.cleanup()
        await client.close()
