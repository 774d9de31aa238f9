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
from collections.abc import Mapping
from typing import Any

import kopf

from kubevisor.controller.plan import UNREADABLE
from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.resources import GROUP, PLURALS, VERSION
from kubevisor.controller.shards import ShardFilter
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION

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


def compact(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the reconciler needs of an object, as plain data (no Kopf views)."""
    metadata = body.get("metadata") or {}
    kept: dict[str, Any] = {name: metadata[name] for name in KEPT_METADATA if name in metadata}
    hint = (metadata.get("annotations") or {}).get(KEY_ORDER_ANNOTATION)
    if hint is not None:
        kept["annotations"] = {KEY_ORDER_ANNOTATION: hint}
    if body.get("kind") == "Datafile" and metadata.get("labels"):
        kept["labels"] = dict(metadata["labels"])  # carried over to its ConfigMaps
    status = body.get("status") or {}
    if depth(status) > MAX_DEPTH:  # ours, unless someone else wrote it: then it is not needed
        status = {}
    found = depth(body.get("spec"))
    if found > MAX_DEPTH:
        return {
            "apiVersion": body.get("apiVersion"),
            "kind": body.get("kind"),
            "metadata": kept,
            "spec": {},
            "status": _interned(json.loads(json.dumps(status))),
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
                    "status": status,
                }
            )
        )
    )
    return plain


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


def register(
    registry: kopf.OperatorRegistry, reconciler: Reconciler, shards: ShardFilter | None = None
) -> None:
    inbox = reconciler if shards is None else shards
    for kind, plural in PLURALS.items():

        def on_event(**kwargs: Any) -> None:
            if shards is not None and not shards.accepts(kwargs["namespace"]):
                return  # another shard's namespace: dropped before it is even compacted
            if kwargs["event"].get("type") == "DELETED":
                inbox.forget(kwargs["uid"], kwargs["namespace"])
                return
            obj = compact(kwargs["body"])
            inbox.remember(obj, fingerprint(obj))

        kopf.on.event(GROUP, VERSION, plural, id=f"{kind.lower()}-events", registry=registry)(
            on_event
        )
