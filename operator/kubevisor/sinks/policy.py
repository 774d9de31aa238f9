"""What a Datafile may reach outside its own namespace: pure decisions, tested without a cluster.

The author of a Datafile may be a hostile tenant. By default a Datafile publishes to a ConfigMap
in its own namespace and to an object store with credentials from a Secret in its own namespace,
and nothing else. Every relaxation is an admin's choice (`SecurityPolicy`, from operator flags or
Helm values) or, for copies into another namespace, a `DatafileGrant` owned by that namespace.
Each refusal names the field and the fix (docs/security.md lists the knobs).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from kubevisor.core.outputs import ObjectStoreOutput

ANY = "*"

CREDENTIAL_KEYS_NEEDED: dict[str, tuple[tuple[str, ...], ...]] = {
    "s3": (("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),),
    "gs": (
        ("GOOGLE_SERVICE_ACCOUNT_KEY",),
        ("GOOGLE_SERVICE_ACCOUNT",),
        ("GOOGLE_APPLICATION_CREDENTIALS",),
    ),
    "az": (
        ("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY"),
        ("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_SAS_KEY"),
        (
            "AZURE_STORAGE_ACCOUNT_NAME",
            "AZURE_STORAGE_CLIENT_ID",
            "AZURE_STORAGE_CLIENT_SECRET",
            "AZURE_STORAGE_TENANT_ID",
        ),
    ),
}
"""Per scheme, the sets of Secret keys of which one must be complete: with less, the store
library would fill the gaps from the operator's own identity."""

ENDPOINT_KEYS = frozenset(
    {"AWS_ENDPOINT_URL", "GOOGLE_BASE_URL", "AZURE_STORAGE_ENDPOINT", "AZURE_STORAGE_USE_EMULATOR"}
)
"""Secret keys that redirect requests, like `spec.objectStore.endpoint`."""

# Files the credentials may name on the operator's own filesystem: a tenant could make the
# operator read (and send) any file it can read.
PATH_KEYS = frozenset({"GOOGLE_SERVICE_ACCOUNT", "GOOGLE_APPLICATION_CREDENTIALS"})


@dataclass(frozen=True)
class SecurityPolicy:
    """The admin's relaxations of the safe defaults (all off by default)."""

    allow_cross_namespace_copies: bool = False
    """Every Datafile may copy its ConfigMap into every namespace, without a DatafileGrant."""
    ambient_prefixes: tuple[str, ...] = ()
    """URL prefixes, with `{namespace}` standing for the Datafile's namespace, under which a
    Datafile without a credentials Secret publishes with the operator's own identity."""
    allowed_endpoints: tuple[str, ...] = ()
    """Endpoints a Datafile may name (`spec.objectStore.endpoint`, or an endpoint key of its
    Secret); `*` allows any."""
    allow_file_urls: bool = False
    """`file:///` URLs: files on the operator's filesystem (development only)."""


@dataclass(frozen=True)
class CopyGrant:
    """One `DatafileGrant`: the namespace it lives in lets these Datafiles copy into it."""

    namespace: str
    name: str
    from_namespaces: tuple[str, ...]
    """Source namespaces; `*` for any."""
    datafiles: tuple[str, ...] = ()
    """Datafile names (glob patterns) allowed from those namespaces; empty allows all."""

    def allows(self, source_namespace: str, datafile: str) -> bool:
        if not any(ns in (ANY, source_namespace) for ns in self.from_namespaces):
            return False
        return not self.datafiles or any(fnmatch.fnmatchcase(datafile, p) for p in self.datafiles)


@dataclass(frozen=True)
class Refusal:
    """Why an output is not written: a reason for conditions, a message naming the fix."""

    reason: str
    message: str


def copy_refusal(
    source_namespace: str,
    datafile: str,
    target_namespace: str,
    policy: SecurityPolicy,
    grants: Iterable[CopyGrant],
) -> Refusal | None:
    """None when the receiving namespace (or the admin) consents to the copy."""
    if target_namespace == source_namespace or policy.allow_cross_namespace_copies:
        return None
    if any(grant.allows(source_namespace, datafile) for grant in grants):
        return None
    return Refusal(
        "CopyNotGranted",
        f"spec.configMap.namespaces: namespace {target_namespace} does not accept copies from "
        f"Datafile {source_namespace}/{datafile}: create a DatafileGrant in {target_namespace} "
        f"with from: [{{namespace: {source_namespace}}}], or remove {target_namespace} from "
        "spec.configMap.namespaces (an admin may allow all copies: "
        "security.allowCrossNamespaceCopies)",
    )


