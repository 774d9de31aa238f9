"""One document or object checked as a kubevisor object: kind, apiVersion, metadata, spec.

Objects of other APIs are passed over (kubectl would send them elsewhere). A malformed object
of ours becomes a `Problem` naming file, document, object and field, and is left out. What is
kept has its spec in the key order the API server would return, then in the order the
`kubevisor.io/key-order` hint records.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from kubevisor.core.definitions import JSON, Kind, Problem
from kubevisor.core.keyorder import (
    KEY_ORDER_ANNOTATION,
    apply_key_order,
    parse_hint,
    sort_like_apiserver,
)
from kubevisor.core.limits import nesting_problems
from kubevisor.sources.kubectl_yaml import Document

API_VERSION = "kubevisor.io/v1alpha1"

DEFINITION_KINDS: dict[str, Kind] = {
    "Attribute": Kind.ATTRIBUTE,
    "Segment": Kind.SEGMENT,
    "Feature": Kind.FEATURE,
    "Group": Kind.GROUP,
    "Schema": Kind.SCHEMA,
}
DATAFILE_KIND = "Datafile"
# Problems about a Datafile are reported as problems of its target.
PROBLEM_KINDS: dict[str, Kind] = {**DEFINITION_KINDS, DATAFILE_KIND: Kind.TARGET}

DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")


@dataclass(frozen=True)
class Place:
    """Where an object was found, for origins and problem messages."""

    file: str
    document: int
    item: int | None = None

    def describe(self) -> str:
        where = f"{self.file}, document {self.document + 1}"
        return where if self.item is None else f"{where}, item {self.item + 1}"


@dataclass
class ManifestObject:
    """One well-formed object of ours, before its namespace is assembled."""

    kind: str
    name: str
    namespace: str
    key: str
    """`spec.key`, defaulting to the name (Datafiles: the name)."""
    spec: dict[str, JSON]
    """The spec without `key`, in its original key order."""
    place: Place
    uid: str | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Where the definition came from, as `Definitions.origins` records it."""
        return f"{self.kind} {self.namespace}/{self.name} ({self.place.file})"

    @property
    def where(self) -> str:
        """The origin with the document (and list item) in the file, for problems."""
        return f"{self.kind} {self.namespace}/{self.name} ({self.place.describe()})"


class ObjectReader:
    """Turns documents into objects, collecting problems instead of raising."""

    def __init__(self, default_namespace: str) -> None:
        self.default_namespace = default_namespace
        self.problems: list[Problem] = []
        self.objects: list[ManifestObject] = []

    def problem(
        self, kind: str, name: str, place: Place, path: str, message: str, hint: str = ""
    ) -> None:
        self.problems.append(
            Problem(
                kind=PROBLEM_KINDS[kind],
                key=name or "?",
                path=path,
                message=message,
                hint=hint,
                origin=f"{kind} {name or '?'} ({place.describe()})",
            )
        )

    def read_document(self, document: Document, file: str) -> None:
        place = Place(file, document.index)
        if document.error:
            if document.kind in PROBLEM_KINDS:
                self.problem(document.kind, document.name, place, "", document.error)
            return
        value = document.value
        if not isinstance(value, dict):
            return
        items = value.get("items")
        if isinstance(list_kind := value.get("kind"), str) and list_kind.endswith("List"):
            if isinstance(items, list):
                for position, item in enumerate(items):
                    if isinstance(item, dict):
                        self.read_object(item, dataclasses.replace(place, item=position))
            return
        self.read_object(value, place)

    def read_object(self, value: dict[str, JSON], place: Place) -> None:
        kind = value.get("kind")
        if value.get("apiVersion") != API_VERSION or kind not in PROBLEM_KINDS:
            return  # not ours: kubectl would send it elsewhere
        assert isinstance(kind, str)
        metadata = value.get("metadata")
        if not isinstance(metadata, dict):
            self.problem(kind, "", place, "metadata", "`metadata` is missing or not a mapping")
            return
        name = metadata.get("name")
        if not isinstance(name, str) or not name:
            self.problem(kind, "", place, "metadata.name", "`metadata.name` is missing")
            return
        if not DNS_SUBDOMAIN.match(name) or len(name) > 253:
            self.problem(
                kind,
                name,
                place,
                "metadata.name",
                "not a valid Kubernetes name",
                "use lowercase letters, digits, `-` and `.`; put the Featurevisor key in "
                "`spec.key`",
            )
            return
        namespace = metadata.get("namespace", self.default_namespace)
        if not isinstance(namespace, str) or not DNS_LABEL.match(namespace):
            self.problem(kind, name, place, "metadata.namespace", "not a valid namespace name")
            return
        spec = value.get("spec")
        if not isinstance(spec, dict):
            self.problem(kind, name, place, "spec", "`spec` is missing or not a mapping")
            return
        for found in nesting_problems(spec):
            # Checked before anything recursive (key order, lint, build) walks the spec.
            path = ".".join(str(part) for part in ("spec", *found.path))
            self.problem(kind, name, place, path, found.message, found.hint)
            return
        hint_text = _annotation(metadata, KEY_ORDER_ANNOTATION)
        hint = parse_hint(hint_text)
        if hint_text is not None and hint is None:
            self.problem(
                kind,
                name,
                place,
                f"metadata.annotations.{KEY_ORDER_ANNOTATION}",
                "the key-order hint is not a JSON object of key lists",
                "remove the annotation, or re-create the manifest with `kubevisor import`",
            )
            return
        key = name
        body = spec
        if kind in DEFINITION_KINDS:
            spec_key = spec.get("key", name)
            if not isinstance(spec_key, str) or not spec_key:
                self.problem(kind, name, place, "spec.key", "`spec.key` must be a non-empty string")
                return
            key = spec_key
            body = {field_name: item for field_name, item in spec.items() if field_name != "key"}
        ordered = apply_key_order(sort_like_apiserver(body), hint or {})
        uid = metadata.get("uid")
        labels = metadata.get("labels")
        self.objects.append(
            ManifestObject(
                kind,
                name,
                namespace,
                key,
                ordered,
                place,
                uid=uid if isinstance(uid, str) else None,
                labels=(
                    {k: v for k, v in labels.items() if isinstance(v, str)}
                    if isinstance(labels, dict)
                    else {}
                ),
            )
        )


def _annotation(metadata: dict[str, JSON], name: str) -> str | None:
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        return None
    value = annotations.get(name)
    return value if isinstance(value, str) else None
