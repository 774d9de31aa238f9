"""Writes statuses and Kubernetes Events, skipping writes that would change nothing."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.models.core_v1 import EventSource, ObjectReference
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import Event
from lightkube.types import PatchType

from kubevisor.controller.resources import RESOURCES
from kubevisor.controller.status import DatafileOutcome

logger = logging.getLogger(__name__)
COMPONENT = "kubevisor"


class StatusWriter:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self._announced: dict[str, str] = {}
        """uid -> the last event reason+message posted, so a state is announced once."""

    async def write(
        self, obj: Mapping[str, Any], status: dict[str, Any], outcome: DatafileOutcome | None
    ) -> bool:
        """Make `status` the object's status, and post an Event when it says something new.
        Whether a patch was sent (False when the status was already `status`)."""
        metadata = obj["metadata"]
        previous = obj.get("status") or {}
        patched = _without_times(previous) != _without_times(status)
        if patched:
            resource = RESOURCES[obj["kind"]]
            try:
                await self.client.patch(
                    resource.Status,
                    metadata["name"],
                    {"status": status_patch(previous, status)},
                    namespace=metadata["namespace"],
                    patch_type=PatchType.MERGE,
                )
            except ApiError as error:
                if error.status.code != 404:  # deleted meanwhile: nothing to report on
                    raise
                return False
        await self._announce(obj, status, outcome)
        return patched

    async def _announce(
        self, obj: Mapping[str, Any], status: Mapping[str, Any], outcome: DatafileOutcome | None
    ) -> None:
        ready = next((c for c in status.get("conditions", []) if c.get("type") == "Ready"), None)
        if ready is None:
            return
        if ready["status"] == "True":
            if outcome is None or not any(result.wrote for result in outcome.outputs):
                self._announced[obj["metadata"]["uid"]] = "Ready"
                return
            reason, kind = "Published", "Normal"
            message = f"revision {status.get('revision')} published: " + ", ".join(
                f"{result.type} {result.target}" for result in outcome.outputs if result.wrote
            )
        else:
            reason, kind = str(ready.get("reason") or "NotReady"), "Warning"
            message = str(ready.get("message") or "")
        key = f"{reason}:{message}"
        uid = obj["metadata"]["uid"]
        if self._announced.get(uid) == key:
            return
        self._announced[uid] = key
        await self.event(obj, reason, message, kind)

    async def event(self, obj: Mapping[str, Any], reason: str, message: str, kind: str) -> None:
        metadata = obj["metadata"]
        now = datetime.datetime.now(datetime.UTC)
        event = Event(
            metadata=ObjectMeta(
                generateName=f"{metadata['name']}.", namespace=metadata["namespace"]
            ),
            involvedObject=ObjectReference(
                apiVersion=obj["apiVersion"],
                kind=obj["kind"],
                name=metadata["name"],
                namespace=metadata["namespace"],
                uid=metadata["uid"],
            ),
            reason=reason,
            message=message[:1024],
            type=kind,
            source=EventSource(component=COMPONENT),
            firstTimestamp=now,
            lastTimestamp=now,
            count=1,
        )
        try:
            await self.client.create(event)
        except ApiError as error:  # events are best effort, never a reason to fail
            logger.warning("could not post event on %s: %s", metadata["name"], error)


def status_patch(previous: Mapping[str, Any], status: Mapping[str, Any]) -> dict[str, Any]:
    """A merge patch that makes the stored status exactly `status`: keys it no longer has are
    set to null (removed); lists (conditions, outputs) are replaced whole by a merge patch."""
    patch: dict[str, Any] = {key: None for key in previous if key not in status}
    patch.update(status)
    return patch


def _without_times(status: Mapping[str, Any]) -> dict[str, Any]:
    """Status minus timestamps, which `render_conditions` keeps stable anyway."""
    return {
        key: (
            [{k: v for k, v in c.items() if k != "lastTransitionTime"} for c in value]
            if key == "conditions"
            else value
        )
        for key, value in status.items()
    }
