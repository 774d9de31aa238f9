"""Saved state in the cluster: one ConfigMap per namespace, owned by the operator.

It holds upstream's existing traffic state per environment (so raising a percentage never moves
users who were already in) and each Datafile's revision record (so a restart or another replica
serves the same bytes). State is gzipped into `binaryData`: 10,000 features of state are a few
MiB of JSON but a few hundred KiB compressed, well under the ConfigMap limit.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import ConfigMap

from kubevisor.sources.compile_plan import SavedState

STATE_CONFIGMAP = "kubevisor-state"
FIELD_MANAGER = "kubevisor-state"
"""Not the outputs' manager: no Datafile output can ever write fields of the state."""
DATAFILES_KEY = "datafiles.json"


def _environment_key(environment: str) -> str:
    return f"existing-state-{environment}.json.gz" if environment else "existing-state.json.gz"


def _gzip(data: bytes) -> str:
    return base64.b64encode(gzip.compress(data, mtime=0)).decode()


def encode_state(state: SavedState) -> tuple[dict[str, str], dict[str, str]]:
    """(data, binaryData) of the state ConfigMap; deterministic, so unchanged state is no write."""
    data = {DATAFILES_KEY: state.records_json()}
    binary = {
        _environment_key(env): _gzip(json.dumps(value, separators=(",", ":")).encode())
        for env, value in sorted(state.environments.items())
    }
    return data, binary


def decode_state(data: dict[str, str] | None, binary: dict[str, str] | None) -> SavedState:
    state = SavedState()
    state.datafiles = SavedState.records_from_json((data or {}).get(DATAFILES_KEY, "{}"))
    for key, value in (binary or {}).items():
        if not key.startswith("existing-state") or not key.endswith(".json.gz"):
            continue
        environment = key.removeprefix("existing-state").removesuffix(".json.gz").lstrip("-")
        state.environments[environment] = json.loads(gzip.decompress(base64.b64decode(value)))
    return state


class StateStore:
    """Reads and writes the namespaces' state ConfigMaps, writing only what changed."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.written: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    async def load(self, namespace: str) -> SavedState | None:
        """The namespace's state, or None when it has no state ConfigMap (a new namespace, or
        one whose state was deleted: `controller.recovery` tells them apart)."""
        try:
            configmap = await self.client.get(ConfigMap, STATE_CONFIGMAP, namespace=namespace)
        except ApiError as error:
            if error.status.code == 404:
                self.written.pop(namespace, None)
                return None
            raise
        encoded = (dict(configmap.data or {}), dict(configmap.binaryData or {}))
        self.written[namespace] = encoded
        return decode_state(*encoded)

    async def save(self, namespace: str, state: SavedState) -> bool:
        """Write the state if it differs from what is stored; True when it wrote."""
        encoded = encode_state(state)
        if self.written.get(namespace) == encoded:
            return False
        body: Any = ConfigMap(
            metadata=ObjectMeta(
                name=STATE_CONFIGMAP,
                namespace=namespace,
                labels={"app.kubernetes.io/managed-by": "kubevisor"},
                annotations={
                    "kubevisor.io/description": "Traffic state and revisions of this "
                    "namespace's datafiles. Written by the operator; do not edit."
                },
            ),
            data=encoded[0],
            binaryData=encoded[1],
        )
        await self.client.apply(body, field_manager=FIELD_MANAGER, force=True)
        self.written[namespace] = encoded
        return True

    def forget(self) -> None:
        """Drop what we believe is stored (after losing and regaining leadership)."""
        self.written.clear()
