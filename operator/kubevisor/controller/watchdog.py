"""Detects dead watches: the caches are compared with a fresh list now and then.

A watch that silently stops (a known failure mode of long-lived watch streams) leaves the
cache behind the API server. One differing comparison can be an event in flight; the same
difference twice in a row means the watch is dead, and the liveness probe fails so the
kubelet restarts the operator with fresh watches.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from lightkube import AsyncClient

from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.resources import RESOURCES

logger = logging.getLogger(__name__)

LIST_PAGE = 500
"""Objects per list request, so a listing of 10,000 objects is never decoded all at once."""

Snapshot = frozenset[tuple[str, str, int]]
"""(kind, uid, generation) of every object."""


class Watchdog:
    def __init__(
        self,
        client: AsyncClient,
        reconciler: Reconciler,
        namespaces: list[str],
        serves: Callable[[str], bool] = lambda _namespace: True,
    ) -> None:
        self.client = client
        self.reconciler = reconciler
        self.namespaces = namespaces or ["*"]
        self.serves = serves
        """Only this shard's namespaces count (controller.shards)."""
        self.problem: str | None = None
        self._previous_difference: Snapshot | None = None

    def cached(self) -> Snapshot:
        return frozenset(
            (obj["kind"], obj["metadata"]["uid"], int(obj["metadata"].get("generation") or 0))
            for namespace in self.reconciler.namespaces()
            for obj in self.reconciler.objects(namespace)
        )

    async def listed(self) -> Snapshot:
        found: set[tuple[str, str, int]] = set()
        for kind, resource in RESOURCES.items():
            for namespace in self.namespaces:
                pages = self.client.list(resource, namespace=namespace, chunk_size=LIST_PAGE)
                async for obj in pages:
                    metadata = obj.metadata
                    if metadata is None or metadata.uid is None:
                        continue
                    if not self.serves(str(metadata.namespace)):
                        continue
                    found.add((kind, metadata.uid, int(metadata.generation or 0)))
        return frozenset(found)

    async def check(self) -> None:
        if not self.reconciler.ready:
            return
        listed = await self.listed()
        difference = listed ^ self.cached()
        if difference and difference == self._previous_difference:
            self.problem = f"watch caches are stale: {len(difference)} objects differ from a list"
            logger.error(self.problem)
        elif not difference:
            self.problem = None
        self._previous_difference = difference or None

    async def run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.check()
            except Exception as error:  # a failed list is not a dead watch
                logger.warning("watchdog: listing failed: %s", error)
