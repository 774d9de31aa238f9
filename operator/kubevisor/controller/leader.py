"""Leader election with a coordination.k8s.io Lease: every replica watches and compiles, only
the holder of the Lease writes. A replica that stops renewing loses the Lease after
`lease_seconds`, and a standby takes over on its next attempt.

Time is judged by the local clock only, as client-go does: a standby notes (monotonic time)
when it last saw the Lease record change, and takes over once it has not changed for the
lease duration. The `renewTime` written by another machine is never compared with ours, so
clock skew between nodes cannot make two leaders or none.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import time
from collections.abc import Callable
from typing import Any

from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.models.coordination_v1 import LeaseSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.coordination_v1 import Lease

logger = logging.getLogger(__name__)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class LeaderElector:
    def __init__(
        self,
        client: AsyncClient,
        *,
        namespace: str,
        name: str,
        identity: str,
        lease_seconds: int = 15,
        retry_seconds: float = 2.0,
        on_change: Callable[[bool], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.lease_seconds = lease_seconds
        self.retry_seconds = retry_seconds
        self.on_change = on_change
        self.clock = clock
        self.is_leader = False
        self._renewed_at: float | None = None
        """Local time of our last successful renewal."""
        self._observed: tuple[Any, ...] | None = None
        self._observed_at = 0.0
        """Local time at which the Lease record was last seen to change."""

    async def run(self) -> None:
        """Try to acquire or renew forever; flips `is_leader` and calls `on_change`."""
        while True:
            try:
                held = await self._attempt()
            except Exception as error:  # API server away, timeouts: keep trying, never exit
                logger.warning("leader election: %s: %s", type(error).__name__, error)
                held = self._still_valid()
            self._set(held)
            await asyncio.sleep(self.retry_seconds)

    async def release(self) -> None:
        """Give the Lease up on a clean shutdown so a standby takes over at once."""
        if not self.is_leader:
            return
        try:
            lease = await self.client.get(Lease, self.name, namespace=self.namespace)
            if lease.spec and lease.spec.holderIdentity == self.identity:
                lease.spec.holderIdentity = None
                lease.spec.renewTime = None
                await self.client.replace(lease)
        except Exception as error:  # best effort: the Lease expires anyway
            logger.warning("leader election: could not release the lease: %s", error)
        self._set(False)

    def _set(self, held: bool) -> None:
        if held != self.is_leader:
            self.is_leader = held
            logger.info("leader election: %s", "leading" if held else "standing by")
            if self.on_change is not None:
                self.on_change(held)

    def _still_valid(self) -> bool:
        if not self.is_leader or self._renewed_at is None:
            return False
        return self.clock() - self._renewed_at < self.lease_seconds * 2 / 3

    async def _attempt(self) -> bool:
        now = _now()
        try:
            lease = await self.client.get(Lease, self.name, namespace=self.namespace)
        except ApiError as error:
            if error.status.code != 404:
                raise
            lease = Lease(
                metadata=ObjectMeta(name=self.name, namespace=self.namespace),
                spec=self._spec(now, transitions=0, acquired=now),
            )
            try:
                await self.client.create(lease)
            except ApiError as conflict:
                if conflict.status.code == 409:
                    return False
                raise
            self._renewed_at = self.clock()
            return True
        spec = lease.spec or LeaseSpec()
        holder = spec.holderIdentity
        self._observe(spec)
        if holder and holder != self.identity and not self._expired(spec):
            return False
        transitions = spec.leaseTransitions or 0
        acquired = spec.acquireTime
        if holder != self.identity:
            transitions += 1
            acquired = now
        lease.spec = self._spec(now, transitions=transitions, acquired=acquired or now)
        try:
            await self.client.replace(lease)  # carries resourceVersion: optimistic locking
        except ApiError as conflict:
            if conflict.status.code == 409:
                return False
            raise
        self._renewed_at = self.clock()
        return True

    def _observe(self, spec: LeaseSpec) -> None:
        """Note when the record changed, by our clock (each renewal changes `renewTime`)."""
        record = (
            spec.holderIdentity,
            spec.renewTime,
            spec.acquireTime,
            spec.leaseTransitions,
            spec.leaseDurationSeconds,
        )
        if record != self._observed:
            self._observed = record
            self._observed_at = self.clock()

    def _expired(self, spec: LeaseSpec) -> bool:
        """Whether the holder has not renewed for a whole lease duration, as seen from here."""
        if spec.renewTime is None:
            return True
        duration = spec.leaseDurationSeconds or self.lease_seconds
        return self.clock() - self._observed_at > duration

    def _spec(
        self, now: datetime.datetime, *, transitions: int, acquired: datetime.datetime
    ) -> LeaseSpec:
        return LeaseSpec(
            holderIdentity=self.identity,
            leaseDurationSeconds=self.lease_seconds,
            acquireTime=acquired,
            renewTime=now,
            leaseTransitions=transitions,
        )
