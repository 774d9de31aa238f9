"""Which namespaces a shard serves, and how a namespace moves between shards without a compile
of half of it and without losing what it published."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import kopf
import pytest
from kubevisor.controller import handlers
from kubevisor.controller.handlers import compact, fingerprint
from kubevisor.controller.metrics import Metrics
from kubevisor.controller.publisher import Publisher
from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.settings import OperatorSettings, SettingsError, shard_problem
from kubevisor.controller.shards import (
    SHARD_LABEL,
    Listed,
    ShardFilter,
    belongs,
    key_problem,
    lease_name,
    selector,
)


class Inbox:
    """Records what the filter hands on, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def remember(self, obj: dict[str, Any], fingerprint: str) -> None:
        metadata = obj["metadata"]
        self.calls.append(("remember", metadata["namespace"], metadata["uid"], fingerprint))

    def forget(self, uid: str, namespace: str) -> None:
        self.calls.append(("forget", namespace, uid))

    def release(self, namespace: str) -> None:
        self.calls.append(("release", namespace))


def obj(namespace: str, uid: str) -> dict[str, Any]:
    return {"kind": "Feature", "metadata": {"name": uid, "namespace": namespace, "uid": uid}}


def labeled(shard: str) -> dict[str, str]:
    return {SHARD_LABEL: shard, "team": "shop"}


@pytest.mark.parametrize(
    ("labels", "shard", "expected"),
    [
        (None, None, True),
        ({"team": "shop"}, None, True),
        (labeled("a"), None, False),
        ({SHARD_LABEL: ""}, None, False),  # labeled at all: not the default's
        (labeled("a"), "a", True),
        (labeled("b"), "a", False),
        ({"team": "shop"}, "a", False),
    ],
)
def test_every_namespace_belongs_to_exactly_the_shard_its_label_names(
    labels: dict[str, str] | None, shard: str | None, expected: bool
) -> None:
    assert belongs(labels, shard) is expected


def test_each_shard_has_its_own_lease_and_the_default_keeps_the_unsharded_name() -> None:
    assert lease_name("kubevisor-operator", None) == "kubevisor-operator"
    assert lease_name("kubevisor-operator", "a") == "kubevisor-operator-a"
    assert selector(None) == f"!{SHARD_LABEL}"
    assert selector("a") == f"{SHARD_LABEL}=a"


@pytest.mark.parametrize("key", ["A", "a_b", "-a", "a-", "a.b", "x" * 41, ""])
def test_keys_that_cannot_name_a_lease_are_refused(key: str) -> None:
    problem = key_problem(key)
    assert problem is not None
    assert repr(key) in problem


@pytest.mark.parametrize("key", ["a", "shard-1", "0", "x" * 40])
def test_dns_label_keys_are_accepted(key: str) -> None:
    assert key_problem(key) is None


def test_a_bad_shard_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBEVISOR_SHARD", "Shard_A")
    with pytest.raises(SettingsError, match=r"^KUBEVISOR_SHARD='Shard_A': shard key"):
        OperatorSettings()
    monkeypatch.setenv("KUBEVISOR_SHARD", " a ")
    assert OperatorSettings().shard == "a"
    monkeypatch.delenv("KUBEVISOR_SHARD")
    assert OperatorSettings().shard is None


def test_a_shard_with_named_namespaces_is_refused() -> None:
    problem = shard_problem("a", ["shop"])
    assert problem is not None and "namespaced mode" in problem
    assert shard_problem(None, ["shop"]) is None
    assert shard_problem("a", []) is None
    assert shard_problem("Bad", []) is not None


def test_events_of_other_shards_namespaces_are_dropped() -> None:
    inbox = Inbox()
    shards = ShardFilter(inbox, "a")
    assert not shards.seeded
    shards.seed([("mine", labeled("a")), ("theirs", labeled("b")), ("plain", None)])

    for namespace in ("mine", "theirs", "plain", "unknown"):
        shards.remember(obj(namespace, f"{namespace}-1"), "f1")
        shards.forget(f"{namespace}-2", namespace)

    assert inbox.calls == [("remember", "mine", "mine-1", "f1"), ("forget", "mine", "mine-2")]
    assert shards.seeded
    assert [shards.accepts(ns) for ns in ("mine", "theirs", "plain")] == [True, False, False]


def test_the_default_shard_serves_the_unlabeled_namespaces() -> None:
    shards = ShardFilter(Inbox(), None)
    shards.seed([("mine", None), ("theirs", labeled("a")), ("team", {"team": "x"})])

    assert {ns for ns in ("mine", "theirs", "team") if shards.serves(ns)} == {"mine", "team"}


