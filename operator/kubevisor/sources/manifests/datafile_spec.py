"""A `Datafile` object's spec, checked field by field, into its typed form `DatafileResource`.

This is the only reading of a Datafile's spec: the target selectors, the build settings and
the outputs (`core.outputs`). A field that is wrong is a `Problem` of the Datafile's target and
the Datafile is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubevisor.core.definitions import JSON, Kind, Problem, ProjectConfig
from kubevisor.core.outputs import (
    DEFAULT_DATA_KEY,
    ConfigMapOutput,
    DatafileOutputs,
    ObjectStoreOutput,
)
from kubevisor.sources.manifests.objects import DNS_LABEL, DNS_SUBDOMAIN, ManifestObject

TARGET_SELECTORS = ("description", "tag", "tags", "includeFeatures", "excludeFeatures", "context")
OUTPUTS = ("configMap", "objectStore")
BUILD_SETTINGS: dict[str, type] = {"defaultBucketBy": str, "stringify": bool, "pretty": bool}
DATAFILE_FIELDS = ("target", "environment", *TARGET_SELECTORS, *BUILD_SETTINGS, *OUTPUTS)

_DATA_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")


@dataclass(frozen=True)
class DatafileResource:
    """One `Datafile` object: a target built for one environment, and where to publish it."""

    name: str
    namespace: str
    target: str
    environment: str | None
    selectors: dict[str, JSON]
    """The upstream target definition: `description`, `tag`/`tags`, feature globs, `context`."""
    default_bucket_by: str
    stringify: bool
    pretty: bool
    outputs: DatafileOutputs
    """Where to publish, typed: the only reading of `configMap` and `objectStore`."""
    origin: str


def datafile_problem(obj: ManifestObject, path: str, message: str, hint: str = "") -> Problem:
    """A problem of the Datafile `obj`, reported as one of its target."""
    return Problem(
        kind=Kind.TARGET, key=obj.name, path=path, message=message, hint=hint, origin=obj.where
    )


def read_datafile_spec(obj: ManifestObject, problems: list[Problem]) -> DatafileResource | None:
    """The Datafile `obj` typed, or None after adding its problems to `problems`."""
    spec = obj.spec
    count = len(problems)
    unknown = [name for name in spec if name not in DATAFILE_FIELDS]
    for name in unknown:
        problems.append(
            datafile_problem(
                obj,
                f"spec.{name}",
                "unknown field",
                "known fields: " + ", ".join(DATAFILE_FIELDS),
            )
        )
    target = spec.get("target", obj.name)
    if not isinstance(target, str) or not target:
        problems.append(datafile_problem(obj, "spec.target", "must be a non-empty string"))
    environment = spec.get("environment")
    if environment is not None and (not isinstance(environment, str) or not environment):
        problems.append(datafile_problem(obj, "spec.environment", "must be a non-empty string"))
    defaults = ProjectConfig()
    settings: dict[str, JSON] = {
        "defaultBucketBy": defaults.default_bucket_by,
        "stringify": defaults.stringify,
        "pretty": defaults.pretty_datafile,
    }
    for name, wanted in BUILD_SETTINGS.items():
        if name not in spec:
            continue
        value = spec[name]
        if isinstance(value, wanted) and (wanted is bool or value):
            settings[name] = value
        else:
            problems.append(
                datafile_problem(
                    obj, f"spec.{name}", f"must be a {'boolean' if wanted is bool else 'string'}"
                )
            )
    outputs = _outputs(obj, problems)
    if len(problems) > count or outputs is None:
        return None
    assert isinstance(target, str)
    return DatafileResource(
        name=obj.name,
        namespace=obj.namespace,
        target=target,
        environment=environment if isinstance(environment, str) else None,
        selectors={name: spec[name] for name in spec if name in TARGET_SELECTORS},
        default_bucket_by=str(settings["defaultBucketBy"]),
        stringify=bool(settings["stringify"]),
        pretty=bool(settings["pretty"]),
        outputs=outputs,
        origin=obj.origin,
    )


def _outputs(obj: ManifestObject, problems: list[Problem]) -> DatafileOutputs | None:
    """`spec.configMap` and `spec.objectStore`, checked field by field (None after a problem)."""
    count = len(problems)
    config_map = _config_map(obj, problems)
    object_store = _object_store(obj, problems)
    if len(problems) > count or config_map is None:
        return None
    return DatafileOutputs(
        name=obj.name,
        namespace=obj.namespace,
        uid=obj.uid,
        labels=dict(obj.labels),
        config_map=config_map,
        object_store=object_store,
    )


def _string_field(
    obj: ManifestObject,
    problems: list[Problem],
    section: dict[str, JSON],
    path: str,
    name: str,
    pattern: re.Pattern[str] | None = None,
) -> str | None:
    value = section.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or (pattern and not pattern.match(value)):
        what = "a non-empty string" if pattern is None else "a valid name"
        problems.append(datafile_problem(obj, f"{path}.{name}", f"must be {what}"))
        return None
    return value


def _config_map(obj: ManifestObject, problems: list[Problem]) -> ConfigMapOutput | None:
    section = obj.spec.get("configMap", {})
    path = "spec.configMap"
    if not isinstance(section, dict):
        problems.append(datafile_problem(obj, path, "must be a mapping"))
        return None
    name = _string_field(obj, problems, section, path, "name", DNS_SUBDOMAIN)
    key = _string_field(obj, problems, section, path, "key", _DATA_KEY)
    namespaces = section.get("namespaces", [])
    if not isinstance(namespaces, list) or not all(
        isinstance(item, str) and DNS_LABEL.match(item) for item in namespaces
    ):
        problems.append(
            datafile_problem(obj, f"{path}.namespaces", "must be a list of namespace names")
        )
        return None
    copies = tuple(
        item
        for item in dict.fromkeys(namespaces)
        if isinstance(item, str) and item != obj.namespace
    )
    return ConfigMapOutput(name=name, key=key or DEFAULT_DATA_KEY, namespaces=copies)


def _object_store(obj: ManifestObject, problems: list[Problem]) -> ObjectStoreOutput | None:
    if "objectStore" not in obj.spec:
        return None
    section = obj.spec["objectStore"]
    path = "spec.objectStore"
    if not isinstance(section, dict):
        problems.append(datafile_problem(obj, path, "must be a mapping"))
        return None
    url = _string_field(obj, problems, section, path, "url")
    if url is None and "url" not in section:
        problems.append(datafile_problem(obj, f"{path}.url", "is required"))
    secret = section.get("credentialsSecret")
    secret_name = None
    if secret is not None:
        if isinstance(secret, dict):
            secret_name = _string_field(
                obj, problems, secret, f"{path}.credentialsSecret", "name", DNS_SUBDOMAIN
            )
        else:
            problems.append(datafile_problem(obj, f"{path}.credentialsSecret", "must be a mapping"))
    endpoint = _string_field(obj, problems, section, path, "endpoint")
    region = _string_field(obj, problems, section, path, "region")
    if url is None:
        return None
    return ObjectStoreOutput(
        url=url, endpoint=endpoint, region=region, credentials_secret=secret_name
    )
