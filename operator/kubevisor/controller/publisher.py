"""Publishes one Datafile plan to its outputs through the sinks, and removes them on delete.

Outputs of a Datafile: its ConfigMap (named like the Datafile unless `spec.configMap.name`
says otherwise), copies in `spec.configMap.namespaces`, and `spec.objectStore` when set.
Outputs a Kubernetes ownerReference cannot clean up (copies in other namespaces, object-store
paths) are guarded by a finalizer on the Datafile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.types import PatchType

from kubevisor.controller.metrics import Metrics
from kubevisor.controller.plan import DatafilePlan
from kubevisor.controller.resources import RESOURCES
from kubevisor.controller.status import DatafileOutcome, OutputResult
from kubevisor.sinks.configmap import configmap_targets, delete_configmap, publish_configmap
from kubevisor.sinks.credentials import read_credentials
from kubevisor.sinks.objectstore import (
    ObjectStoreConfigError,
    ObjectStoreLocation,
    delete_object,
    open_object_store,
    publish_object,
)
from kubevisor.sinks.payload import Payload
from kubevisor.sinks.results import Outcome, PublishResult

logger = logging.getLogger(__name__)
FINALIZER = "kubevisor.io/outputs"


def needs_finalizer(obj: Mapping[str, Any]) -> bool:
    spec = obj.get("spec") or {}
    return bool(spec.get("objectStore")) or bool((spec.get("configMap") or {}).get("namespaces"))


class Publisher:
    def __init__(self, client: AsyncClient, metrics: Metrics) -> None:
        self.client = client
        self.metrics = metrics
        self._failures: dict[str, int] = {}

    def forget(self) -> None:
        self._failures.clear()

    def backoff(self, namespace: str) -> float:
        """Seconds until the next retry of a namespace whose outputs failed: 1, 2, 4 … 60."""
        count = self._failures.get(namespace, 0)
        self._failures[namespace] = count + 1
        return float(min(60, 2**count))

    def reset_backoff(self, namespace: str) -> None:
        self._failures.pop(namespace, None)

    async def publish(self, obj: Mapping[str, Any], plan: DatafilePlan) -> DatafileOutcome:
        assert plan.content is not None
        payload = Payload.from_bytes(plan.content)
        outcome = DatafileOutcome(plan)
        if needs_finalizer(obj):
            await self._set_finalizer(obj, present=True)
        for target in configmap_targets(obj):
            result = await self._timed("configMap", publish_configmap(self.client, target, payload))
            outcome.outputs.append(OutputResult.of("configMap", result))
            if result.outcome is Outcome.FAILED and not result.retryable:
                outcome.too_large = result.message
        store = (obj.get("spec") or {}).get("objectStore")
        if store:
            location = await self._open_store(obj, store)
            if isinstance(location, ObjectStoreConfigError):
                result = location.as_result()
            else:
                result = await self._timed(
                    "objectStore",
                    publish_object(
                        location,
                        payload,
                        target=plan.resource.target,
                        environment=plan.resource.environment,
                    ),
                )
            outcome.outputs.append(OutputResult.of("objectStore", result))
        for output in outcome.outputs:
            self.metrics.publishes.labels(
                obj["metadata"]["namespace"],
                obj["metadata"]["name"],
                output.type,
                output.outcome,
            ).inc()
        return outcome

    async def remove(self, obj: Mapping[str, Any]) -> None:
        """Delete a Datafile's outputs, then let Kubernetes delete the Datafile."""
        spec = obj.get("spec") or {}
        results = [await delete_configmap(self.client, t) for t in configmap_targets(obj)]
        store = spec.get("objectStore")
        if store:
            location = await self._open_store(obj, store)
            if isinstance(location, ObjectStoreConfigError):
                # Not a reason to keep the Datafile forever (its Secret may be gone with its
                # namespace): the revision objects stay anyway; say what was left behind.
                logger.warning(
                    "%s: object store output left in place: %s",
                    obj["metadata"]["name"],
                    location.message,
                )
            else:
                results.append(
                    await delete_object(
                        location,
                        target=str(spec.get("target") or obj["metadata"]["name"]),
                        environment=spec.get("environment"),
                    )
                )
        if all(result.ok for result in results):
            await self._set_finalizer(obj, present=False)

    async def _timed(self, output: str, call: Any) -> PublishResult:
        started = time.perf_counter()
        result: PublishResult = await call
        self.metrics.publish_seconds.labels(output).observe(time.perf_counter() - started)
        return result

    async def _open_store(
        self, obj: Mapping[str, Any], store: Mapping[str, Any]
    ) -> ObjectStoreLocation | ObjectStoreConfigError:
        """The Datafile's object store, with the credentials of its Secret (a missing Secret
        or a forbidden read comes back as an error value that names it)."""
        url = str(store["url"])
        credentials: dict[str, str] = {}
        secret_name = (store.get("credentialsSecret") or {}).get("name")
        if secret_name:
            read = await read_credentials(
                self.client, obj["metadata"]["namespace"], secret_name, url=url
            )
            if isinstance(read, ObjectStoreConfigError):
                return read
            credentials = read
        return open_object_store(
            url, credentials, endpoint=store.get("endpoint"), region=store.get("region")
        )

    async def _set_finalizer(self, obj: Mapping[str, Any], *, present: bool) -> None:
        metadata = obj["metadata"]
        finalizers = list(metadata.get("finalizers") or [])
        if (FINALIZER in finalizers) == present:
            return
        finalizers = (
            [*finalizers, FINALIZER] if present else [f for f in finalizers if f != FINALIZER]
        )
        try:
            await self.client.patch(
                RESOURCES["Datafile"],
                metadata["name"],
                {"metadata": {"finalizers": finalizers}},
                namespace=metadata["namespace"],
                patch_type=PatchType.MERGE,
            )
        except ApiError as error:
            if error.status.code != 404:
                raise