def test_a_joining_namespace_is_held_until_its_listing_is_in() -> None:
    inbox = Inbox()
    shards = ShardFilter(inbox, "a")
    shards.seed([])

    assert shards.observe("shop", labeled("a")) is True  # the caller lists it
    assert shards.joining("shop") and not shards.serves("shop")
    shards.remember(obj("shop", "edited"), "new")  # events meanwhile are held, not compiled
    shards.forget("deleted", "shop")
    assert inbox.calls == []

    listed = [Listed(obj("shop", uid), "old") for uid in ("edited", "deleted", "kept")]
    assert shards.joined("shop", listed) is True

    # The listing first (without the object deleted meanwhile), then the held events in order,
    # which are newer where they overlap.
    assert inbox.calls == [
        ("remember", "shop", "edited", "old"),
        ("remember", "shop", "kept", "old"),
        ("remember", "shop", "edited", "new"),
        ("forget", "shop", "deleted"),
    ]
    assert shards.serves("shop") and not shards.joining("shop")


def test_a_namespace_labeled_away_is_released_and_its_events_dropped() -> None:
    inbox = Inbox()
    shards = ShardFilter(inbox, "a")
    shards.seed([("shop", labeled("a"))])

    assert shards.observe("shop", labeled("a")) is False  # no change: no listing
    assert shards.observe("shop", labeled("b")) is False
    shards.remember(obj("shop", "1"), "f")

    assert inbox.calls == [("release", "shop")]
    assert not shards.serves("shop")


def test_the_default_shard_takes_a_namespace_whose_label_is_removed() -> None:
    inbox = Inbox()
    shards = ShardFilter(inbox, None)
    shards.seed([("shop", labeled("a"))])

    assert shards.observe("shop", {"team": "shop"}) is True
    assert shards.joined("shop", [Listed(obj("shop", "1"), "f")]) is True
    assert inbox.calls == [("remember", "shop", "1", "f")]


def test_a_namespace_that_leaves_while_joining_is_never_handed_on() -> None:
    inbox = Inbox()
    shards = ShardFilter(inbox, "a")
    shards.seed([])
    shards.observe("shop", labeled("a"))
    shards.remember(obj("shop", "1"), "f")

    shards.observe("shop", labeled("b"))

    assert shards.joined("shop", [Listed(obj("shop", "2"), "f")]) is False
    assert inbox.calls == []  # nothing was served, so nothing to release either
    assert not shards.accepts("shop")


def test_a_deleted_namespace_is_released() -> None:
    inbox = Inbox()
    shards = ShardFilter(inbox, None)
    shards.seed([("shop", None)])

    assert shards.observe("shop", None, deleted=True) is False

    assert inbox.calls == [("release", "shop")]
    assert not shards.accepts("shop")


def make_reconciler() -> Reconciler:
    metrics = Metrics()
    none = cast(Any, None)  # a compile or a write would fail on these: none may happen
    return Reconciler(
        settings=OperatorSettings(debounce_seconds=0.0, max_delay_seconds=0.0),
        metrics=metrics,
        state_store=none,
        publisher=Publisher(none, metrics),
        writer=none,
        compiler=none,
    )


def test_the_reconciler_lets_a_released_namespace_go_without_compiling_it() -> None:
    reconciler = make_reconciler()
    shards = ShardFilter(reconciler, "a")
    reconciler.serves = shards.serves
    shards.seed([("shop", labeled("a")), ("other", labeled("a"))])
    for namespace in ("shop", "other"):
        listed = compact(
            {
                "kind": "Datafile",
                "metadata": {"name": "web", "namespace": namespace, "uid": namespace},
            }
        )
        shards.remember(listed, fingerprint(listed))
    reconciler.expect(["shop", "other"])
    reconciler.metrics.published("shop", "web")

    shards.observe("shop", labeled("b"))

    assert reconciler.namespaces() == {"other"}
    assert ("shop", "web") not in reconciler.metrics.last_success
    # Its compile was already scheduled: it returns before compiling (the compiler is None).
    asyncio.run(reconciler.reconcile("shop"))


class EmptyCache:
    def cached(self, namespace: str, uid: str) -> None:
        return None


def test_the_watch_handlers_drop_other_shards_objects_before_compacting_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compacted: list[str] = []

    def counting_compact(body: dict[str, Any]) -> dict[str, Any]:
        compacted.append(body["metadata"]["namespace"])
        return compact(body)

    monkeypatch.setattr(handlers, "compact", counting_compact)
    inbox = Inbox()
    shards = ShardFilter(inbox, "a")
    shards.seed([("mine", labeled("a")), ("theirs", None)])
    registry = kopf.OperatorRegistry()
    # All goes through the filter; the reconciler is asked only whether it caches the object.
    handlers.register(registry, cast(Reconciler, EmptyCache()), shards)
    handler = next(iter(registry._watching.get_all_handlers()))

    for namespace in ("mine", "theirs"):
        body = obj(namespace, f"{namespace}-1")
        for event in ("ADDED", "DELETED"):
            asyncio.run(
                handler.fn(
                    event={"type": event}, body=body, uid=f"{namespace}-1", namespace=namespace
                )
            )

    assert compacted == ["mine"]
    assert [call[:3] for call in inbox.calls] == [
        ("remember", "mine", "mine-1"),
        ("forget", "mine", "mine-1"),
    ]
