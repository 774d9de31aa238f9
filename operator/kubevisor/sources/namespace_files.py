"""A namespace plan as the files `kubevisor build MANIFESTS` writes, and the state folder it
reads back.

Under one project revision the tree is upstream's (`<env>/featurevisor-<target>.json`, `REVISION`,
state `existing-state[-<env>].json` and `REVISION`). Under per-Datafile revisions there is no
`REVISION`: each datafile carries its own, and the state folder keeps the records the operator
keeps in its `kubevisor-state` ConfigMap (`datafiles.json`), so the next build continues them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from kubevisor.core.build import datafile_path, state_file_name
from kubevisor.core.definitions import JSON, Kind, Problem
from kubevisor.core.jsjson import dumps
from kubevisor.sources.compile_plan import NamespacePlan, SavedState
from kubevisor.sources.errors import SourceError
from kubevisor.sources.kubectl_yaml import iter_documents
from kubevisor.sources.manifests import (
    API_VERSION,
    DEFAULT_NAMESPACE,
    NamespaceManifests,
    manifest_files,
)
from kubevisor.sources.project_state import read_states
from kubevisor.sources.text_file import read_text

RECORDS_FILE = "datafiles.json"
"""Per-Datafile revision records in a state folder (the ConfigMap's `datafiles.json` too)."""


def no_datafiles_problem(namespace: NamespaceManifests) -> Problem | None:
    """A namespace without Datafiles builds nothing: for the CLI that is a mistake."""
    if namespace.datafiles:
        return None
    return Problem(
        Kind.TARGET,
        "",
        "",
        f"namespace `{namespace.namespace}` has no Datafile objects",
        "add a Datafile (kind: Datafile) naming the target to build",
    )


def read_saved_state(state_directory: Path, environments: Sequence[str | None]) -> SavedState:
    """The state folder of one namespace as the compile takes it (no folder: a first build)."""
    saved = SavedState(
        environments={
            environment or "": state
            for environment, state in read_states(state_directory, environments).items()
        }
    )
    records = state_directory / RECORDS_FILE
    if records.is_file():
        try:
            saved.datafiles = SavedState.records_from_json(records.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise SourceError(
                f"{records}: not a valid revision record file ({error}); restore it from "
                "version control or delete it (revisions then restart at 1)"
            ) from None
    return saved


def datafile_files(plan: NamespacePlan, namespace: NamespaceManifests) -> dict[str, bytes]:
    """The datafiles the plan built, at upstream's paths (held-back Datafiles have none)."""
    config = namespace.definitions.config
    return {
        datafile_path(config, datafile.resource.environment, datafile.resource.target): (
            datafile.content
        )
        for datafile in plan.datafiles
        if datafile.content is not None
    }


def state_files(
    plan: NamespacePlan, namespace: NamespaceManifests, *, records: bool
) -> dict[str, bytes]:
    """Each environment's existing state, written as upstream writes it, and (`records`) the
    per-Datafile revision records."""
    config = namespace.definitions.config
    files: dict[str, bytes] = {}
    for environment in config.environments or [None]:
        state = plan.state.environments.get(environment or "")
        if state is not None:
            text = dumps(state, pretty=config.pretty_state)
            files[state_file_name(environment)] = text.encode()
    if records:
        files[RECORDS_FILE] = plan.state.records_json().encode()
    return files


def object_heads(
    paths: Sequence[str], *, namespace: str = DEFAULT_NAMESPACE
) -> dict[str, list[dict[str, JSON]]]:
    """Per namespace, the kubevisor objects of manifest files as plain values: only for naming
    the owners of problems (`compile_namespace(objects=...)`); the reading that counts is
    `load_manifests`. Documents that cannot be read are left out: their problems then hold back
    every Datafile, the cautious choice."""
    found: dict[str, list[dict[str, JSON]]] = {}
    for value in _values(paths):
        if not isinstance(value, dict) or value.get("apiVersion") != API_VERSION:
            continue
        metadata = value.get("metadata")
        if not isinstance(metadata, dict):
            continue
        owner = metadata.get("namespace", namespace)
        found.setdefault(str(owner), []).append(value)
    return found


def _values(paths: Sequence[str]) -> Iterator[JSON]:
    for path in manifest_files(paths):
        text = read_text(path)
        if path.suffix == ".json":
            documents: list[JSON] = [json.loads(text)]
        else:
            documents = [document.value for document in iter_documents(text) if not document.error]
        for value in documents:
            items = value.get("items") if isinstance(value, dict) else None
            kind = value.get("kind") if isinstance(value, dict) else None
            if isinstance(kind, str) and kind.endswith("List"):
                yield from items if isinstance(items, list) else []
            else:
                yield value
