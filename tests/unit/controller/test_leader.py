"""Leader election judges time by the local clock only (as client-go does): a Lease whose
`renewTime` looks old because the holder's clock is behind is still held while it changes."""

from __future__ import annotations

import asyncio
import copy
import datetime
from typing import Any

import httpx2
from kubevisor.controller.leader import LeaderElector
from lightkube.models.coordination_v1 import LeaseSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.coordination_v1 import Lease

LONG_AGO = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


class FakeApi:
    """One Lease, as the API server keeps it (optimistic locking left out)."""

    def __init__(self) -> None:
        self.lease: Lease | None = None
        self.down = False

    async def get(self, _kind: Any, name: str, *, namespace: str) -> Lease:
        if self.down:
            raise httpx2.ConnectError("connection refused")
        assert self.lease is not None  # every test starts with a Lease
        return copy.deepcopy(self.lease)

    async def replace(self, lease: Lease) -> Lease:
        self.lease = copy.deepcopy(lease)
        return lease


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def held_by(holder: str, renewed: datetime.datetime) -> Lease:
    spec = LeaseSpec(
        holderIdentity=holder, leaseDurationSeconds=15, renewTime=renewed, leaseTransitions=3
    )
    return Lease(metadata=ObjectMeta(name="lease", namespace="ns"), spec=spec)


def elector(api: FakeApi, clock: Clock) -> LeaderElector:
    return LeaderElector(
        api,  # type: ignore[arg-type]
        namespace="ns",
        name="lease",
        identity="me",
        lease_seconds=15,
        clock=clock,
    )


def attempt(candidate: LeaderElector) -> bool:
    return asyncio.run(candidate._attempt())


def test_a_renewing_holder_keeps_the_lease_even_with_an_old_renew_time() -> None:
    api, clock = FakeApi(), Clock()
    api.lease = held_by("other", LONG_AGO)  # its clock is far behind ours
    candidate = elector(api, clock)
    for step in range(10):
        clock.now += 10
        api.lease = held_by("other", LONG_AGO + datetime.timedelta(seconds=step))
        assert not attempt(candidate)


def test_a_lease_that_stops_changing_is_taken_after_its_duration_by_our_clock() -> None:
    api, clock = FakeApi(), Clock()
    api.lease = held_by("other", datetime.datetime.now(datetime.UTC))  # looks fresh
    candidate = elector(api, clock)
    assert not attempt(candidate)
    clock.now += 14
    assert not attempt(candidate)
    clock.now += 2
    assert attempt(candidate)
    assert api.lease is not None and api.lease.spec is not None
    assert api.lease.spec.holderIdentity == "me"
    assert api.lease.spec.leaseTransitions == 4


def test_an_unreachable_api_server_keeps_the_leader_for_a_while_then_not() -> None:
    api, clock = FakeApi(), Clock()
    api.lease = held_by("", LONG_AGO)
    candidate = elector(api, clock)
    candidate.retry_seconds = 0

    async def rounds(count: int) -> None:
        task = asyncio.create_task(candidate.run())
        for _ in range(count):
            await asyncio.sleep(0)
        task.cancel()

    asyncio.run(rounds(3))
    assert candidate.is_leader
    api.down = True
    clock.now += 5
    asyncio.run(rounds(3))
    assert candidate.is_leader  # within two thirds of the lease: still writing
    clock.now += 10
    asyncio.run(rounds(3))
    assert not candidate.is_leader  # and run() never raised
