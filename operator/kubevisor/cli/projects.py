"""The one place a read-only command gets "the definitions to work on" from its SOURCE.

SOURCE is a Featurevisor project folder (it has `featurevisor.config.js`) or Kubernetes
manifest files and folders, where each namespace is one project. Every analysis command
(`find-usage`, `list`, `info`, `config`, `assess-distribution`, `benchmark`, `generate-code`)
calls `load_projects`, so a new way of holding definitions (sets) is added here once.
"""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubevisor.core.datafile_shapes import Datafile
from kubevisor.core.definitions import Definitions
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import (
    ProjectLayout,
    is_project_folder,
    load_layout,
    project_layouts,
)

if TYPE_CHECKING:
    from kubevisor.sources.manifests import ManifestSet


STDIN = "-"
"""SOURCE `-`: manifests on standard input."""


def read_manifests(source: str) -> ManifestSet:
    """Manifests from files and folders, or from standard input for `-`."""
    from kubevisor.sources.manifests import load_manifest_text, load_manifests

    if source == STDIN:
        return load_manifest_text(sys.stdin.read())
    return load_manifests([source])


@dataclass(frozen=True)
class LoadedProject:
    """One project's definitions and where they came from."""

    name: str
    """The project folder, or `namespace <name>` for manifests."""
    definitions: Definitions
    layout: ProjectLayout | None = None
    """The project folder's layout; None for manifests."""

    @property
    def state_directory(self) -> Path | None:
        """The project's state folder (`.featurevisor/`); None for manifests."""
        return self.layout.state_directory if self.layout is not None else None


def load_projects(source: str) -> list[LoadedProject]:
    """Every project SOURCE holds (one for a folder, one per namespace for manifests).

    Raises `SourceError` when SOURCE cannot be read, or holds manifests with problems (a
    command that analyses definitions must not silently drop the objects it could not read).
    """
    if source != STDIN and is_project_folder(source):
        # A sets project is one project per set, each with its own state folder.
        return [
            LoadedProject(
                source if layout.set_name is None else f"{source} (set {layout.set_name})",
                load_layout(layout),
                layout,
            )
            for layout in project_layouts(source)
        ]
    manifests = read_manifests(source)
    if manifests.problems:
        first = manifests.problems[0].render()
        raise SourceError(
            f"{source}: {len(manifests.problems)} problem(s) reading manifests, first: {first}. "
            "Run `kubevisor lint` for the list"
        )
    if not manifests.namespaces:
        raise SourceError(
            f"{source}: neither a Featurevisor project folder (no featurevisor.config.js) "
            "nor manifests with kubevisor.io/v1alpha1 objects"
        )
    return [
        LoadedProject(f"namespace {name}", namespace.definitions)
        for name, namespace in manifests.namespaces.items()
    ]


def parse_context(text: str) -> dict[str, Any]:
    """`--context` of an evaluating command: a JSON object, or a `SourceError` naming the flag."""
    try:
        context = json.loads(text)
    except ValueError as error:
        raise SourceError(f"--context is not valid JSON: {error}") from None
    if not isinstance(context, dict):
        raise SourceError("--context must be a JSON object")
    return context


def load_one_project(source: str, namespace: str | None = None) -> LoadedProject:
    """The single project a command works on: SOURCE's project, or the manifests' namespace
    (`namespace` picks one when SOURCE holds several)."""
    projects = load_projects(source)
    if namespace is not None:
        wanted = f"namespace {namespace}"
        for project in projects:
            if project.name == wanted:
                return project
        names = ", ".join(project.name.removeprefix("namespace ") for project in projects)
        raise SourceError(f"{source}: no namespace {namespace!r} (found: {names})")
    if len(projects) > 1:
        names = ", ".join(project.name.removeprefix("namespace ") for project in projects)
        raise SourceError(f"{source}: holds several namespaces ({names}); pick one with -N NAME")
    return projects[0]


ALL_FEATURES_REVISION = "include-all-features"


def all_features_datafile(project: LoadedProject, environment: str | None) -> Datafile:
    """The in-memory datafile of every feature for one environment, built from the project's
    current state like upstream's `evaluate`, `assess-distribution` and `benchmark` do (the
    state is read, never written). Raises `SourceError` for an unknown environment."""
    return in_memory_datafile(project, environment, None)


def in_memory_datafile(
    project: LoadedProject, environment: str | None, target: str | None
) -> Datafile:
    """The datafile of `target` (every feature when None) for one environment, built in
    memory from the current state. Raises `SourceError` for an unknown environment or target."""
    from kubevisor.core.build import build_datafile  # only the commands that build pay for it
    from kubevisor.sources.project_state import read_states

    environments = project.definitions.config.environments
    if environments is None and environment is not None:
        raise SourceError(
            f"{project.name} has no environments; leave out --environment ({environment!r})"
        )
    if environments is not None and environment not in environments:
        known = ", ".join(environments)
        raise SourceError(
            f"{project.name}: unknown environment {environment!r}; pass --environment "
            f"with one of: {known}"
        )
    if target is not None and target not in project.definitions.targets:
        known = ", ".join(project.definitions.targets) or "(none)"
        raise SourceError(f"{project.name}: unknown target {target!r}; known targets: {known}")
    states = (
        read_states(project.state_directory, [environment])
        if project.state_directory is not None
        else {}
    )
    return build_datafile(
        project.definitions,
        target_key=target,
        environment=environment,
        state=copy.deepcopy(states.get(environment) or {"features": {}}),
        revision=ALL_FEATURES_REVISION if target is None else "info",
    )
