"""Publish a datafile to an object store named by one URL: S3 (and compatibles), GCS, Azure, file.

Layout under the URL's prefix, per environment (no environment level in no-environments mode)::

    <prefix>/<environment>/revisions/<revision>/featurevisor-<target>.json   immutable, for rollback
    <prefix>/<environment>/featurevisor-<target>.json                        the path SDKs poll

The revision object is written first, the polled one last: each put is atomic, so a reader sees
the old or the new datafile, never a mix, and every published revision stays for rollback.

Credentials come from a dict (the operator reads it from the Datafile's credentials Secret),
with the process environment as fallback for each key below. The Datafile's
`spec.objectStore.endpoint` and `region` win over both. Beyond these keys, obstore itself reads
its environment variables (per its documentation), e.g. the web identity token of IRSA or GKE
workload identity, so a Secret is optional. Keys per scheme:

- s3: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`,
  `AWS_ENDPOINT_URL` (S3-compatible servers; `http://` is allowed), `AWS_REGION`.
- gs: `GOOGLE_SERVICE_ACCOUNT_KEY` (the JSON key itself), or `GOOGLE_SERVICE_ACCOUNT` (a path
  to the JSON key file), or `GOOGLE_APPLICATION_CREDENTIALS`; `GOOGLE_BASE_URL` for emulators.
- az: `AZURE_STORAGE_ACCOUNT_NAME` and one of `AZURE_STORAGE_ACCOUNT_KEY`,
  `AZURE_STORAGE_SAS_KEY`, or `AZURE_STORAGE_CLIENT_ID` + `AZURE_STORAGE_CLIENT_SECRET` +
  `AZURE_STORAGE_TENANT_ID`; `AZURE_STORAGE_ENDPOINT` and `AZURE_STORAGE_USE_EMULATOR` for
  Azurite.
- file: none.

Keys of other schemes are ignored (one Secret may serve several stores); an unknown key with
the scheme's own prefix is an error, since it is most likely a typo. Tested here against an S3
server (SeaweedFS) and local files; gs:// and az:// are built the same way but not exercised.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import obstore
from obstore.exceptions import PermissionDeniedError, UnauthenticatedError
from obstore.store import AzureStore, GCSStore, LocalStore, S3Store

from kubevisor.sinks.payload import Payload
from kubevisor.sinks.results import Outcome, PublishResult

if TYPE_CHECKING:
    from obstore import Attributes
    from obstore.store import (
        AzureConfig,
        ClientConfig,
        GCSConfig,
        ObjectStore,
        RetryConfig,
        S3Config,
    )

CONTENT_TYPE = "application/json"
DATAFILE_NAME_PATTERN = "featurevisor-{target}.json"
REVISIONS_DIR = "revisions"

_CREDENTIAL_KEYS: dict[str, dict[str, str]] = {
    "s3": {
        "AWS_ACCESS_KEY_ID": "access_key_id",
        "AWS_SECRET_ACCESS_KEY": "secret_access_key",
        "AWS_SESSION_TOKEN": "session_token",
        "AWS_ENDPOINT_URL": "endpoint",
        "AWS_REGION": "region",
    },
    "gs": {
        "GOOGLE_SERVICE_ACCOUNT_KEY": "service_account_key",
        "GOOGLE_SERVICE_ACCOUNT": "service_account",
        "GOOGLE_APPLICATION_CREDENTIALS": "application_credentials",
        "GOOGLE_BASE_URL": "base_url",
    },
    "az": {
        "AZURE_STORAGE_ACCOUNT_NAME": "account_name",
        "AZURE_STORAGE_ACCOUNT_KEY": "account_key",
        "AZURE_STORAGE_SAS_KEY": "sas_key",
        "AZURE_STORAGE_CLIENT_ID": "client_id",
        "AZURE_STORAGE_CLIENT_SECRET": "client_secret",
        "AZURE_STORAGE_TENANT_ID": "tenant_id",
        "AZURE_STORAGE_ENDPOINT": "endpoint",
        "AZURE_STORAGE_USE_EMULATOR": "use_emulator",
    },
    "file": {},
}
_KEY_PREFIX = {"s3": "AWS_", "gs": "GOOGLE_", "az": "AZURE_", "file": None}
LOCATION_KEYS = frozenset(
    {
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "GOOGLE_BASE_URL",
        "AZURE_STORAGE_ENDPOINT",
        "AZURE_STORAGE_USE_EMULATOR",
    }
)
"""Keys that say where the store is, not who is asking: an admin's environment may set them
for every Datafile, also those whose credentials come from a Secret."""


def location_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The admin's location settings of `environ`, without any credential."""
    return {key: value for key, value in environ.items() if key in LOCATION_KEYS}


