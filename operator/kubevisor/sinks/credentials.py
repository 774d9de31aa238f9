"""Read an object store's credentials from the Secret a Datafile names."""

from __future__ import annotations

import base64
import binascii

import httpx2
from lightkube import ApiError, AsyncClient
from lightkube.resources.core_v1 import Secret

from kubevisor.sinks.objectstore import ObjectStoreConfigError


async def read_credentials(
    client: AsyncClient, namespace: str, name: str, *, url: str
) -> dict[str, str] | ObjectStoreConfigError:
    """The Secret's keys and decoded values (for `open_object_store`), or an error value
    naming the Secret and what to fix. `url` is the store's URL, for the message."""
    secret_name = f"Secret {namespace}/{name}"
    try:
        secret = await client.get(Secret, name, namespace=namespace)
    except ApiError as error:
        code = error.status.code
        if code == 404:
            hint = "create it, or fix spec.objectStore.credentialsSecret.name"
            return ObjectStoreConfigError(url, f"{secret_name} not found: {hint}")
        if code in (401, 403):
            hint = "the operator's RBAC must allow get on secrets there"
            return ObjectStoreConfigError(url, f"cannot read {secret_name} ({code}): {hint}")
        return ObjectStoreConfigError(url, f"cannot read {secret_name}: API error {code}")
    except httpx2.HTTPError as error:
        return ObjectStoreConfigError(url, f"cannot read {secret_name}: {error!r}")
    values = dict(secret.stringData or {})
    for key, encoded in (secret.data or {}).items():
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ObjectStoreConfigError(url, f"{secret_name}: key {key!r} is not UTF-8 text")
    return values
