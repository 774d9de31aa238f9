"""Featurevisor project -> kubevisor manifests (what `kubevisor import` writes).

One manifest per attribute, segment, feature, group and schema, and one `Datafile` per
environment x target. Object names must be Kubernetes names (DNS-1123 subdomains), so keys are
cleaned: word boundaries become `-` (`checkoutRedesign` -> `checkout-redesign`), then lowercased;
the real key always stays in `spec.key`. Definitions keep their key order through the API server
thanks to the `kubevisor.io/key-order` annotation. Test specs are not resources: they are
written as Featurevisor YAML under `tests/`, where `kubevisor test` finds them and
`kustomization.yaml` leaves them out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kubevisor.core.definitions import JSON, Definitions, Kind
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION, format_hint, record_key_order
from kubevisor.sources import safe_yaml
from kubevisor.sources.manifests import API_VERSION, TARGET_SELECTORS

# kind, manifest kind, folder of the written files
EXPORTED_KINDS: tuple[tuple[Kind, str, str], ...] = (
    (Kind.ATTRIBUTE, "Attribute", "attributes"),
    (Kind.SEGMENT, "Segment", "segments"),
    (Kind.FEATURE, "Feature", "features"),
    (Kind.GROUP, "Group", "groups"),
    (Kind.SCHEMA, "Schema", "schemas"),
)
DATAFILES_FOLDER = "datafiles"
TESTS_FOLDER = "tests"
MAX_NAME_LENGTH = 253
_HASH_LENGTH = 8
_VALID_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_NOT_NAME_CHARACTER = re.compile(r"[^a-z0-9.-]+")
# `checkoutRedesign` -> `checkout-Redesign`, `HTTPServer` -> `HTTP-Server`
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass
class Export:
    """The manifests to write (relative path -> YAML text) and what the user should know."""

    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def is_valid_name(name: str) -> bool:
    """True for a DNS-1123 subdomain, the rule for names of namespaced custom resources."""
    return len(name) <= MAX_NAME_LENGTH and bool(_VALID_NAME.match(name))


def _cleaned(key: str) -> str:
    """A Kubernetes-valid name that resembles `key` (not necessarily unique)."""
    text = _NOT_NAME_CHARACTER.sub("-", _WORD_BOUNDARY.sub("-", key).lower())
    labels = [label.strip("-") for label in text.split(".")]
    name = ".".join(label for label in labels if label)
    return name[: MAX_NAME_LENGTH - _HASH_LENGTH - 1].rstrip(".-") or "x"


def _with_hash(base: str, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LENGTH]
    return f"{base}-{digest}"


def object_names(keys: Iterable[str]) -> dict[str, str]:
    """A unique Kubernetes name for every key, chosen from the keys alone (deterministic).

    A key that is already a valid name keeps it. Others are lowercased and cleaned; when that
    collides with another name, the cleaned name gets a short hash of the key, so a name never
    depends on the order in which keys are seen.
    """
    keys = list(dict.fromkeys(keys))
    taken = {key for key in keys if is_valid_name(key)}
    names: dict[str, str] = {key: key for key in taken}
    cleaned = {key: _cleaned(key) for key in keys if key not in taken}
    counts: dict[str, int] = {}
    for base in cleaned.values():
        counts[base] = counts.get(base, 0) + 1
    for key, base in cleaned.items():
        unique = counts[base] == 1 and base not in taken
        names[key] = base if unique else _with_hash(base, key)
    return names


def _manifest(
    kind: str, name: str, namespace: str | None, spec: dict[str, JSON], hinted: JSON
) -> dict[str, JSON]:
    metadata: dict[str, JSON] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    hint = record_key_order(hinted)
    if hint:
        metadata["annotations"] = {KEY_ORDER_ANNOTATION: format_hint(hint)}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def datafile_specs(definitions: Definitions) -> list[tuple[str, dict[str, JSON]]]:
    """(name seed, spec) of one Datafile per environment x target, in build order."""
    config = definitions.config
    environments: tuple[str | None, ...] = config.environments or (None,)
    specs = []
    for environment in environments:
        for target_key, target in definitions.targets.items():
            spec: dict[str, JSON] = {"target": target_key}
            if environment is not None:
                spec["environment"] = environment
            spec.update({name: target[name] for name in TARGET_SELECTORS if name in target})
            spec["defaultBucketBy"] = config.default_bucket_by
            spec["stringify"] = config.stringify
            spec["pretty"] = config.pretty_datafile
            seed = target_key if environment is None else f"{environment}-{target_key}"
            specs.append((seed, spec))
    return specs


def export_definitions(definitions: Definitions, *, namespace: str | None = None) -> Export:
    """The manifests of a whole project; `namespace` is written into each object when given."""
    export = Export()
    for kind, manifest_kind, folder in EXPORTED_KINDS:
        entities = definitions.of_kind(kind)
        names = object_names(entities)
        for key, definition in entities.items():
            spec = {"key": key, **definition}
            manifest = _manifest(manifest_kind, names[key], namespace, spec, definition)
            export.files[f"{folder}/{names[key]}.yaml"] = safe_yaml.dump(manifest)
    datafiles = datafile_specs(definitions)
    names = object_names(seed for seed, _ in datafiles)
    for seed, spec in datafiles:
        manifest = _manifest("Datafile", names[seed], namespace, spec, spec)
        export.files[f"{DATAFILES_FOLDER}/{names[seed]}.yaml"] = safe_yaml.dump(manifest)
    for key, spec in definitions.tests.items():
        # the file name is the key, so `kubevisor test` reads the spec back under the same key
        export.files[f"{TESTS_FOLDER}/{key}.yml"] = safe_yaml.dump(spec)
    export.notes.extend(_notes(definitions))
    return export


def manifest_paths(files: Iterable[str]) -> list[str]:
    """The exported files that are Kubernetes objects (test specs are not)."""
    return [path for path in files if f"/{TESTS_FOLDER}/" not in "/" + path]


def _notes(definitions: Definitions) -> list[str]:
    notes = []
    config = definitions.config
    if config.namespace_character != ".":
        notes.append(
            f"the project's namespaceCharacter is {config.namespace_character!r}; manifests "
            "order nested keys and split target keys on `.`, so datafile order may differ"
        )
    if config.datafile_name_pattern != "featurevisor-%s.json":
        notes.append("datafileNamePattern is not carried over; datafiles keep the default names")
    if not definitions.targets:
        notes.append("the project has no targets, so no Datafile objects were written")
    return notes
