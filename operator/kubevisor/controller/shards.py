"""Shards: which namespaces this operator instance serves, when several split a cluster.

A cluster that one process cannot serve is split by NAMESPACE label, the way Flux shards its
controllers (`sharding.fluxcd.io/key` and `--watch-label-selector`): an instance started with
`--shard KEY` serves the namespaces labeled `kubevisor.io/shard=KEY`; the instance without a
key serves every namespace WITHOUT the label. So adding a shard never leaves a namespace
unserved or served twice.

The unit is the namespace, never the object: all Features, Segments, ... of a namespace compile
together into its Datafiles, and an instance holding half of them would publish partial
datafiles (a Datafile without its Features publishes an empty one).

`ShardFilter` sits between the watch handlers and the reconciler. It is pure (no I/O): the
operator feeds it Namespace events and, when a namespace joins, a listing of its objects
(`controller.shard_watch`). A namespace that joins is held back until that listing is in, so
a compile never sees half of it; one that leaves is released from the reconciler without
touching anything it published: its outputs and its `kubevisor-state` ConfigMap stay, and the
shard that takes it over continues its revisions from that state.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

SHARD_LABEL = "kubevisor.io/shard"
"""The Namespace label that names the shard serving the namespace."""

KEY_PATTERN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
MAX_KEY_LENGTH = 40
"""A key is part of the Lease name (`kubevisor-operator-KEY`) and of the chart's Deployment
name: a DNS label, short enough for both."""


def key_problem(key: str) -> str | None:
    """Why `key` cannot name a shard, or None when it can."""
    if len(key) > MAX_KEY_LENGTH or not KEY_PATTERN.fullmatch(key):
        return (
            f"shard key {key!r} is not a lowercase DNS label of at most {MAX_KEY_LENGTH} "
            "characters (letters, digits and '-', starting and ending with a letter or digit)"
        )
    return None


def lease_name(base: str, shard: str | None) -> str:
    """Every shard elects its own leader: the default instance keeps the `base` Lease (so an
    upgrade to a sharded install keeps its leader), a shard gets `base-KEY`."""
    return f"{base}-{shard}" if shard else base


def selector(shard: str | None) -> str:
    """The label selector of the namespaces a shard serves, as kubectl takes it."""
    return f"{SHARD_LABEL}={shard}" if shard else f"!{SHARD_LABEL}"


def belongs(labels: Mapping[str, str] | None, shard: str | None) -> bool:
    """Whether a namespace with these labels is served by `shard` (None: the default)."""
    labels = labels or {}
    if shard is None:
        return SHARD_LABEL not in labels
    return labels.get(SHARD_LABEL) == shard


class Inbox(Protocol):
    """What the filter hands on to (the reconciler)."""

    def remember(self, obj: dict[str, Any], fingerprint: str) -> None: ...

    def forget(self, uid: str, namespace: str) -> None: ...

    def release(self, namespace: str) -> None: ...


@dataclass(frozen=True)
class Listed:
    """One object of a namespace's listing: compacted, with its fingerprint."""

    obj: dict[str, Any]
    fingerprint: str


@dataclass(frozen=True)
class Held:
    """A watch event of a joining namespace, kept until its listing is in (obj None: deleted)."""

    uid: str
    obj: dict[str, Any] | None
    fingerprint: str = ""


class ShardFilter:
    """Passes the watch events of the namespaces this instance serves to the reconciler, holds
    those of joining namespaces, and drops the rest before they cost memory.

    Kopf runs the object handlers in threads and the Namespace handler on the loop: one lock
    makes each step atomic, so no event slips between a listing and the held events."""

    def __init__(self, inbox: Inbox, shard: str | None) -> None:
        self.inbox = inbox
        self.shard = shard
        self._lock = threading.Lock()
        self._served: set[str] = set()
        self._joining: dict[str, list[Held]] = {}
        self.seeded = False
        """Whether `seed` ran: until then no namespace counts as this shard's."""

    # ------------------------------------------------------------------ namespaces

    def seed(self, namespaces: Iterable[tuple[str, Mapping[str, str] | None]]) -> None:
        """The namespaces listed at start-up, before any watch: those of this shard are served
        at once (the initial watch listing fills the cache, no listing of their own needed)."""
        served = {name for name, labels in namespaces if belongs(labels, self.shard)}
        with self._lock:
            self._served = served
            self.seeded = True

    def observe(
        self, namespace: str, labels: Mapping[str, str] | None, *, deleted: bool = False
    ) -> bool:
        """A Namespace event. True when the namespace just joined this shard: the caller lists
        its objects and hands them to `joined`."""
        ours = not deleted and belongs(labels, self.shard)
        with self._lock:
            known = namespace in self._served or namespace in self._joining
            if ours and not known:
                self._joining[namespace] = []
                return True
            if not ours and known:
                self._joining.pop(namespace, None)
                if namespace in self._served:
                    self._served.discard(namespace)
                    self.inbox.release(namespace)
            return False

    def joined(self, namespace: str, listed: Iterable[Listed]) -> bool:
        """The listing of a joining namespace is in: its objects go to the reconciler at once
        (no compile in between), then the events held meanwhile, which are newer where they
        overlap. False when the namespace left again meanwhile (nothing is handed on)."""
        with self._lock:
            held = self._joining.pop(namespace, None)
            if held is None:
                return False
            deleted = {event.uid for event in held if event.obj is None}
            for item in listed:
                if str(item.obj["metadata"]["uid"]) not in deleted:
                    self.inbox.remember(item.obj, item.fingerprint)
            self._served.add(namespace)
            for event in held:
                self._pass(event, namespace)
            return True

    def serves(self, namespace: str) -> bool:
        """Whether the namespace is this instance's (and its objects are all in the cache)."""
        return namespace in self._served

    def joining(self, namespace: str) -> bool:
        return namespace in self._joining

    def accepts(self, namespace: str) -> bool:
        """Whether an event of this namespace is wanted at all (checked before compacting)."""
        return namespace in self._served or namespace in self._joining

    # ------------------------------------------------------------------ objects

    def remember(self, obj: dict[str, Any], fingerprint: str) -> None:
        metadata = obj["metadata"]
        self._route(Held(str(metadata["uid"]), obj, fingerprint), str(metadata["namespace"]))

    def forget(self, uid: str, namespace: str) -> None:
        self._route(Held(uid, None), namespace)

    def _route(self, event: Held, namespace: str) -> None:
        with self._lock:
            if namespace in self._served:
                self._pass(event, namespace)
            elif namespace in self._joining:
                self._joining[namespace].append(event)
            # else: another shard's namespace, dropped

    def _pass(self, event: Held, namespace: str) -> None:
        if event.obj is None:
            self.inbox.forget(event.uid, namespace)
        else:
            self.inbox.remember(event.obj, event.fingerprint)
