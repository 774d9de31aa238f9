"""What one namespace should publish: pure, so it is tested without a cluster.

Given the namespace's objects (as the API server returns them) and the state saved by the
last reconcile, `plan_namespace` decides, for every Datafile, the bytes to serve (or why the
last good ones must stay), and, for every object, the problems that hold it back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubevisor.core.build import DEFAULT_FEATUREVISOR_VERSION, BuildError, build_datafile
from kubevisor.core.build.selection import exposed, target_selects
from kubevisor.core.definitions import JSON, Definitions, Kind, Problem
from kubevisor.core.jsjson import dumps
from kubevisor.core.lint import lint
from kubevisor.core.lint.warnings import variation_weight_warnings
from kubevisor.sources.manifests import DatafileResource, ManifestSet, load_objects

UNREADABLE = "kubevisor.io/unreadable"
"""Set (to the reason) on a cached object whose spec the operator could not take in (see
`controller.handlers.MAX_DEPTH`): it holds back every Datafile of its namespace."""

KIND_OF_PROBLEM: dict[Kind, str] = {
    Kind.ATTRIBUTE: "Attribute",
    Kind.SEGMENT: "Segment",
    Kind.FEATURE: "Feature",
    Kind.GROUP: "Group",
    Kind.SCHEMA: "Schema",
    Kind.TARGET: "Datafile",
}


@dataclass(frozen=True)
class DatafileRecord:
    """What was last built for a Datafile: enough to keep its revision stable."""

    revision: int
    content_digest: str
    """sha256 of the datafile with an empty revision: changes only when the content does."""
    digest: str
    """sha256 of the published bytes."""

    def as_json(self) -> dict[str, JSON]:
        return {
            "revision": self.revision,
            "contentDigest": self.content_digest,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> DatafileRecord:
        return cls(int(value["revision"]), str(value["contentDigest"]), str(value["digest"]))


@dataclass
class SavedState:
    """The namespace's persisted state: upstream's existing state per environment, plus our
    per-Datafile records. Environment `""` stands for no-environments mode."""

    environments: dict[str, dict[str, JSON]] = field(default_factory=dict)
    datafiles: dict[str, DatafileRecord] = field(default_factory=dict)


@dataclass
class DatafilePlan:
    resource: DatafileResource
    content: bytes | None = None
    """The bytes to serve, or None while an input is invalid (the last good bytes stay)."""
    record: DatafileRecord | None = None
    features: int = 0
    segments: int = 0
    held_by: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.resource.name


@dataclass
class NamespacePlan:
    namespace: str
    datafiles: list[DatafilePlan]
    problems: dict[tuple[str, str], list[Problem]]
    """Problems per object, keyed by (Kubernetes kind, metadata.name)."""
    unplaced: list[Problem]
    """Problems that name no object we know (reported on every Datafile)."""
    state: SavedState
    unselected: set[str] = field(default_factory=set)
    """Names of Feature objects that no Datafile of the namespace selects: published nowhere."""
    warnings: dict[tuple[str, str], list[Problem]] = field(default_factory=dict)
    """Warnings per object (they never hold a build back), keyed like `problems`."""


def copy_json(value: JSON) -> Any:
    """A deep copy of JSON-like data; several times faster than `copy.deepcopy` (10,000
    features of state: about 0.13 s down to 0.03 s), and exact: floats round-trip by repr."""
    return json.loads(json.dumps(value))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_namespace(
    namespace: str, objects: Iterable[Mapping[str, Any]], saved: SavedState
) -> NamespacePlan:
    """Decide what the namespace publishes. `objects` are API objects of our six kinds."""
    everything = list(objects)
    unreadable = [obj for obj in everything if UNREADABLE in obj]
    objects = [obj for obj in everything if UNREADABLE not in obj]
    manifests = load_objects([dict(obj) for obj in objects])
    contents = manifests.namespaces.get(namespace)
    # Reading problems name a Datafile by its metadata.name, lint problems by its target key:
    # placed by object, so a Datafile whose target equals another's name is not held back.
    placed, unplaced = _place(manifests.problems, _object_names(objects, datafiles_by="name"))
    if contents is not None:
        linted, linted_unplaced = _place(
            lint(contents.definitions), _object_names(objects, datafiles_by="target")
        )
        for place, found in linted.items():
            placed.setdefault(place, []).extend(found)
        unplaced.extend(linted_unplaced)
    for obj in unreadable:
        # What it would select or change is unknown: nothing of its namespace publishes.
        problem = _unreadable_problem(obj)
        placed.setdefault((str(obj["kind"]), str(obj["metadata"]["name"])), []).append(problem)
        unplaced.append(problem)
    # Shallow: `_plan_datafile` replaces an environment's state with a built copy, never
    # changes it in place, so `saved` stays as it was.
    state = SavedState(environments=dict(saved.environments), datafiles=dict(saved.datafiles))
    plans: list[DatafilePlan] = []
    if contents is not None:
        for resource in sorted(contents.datafiles, key=lambda item: item.name):
            plans.append(_plan_datafile(manifests, resource, placed, unplaced, state))
    live = {plan.name for plan in plans}
    state.datafiles = {name: rec for name, rec in state.datafiles.items() if name in live}
    unselected: set[str] = set()
    warnings: dict[tuple[str, str], list[Problem]] = {}
    if contents is not None:
        warnings, _ = _place(
            variation_weight_warnings(contents.definitions),
            _object_names(objects, datafiles_by="target"),
        )
        selected: set[str] = set()
        for resource in contents.datafiles:
            selected.update(_selected(manifests.definitions_for(resource), resource))
        feature_names = _object_names(objects, datafiles_by="target")
        for key in set(contents.definitions.features) - selected:
            unselected.update(feature_names.get(("Feature", key), []))
    return NamespacePlan(namespace, plans, placed, unplaced, state, unselected, warnings)


def _unreadable_problem(obj: Mapping[str, Any]) -> Problem:
    kind = str(obj.get("kind", ""))
    problem_kind = next((k for k, name in KIND_OF_PROBLEM.items() if name == kind), Kind.TARGET)
    name = str(obj["metadata"]["name"])
    return Problem(
        problem_kind,
        name,
        "spec",
        f"cannot be compiled: {obj[UNREADABLE]}",
        "flatten it (split deep `and`/`or` trees into Segments), or delete it",
    )


def _object_names(
    objects: list[Mapping[str, Any]], *, datafiles_by: str
) -> dict[tuple[str, str], list[str]]:
    """(kind, Featurevisor key) -> names of the objects that carry it. Datafiles are found by
    `name` (their metadata.name) or by `target` (their target key)."""
    names: dict[tuple[str, str], list[str]] = {}
    for obj in objects:
        kind = str(obj.get("kind", ""))
        name = str(obj.get("metadata", {}).get("name", ""))
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


def _place(
    problems: list[Problem], names: dict[tuple[str, str], list[str]]
) -> tuple[dict[tuple[str, str], list[Problem]], list[Problem]]:
    placed: dict[tuple[str, str], list[Problem]] = {}
    unplaced: list[Problem] = []
    for problem in problems:
        kind = KIND_OF_PROBLEM.get(problem.kind)
        owners = names.get((kind, problem.key), []) if kind else []
        if not owners:
            unplaced.append(problem)
        for name in dict.fromkeys(owners):
            placed.setdefault((kind or "", name), []).append(problem)
    return placed, unplaced


def _plan_datafile(
    manifests: ManifestSet,
    resource: DatafileResource,
    placed: dict[tuple[str, str], list[Problem]],
    unplaced: list[Problem],
    state: SavedState,
) -> DatafilePlan:
    plan = DatafilePlan(resource)
    definitions = manifests.definitions_for(resource)
    held = list(unplaced) + placed.get(("Datafile", resource.name), [])
    # Finding the inputs walks every selected definition: only worth it when something is wrong.
    for kind, key in _inputs(definitions, resource) if placed else ():
        held.extend(
            problem
            for (owner_kind, _name), found in placed.items()
            if owner_kind == kind
            for problem in found
            if problem.key == key
        )
    if held:
        plan.held_by = list(dict.fromkeys(held))
        return plan
    env_key = resource.environment or ""
    env_state = state.environments.setdefault(env_key, {"features": {}})
    trial = copy_json(env_state)
    try:
        datafile = build_datafile(
            definitions,
            target_key=resource.target,
            environment=resource.environment,
            state=trial,
            revision="",
            featurevisor_version=DEFAULT_FEATUREVISOR_VERSION,
        )
    except BuildError as error:
        plan.held_by = list(error.problems)
        return plan
    state.environments[env_key] = trial
    pretty = definitions.config.pretty_datafile
    content_digest = sha256(dumps(datafile, pretty=pretty).encode())
    previous = state.datafiles.get(resource.name)
    if previous is not None and previous.content_digest == content_digest:
        revision = previous.revision
    else:
        revision = (previous.revision if previous else 0) + 1
    datafile["revision"] = str(revision)
    plan.content = dumps(datafile, pretty=pretty).encode()
    plan.record = DatafileRecord(revision, content_digest, sha256(plan.content))
    plan.features = len(datafile["features"])
    plan.segments = len(datafile["segments"])
    state.datafiles[resource.name] = plan.record
    return plan


def _inputs(definitions: Definitions, resource: DatafileResource) -> set[tuple[str, str]]:
    """Objects whose problems hold this Datafile back: what it selects and what they mention.

    Mentions are over-approximated (any string in a definition that names another definition)
    so that a broken input can never slip into a published datafile.
    """
    selected = _selected(definitions, resource)
    words: set[str] = set()
    for key in selected:
        words.add(key)
        words |= _strings(definitions.features[key])
    for key in list(words & set(definitions.segments)):
        words |= _strings(definitions.segments[key])
    for key in list(words & set(definitions.schemas)):
        words |= _strings(definitions.schemas[key])
    inputs = {("Feature", key) for key in words & set(definitions.features)}
    inputs |= {("Segment", key) for key in words & set(definitions.segments)}
    inputs |= {("Schema", key) for key in words & set(definitions.schemas)}
    attribute_roots = {word.split(".")[0] for word in words}
    inputs |= {("Attribute", key) for key in attribute_roots & set(definitions.attributes)}
    for key, group in definitions.groups.items():
        if _strings(group) & set(selected):
            inputs.add(("Group", key))
    return inputs


def _selected(definitions: Definitions, resource: DatafileResource) -> list[str]:
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
