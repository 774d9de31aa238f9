"""The objects of each namespace assembled into one Featurevisor project: `Definitions`.

A namespace is one project. Each `Attribute`/`Segment`/`Feature`/`Group`/`Schema` object gives
its spec (minus `key`) as the definition under its key, in upstream's listing order derived
from the keys (`core.ordering`). The Datafiles give the targets, the environments and the build
settings. Two objects with one kind and name, two definitions with one key, or two Datafiles
building one target for one environment are problems; the later one is left out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from kubevisor.core.definitions import JSON, Definitions, Kind, Problem, ProjectConfig
from kubevisor.core.ordering import in_listing_order
from kubevisor.sources.manifests.datafile_spec import (
    DatafileResource,
    datafile_problem,
    read_datafile_spec,
)
from kubevisor.sources.manifests.objects import (
    DATAFILE_KIND,
    DEFINITION_KINDS,
    PROBLEM_KINDS,
    ManifestObject,
)


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


def assemble(objects: list[ManifestObject], problems: list[Problem]) -> ManifestSet:
    """The objects grouped by namespace (in namespace order), with `problems` and the ones
    assembling finds."""
    result = ManifestSet(problems=list(problems))
    by_namespace: dict[str, list[ManifestObject]] = {}
    for obj in objects:
        by_namespace.setdefault(obj.namespace, []).append(obj)
    for namespace in sorted(by_namespace):
        result.namespaces[namespace] = _namespace(
            namespace, by_namespace[namespace], result.problems
        )
    return result


def _namespace(
    namespace: str, objects: list[ManifestObject], problems: list[Problem]
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


def _unique_objects(objects: list[ManifestObject], problems: list[Problem]) -> list[ManifestObject]:
    """Objects with one kind and name appear once; a second copy is an error (and left out)."""
    seen: dict[tuple[str, str], ManifestObject] = {}
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


def _datafiles(objects: list[ManifestObject], problems: list[Problem]) -> list[DatafileResource]:
    datafiles: list[DatafileResource] = []
    built: dict[tuple[str | None, str], DatafileResource] = {}
    for obj in objects:
        if obj.kind != DATAFILE_KIND:
            continue
        datafile = read_datafile_spec(obj, problems)
        if datafile is None:
            continue
        other = built.get((datafile.environment, datafile.target))
        if other is not None:
            problems.append(
                datafile_problem(
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
