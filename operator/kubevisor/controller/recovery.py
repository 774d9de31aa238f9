"""Rebuilding a namespace's saved state from what it publishes, when `kubevisor-state` is gone.

Starting from empty state would re-bucket users and restart revisions at 1. Each Datafile's
ConfigMap holds the datafile last published, which carries its revision and every feature's
allocation ranges: enough to rebuild the state without moving anyone. A Datafile whose status
says it published a revision, yet whose ConfigMap is gone too, cannot be recovered: its
namespace stalls (`StateLost`) rather than publish revision 1 with new allocations.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kubevisor_client.format import (
    GZIP_SUFFIX,
    InvalidDatafile,
    decompress_if_gzip,
    parse_datafile,
)
from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.resources.core_v1 import ConfigMap

from kubevisor.core.build.recovery import state_from_datafile
from kubevisor.core.jsjson import dumps, loads
from kubevisor.sinks.configmap import ANNOTATION_DIGEST, configmap_targets
from kubevisor.sources.compile_plan import DatafileRecord, SavedState
from kubevisor.sources.manifests import read_datafile


class StateLost(Exception):
    """The saved state is gone and cannot be rebuilt from the outputs: the reason."""


def record_of(raw: bytes, revision: int) -> DatafileRecord:
    """The revision record of published bytes. The content digest is only known when the bytes
    are exactly what the builder writes (re-serialising gives them back); otherwise it stays
    empty, so the next build counts as a change and takes the next revision."""
    datafile = loads(raw.decode())
    content_digest = ""
    for pretty in (False, True):
        if isinstance(datafile, dict) and dumps(datafile, pretty=pretty).encode() == raw:
            datafile["revision"] = ""
            content_digest = _sha256(dumps(datafile, pretty=pretty).encode())
            break
    return DatafileRecord(revision, content_digest, _sha256(raw))


def recover_from_datafiles(
    published: Iterable[tuple[Mapping[str, Any], bytes | None]],
) -> SavedState:
    """The state that published datafiles imply: (Datafile object, its published bytes or None).
    Raises StateLost for a Datafile that published before but whose bytes are gone."""
    state = SavedState()
    for obj, raw in sorted(published, key=lambda item: str(item[0]["metadata"]["name"])):
        name = str(obj["metadata"]["name"])
        served = _int((obj.get("status") or {}).get("revision"))
        if raw is None:
            if served:
                raise StateLost(
                    f"the state ConfigMap is gone and so is Datafile {name}'s ConfigMap "
                    f"(it served revision {served}): publishing again would restart its "
                    "revisions and move users between variations"
                )
            continue
        raw = _plain(raw)
        try:
            datafile = parse_datafile(raw)
        except InvalidDatafile as error:
            raise StateLost(f"Datafile {name}'s ConfigMap cannot be read back: {error}") from error
        revision = max(_int(datafile.get("revision")), served)
        environment = str((obj.get("spec") or {}).get("environment") or "")
        features = state.environments.setdefault(environment, {"features": {}})["features"]
        assert isinstance(features, dict)
        recovered = state_from_datafile(datafile)["features"]
        features.update(recovered)
        state.datafiles[name] = record_of(raw, revision)
    return state


async def read_published(client: AsyncClient, obj: Mapping[str, Any]) -> bytes | None:
    """The bytes in the Datafile's own ConfigMap, if it exists and holds what we wrote."""
    resource = read_datafile(obj)
    if resource is None:
        return None  # an unreadable spec never published anything
    target = configmap_targets(resource.outputs)[0]
    try:
        configmap = await client.get(ConfigMap, target.name, namespace=target.namespace)
    except ApiError as error:
        if error.status.code == 404:
            return None
        raise
    raw: bytes | None = None
    if configmap.data and target.key in configmap.data:
        raw = configmap.data[target.key].encode()
    elif configmap.binaryData and target.key + GZIP_SUFFIX in configmap.binaryData:
        raw = bytes(base64.b64decode(configmap.binaryData[target.key + GZIP_SUFFIX]))
    if raw is None:
        return None
    content = _plain(raw)
    digest = ((configmap.metadata and configmap.metadata.annotations) or {}).get(ANNOTATION_DIGEST)
    if digest is not None and digest.removeprefix("sha256:") != _sha256(content):
        raise StateLost(
            f"ConfigMap {target.namespace}/{target.name} was changed by hand (its bytes do not "
            "match its digest annotation): its allocations cannot be trusted"
        )
    return content


async def recover_state(client: AsyncClient, datafiles: Sequence[Mapping[str, Any]]) -> SavedState:
    published = [(obj, await read_published(client, obj)) for obj in datafiles]
    return recover_from_datafiles(published)


def _plain(raw: bytes) -> bytes:
    try:
        return decompress_if_gzip(raw)
    except InvalidDatafile as error:
        raise StateLost(f"a published datafile cannot be read back: {error}") from error


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
