"""Publish a datafile as a ConfigMap: render it (pure), then server-side apply it.

Pods mount the ConfigMap as a directory and read `datafile.json`, or `datafile.json.gz` when the
datafile was too large to store plainly (see `kubevisor_client`). The object carries the revision
and sha256 digest as annotations, so `kubectl get cm -o yaml` tells what is being served.

`publish_configmap` reads the ConfigMap first and writes nothing when it already holds the
rendered content, labels and owner: restarts and repeated reconciles cause no writes, without
the caller having to remember what it published.

Ownership: a ConfigMap is ours to write or delete only if it carries the labels naming this
Datafile (namespace and name). One that does not exist is created (never applied over a
ConfigMap that appeared meanwhile); one that exists without our labels, or with another
Datafile's, is left alone and the Datafile is Stalled with a message naming the owner.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import httpx2
from kubevisor_client.format import DATA_KEY, GZIP_SUFFIX
from lightkube import ApiError, AsyncClient
from lightkube.resources.core_v1 import ConfigMap
from lightkube.types import PatchType

from kubevisor.core.outputs import DatafileOutputs
from kubevisor.sinks.payload import Payload
from kubevisor.sinks.policy import Refusal
from kubevisor.sinks.results import Outcome, PublishResult

FIELD_MANAGER = "kubevisor"
ANNOTATION_REVISION = "kubevisor.io/revision"
ANNOTATION_DIGEST = "kubevisor.io/digest"
ANNOTATION_DATAFILE_UID = "kubevisor.io/datafile-uid"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGED_BY = "kubevisor"
LABEL_DATAFILE = "kubevisor.io/datafile"
LABEL_DATAFILE_NAMESPACE = "kubevisor.io/datafile-namespace"
"""Copies in other namespaces cannot have an ownerReference: these labels find them."""

RESERVED_NAMES = frozenset({"kubevisor-state"})
"""ConfigMaps of the operator itself: no Datafile may publish there."""

DATAFILE_API_VERSION = "kubevisor.io/v1alpha1"
DATAFILE_KIND = "Datafile"

GZIP_THRESHOLD_BYTES = 900 * 1024
"""Above this the datafile is stored gzipped, leaving room below the limit for metadata."""
CONFIGMAP_LIMIT_BYTES = 1024 * 1024
"""The API server rejects a ConfigMap whose keys plus values exceed 1 MiB."""

# Labels that make Argo CD or Flux treat an object as theirs: an output that inherited one would
# be shown as out of sync, or pruned together with the Datafile's application.
_TRACKING_LABELS = frozenset(
    {
        "app.kubernetes.io/instance",
        "kustomize.toolkit.fluxcd.io/name",
        "kustomize.toolkit.fluxcd.io/namespace",
        "helm.toolkit.fluxcd.io/name",
        "helm.toolkit.fluxcd.io/namespace",
    }
)
_TRACKING_LABEL_DOMAINS = ("argocd.argoproj.io", "toolkit.fluxcd.io")
_LABEL_VALUE_MAX = 63


@dataclass(frozen=True)
class DatafileRef:
    """The Datafile resource an output belongs to."""

    name: str
    namespace: str
    uid: str | None = None
    """With a uid, outputs in the Datafile's namespace get an ownerReference to it."""


@dataclass(frozen=True)
class ConfigMapTarget:
    """Where one ConfigMap output goes."""

    name: str
    namespace: str
    datafile: DatafileRef
    key: str = DATA_KEY
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels, e.g. the Datafile's own; GitOps tracking labels are dropped."""

    @property
    def display(self) -> str:
        return f"ConfigMap {self.namespace}/{self.name}"


@dataclass(frozen=True)
class ConfigMapTooLarge:
    """Even gzipped, the datafile does not fit in one ConfigMap."""

    target: ConfigMapTarget
    size_bytes: int
    gzipped_bytes: int

    @property
    def message(self) -> str:
        return (
            f"{self.target.display}: the datafile is {self.size_bytes} bytes, "
            f"{self.gzipped_bytes} gzipped, over the ConfigMap limit of {CONFIGMAP_LIMIT_BYTES} "
            "bytes; split it into smaller datafiles by tags (several Datafiles with `tags` or "
            "`includeFeatures`), or publish it to an object store (`spec.objectStore`) only"
        )


