"""Reading kubevisor custom-resource manifests (files or folders) into Definitions.

A namespace is one Featurevisor project. Each `Attribute`/`Segment`/`Feature`/`Group`/`Schema`
object contributes its `spec` minus `key` as the definition under `spec.key` (default:
`metadata.name`). Each `Datafile` is one target built for one environment. Manifests are read as
kubectl reads them (`kubectl_yaml`) and every spec is first put in the key order the API server
would return, then in the order the `kubevisor.io/key-order` hint records, so a build from files
gives the same bytes as a build from the cluster.

Bad input never raises (except for files that cannot be read or parsed at all, which kubectl
rejects as a whole): every malformed document becomes a `Problem` naming file, document, object
and field, and the object is left out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kubevisor.core.definitions import JSON, Definitions, Kind, Problem, ProjectConfig
from kubevisor.core.keyorder import (
    KEY_ORDER_ANNOTATION,
    apply_key_order,
    parse_hint,
    sort_like_apiserver,
)
from kubevisor.core.limits import nesting_problems
from kubevisor.core.ordering import in_listing_order
from kubevisor.core.outputs import (
    DEFAULT_DATA_KEY,
    ConfigMapOutput,
    DatafileOutputs,
    ObjectStoreOutput,
)
from kubevisor.sources.errors import SourceError, too_deep
from kubevisor.sources.kubectl_yaml import Document, KubectlYAMLError, iter_documents
from kubevisor.sources.text_file import read_text
from kubevisor.sources.yaml_nodes import js_number

API_VERSION = "kubevisor.io/v1alpha1"
DEFAULT_NAMESPACE = "default"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

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

TARGET_SELECTORS = ("description", "tag", "tags", "includeFeatures", "excludeFeatures", "context")
OUTPUTS = ("configMap", "objectStore")
BUILD_SETTINGS: dict[str, type] = {"defaultBucketBy": str, "stringify": bool, "pretty": bool}
DATAFILE_FIELDS = ("target", "environment", *TARGET_SELECTORS, *BUILD_SETTINGS, *OUTPUTS)

_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
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


@dataclass
class NamespaceManifests:
    """Everything one namespace (one Featurevisor project) holds."""

    namespace: str
    definitions: Definitions
    datafiles: list[DatafileResource] = field(default_factory=list)


@dataclass
class ManifestSet:
    """The result of reading manifests: per-namespace definitions plus the problems found."""

    namespaces: dict[str, NamespaceManifests] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def definitions_for(self, datafile: DatafileResource) -> Definitions:
        """The namespace's definitions as one build of `datafile` sees them.

        Build settings come from the Datafile, and the only target is the Datafile's own.
        """
        return definitions_for(self.namespaces[datafile.namespace].definitions, datafile)


def definitions_for(definitions: Definitions, datafile: DatafileResource) -> Definitions:
    """`definitions` with the Datafile's build settings and its target as the only target."""
    config = dataclasses.replace(
        definitions.config,
        default_bucket_by=datafile.default_bucket_by,
        stringify=datafile.stringify,
        pretty_datafile=datafile.pretty,
    )
    origins = {
        place: origin for place, origin in definitions.origins.items() if place[0] != Kind.TARGET
    }
    origins[(Kind.TARGET, datafile.target)] = datafile.origin
    return dataclasses.replace(
        definitions,
        config=config,
        targets={datafile.target: datafile.selectors},
        origins=origins,
    )


# --------------------------------------------------------------------------- files


def manifest_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The files to read: given files as they are, folders walked recursively in sorted order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        else:
            raise SourceError(f"{path}: no such file or folder")


def _walk(directory: Path) -> Iterator[Path]:
    for name in sorted(os.listdir(directory)):
        path = directory / name
        if path.is_dir():
            yield from _walk(path)
        elif name.endswith(MANIFEST_SUFFIXES):
            yield path


def _documents(path: Path) -> list[Document]:
    text = read_text(path)
    if path.suffix == ".json":
        try:
            value = json.loads(
                text,
                object_pairs_hook=_no_duplicates,
                parse_int=lambda text: js_number(int(text)),
                parse_float=lambda text: js_number(float(text)),
                parse_constant=_not_json,
            )
            return [Document(index=0, value=value)]
        except ValueError as error:
            raise SourceError(f"{path}: invalid JSON: {error}") from None
        except RecursionError:  # deeper than Python's JSON parser recurses
            raise too_deep(path) from None
    try:
        return list(iter_documents(text))
    except KubectlYAMLError as error:
        raise SourceError(f"{path}: {error}") from None


