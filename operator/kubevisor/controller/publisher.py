"""Publishes one Datafile plan to its outputs through the sinks, and removes them on delete.

Outputs of a Datafile (`DatafileOutputs`, parsed once by `sources.manifests`): its ConfigMap
(named like the Datafile unless `spec.configMap.name` says otherwise), copies in
`spec.configMap.namespaces` where the receiving namespace consents (`sinks.policy`), and
`spec.objectStore` when set and allowed. Outputs a Kubernetes ownerReference cannot clean up
(copies in other namespaces, object-store paths) are guarded by a finalizer on the Datafile.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from typing import Any

from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.types import PatchType

from kubevisor.controller.grants import GrantsUnreadable, list_grants
from kubevisor.controller.metrics import Metrics
from kubevisor.controller.resources import RESOURCES
from kubevisor.controller.status import DatafileOutcome, OutputResult
from kubevisor.core.outputs import DatafileOutputs, ObjectStoreOutput
from kubevisor.sinks.configmap import (
    ConfigMapTarget,
    configmap_targets,
    delete_configmap,
    publish_configmap,
    refused,
)
from kubevisor.sinks.credentials import read_credentials
from kubevisor.sinks.objectstore import (
    ObjectStoreConfigError,
    ObjectStoreLocation,
    delete_object,
    location_environ,
    open_object_store,
    publish_object,
)
from kubevisor.sinks.payload import Payload
from kubevisor.sinks.policy import (
    SecurityPolicy,
    copy_refusal,
    credentials_refusal,
    object_store_refusal,
)
from kubevisor.sinks.results import Outcome, PublishResult
from kubevisor.sources.compile_plan import DatafilePlan
from kubevisor.sources.manifests import read_datafile

logger = logging.getLogger(__name__)
FINALIZER = "kubevisor.io/outputs"


class Publisher:
    def __init__(
        self, client: AsyncClient, metrics: Metrics, policy: SecurityPolicy | None = None
    ) -> None:
        self.client = client
        self.metrics = metrics
        self.policy = policy or SecurityPolicy()
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
        outputs = plan.resource.outputs
        outcome = DatafileOutcome(plan)
        if outputs.reaches_outside:
            await self._set_finalizer(obj, present=True)
        for target in configmap_targets(outputs):
            result = await self._publish_configmap(outputs, target, payload)
            outcome.outputs.append(OutputResult.of("configMap", result))
            if result.outcome is Outcome.FAILED and not result.retryable and not result.reason:
                outcome.too_large = result.message
        store = outputs.object_store
        if store is not None:
            location = await self._open_store(outputs, store)
            if isinstance(location, PublishResult):
                result = location
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
                outputs.namespace, outputs.name, output.type, output.outcome
            ).inc()
        return outcome

    async def _publish_configmap(
        self, outputs: DatafileOutputs, target: ConfigMapTarget, payload: Payload
    ) -> PublishResult:
        """One ConfigMap output; a copy only where the receiving namespace consents. A copy
        whose consent was withdrawn is deleted (if it is ours) and reported as refused."""
        if target.namespace != outputs.namespace:
            try:
                grants = await list_grants(self.client, target.namespace)
            except GrantsUnreadable as error:
                return PublishResult(target.display, Outcome.FAILED, str(error))
            refusal = copy_refusal(
                outputs.namespace, outputs.name, target.namespace, self.policy, grants
            )
            if refusal is not None:
                removed = await delete_configmap(self.client, target)
                if removed.outcome is Outcome.DELETED:
                    logger.info("%s: consent withdrawn, copy deleted", target.display)
                return refused(target.display, refusal)
        return await self._timed("configMap", publish_configmap(self.client, target, payload))

    async def remove(self, obj: Mapping[str, Any]) -> None:
        """Delete a Datafile's outputs (only those that are its own), then let Kubernetes
        delete the Datafile."""
        resource = read_datafile(obj)
        if resource is None:
            # Unreadable spec: nothing was ever published for it, so nothing to clean up.
            await self._set_finalizer(obj, present=False)
            return
        outputs = resource.outputs
        results = [await delete_configmap(self.client, t) for t in configmap_targets(outputs)]
        store = outputs.object_store
        if store is not None:
            location = await self._open_store(outputs, store)
            if isinstance(location, PublishResult):
                # Not a reason to keep the Datafile forever (its Secret may be gone with its
                # namespace, or the store is not allowed): say what was left behind.
                logger.warning(
                    "%s/%s: object store output left in place: %s",
                    outputs.namespace,
                    outputs.name,
                    location.message,
                )
            else:
                results.append(
                    await delete_object(
                        location, target=resource.target, environment=resource.environment
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
        self, outputs: DatafileOutputs, store: ObjectStoreOutput
    ) -> ObjectStoreLocation | PublishResult:
        """The Datafile's object store, if the policy allows it: credentials from its Secret
        only, or the operator's identity under a prefix an admin allowed for its namespace.
        Anything else comes back as a FAILED result that says why."""
        refusal = object_store_refusal(outputs.namespace, store, self.policy)
        if refusal is not None:
            return refused(store.url, refusal)
        if store.credentials_secret is None:
            # The operator's own identity (environment, IRSA, workload identity): allowed here.
            opened = open_object_store(store.url, {}, endpoint=store.endpoint, region=store.region)
        else:
            read = await read_credentials(
                self.client, outputs.namespace, store.credentials_secret, url=store.url
            )
            if isinstance(read, ObjectStoreConfigError):
                return read.as_result()
            secret = f"{outputs.namespace}/{store.credentials_secret}"
            refusal = credentials_refusal(secret, store, read, self.policy)
            if refusal is not None:
                return refused(store.url, refusal)
            # No fallback to the operator's credentials for keys the Secret lacks.
            opened = open_object_store(
                store.url,
                read,
                endpoint=store.endpoint,
                region=store.region,
                environ=location_environ(os.environ),
            )
        return opened.as_result() if isinstance(opened, ObjectStoreConfigError) else opened

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
