"""Names that become paths under `kubevisor build --out`: none may lead outside that folder.

Environment names, target keys and the file-name settings are written into output paths
(`<out>/<environment>/featurevisor-<target>.json`, `existing-state-<environment>.json`). A
project folder or manifest may come from someone else, so a name that is absolute or holds a
`..` step or a NUL is refused before anything is read or written, with the field to fix. A `/`
alone is allowed: it makes a subfolder, as upstream does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubevisor.core.definitions import Definitions, Kind

if TYPE_CHECKING:  # a type only: `kubevisor build PROJECT` never reads manifests or YAML streams
    from kubevisor.sources.manifests import NamespaceManifests

_FIX = "use a relative name without `..` steps"


def leaves_folder(relative: str) -> bool:
    """True when the relative path `relative` (or a name written into one) could lead outside
    its folder: absolute, a `..` step, or a NUL (which ends a path early)."""
    parts = relative.replace("\\", "/").split("/")
    return relative.startswith(("/", "\\")) or "\0" in relative or ".." in parts


def project_names_problem(definitions: Definitions) -> str | None:
    """Why a project's environment names or target keys cannot be output paths, or None."""
    config = definitions.config
    for environment in config.environments or ():
        if leaves_folder(environment):
            return (
                f"featurevisor.config.js: environments: {environment!r} would write outside the "
                f"output folder; {_FIX}"
            )
    for key in definitions.targets:
        if _unsafe_target(key, config.namespace_character):
            origin = definitions.origins.get((Kind.TARGET, key), f"target {key}")
            return f"{origin}: target key {key!r} would write outside the output folder; {_FIX}"
    return None


def manifest_names_problem(namespace: NamespaceManifests) -> str | None:
    """Why a namespace's Datafile environments or targets cannot be output paths, or None."""
    character = namespace.definitions.config.namespace_character
    for datafile in namespace.datafiles:
        if datafile.environment is not None and leaves_folder(datafile.environment):
            return (
                f"{datafile.origin}: spec.environment {datafile.environment!r} would write outside "
                f"the output folder; {_FIX}"
            )
        if _unsafe_target(datafile.target, character):
            return (
                f"{datafile.origin}: spec.target {datafile.target!r} would write outside the "
                f"output folder; {_FIX}"
            )
    return None


def written_paths_problem(paths: Iterable[str]) -> str | None:
    """The last guard, on the paths themselves (file-name settings included), or None."""
    for relative in paths:
        if leaves_folder(relative):
            return (
                f"{relative}: this output path leaves the output folder; check the environment "
                "names, target keys, datafileNamePattern and revisionFileName"
            )
    return None


def _unsafe_target(key: str, namespace_character: str) -> bool:
    return leaves_folder(key.replace(namespace_character, "/") if namespace_character else key)
