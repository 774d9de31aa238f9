"""Datafiles say Reconciling as soon as one of their inputs changes, not after the compile.

A GitOps tool health-checks the objects it applied right after applying them. A Datafile's
`metadata.generation` does not move when a Feature or Segment of its namespace changes, so
until the operator's debounced compile has written a new status, the Datafile still shows the
verdict on the previous inputs. After a fixing commit that verdict is Stalled: Flux (kstatus,
fail-fast) judges the Datafile Failed within milliseconds and waits a whole `retryInterval`
before it looks again. So the leader marks the Datafiles of a namespace Reconciling=True
(kstatus InProgress, Argo CD Progressing) the moment a watch event changes an input there, and
the normal status write after compile and publish replaces the mark.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from lightkube.types import PatchType

from kubevisor.controller.conditions import reconciling, render_conditions
from kubevisor.controller.resources import RESOURCES
from kubevisor.controller.writer import StatusWriter

logger = logging.getLogger(__name__)

REASON = "InputsChanged"
KSTATUS_TYPES = ("Ready", "Reconciling", "Stalled")
"""The conditions the mark sets; domain conditions (Valid, ...) keep their last verdict."""


def describe_change(obj: Mapping[str, Any], *, deleted: bool = False) -> str:
    """`Feature checkout changed`, the way the mark's message names the first change."""
    what = "was deleted" if deleted else "changed"
    return f"{obj.get('kind')} {obj['metadata']['name']} {what}"


def reconciling_status(
    previous: Mapping[str, Any], *, change: str, generation: int, now: str
) -> dict[str, Any] | None:
    """The status of a Datafile whose inputs changed, or None if it already says so.

    Ready=False, Reconciling=True and Stalled=False, each with the current `observedGeneration`,
    and `status.observedGeneration` = `metadata.generation`: kstatus then decides on the
    conditions (Reconciling=True -> InProgress), and so do Flux's healthCheckExprs (not Stalled,
    not Ready -> InProgress) and the Argo CD Lua (Progressing). What the Datafile serves
    (revision, digest, outputs) stays as it is: it still serves it.
    """
    conditions = [c for c in previous.get("conditions") or [] if isinstance(c, Mapping)]
    current = {str(c.get("type")): c for c in conditions}
    marked = current.get("Reconciling")
    if (
        marked is not None
        and marked.get("status") == "True"
        and marked.get("reason") == REASON
        and previous.get("observedGeneration") == generation
    ):
        return None  # marked since the last compile: one write per burst, not one per object
    serving = previous.get("revision")
    message = f"{change}; compiling" + (
        f" (still serving revision {serving})" if serving else " (nothing published yet)"
    )
    kstatus = render_conditions(
        reconciling(REASON, message), conditions, generation=generation, now=now
    )
    others = [dict(c) for c in conditions if c.get("type") not in KSTATUS_TYPES]
    return {**previous, "observedGeneration": generation, "conditions": kstatus + others}


class InputChanges:
    """The namespaces whose inputs changed since the last `mark`, with the first change each.

    The reconciler notes a change on every watch event that changes an input (not a status),
    and calls `mark` at the top of its loop, before any compile: mark and the compile's status
    write never race, because the same loop makes both.
    """

    def __init__(self, writer: StatusWriter) -> None:
        self.writer = writer
        self._pending: dict[str, str] = {}

    def note(self, namespace: str, change: str) -> None:
        self._pending.setdefault(namespace, change)

    async def mark(
        self, cache: Mapping[str, Mapping[str, dict[str, Any]]], *, leading: bool, now: str
    ) -> None:
        """Mark the live Datafiles of every noted namespace Reconciling (only the leader
        writes). Best effort: a failed write only delays what the compile writes anyway."""
        pending, self._pending = self._pending, {}
        if not leading:
            return
        for namespace, change in sorted(pending.items()):
            for obj in list(cache.get(namespace, {}).values()):
                if obj["kind"] == "Datafile" and not obj["metadata"].get("deletionTimestamp"):
                    await self._mark_one(obj, change, now)

    async def _mark_one(self, obj: dict[str, Any], change: str, now: str) -> None:
        metadata = obj["metadata"]
        generation = int(metadata.get("generation") or 0)
        status = reconciling_status(
            obj.get("status") or {}, change=change, generation=generation, now=now
        )
        if status is None:
            return
        try:
            await self.writer.client.patch(
                RESOURCES["Datafile"].Status,
                metadata["name"],
                {"status": status},
                namespace=metadata["namespace"],
                patch_type=PatchType.MERGE,
            )
        except Exception as error:  # never stop the loop for a hint
            logger.info("could not mark Datafile %s Reconciling: %s", metadata["name"], error)
            return
        # The compile's status write compares with the cached status: keep it what we wrote,
        # or a compile that lands before our own watch event would see nothing to change and
        # leave the mark standing.
        obj["status"] = status