def is_tracking_label(key: str) -> bool:
    """Whether a label ties an object to an Argo CD application or a Flux Kustomization."""
    domain = key.partition("/")[0] if "/" in key else ""
    return key in _TRACKING_LABELS or domain.endswith(_TRACKING_LABEL_DOMAINS)


def datafile_label_value(name: str) -> str:
    """A label value naming the Datafile: names may be up to 253 characters, label values 63."""
    if len(name) <= _LABEL_VALUE_MAX:
        return name
    suffix = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{name[: _LABEL_VALUE_MAX - 11].rstrip('-.')}-{suffix}"


def gzip_deterministic(content: bytes) -> bytes:
    """Gzip with mtime 0 and no file name, so equal content gives equal bytes (and no write).

    Level 6 (zlib's default): on the synthetic datafile of bench/sinks_publish.py it is about
    6 times faster than level 9 for 10 % more bytes; publish latency matters more than that.
    """
    return gzip.compress(content, compresslevel=6, mtime=0)


def configmap_targets(outputs: DatafileOutputs) -> list[ConfigMapTarget]:
    """The ConfigMap outputs of a Datafile: one in its namespace, with an ownerReference
    (every Datafile has it, with or without `spec.configMap`), then one copy per namespace of
    `spec.configMap.namespaces`. The Datafile's labels are carried over."""
    ref = DatafileRef(outputs.name, outputs.namespace, outputs.uid)
    namespaces = dict.fromkeys([ref.namespace, *outputs.config_map.namespaces])
    return [
        ConfigMapTarget(
            name=outputs.config_map_name,
            namespace=namespace,
            datafile=ref,
            key=outputs.config_map.key,
            labels=dict(outputs.labels),
        )
        for namespace in namespaces
    ]


def ownership_labels(datafile: DatafileRef) -> dict[str, str]:
    """The labels that make a ConfigMap the output of `datafile`."""
    return {
        LABEL_MANAGED_BY: MANAGED_BY,
        LABEL_DATAFILE: datafile_label_value(datafile.name),
        LABEL_DATAFILE_NAMESPACE: datafile.namespace,
    }


def ownership_conflict(
    existing: Mapping[str, Any] | None, target: ConfigMapTarget
) -> Refusal | None:
    """None when `target.datafile` may write the ConfigMap: it does not exist yet, or it is
    labelled as this Datafile's output. Otherwise why not, naming the owner and the fix."""
    fix = "choose another spec.configMap.name"
    if target.name in RESERVED_NAMES:
        return Refusal(
            "OutputConflict",
            f"spec.configMap.name: {target.display} is reserved for the operator's own state; "
            f"{fix}",
        )
    if existing is None:
        return None
    labels = (existing.get("metadata") or {}).get("labels") or {}
    if all(labels.get(k) == v for k, v in ownership_labels(target.datafile).items()):
        return None
    if labels.get(LABEL_MANAGED_BY) == MANAGED_BY and labels.get(LABEL_DATAFILE):
        owner = (
            f"the output of Datafile {labels.get(LABEL_DATAFILE_NAMESPACE, '?')}/"
            f"{labels[LABEL_DATAFILE]}"
        )
    else:
        manager = labels.get(LABEL_MANAGED_BY)
        owner = "not created by kubevisor for this Datafile" + (
            f" (managed by {manager})" if manager else ""
        )
    return Refusal(
        "OutputConflict",
        f"{target.display} already exists and is {owner}; it is left unchanged: {fix}, or "
        "delete that ConfigMap if nothing else needs it",
    )