# Fail within seconds when the endpoint is down: the controller retries with its own backoff,
# and a publish that hangs for minutes (the library's default) would hold up the other outputs.
_CLIENT_OPTIONS: ClientConfig = {"connect_timeout": "5s", "timeout": "30s"}
_RETRY: RetryConfig = {
    "max_retries": 2,
    "retry_timeout": timedelta(seconds=15),
    "backoff": {
        "init_backoff": timedelta(milliseconds=100),
        "max_backoff": timedelta(seconds=2),
        "base": 2,
    },
}


@dataclass(frozen=True)
class ObjectStoreLocation:
    """An opened store and the key prefix inside it that a URL names."""

    url: str
    """The URL without a trailing slash, for messages."""
    scheme: str
    store: ObjectStore
    prefix: str
    """Key prefix inside the store, without slashes at either end; may be empty."""

    def key(self, *parts: str | None) -> str:
        """The object key for path parts under the prefix (None parts are left out)."""
        return "/".join(part for part in (self.prefix, *parts) if part)

    def url_of(self, key: str) -> str:
        """A full URL for an object key, for messages and status."""
        base = self.url.removesuffix("/" + self.prefix) if self.prefix else self.url
        return f"{base}/{key}"


@dataclass(frozen=True)
class ObjectStoreConfigError:
    """The URL or the credentials cannot work; retrying without a change will not help."""

    url: str
    message: str

    def as_result(self) -> PublishResult:
        return PublishResult(self.url, Outcome.FAILED, self.message, retryable=False)


