"""Compiling one namespace: the one path from manifests to datafile bytes, for the CLI and the
operator alike.

`compile_namespace` reads the namespace's objects, lints them, places every problem on the
objects it names, and builds each Datafile whose inputs are clean, carrying upstream's existing
state (per environment) from the `SavedState` it is given to the one in the plan. Pure: no
cluster, no files; the operator runs it in a worker process (`controller.compiler`), `kubevisor
build MANIFESTS` in-process.

What differs between its two callers is a parameter or the caller's own decision, never a
second compiler:

- Revisions (`revisions`): `PER_DATAFILE`, the operator's, gives each Datafile its own revision
  that moves only when its content does (a digest of the datafile without its revision, kept in
  `SavedState.datafiles`), so an edit to one feature republishes only the Datafiles that hold
  it. `ProjectRevision(r)`, upstream's `featurevisor build`, writes one revision into every
  datafile of the build (the CLI's default: `REVISION` + 1).
- Errors: the plan always holds back just the Datafiles whose inputs have problems and builds
  the rest. The operator publishes what was built and keeps the last good bytes of the others;
  the CLI refuses the whole build on `NamespacePlan.all_problems()` unless asked to behave like
  the operator.
- Reading: the operator hands over API objects; the CLI has already read its files (so problems
  keep `file:line`) and passes that `ManifestSet`, with the objects only to name problems' owners.

Datafiles are built environment by environment (config order), targets in upstream's listing
order: the order `featurevisor build` uses, so the existing state (one per environment, shared
by its targets) is written with the same key order as upstream's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kubevisor.core.build import DEFAULT_FEATUREVISOR_VERSION, BuildError, build_datafile
from kubevisor.core.build.project import copy_state
from kubevisor.core.definitions import JSON, Kind, Problem
from kubevisor.core.jsjson import dumps
from kubevisor.core.lint import lint
from kubevisor.core.lint.warnings import variation_weight_warnings
from kubevisor.core.ordering import sorted_keys
from kubevisor.sources.compile_plan import DatafilePlan, DatafileRecord, NamespacePlan, SavedState
from kubevisor.sources.manifests import (
    DatafileResource,
    ManifestSet,
    NamespaceManifests,
    load_objects,
)
from kubevisor.sources.problem_placement import (
    KIND_OF_PROBLEM,
    PlacedProblems,
    holding_back,
    object_name,
    object_names,
    place,
    selected_features,
)

UNREADABLE = "kubevisor.io/unreadable"
"""Set (to the reason) on a cached object whose spec the operator could not take in (see
`controller.handlers.MAX_DEPTH`): it holds back every Datafile of its namespace."""


@dataclass(frozen=True)
class PerDatafileRevisions:
    """Each Datafile's revision: unchanged content keeps it, changed content gets previous + 1."""


@dataclass(frozen=True)
class ProjectRevision:
    """One revision for every datafile of the build, like `featurevisor build`."""

    revision: str


RevisionPolicy = PerDatafileRevisions | ProjectRevision
PER_DATAFILE = PerDatafileRevisions()


