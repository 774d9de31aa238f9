"""Kopf wiring: one index and one low-level event handler per kind, nothing stateful.

Indexes are the watch caches the reconciler compiles from; Kopf fills them with the initial
listing before it calls any handler. Event handlers only tell the reconciler what changed. No
high-level create/update handlers: those keep a copy of the whole spec in an annotation,
capped at 256 KiB.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import kopf

from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.resources import GROUP, PLURALS, VERSION
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION

KEPT_METADATA = ("name", "namespace", "uid", "generation", "deletionTimestamp", "finalizers")


def compact(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the reconciler needs of an object, as plain data (no Kopf views)."""
    metadata = body.get("metadata") or {}
    kept: dict[str, Any] = {name: metadata[name] for name in KEPT_METADATA if name in metadata}
    hint = (metadata.get("annotations") or {}).get(KEY_ORDER_ANNOTATION)
    if hint is not None:
        kept["annotations"] = {KEY_ORDER_ANNOTATION: hint}
    plain: dict[str, Any] = json.loads(
        json.dumps(
            {
                "apiVersion": body.get("apiVersion"),
                "kind": body.get("kind"),
                "metadata": kept,
                "spec": body.get("spec") or {},
                "status": body.get("status") or {},
            }
        )
    )
    return plain


def fingerprint(obj: Mapping[str, Any]) -> str:
    """Changes when anything but the status does."""
    inputs = {key: value for key, value in obj.items() if key != "status"}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def register(registry: kopf.OperatorRegistry, reconciler: Reconciler) -> None:
    for kind, plural in PLURALS.items():
        index_id = f"{plural}_index"

        def index(**kwargs: Any) -> dict[str, Any]:
            return {kwargs["namespace"]: compact(kwargs["body"])}

        def on_event(**kwargs: Any) -> None:
            reconciler.attach({k: kwargs[f"{p}_index"] for k, p in PLURALS.items()})
            deleted = kwargs["event"].get("type") == "DELETED"
            body = None if deleted else fingerprint(compact(kwargs["body"]))
            reconciler.observe(kwargs["uid"], kwargs["namespace"], body)

        kopf.index(GROUP, VERSION, plural, id=index_id, registry=registry)(index)
        kopf.on.event(GROUP, VERSION, plural, id=f"{kind.lower()}-events", registry=registry)(
            on_event
        )