def open_object_store(
    url: str,
    credentials: Mapping[str, str] | None = None,
    *,
    endpoint: str | None = None,
    region: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ObjectStoreLocation | ObjectStoreConfigError:
    """Parse `s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix` or
    `file:///absolute/path` and open the store with `credentials` (falling back to `environ`,
    by default the process environment).

    `endpoint` and `region` are the Datafile's `spec.objectStore` settings; when given they win
    over the same settings in the credentials (S3-compatible servers, emulators).
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme not in _CREDENTIAL_KEYS:
        return ObjectStoreConfigError(
            url, f"unsupported object store URL {url!r}: use s3://, gs://, az:// or file:///"
        )
    if parts.query or parts.fragment:
        return ObjectStoreConfigError(url, f"object store URL {url!r} must not have ? or #")
    config = _store_config(scheme, credentials or {}, os.environ if environ is None else environ)
    if isinstance(config, str):
        return ObjectStoreConfigError(url, config)
    if endpoint:
        config["base_url" if scheme == "gs" else "endpoint"] = endpoint
    if region and scheme == "s3":
        config["region"] = region
    bucket, prefix = parts.netloc, parts.path.strip("/")
    try:
        if scheme == "file":
            if bucket not in ("", "localhost") or not parts.path.startswith("/"):
                return ObjectStoreConfigError(
                    url, f"file URL {url!r} must be file:///absolute/path"
                )
            directory = "/" + prefix
            store: ObjectStore = LocalStore(directory, mkdir=True)
            return ObjectStoreLocation(f"file://{directory}", scheme, store, "")
        if not bucket:
            return ObjectStoreConfigError(url, f"object store URL {url!r} names no bucket")
        store = _cloud_store(scheme, bucket, config)
    except Exception as error:  # the library rejects bad settings with several error types
        return ObjectStoreConfigError(url, f"cannot open {url}: {_first_line(error)}")
    base = f"{scheme}://{bucket}" + (f"/{prefix}" if prefix else "")
    return ObjectStoreLocation(base, scheme, store, prefix)


def _store_config(
    scheme: str, credentials: Mapping[str, str], environ: Mapping[str, str]
) -> dict[str, Any] | str:
    """Library settings from the credential keys, or a message naming the unknown key."""
    known = _CREDENTIAL_KEYS[scheme]
    own_prefix = _KEY_PREFIX[scheme]
    for key in sorted(credentials):
        if own_prefix and key.startswith(own_prefix) and key not in known:
            return f"unknown credential key {key!r} for {scheme}://; expected some of " + ", ".join(
                known
            )
    config: dict[str, Any] = {}
    for key, setting in known.items():
        value = credentials.get(key) or environ.get(key)
        if value:
            config[setting] = value.lower() == "true" if setting == "use_emulator" else value
    return config


def _cloud_store(scheme: str, bucket: str, config: dict[str, Any]) -> ObjectStore:
    options = _CLIENT_OPTIONS.copy()
    endpoint = str(config.get("endpoint") or config.get("base_url") or "")
    if endpoint.startswith("http://") or config.get("use_emulator"):
        options["allow_http"] = True
    # `config` holds only keys of the scheme's own table above, so the casts are sound.
    if scheme == "s3":
        return S3Store(
            bucket, config=cast("S3Config", config), client_options=options, retry_config=_RETRY
        )
    if scheme == "gs":
        return GCSStore(
            bucket, config=cast("GCSConfig", config), client_options=options, retry_config=_RETRY
        )
    return AzureStore(
        container_name=bucket,
        config=cast("AzureConfig", config),
        client_options=options,
        retry_config=_RETRY,
    )


def datafile_keys(
    location: ObjectStoreLocation, *, target: str, environment: str | None, revision: str
) -> tuple[str, str]:
    """(immutable revision key, polled key) for one datafile."""
    name = DATAFILE_NAME_PATTERN.format(target=target)
    return (
        location.key(environment, REVISIONS_DIR, revision, name),
        location.key(environment, name),
    )


async def publish_object(
    location: ObjectStoreLocation, payload: Payload, *, target: str, environment: str | None
) -> PublishResult:
    """Put the revision object, then the polled object; nothing when the polled one already
    holds these bytes. Errors come back as a FAILED result."""
    revision_key, polled_key = datafile_keys(
        location, target=target, environment=environment, revision=payload.revision
    )
    output = location.url_of(polled_key)
    try:
        if await _holds(location.store, polled_key, payload.content):
            return PublishResult(
                output, Outcome.UNCHANGED, f"already at revision {payload.revision}"
            )
        # Local files take no attributes; their type comes from the `.json` name.
        attributes: Attributes | None = (
            None if location.scheme == "file" else {"Content-Type": CONTENT_TYPE}
        )
        if await _taken(location.store, revision_key, payload.content):
            return PublishResult(
                output,
                Outcome.FAILED,
                f"{location.url_of(revision_key)} already holds other bytes; revision objects "
                "are never overwritten (was the state ConfigMap lost, or does another "
                "Datafile publish to the same prefix?)",
            )
        for key in (revision_key, polled_key):
            await obstore.put_async(
                location.store, key, payload.content, attributes=attributes, use_multipart=False
            )
    except Exception as error:  # every store error becomes a result, never a crash
        return _failure(output, error)
    return PublishResult(
        output,
        Outcome.WRITTEN,
        f"revision {payload.revision} ({payload.digest[:12]}), also at "
        f"{location.url_of(revision_key)}",
    )


async def delete_object(
    location: ObjectStoreLocation, *, target: str, environment: str | None
) -> PublishResult:
    """Delete the polled object; revision objects stay for rollback."""
    _, polled_key = datafile_keys(location, target=target, environment=environment, revision="")
    output = location.url_of(polled_key)
    try:
        try:
            await obstore.head_async(location.store, polled_key)
        except FileNotFoundError:
            return PublishResult(output, Outcome.UNCHANGED, "already absent")
        await obstore.delete_async(location.store, polled_key)
    except Exception as error:
        return _failure(output, error)
    return PublishResult(output, Outcome.DELETED, "deleted; revision objects kept for rollback")


async def _holds(store: ObjectStore, key: str, content: bytes) -> bool:
    """Whether the object at `key` has exactly `content` (size first, then the bytes)."""
    try:
        meta = await obstore.head_async(store, key)
    except FileNotFoundError:
        return False
    if meta["size"] != len(content):
        return False
    current = await obstore.get_async(store, key)
    return bytes(await current.bytes_async()) == content


async def _taken(store: ObjectStore, key: str, content: bytes) -> bool:
    """Whether `key` exists with bytes other than `content` (an immutable revision object)."""
    try:
        await obstore.head_async(store, key)
    except FileNotFoundError:
        return False
    return not await _holds(store, key, content)


def _failure(output: str, error: Exception) -> PublishResult:
    """A FAILED result that says what kind of failure, with the HTTP status and the store's
    error code when known, never the response body or the request (they may echo
    credentials or content an attacker's endpoint chose)."""
    detail = error_summary(error)
    if isinstance(error, PermissionDeniedError | UnauthenticatedError):
        message = f"access denied ({detail}); check the credentials Secret and the bucket policy"
    elif isinstance(error, FileNotFoundError):
        message = f"not found ({detail}); does the bucket exist?"
    elif any(mark in str(error) for mark in ("kind: Connect", "kind: Timeout", "error sending")):
        message = f"endpoint unreachable ({detail})"
    else:
        message = f"object store error ({detail})"
    return PublishResult(output, Outcome.FAILED, message)


_HTTP_STATUS = re.compile(r"\b([1-5]\d\d) [A-Z][A-Za-z ]+\b")
_ERROR_CODE = re.compile(r"<Code>([A-Za-z0-9.]{1,64})</Code>")


def error_summary(error: Exception) -> str:
    """The error's type, plus `HTTP <status>` and the store's error code when the text has
    them: nothing else of the library's message, which may quote a response body."""
    text = str(error)
    parts = [type(error).__name__]
    status = _HTTP_STATUS.search(text)
    if status:
        parts.append(f"HTTP {status.group(1)}")
    code = _ERROR_CODE.search(text)
    if code:
        parts.append(code.group(1))
    return ", ".join(parts)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
