"""Leader election against a fake API: acquire, renew, lose, hand over, and the API server away.

Time is judged by the local clock only (as client-go does): a Lease whose `renewTime` looks old
because the holder's clock is behind is still held while it changes."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest
from fake_api import FakeApi, api_error
from kubevisor.controller.leader import LeaderElector
from lightkube.core.exceptions import ApiError
from lightkube.models.coordination_v1 import LeaseSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.coordination_v1 import Lease

LONG_AGO = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def held_by(holder: str, renewed: datetime.datetime | None) -> dict[str, Any]:
    spec = LeaseSpec(
        holderIdentity=holder, leaseDurationSeconds=15, renewTime=renewed, leaseTransitions=3
    )
    lease: dict[str, Any] = Lease(
        metadata=ObjectMeta(name="lease", namespace="ns"), spec=spec
    ).to_dict()
    return lease


def lease_spec(api: FakeApi) -> dict[str, Any]:
    stored = api.stored("Lease", "ns", "lease")
    assert stored is not None
    spec: dict[str, Any] = stored["spec"]
    return spec


def elector(
    api: FakeApi, clock: Clock, identity: str = "me", changes: list[bool] | None = None
) -> LeaderElector:
    return LeaderElector(
        api.client,
        namespace="ns",
        name="lease",
        identity=identity,
        lease_seconds=15,
        retry_seconds=0,
        clock=clock,
        on_change=None if changes is None else changes.append,
    )


def attempt(candidate: LeaderElector) -> bool:
    return asyncio.run(candidate._attempt())


def rounds(candidate: LeaderElector, count: int = 3) -> None:
    """A few iterations of `run` (it sleeps 0 s between attempts), then stop it."""

    async def run() -> None:
        task = asyncio.create_task(candidate.run())
        for _ in range(count):
            await asyncio.sleep(0)
        task.cancel()

    asyncio.run(run())


def test_the_first_replica_creates_the_lease_and_leads() -> None:
    api, clock, changes = FakeApi(), Clock(), []
    candidate = elector(api, clock, changes=changes)
    rounds(candidate)
    assert candidate.is_leader and changes == [True]
    spec = lease_spec(api)
    assert (spec["holderIdentity"], spec["leaseTransitions"]) == ("me", 0)
    assert spec["leaseDurationSeconds"] == 15


def test_the_leader_renews_without_a_new_transition() -> None:
    api, clock = FakeApi(), Clock()
    candidate = elector(api, clock)
    assert attempt(candidate)
    first = lease_spec(api)
    clock.now += 5
    assert attempt(candidate)
    renewed = lease_spec(api)
    assert renewed["renewTime"] >= first["renewTime"]
    assert renewed["acquireTime"] == first["acquireTime"]
    assert renewed["leaseTransitions"] == first["leaseTransitions"] == 0
    assert len(api.writes("Lease")) == 2


def test_a_renewing_holder_keeps_the_lease_even_with_an_old_renew_time() -> None:
    api, clock = FakeApi(), Clock()
    api.put(held_by("other", LONG_AGO))  # its clock is far behind ours
    candidate = elector(api, clock)
    for step in range(10):
        clock.now += 10
        api.put(held_by("other", LONG_AGO + datetime.timedelta(seconds=step)))
        assert not attempt(candidate)
    assert api.writes("Lease") == []


def test_a_lease_that_stops_changing_is_taken_after_its_duration_by_our_clock() -> None:
    api, clock = FakeApi(), Clock()
    api.put(held_by("other", datetime.datetime.now(datetime.UTC)))  # looks fresh
    candidate = elector(api, clock)
    assert not attempt(candidate)
    clock.now += 14
    assert not attempt(candidate)
    clock.now += 2
    assert attempt(candidate)
    spec = lease_spec(api)
    assert spec["holderIdentity"] == "me"
    assert spec["leaseTransitions"] == 4


def test_a_leader_whose_lease_was_taken_stands_by() -> None:
    api, clock, changes = FakeApi(), Clock(), []
    candidate = elector(api, clock, changes=changes)
    rounds(candidate)
    api.put(held_by("other", datetime.datetime.now(datetime.UTC)))  # e.g. after a long pause
    rounds(candidate)
    assert not candidate.is_leader
    assert changes == [True, False]


def test_a_released_lease_is_taken_over_at_once() -> None:
    api, clock = FakeApi(), Clock()
    first, second = elector(api, clock, "first"), elector(api, clock, "second")
    rounds(first)
    assert not attempt(second)
    asyncio.run(first.release())
    assert not first.is_leader
    assert lease_spec(api).get("holderIdentity") is None
    assert attempt(second)  # no wait for the lease duration
    spec = lease_spec(api)
    assert (spec["holderIdentity"], spec["leaseTransitions"]) == ("second", 1)


def test_of_two_candidates_one_leads() -> None:
    api, clock = FakeApi(), Clock()
    first, second = elector(api, clock, "first"), elector(api, clock, "second")

    async def both() -> list[bool]:
        return list(await asyncio.gather(first._attempt(), second._attempt()))

    assert sorted(asyncio.run(both())) == [False, True]


def test_losing_a_write_race_is_not_leading() -> None:
    api, clock = FakeApi(), Clock()
    candidate = elector(api, clock)
    api.fail(api_error(409, "AlreadyExists", "another replica created it"), verb="create")
    assert not attempt(candidate)
    api.heal()
    api.put(held_by("other", None))  # free: its holder never renewed
    api.fail(api_error(409, "Conflict", "the object has been modified"), verb="replace")
    assert not attempt(candidate)
    api.heal()
    assert attempt(candidate)


def test_a_stale_lease_cannot_be_written_over_a_newer_one() -> None:
    api = FakeApi()
    api.put(held_by("", None))
    read = asyncio.run(api.get(Lease, "lease", namespace="ns"))
    api.put(held_by("other", datetime.datetime.now(datetime.UTC)))  # written meanwhile
    assert read.spec is not None
    read.spec.holderIdentity = "me"
    with pytest.raises(ApiError) as refused:
        asyncio.run(api.replace(read))
    assert refused.value.status.code == 409
    assert lease_spec(api)["holderIdentity"] == "other"


def test_an_unreachable_api_server_keeps_the_leader_for_a_while_then_not() -> None:
    api, clock = FakeApi(), Clock()
    api.put(held_by("", LONG_AGO))
    candidate = elector(api, clock)
    rounds(candidate)
    assert candidate.is_leader
    api.down = True
    clock.now += 5
    rounds(candidate)
    assert candidate.is_leader  # within two thirds of the lease: still writing
    clock.now += 10
    rounds(candidate)
    assert not candidate.is_leader  # and run() never raised
    api.heal()
    rounds(candidate)
    assert candidate.is_leader  # its own Lease, unchanged since: renewed at once


def test_a_standby_never_leads_while_the_api_server_is_away() -> None:
    api, clock = FakeApi(), Clock()
    api.down = True
    candidate = elector(api, clock)
    rounds(candidate)
    assert not candidate.is_leader
    assert api.calls  # it kept trying, and every attempt failed
    assert not api.writes("Lease")