def _not_json(text: str) -> JSON:
    raise ValueError(f"{text} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
    result: dict[str, JSON] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


# --------------------------------------------------------------------------- objects


@dataclass(frozen=True)
class _Place:
    """Where an object was found, for origins and problem messages."""

    file: str
    document: int
    item: int | None = None

    def describe(self) -> str:
        where = f"{self.file}, document {self.document + 1}"
        return where if self.item is None else f"{where}, item {self.item + 1}"


@dataclass
class _Object:
    kind: str
    name: str
    namespace: str
    key: str
    """`spec.key`, defaulting to the name (Datafiles: the name)."""
    spec: dict[str, JSON]
    """The spec without `key`, in its original key order."""
    place: _Place
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


class _Reader:
    """Turns documents into objects, collecting problems instead of raising."""

    def __init__(self, default_namespace: str) -> None:
        self.default_namespace = default_namespace
        self.problems: list[Problem] = []
        self.objects: list[_Object] = []

    def problem(
        self, kind: str, name: str, place: _Place, path: str, message: str, hint: str = ""
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
        place = _Place(file, document.index)
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

    def read_object(self, value: dict[str, JSON], place: _Place) -> None:
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
        if not _DNS_SUBDOMAIN.match(name) or len(name) > 253:
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
        if not isinstance(namespace, str) or not _DNS_LABEL.match(namespace):
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
            _Object(
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


# --------------------------------------------------------------------------- assembly


def load_manifests(
    paths: Sequence[str | os.PathLike[str]], *, namespace: str = DEFAULT_NAMESPACE
) -> ManifestSet:
    """Read manifests from files and folders; `namespace` is the default for objects without one.

    Raises `SourceError` only for a path that does not exist or a file that is not valid YAML
    or JSON at all; everything else wrong is a `Problem` in the result.
    """
    reader = _Reader(namespace)
    for path in manifest_files(paths):
        for document in _documents(path):
            reader.read_document(document, str(path))
    return assemble(reader.objects, reader.problems)


def load_manifest_text(
    text: str, *, name: str = "<stdin>", namespace: str = DEFAULT_NAMESPACE
) -> ManifestSet:
    """Manifests given as YAML text (e.g. `kubectl kustomize | kubevisor lint -`), read like a
    file called `name`. Raises `SourceError` when the text is not YAML at all."""
    try:
        documents = list(iter_documents(text))
    except KubectlYAMLError as error:
        raise SourceError(f"{name}: {error}") from None
    reader = _Reader(namespace)
    for document in documents:
        reader.read_document(document, name)
    return assemble(reader.objects, reader.problems)


def load_objects(
    objects: Iterable[Mapping[str, JSON]],
    *,
    source: str = "cluster",
    namespace: str = DEFAULT_NAMESPACE,
) -> ManifestSet:
    """Objects as the API server returns them (the operator's watch cache), not files.

    The same reading as `load_manifests`; `source` names where they came from in origins and
    problems, `namespace` is the default for objects without one.
    """
    reader = _Reader(namespace)
    for position, value in enumerate(objects):
        reader.read_object(dict(value), _Place(source, position))
    return assemble(reader.objects, reader.problems)


def read_datafile(obj: Mapping[str, JSON]) -> DatafileResource | None:
    """One Datafile object as the API returns it (e.g. one being deleted), read like
    `load_objects` reads it; None when it cannot be read."""
    for contents in load_objects([obj]).namespaces.values():
        return contents.datafiles[0] if contents.datafiles else None
    return None


def assemble(objects: list[_Object], problems: list[Problem]) -> ManifestSet:
    result = ManifestSet(problems=list(problems))
    by_namespace: dict[str, list[_Object]] = {}
    for obj in objects:
        by_namespace.setdefault(obj.namespace, []).append(obj)
    for namespace in sorted(by_namespace):
        result.namespaces[namespace] = _namespace(
            namespace, by_namespace[namespace], result.problems
        )
    return result


def _namespace(
    namespace: str, objects: list[_Object], problems: list[Problem]
) -> NamespaceManifests:
    objects = _unique_objects(objects, problems)
    definitions = Definitions()
    for obj in objects:
        kind = DEFINITION_KINDS.get(obj.kind)
        if kind is None:
            continue
        key = obj.key
        spec = obj.spec
        entities = definitions.of_kind(kind)
        if key in entities:
            first = definitions.origins[(kind, key)]
            problems.append(
                Problem(
                    kind=kind,
                    key=key,
                    path="spec.key",
                    message=f"the key is used by two objects: {first} and {obj.origin}",
                    hint="keys must be unique per kind in a namespace; rename one of them",
                    origin=obj.where,
                )
            )
            continue
        entities[key] = spec
        definitions.origins[(kind, key)] = obj.origin
    for kind in DEFINITION_KINDS.values():
        entities = definitions.of_kind(kind)
        ordered = in_listing_order(
            entities, namespace_character=definitions.config.namespace_character
        )
        entities.clear()
        entities.update(ordered)
    datafiles = _datafiles(objects, problems)
    definitions.targets = {}
    for datafile in datafiles:
        if datafile.target not in definitions.targets:
            definitions.targets[datafile.target] = datafile.selectors
            definitions.origins[(Kind.TARGET, datafile.target)] = datafile.origin
    definitions.targets = in_listing_order(
        definitions.targets, namespace_character=definitions.config.namespace_character
    )
    definitions.config = ProjectConfig(
        environments=_environments(datafiles, problems),
        tags=_tags_used(definitions, datafiles),
    )
    return NamespaceManifests(namespace=namespace, definitions=definitions, datafiles=datafiles)


def _unique_objects(objects: list[_Object], problems: list[Problem]) -> list[_Object]:
    """Objects with one kind and name appear once; a second copy is an error (and left out)."""
    seen: dict[tuple[str, str], _Object] = {}
    unique = []
    for obj in objects:
        first = seen.get((obj.kind, obj.name))
        if first is not None:
            problems.append(
                Problem(
                    kind=PROBLEM_KINDS[obj.kind],
                    key=obj.name,
                    path="metadata.name",
                    message=(
                        f"the object is defined twice: {first.place.describe()} and "
                        f"{obj.place.describe()}"
                    ),
                    hint="keep one of them; kubectl would let the last one win",
                    origin=obj.where,
                )
            )
            continue
        seen[(obj.kind, obj.name)] = obj
        unique.append(obj)
    return unique


def _datafiles(objects: list[_Object], problems: list[Problem]) -> list[DatafileResource]:
    datafiles: list[DatafileResource] = []
    built: dict[tuple[str | None, str], DatafileResource] = {}
    for obj in objects:
        if obj.kind != DATAFILE_KIND:
            continue
        datafile = _datafile(obj, problems)
        if datafile is None:
            continue
        other = built.get((datafile.environment, datafile.target))
        if other is not None:
            problems.append(
                _datafile_problem(
                    obj,
                    "spec.target",
                    f"{other.origin} already builds target `{datafile.target}` for "
                    f"environment `{datafile.environment}`",
                    "each target is built once per environment; remove one of the Datafiles",
                )
            )
            continue
        built[(datafile.environment, datafile.target)] = datafile
        datafiles.append(datafile)
    return datafiles


def _datafile_problem(obj: _Object, path: str, message: str, hint: str = "") -> Problem:
    return Problem(
        kind=Kind.TARGET, key=obj.name, path=path, message=message, hint=hint, origin=obj.where
    )


def _datafile(obj: _Object, problems: list[Problem]) -> DatafileResource | None:
    spec = obj.spec
    count = len(problems)
    unknown = [name for name in spec if name not in DATAFILE_FIELDS]
    for name in unknown:
        problems.append(
            _datafile_problem(
                obj,
                f"spec.{name}",
                "unknown field",
                "known fields: " + ", ".join(DATAFILE_FIELDS),
            )
        )
    target = spec.get("target", obj.name)
    if not isinstance(target, str) or not target:
        problems.append(_datafile_problem(obj, "spec.target", "must be a non-empty string"))
    environment = spec.get("environment")
    if environment is not None and (not isinstance(environment, str) or not environment):
        problems.append(_datafile_problem(obj, "spec.environment", "must be a non-empty string"))
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
                _datafile_problem(
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


def _outputs(obj: _Object, problems: list[Problem]) -> DatafileOutputs | None:
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
    obj: _Object,
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
        problems.append(_datafile_problem(obj, f"{path}.{name}", f"must be {what}"))
        return None
    return value


def _config_map(obj: _Object, problems: list[Problem]) -> ConfigMapOutput | None:
    section = obj.spec.get("configMap", {})
    path = "spec.configMap"
    if not isinstance(section, dict):
        problems.append(_datafile_problem(obj, path, "must be a mapping"))
        return None
    name = _string_field(obj, problems, section, path, "name", _DNS_SUBDOMAIN)
    key = _string_field(obj, problems, section, path, "key", _DATA_KEY)
    namespaces = section.get("namespaces", [])
    if not isinstance(namespaces, list) or not all(
        isinstance(item, str) and _DNS_LABEL.match(item) for item in namespaces
    ):
        problems.append(
            _datafile_problem(obj, f"{path}.namespaces", "must be a list of namespace names")
        )
        return None
    copies = tuple(
        item
        for item in dict.fromkeys(namespaces)
        if isinstance(item, str) and item != obj.namespace
    )
    return ConfigMapOutput(name=name, key=key or DEFAULT_DATA_KEY, namespaces=copies)


def _object_store(obj: _Object, problems: list[Problem]) -> ObjectStoreOutput | None:
    if "objectStore" not in obj.spec:
        return None
    section = obj.spec["objectStore"]
    path = "spec.objectStore"
    if not isinstance(section, dict):
        problems.append(_datafile_problem(obj, path, "must be a mapping"))
        return None
    url = _string_field(obj, problems, section, path, "url")
    if url is None and "url" not in section:
        problems.append(_datafile_problem(obj, f"{path}.url", "is required"))
    secret = section.get("credentialsSecret")
    secret_name = None
    if secret is not None:
        if isinstance(secret, dict):
            secret_name = _string_field(
                obj, problems, secret, f"{path}.credentialsSecret", "name", _DNS_SUBDOMAIN
            )
        else:
            problems.append(
                _datafile_problem(obj, f"{path}.credentialsSecret", "must be a mapping")
            )
    endpoint = _string_field(obj, problems, section, path, "endpoint")
    region = _string_field(obj, problems, section, path, "region")
    if url is None:
        return None
    return ObjectStoreOutput(
        url=url, endpoint=endpoint, region=region, credentials_secret=secret_name
    )


def _environments(
    datafiles: list[DatafileResource], problems: list[Problem]
) -> tuple[str, ...] | None:
    """The namespace's environments (first-seen order), or None in no-environments mode."""
    with_environment = [datafile for datafile in datafiles if datafile.environment is not None]
    without = [datafile for datafile in datafiles if datafile.environment is None]
    if with_environment and without:
        for datafile in without:
            problems.append(
                Problem(
                    kind=Kind.TARGET,
                    key=datafile.name,
                    path="spec.environment",
                    message=(
                        "this Datafile has no environment while others in the namespace have one "
                        f"(e.g. {with_environment[0].origin})"
                    ),
                    hint="a namespace uses environments for all its Datafiles or for none; "
                    "set `spec.environment`",
                    origin=datafile.origin,
                )
            )
    if not with_environment:
        return None
    return tuple(dict.fromkeys(str(datafile.environment) for datafile in with_environment))


def _tags_used(definitions: Definitions, datafiles: list[DatafileResource]) -> tuple[str, ...]:
    """Every tag features and Datafiles use: namespaces declare no tag list, so all are allowed."""
    tags: dict[str, None] = {}

    def add(value: JSON) -> None:
        if isinstance(value, str):
            tags.setdefault(value)
        elif isinstance(value, list):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)

    for feature in definitions.features.values():
        add(feature.get("tags"))
        expose = feature.get("expose")
        if isinstance(expose, dict):
            for value in expose.values():
                if isinstance(value, list):
                    add(value)
        elif isinstance(expose, list):
            add(expose)
    for datafile in datafiles:
        add(datafile.selectors.get("tag"))
        add(datafile.selectors.get("tags"))
    return tuple(tags)