def render_configmap(
    target: ConfigMapTarget, payload: Payload
) -> dict[str, Any] | ConfigMapTooLarge:
    """The ConfigMap manifest for server-side apply: only the fields kubevisor owns."""
    plain_size = len(target.key.encode()) + len(payload.content)
    data: dict[str, Any]
    try:
        text = payload.content.decode("utf-8")
    except UnicodeDecodeError:  # not storable as `data`: take the binary path whatever its size
        text = None
    if text is not None and plain_size <= GZIP_THRESHOLD_BYTES:
        data = {"data": {target.key: text}}
    else:
        gz_key = target.key + GZIP_SUFFIX
        packed = gzip_deterministic(payload.content)
        if len(gz_key.encode()) + len(packed) > CONFIGMAP_LIMIT_BYTES:
            return ConfigMapTooLarge(target, len(payload.content), len(packed))
        data = {"binaryData": {gz_key: base64.b64encode(packed).decode("ascii")}}

    labels = {k: v for k, v in target.labels.items() if not is_tracking_label(k)}
    labels.update(ownership_labels(target.datafile))
    annotations = {ANNOTATION_DIGEST: payload.digest, ANNOTATION_REVISION: payload.revision}
    if target.datafile.uid is not None:
        annotations[ANNOTATION_DATAFILE_UID] = target.datafile.uid
    metadata: dict[str, Any] = {
        "name": target.name,
        "namespace": target.namespace,
        "labels": dict(sorted(labels.items())),
        "annotations": dict(sorted(annotations.items())),
    }
    owner = target.datafile
    # ownerReferences across namespaces are invalid: copies elsewhere are deleted explicitly.
    if owner.uid is not None and owner.namespace == target.namespace:
        metadata["ownerReferences"] = [
            {
                "apiVersion": DATAFILE_API_VERSION,
                "kind": DATAFILE_KIND,
                "name": owner.name,
                "uid": owner.uid,
                "controller": True,
            }
        ]
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, **data}


def is_current(existing: Mapping[str, Any], rendered: Mapping[str, Any]) -> bool:
    """Whether `existing` already holds every field of `rendered` with the same value.

    Compares content too, not only the digest annotation, so a hand edit of the data is undone.
    Fields others added (their labels, other keys) do not matter.
    """
    have_meta, want_meta = existing.get("metadata") or {}, rendered["metadata"]
    for section in ("labels", "annotations"):
        have = have_meta.get(section) or {}
        if any(have.get(k) != v for k, v in want_meta[section].items()):
            return False
    have_owners = have_meta.get("ownerReferences") or []
    for owner in want_meta.get("ownerReferences", []):
        if not any(_same_owner(owner, have) for have in have_owners):
            return False
    key = next(iter((rendered.get("data") or rendered["binaryData"]).keys()))
    plain_key = key.removesuffix(GZIP_SUFFIX)
    for section in ("data", "binaryData"):
        have_values = existing.get(section) or {}
        want_values = rendered.get(section) or {}
        # Exactly one of the two keys holds the datafile; a stale other one must go.
        for candidate in (plain_key, plain_key + GZIP_SUFFIX):
            if have_values.get(candidate) != want_values.get(candidate):
                return False
    return True


def _same_owner(want: Mapping[str, Any], have: Mapping[str, Any]) -> bool:
    return all(have.get(k) == v for k, v in want.items())


async def publish_configmap(
    client: AsyncClient, target: ConfigMapTarget, payload: Payload
) -> PublishResult:
    """Create, or server-side apply (field manager `kubevisor`, forced), one ConfigMap.

    Reads the ConfigMap first: skips the write when it is current, and refuses (FAILED, not
    retryable, reason `OutputConflict`) when it is not this Datafile's output. Never raises for
    API or network errors: they come back as a FAILED result.
    """
    rendered = render_configmap(target, payload)
    if isinstance(rendered, ConfigMapTooLarge):
        return PublishResult(target.display, Outcome.FAILED, rendered.message, retryable=False)
    try:
        existing = await _get(client, target.name, target.namespace)
        conflict = ownership_conflict(existing, target)
        if conflict is not None:
            return refused(target.display, conflict)
        if existing is not None and is_current(existing, rendered):
            return PublishResult(
                target.display, Outcome.UNCHANGED, f"already at revision {payload.revision}"
            )
        body = cast(ConfigMap, ConfigMap.from_dict(rendered))
        if existing is None:
            # Create, not apply: if someone else's ConfigMap appeared since the read, this fails
            # (409, retried, then refused as a conflict) instead of taking it over.
            applied = await client.create(body, field_manager=FIELD_MANAGER)
        else:
            # Ours (checked above): force takes back fields a hand edit (kubectl) holds.
            applied = await client.apply(body, field_manager=FIELD_MANAGER, force=True)
        await _remove_stale_copy(client, target, rendered, applied.to_dict())
    except (ApiError, httpx2.HTTPError) as error:
        return _failure(target.display, error)
    return PublishResult(
        target.display, Outcome.WRITTEN, f"revision {payload.revision} ({payload.digest[:12]})"
    )