def object_store_refusal(
    namespace: str, output: ObjectStoreOutput, policy: SecurityPolicy
) -> Refusal | None:
    """Checks that need no Secret: the URL's scheme and path, the endpoint, ambient identity."""
    parts = urlsplit(output.url)
    if ".." in parts.path.split("/") or "." in parts.path.split("/"):
        return Refusal(
            "ObjectStoreNotAllowed",
            f"spec.objectStore.url {output.url!r} has a `.` or `..` path segment; "
            "write the prefix without them",
        )
    if parts.scheme == "file" and not policy.allow_file_urls:
        return Refusal(
            "ObjectStoreNotAllowed",
            f"spec.objectStore.url {output.url!r}: file:// URLs write to the operator's own "
            "filesystem and are off unless an admin sets objectStore.allowFileURLs; "
            "use s3://, gs:// or az://",
        )
    if output.endpoint and not endpoint_allowed(output.endpoint, policy):
        return endpoint_refusal("spec.objectStore.endpoint", output.endpoint)
    if output.credentials_secret is None and parts.scheme != "file":
        prefixes = ambient_prefixes_for(namespace, policy)
        if not any(under_prefix(output.url, prefix) for prefix in prefixes):
            allowed = ", ".join(prefixes) if prefixes else "none"
            return Refusal(
                "ObjectStoreNotAllowed",
                f"spec.objectStore.credentialsSecret is not set, and {output.url} is not under "
                f"a prefix where namespace {namespace} may use the operator's own identity "
                f"(allowed: {allowed}): name a Secret in {namespace} with the store's "
                "credentials, or ask an admin to allow the prefix (objectStore.ambientPrefixes)",
            )
    return None


def credentials_refusal(
    secret: str, output: ObjectStoreOutput, credentials: Mapping[str, str], policy: SecurityPolicy
) -> Refusal | None:
    """Checks of the Secret's keys. Messages name keys, never values."""
    scheme = urlsplit(output.url).scheme
    keys = set(credentials)
    for key in sorted(ENDPOINT_KEYS & keys):
        value = credentials[key]
        allowed = (
            ANY in policy.allowed_endpoints
            if key == "AZURE_STORAGE_USE_EMULATOR"
            else endpoint_allowed(value, policy)
        )
        if not allowed:
            return endpoint_refusal(f"Secret {secret} key {key}", "named there")
    for key in sorted(PATH_KEYS & keys):
        return Refusal(
            "ObjectStoreNotAllowed",
            f"Secret {secret} key {key} names a file on the operator's filesystem; put the JSON "
            "key itself in GOOGLE_SERVICE_ACCOUNT_KEY",
        )
    needed = CREDENTIAL_KEYS_NEEDED.get(scheme)
    if needed and not any(set(option) <= keys for option in needed):
        options = " or ".join("+".join(option) for option in needed)
        return Refusal(
            "ObjectStoreNotAllowed",
            f"Secret {secret} has no complete credentials for {scheme}:// (needs {options}); "
            "without them the operator's own identity would be used",
        )
    return None


def endpoint_allowed(endpoint: str, policy: SecurityPolicy) -> bool:
    wanted = endpoint.rstrip("/")
    return any(item == ANY or item.rstrip("/") == wanted for item in policy.allowed_endpoints)


def endpoint_refusal(where: str, endpoint: str) -> Refusal:
    return Refusal(
        "ObjectStoreNotAllowed",
        f"{where}: the endpoint {endpoint} is not allowed (requests would go to a server of the "
        "Datafile's choice); remove it, or ask an admin to add it to "
        "objectStore.allowedEndpoints",
    )


def ambient_prefixes_for(namespace: str, policy: SecurityPolicy) -> list[str]:
    return [prefix.replace("{namespace}", namespace) for prefix in policy.ambient_prefixes]


def under_prefix(url: str, prefix: str) -> bool:
    """Whether `url` is `prefix` or below it, by whole path segments."""
    return (url.rstrip("/") + "/").startswith(prefix.rstrip("/") + "/")


def parse_grant(obj: Mapping[str, object]) -> CopyGrant | None:
    """A DatafileGrant object as the API returns it; None when it is malformed (grants
    nothing)."""
    metadata = obj.get("metadata")
    spec = obj.get("spec")
    if not isinstance(metadata, Mapping) or not isinstance(spec, Mapping):
        return None
    sources = spec.get("from")
    if not isinstance(sources, list):
        return None
    namespaces: list[str] = []
    datafiles: list[str] = []
    for item in sources:
        if not isinstance(item, Mapping) or not isinstance(item.get("namespace"), str):
            return None
        namespaces.append(str(item["namespace"]))
    names = spec.get("datafiles", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    datafiles = [str(n) for n in names]
    return CopyGrant(
        namespace=str(metadata.get("namespace", "")),
        name=str(metadata.get("name", "")),
        from_namespaces=tuple(namespaces),
        datafiles=tuple(datafiles),
    )
