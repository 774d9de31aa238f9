"""Which objects a problem belongs to, and which objects a Datafile's build reads.

Problems name Featurevisor keys (lint) or object names (reading). The operator reports each on
the status of the objects that carry it, and holds back exactly the Datafiles that read one of
those objects; a problem that names no known object holds back every Datafile.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubevisor.core.build.selection import exposed, target_selects
from kubevisor.core.definitions import JSON, Definitions, Kind, Problem
from kubevisor.sources.manifests import DatafileResource

KIND_OF_PROBLEM: dict[Kind, str] = {
    Kind.ATTRIBUTE: "Attribute",
    Kind.SEGMENT: "Segment",
    Kind.FEATURE: "Feature",
    Kind.GROUP: "Group",
    Kind.SCHEMA: "Schema",
    Kind.TARGET: "Datafile",
}

ObjectNames = dict[tuple[str, str], list[str]]
"""(Kubernetes kind, Featurevisor key) -> metadata.name of the objects that carry it."""
PlacedProblems = dict[tuple[str, str], list[Problem]]
"""(Kubernetes kind, metadata.name) -> the problems of that object."""


def object_name(obj: Mapping[str, JSON]) -> str:
    """An API object's metadata.name ("" when it has none)."""
    metadata = obj.get("metadata")
    return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""


def object_names(objects: list[Mapping[str, JSON]], *, datafiles_by: str) -> ObjectNames:
    """Datafiles are found by `name` (their metadata.name: reading problems name them so) or
    by `target` (their target key: lint problems name them so)."""
    names: ObjectNames = {}
    for obj in objects:
        kind = str(obj.get("kind", ""))
        name = object_name(obj)
        spec = obj.get("spec") or {}
        key = (
            spec.get(datafiles_by if kind == "Datafile" else "key")
            if isinstance(spec, Mapping)
            else None
        )
        if kind == "Datafile" and datafiles_by == "name":
            key = None
        names.setdefault((kind, str(key or name)), []).append(name)
    return names


def place(problems: list[Problem], names: ObjectNames) -> tuple[PlacedProblems, list[Problem]]:
    """(problems per object, problems that name no object we know)."""
    placed: PlacedProblems = {}
    unplaced: list[Problem] = []
    for problem in problems:
        kind = KIND_OF_PROBLEM.get(problem.kind)
        owners = names.get((kind, problem.key), []) if kind else []
        if not owners:
            unplaced.append(problem)
        for name in dict.fromkeys(owners):
            placed.setdefault((kind or "", name), []).append(problem)
    return placed, unplaced


def holding_back(
    definitions: Definitions,
    resource: DatafileResource,
    placed: PlacedProblems,
    unplaced: list[Problem],
) -> list[Problem]:
    """The problems that keep this Datafile from being built (none: build it)."""
    held = list(unplaced) + placed.get(("Datafile", resource.name), [])
    # Finding the inputs walks every selected definition: only worth it when something is wrong.
    for kind, key in inputs(definitions, resource) if placed else ():
        held.extend(
            problem
            for (owner_kind, _name), found in placed.items()
            if owner_kind == kind
            for problem in found
            if problem.key == key
        )
    return list(dict.fromkeys(held))


def inputs(definitions: Definitions, resource: DatafileResource) -> set[tuple[str, str]]:
    """Objects whose problems hold this Datafile back: what it selects and what they mention.

    Mentions are over-approximated (any string in a definition that names another definition)
    so that a broken input can never slip into a published datafile.
    """
    selected = selected_features(definitions, resource)
    words: set[str] = set()
    for key in selected:
        words.add(key)
        words |= _strings(definitions.features[key])
    for key in list(words & set(definitions.segments)):
        words |= _strings(definitions.segments[key])
    for key in list(words & set(definitions.schemas)):
        words |= _strings(definitions.schemas[key])
    found = {("Feature", key) for key in words & set(definitions.features)}
    found |= {("Segment", key) for key in words & set(definitions.segments)}
    found |= {("Schema", key) for key in words & set(definitions.schemas)}
    attribute_roots = {word.split(".")[0] for word in words}
    found |= {("Attribute", key) for key in attribute_roots & set(definitions.attributes)}
    for key, group in definitions.groups.items():
        if _strings(group) & set(selected):
            found.add(("Group", key))
    return found


def selected_features(definitions: Definitions, resource: DatafileResource) -> list[str]:
    """Keys of the features the Datafile's target selects and exposes in its environment."""
    target = definitions.targets.get(resource.target)
    environment = resource.environment
    selected: list[str] = []
    for key, feature in definitions.features.items():
        try:
            expose = feature.get("expose")
            if environment is not None and isinstance(expose, dict):
                expose = expose.get(environment)
            if target_selects(target, key, feature) and exposed(target, expose):
                selected.append(key)
        except (TypeError, AttributeError, ValueError):
            selected.append(key)  # malformed selectors: treat as selected, lint reports it
    return selected


def _strings(value: JSON) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            found.update(str(k) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