async def delete_configmap(client: AsyncClient, target: ConfigMapTarget) -> PublishResult:
    """Delete the output ConfigMap if it belongs to `target.datafile`; gone already is fine.

    A ConfigMap of the same name that kubevisor does not manage for this Datafile (its labels
    say so) is left alone, with an UNCHANGED result.
    """
    try:
        existing = await _get(client, target.name, target.namespace)
        if existing is None:
            return PublishResult(target.display, Outcome.UNCHANGED, "already absent")
        if target.name in RESERVED_NAMES or ownership_conflict(existing, target) is not None:
            # Not our output (we never published there): nothing of ours to delete. Not a
            # failure, or a Datafile finalizer waiting for its outputs would never be released.
            return PublishResult(
                target.display,
                Outcome.UNCHANGED,
                f"left in place: not managed by kubevisor for Datafile "
                f"{target.datafile.namespace}/{target.datafile.name}",
            )
        await client.delete(ConfigMap, target.name, namespace=target.namespace)
    except (ApiError, httpx2.HTTPError) as error:
        return _failure(target.display, error)
    return PublishResult(target.display, Outcome.DELETED, "deleted")


async def _remove_stale_copy(
    client: AsyncClient,
    target: ConfigMapTarget,
    rendered: Mapping[str, Any],
    applied: Mapping[str, Any],
) -> None:
    """Remove the other form of the datafile (plain vs gzipped) if it survived the apply.

    Server-side apply drops a key we stopped applying only when no other manager shares it;
    a ConfigMap first made with `kubectl create` would keep a stale `datafile.json` beside the
    new `datafile.json.gz`, and readers prefer the plain one.
    """
    if "binaryData" in rendered:
        section, stale_key = "data", target.key
    else:
        section, stale_key = "binaryData", target.key + GZIP_SUFFIX
    if stale_key in (applied.get(section) or {}):
        await client.patch(
            ConfigMap,
            target.name,
            [{"op": "remove", "path": f"/{section}/{stale_key}"}],
            namespace=target.namespace,
            patch_type=PatchType.JSON,
            field_manager=FIELD_MANAGER,
        )


async def _get(client: AsyncClient, name: str, namespace: str) -> dict[str, Any] | None:
    try:
        found = await client.get(ConfigMap, name, namespace=namespace)
    except ApiError as error:
        if error.status.code == 404:
            return None
        raise
    result: dict[str, Any] = found.to_dict()
    return result


def refused(output: str, refusal: Refusal) -> PublishResult:
    """An output the policy or ownership forbids: not retried until something changes."""
    return PublishResult(
        output, Outcome.FAILED, refusal.message, retryable=False, reason=refusal.reason
    )


def _failure(output: str, error: ApiError | httpx2.HTTPError) -> PublishResult:
    if isinstance(error, ApiError):
        code = error.status.code
        detail = error.status.message or str(error)
        if code in (401, 403):
            message = (
                f"access denied ({code}): {detail}; the operator's RBAC must allow get, patch "
                "and delete on configmaps there"
            )
            return PublishResult(output, Outcome.FAILED, message)
        # 4xx other than conflicts and throttling will fail the same way next time.
        retryable = code is None or code >= 500 or code in (404, 409, 429)
        return PublishResult(output, Outcome.FAILED, f"API error {code}: {detail}", retryable)
    return PublishResult(
        output, Outcome.FAILED, f"API server unreachable: {type(error).__name__}: {error}"
    )
