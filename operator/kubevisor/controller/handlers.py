"""Kopf wiring: one low-level event handler per kind, feeding the reconciler's watch cache.

No Kopf indexes: Kopf makes every object's first event wait until all objects are indexed, and
each object's readiness toggle wakes every waiting object, which is quadratic: with 10,000
Features an operator did not finish starting in minutes. The reconciler knows the cache is
complete by comparing it with a listing instead (`Reconciler.expect`). No high-level
create/update handlers either: those keep a copy of the whole spec in an annotation, capped at
256 KiB.
"""

from __future__ import annotations

import hashlib
import json
import sys
import weakref
from collections.abc import Mapping
from typing import Any

import kopf

from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.resources import GROUP, PLURALS, VERSION
from kubevisor.controller.shards import ShardFilter
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION
from kubevisor.sources.namespace_compile import UNREADABLE

INTERNED_LENGTH = 64
"""Strings up to this length are shared (names, types, condition texts, timestamps)."""

KEPT_METADATA = ("name", "namespace", "uid", "generation", "deletionTimestamp", "finalizers")

MAX_DEPTH = 200
"""Deepest spec (maps and lists within each other) the operator compiles. Real definitions
are a few dozen levels deep at most; the API server accepts up to 10,000, and walking such an
object recursively overflows Python's stack. A deeper object is cached without its spec and
holds its namespace back (`UNREADABLE`), never the operator."""


def depth(value: Any) -> int:
    """How deeply maps and lists nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
        else:
            continue
        deepest = max(deepest, level + 1)
    return deepest


def kept_metadata(body: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata the reconciler uses: all of it but the status can change only with these."""
    metadata = body.get("metadata") or {}
    kept: dict[str, Any] = {name: metadata[name] for name in KEPT_METADATA if name in metadata}
    hint = (metadata.get("annotations") or {}).get(KEY_ORDER_ANNOTATION)
    if hint is not None:
        kept["annotations"] = {KEY_ORDER_ANNOTATION: hint}
    if body.get("kind") == "Datafile" and metadata.get("labels"):
        kept["labels"] = dict(metadata["labels"])  # carried over to its ConfigMaps
    return kept


class SharedStatus(dict[str, Any]):
    """A cached status, shared by every object whose status reads the same. Never edited in
    place (the reconciler replaces an object's status, it does not change it)."""

    def __reduce__(self) -> tuple[Any, ...]:
        # A plain dict to the compile workers, which need not import this module (and Kopf).
        return (dict, (dict(self),))


_STATUSES: weakref.WeakValueDictionary[str, SharedStatus] = weakref.WeakValueDictionary()
"""Each status in the cache once, by its JSON text: after a status pass most of 10,000
Features carry the same conditions written in the same second, and their statuses were half
of the cache."""


def compact_status(body: Mapping[str, Any]) -> dict[str, Any]:
    status = body.get("status") or {}
    if depth(status) > MAX_DEPTH:  # ours, unless someone else wrote it: then it is not needed
        return {}
    text = json.dumps(status)
    shared = _STATUSES.get(text)
    if shared is None:
        shared = _STATUSES[text] = SharedStatus(_interned(json.loads(text)))
    return shared


def compact(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the reconciler needs of an object, as plain data (no Kopf views)."""
    kept = kept_metadata(body)
    status = compact_status(body)
    found = depth(body.get("spec"))
    if found > MAX_DEPTH:
        return {
            "apiVersion": body.get("apiVersion"),
            "kind": body.get("kind"),
            "metadata": kept,
            "spec": {},
            "status": status,
            UNREADABLE: f"its spec nests {found} levels deep, more than the {MAX_DEPTH} the "
            "operator compiles",
        }
    plain: dict[str, Any] = _interned(
        json.loads(
            json.dumps(
                {
                    "apiVersion": body.get("apiVersion"),
                    "kind": body.get("kind"),
                    "metadata": kept,
                    "spec": body.get("spec") or {},
                }
            )
        )
    )
    plain["status"] = status
    return plain


def only_status_changed(cached: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """Whether `body` differs from the cached object in its status at most. Every status write
    (ours above all: 10,000 of them in a first pass) comes back as a watch event; this tells
    them apart without copying and hashing the spec. The API server moves `generation` with
    every spec change, and the metadata we keep is compared as is."""
    same: bool = cached["metadata"] == kept_metadata(body)
    return same


def _interned(value: Any) -> Any:
    """`value` with its keys and short strings shared between objects: 10,000 cached objects
    repeat the same field names and condition texts, and sharing them halves the cache."""
    if isinstance(value, dict):
        return {sys.intern(key): _interned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_interned(item) for item in value]
    if isinstance(value, str) and len(value) <= INTERNED_LENGTH:
        return sys.intern(value)
    return value


def fingerprint(obj: Mapping[str, Any]) -> str:
    """Changes when anything but the status does."""
    inputs = {key: value for key, value in obj.items() if key != "status"}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def on_object_event(
    reconciler: Reconciler,
    *,
    event: str | None,
    uid: str,
    namespace: str,
    body: Mapping[str, Any],
    inbox: ShardFilter | None = None,
) -> None:
    """One watch event (`event` is None for a listed object) into the reconciler's cache,
    through `inbox` (the shard filter) when there is one."""
    target: Reconciler | ShardFilter = inbox if inbox is not None else reconciler
    if event == "DELETED":
        target.forget(uid, namespace)
        return
    cached = reconciler.cached(namespace, uid)
    if cached is not None and only_status_changed(cached, body):
        reconciler.restatus(cached, compact_status(body))
        return
    obj = compact(body)
    target.remember(obj, fingerprint(obj))


def register(
    registry: kopf.OperatorRegistry, reconciler: Reconciler, shards: ShardFilter | None = None
) -> None:
    for kind, plural in PLURALS.items():
        # A coroutine, so it runs on the event loop, like the reconciler it feeds: Kopf runs
        # plain functions in a thread pool, which at 10,000 events cost a thread hop each,
        # spread the allocations over glibc's per-thread arenas, and touched the reconciler
        # (not thread-safe, an asyncio.Event among it) from other threads.
        async def on_event(**kwargs: Any) -> None:
            namespace = kwargs["namespace"]
            if shards is not None and not shards.accepts(namespace):
                return  # another shard's namespace: dropped before it is even compacted
            on_object_event(
                reconciler,
                event=kwargs["event"].get("type"),
                uid=kwargs["uid"],
                namespace=namespace,
                body=kwargs["body"],
                inbox=shards,
            )

        kopf.on.event(GROUP, VERSION, plural, id=f"{kind.lower()}-events", registry=registry)(
            on_event
        )