def compile_namespace(
    namespace: str,
    objects: Iterable[Mapping[str, JSON]],
    saved: SavedState,
    *,
    revisions: RevisionPolicy,
    manifests: ManifestSet | None = None,
    lint_inputs: bool = True,
    featurevisor_version: str | None = DEFAULT_FEATUREVISOR_VERSION,
) -> NamespacePlan:
    """What the namespace publishes. `objects` are API objects of our six kinds; `manifests`,
    when given, is their reading already done (then `objects` only name problems' owners, and
    without them every problem holds back every Datafile). `lint_inputs=False` leaves lint to
    the caller (`kubevisor build` lints first, or not at all with `--no-lint`). `saved` is not
    modified: the plan carries the state after this compile."""
    everything = list(objects)
    unreadable = [obj for obj in everything if UNREADABLE in obj]
    readable = [obj for obj in everything if UNREADABLE not in obj]
    if manifests is None:
        manifests = load_objects([dict(obj) for obj in readable])
    contents = manifests.namespaces.get(namespace)
    # Reading problems name a Datafile by its metadata.name, lint problems by its target key:
    # placed by object, so a Datafile whose target equals another's name is not held back.
    placed, unplaced = place(manifests.problems, object_names(readable, datafiles_by="name"))
    by_target = object_names(readable, datafiles_by="target")
    if contents is not None and lint_inputs:
        linted, linted_unplaced = place(lint(contents.definitions), by_target)
        for owner, found in linted.items():
            placed.setdefault(owner, []).extend(found)
        unplaced.extend(linted_unplaced)
    for obj in unreadable:
        # What it would select or change is unknown: nothing of its namespace publishes.
        problem = _unreadable_problem(obj)
        placed.setdefault((str(obj["kind"]), object_name(obj)), []).append(problem)
        unplaced.append(problem)
    # Shallow: `_plan_datafile` replaces an environment's state with a built copy, never
    # changes it in place, so `saved` stays as it was.
    state = SavedState(environments=dict(saved.environments), datafiles=dict(saved.datafiles))
    plans: list[DatafilePlan] = []
    if contents is not None:
        for resource in _build_order(contents):
            plans.append(
                _plan_datafile(
                    manifests,
                    resource,
                    placed,
                    unplaced,
                    state,
                    revisions=revisions,
                    featurevisor_version=featurevisor_version,
                )
            )
    plans.sort(key=lambda plan: plan.name)
    live = {plan.name for plan in plans}
    state.datafiles = {name: rec for name, rec in state.datafiles.items() if name in live}
    unselected: set[str] = set()
    warnings: PlacedProblems = {}
    if contents is not None:
        warnings, _ = place(variation_weight_warnings(contents.definitions), by_target)
        selected: set[str] = set()
        for resource in contents.datafiles:
            selected.update(selected_features(manifests.definitions_for(resource), resource))
        for key in set(contents.definitions.features) - selected:
            unselected.update(by_target.get(("Feature", key), []))
    return NamespacePlan(namespace, plans, placed, unplaced, state, unselected, warnings)


def _build_order(contents: NamespaceManifests) -> list[DatafileResource]:
    """Environments in config order, each one's targets in listing order; Datafiles outside
    every environment (a reading problem holds them back) last, by name."""
    ordered: list[DatafileResource] = []
    for environment in contents.definitions.config.environments or [None]:
        by_target = {d.target: d for d in contents.datafiles if d.environment == environment}
        ordered.extend(by_target[key] for key in sorted_keys(by_target))
    seen = {datafile.name for datafile in ordered}
    ordered.extend(
        sorted((d for d in contents.datafiles if d.name not in seen), key=lambda d: d.name)
    )
    return ordered


def _unreadable_problem(obj: Mapping[str, JSON]) -> Problem:
    kind = str(obj.get("kind", ""))
    problem_kind = next((k for k, name in KIND_OF_PROBLEM.items() if name == kind), Kind.TARGET)
    name = object_name(obj)
    return Problem(
        problem_kind,
        name,
        "spec",
        f"cannot be compiled: {obj[UNREADABLE]}",
        "flatten it (split deep `and`/`or` trees into Segments), or delete it",
    )


def _plan_datafile(
    manifests: ManifestSet,
    resource: DatafileResource,
    placed: PlacedProblems,
    unplaced: list[Problem],
    state: SavedState,
    *,
    revisions: RevisionPolicy,
    featurevisor_version: str | None,
) -> DatafilePlan:
    plan = DatafilePlan(resource)
    definitions = manifests.definitions_for(resource)
    plan.held_by = holding_back(definitions, resource, placed, unplaced)
    if plan.held_by:
        return plan
    env_key = resource.environment or ""
    trial = copy_state(state.environments.get(env_key))
    fixed = revisions.revision if isinstance(revisions, ProjectRevision) else ""
    try:
        datafile = build_datafile(
            definitions,
            target_key=resource.target,
            environment=resource.environment,
            state=trial,
            revision=fixed,
            featurevisor_version=featurevisor_version,
        )
    except BuildError as error:
        plan.held_by = list(error.problems)
        return plan
    state.environments[env_key] = trial
    plan.features = len(datafile["features"])
    plan.segments = len(datafile["segments"])
    if isinstance(revisions, ProjectRevision):
        plan.content = dumps(datafile, pretty=resource.pretty).encode()
        return plan
    content_digest = _sha256(dumps(datafile, pretty=resource.pretty).encode())
    previous = state.datafiles.get(resource.name)
    if previous is not None and previous.content_digest == content_digest:
        revision = previous.revision
    else:
        revision = (previous.revision if previous else 0) + 1
    datafile["revision"] = str(revision)
    plan.content = dumps(datafile, pretty=resource.pretty).encode()
    plan.record = DatafileRecord(revision, content_digest, _sha256(plan.content))
    state.datafiles[resource.name] = plan.record
    return plan


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
