"""A whole project build (docs/featurevisor.md §5.1): every target for every environment, state and
revision."""

from __future__ import annotations

import marshal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kubevisor.core.build.datafile import DatafileBuilder
from kubevisor.core.build.errors import BuildError
from kubevisor.core.build.revision import next_revision
from kubevisor.core.datafile_shapes import State
from kubevisor.core.definitions import Definitions, Kind, Problem, ProjectConfig
from kubevisor.core.jsjson import dumps

DEFAULT_FEATUREVISOR_VERSION = "3.1.0"
"""The upstream version whose output kubevisor reproduces; datafiles carry it by default."""


@dataclass
class BuildOutput:
    """Everything a build writes. Paths are relative, with `/` separators."""

    files: dict[str, bytes] = field(default_factory=dict)
    """The datafiles tree (`<env>/featurevisor-<target>.json`, `REVISION`)."""
    state_files: dict[str, bytes] = field(default_factory=dict)
    """The state folder (`existing-state[-<env>].json`, `REVISION`)."""
    states: dict[str | None, State] = field(default_factory=dict)
    """Updated existing state per environment (None in no-environments mode)."""
    revision: str = ""
    problems: list[Problem] = field(default_factory=list)
    """Why nothing was built; when not empty, the other fields are empty."""

    def add_state(self, environment: str | None, state: State, *, pretty: bool) -> None:
        """The updated existing state of one environment, kept and written as its state file."""
        self.states[environment] = state
        self.state_files[state_file_name(environment)] = dumps(state, pretty=pretty).encode()

    def add_revision_files(self, revision_file_name: str) -> None:
        """The revision file, written beside the datafiles and beside the states."""
        self.files[revision_file_name] = self.revision.encode()
        self.state_files[revision_file_name] = self.revision.encode()


def datafile_path(config: ProjectConfig, environment: str | None, target_key: str) -> str:
    """Where upstream writes a target's datafile, relative to the datafiles folder."""
    *directories, last = target_key.split(config.namespace_character)
    file_name = config.datafile_name_pattern.replace("%s", last, 1)
    parts = ([environment] if environment is not None else []) + directories + [file_name]
    return "/".join(part for part in parts if part)


def state_file_name(environment: str | None) -> str:
    return "existing-state.json" if environment is None else f"existing-state-{environment}.json"


def copy_state(state: State | None) -> State:
    # States are plain JSON data; marshal round-trips them faster than copy.deepcopy.
    copied: State = marshal.loads(marshal.dumps(dict(state or {"features": {}})))
    copied.setdefault("features", {})
    return copied


def build_project(
    defs: Definitions,
    *,
    states: Mapping[str | None, State],
    current_revision: str,
    revision: str | None = None,
    featurevisor_version: str | None = DEFAULT_FEATUREVISOR_VERSION,
    target_keys: Sequence[str] | None = None,
    revision_from_hash: bool = False,
    environments: Sequence[str | None] | None = None,
) -> BuildOutput:
    """Build every selected target for every environment, like `featurevisor build`.

    `states` maps each environment (None in no-environments mode) to its existing state; they
    are not modified, the updated copies are in the output. `revision` overrides the next
    revision (default: `current_revision` + 1, upstream's rules). `environments` restricts the
    build to some of the configured environments (environments are independent of each other,
    so parts can be built separately and their outputs merged).
    """
    config = defs.config
    keys = list(dict.fromkeys(target_keys)) if target_keys else list(defs.targets)
    if not defs.targets:
        return BuildOutput(
            problems=[
                Problem(
                    Kind.TARGET,
                    "",
                    "",
                    "No targets found",
                    'add at least one target definition, for example "targets/all.yml" with '
                    "`description: All features` (it selects every feature); see docs/targets.md",
                )
            ]
        )
    next_value = revision if revision else next_revision(current_revision)
    builder = DatafileBuilder(defs)
    output = BuildOutput(revision=next_value)
    configured: list[str | None] = (
        list(config.environments) if config.environments is not None else [None]
    )
    selected = configured if environments is None else [e for e in configured if e in environments]
    try:
        for environment in selected:
            state = copy_state(states.get(environment))
            for target_key in keys:
                text = builder.build_text(
                    target_key=target_key,
                    environment=environment,
                    state=state,
                    revision=next_value,
                    featurevisor_version=featurevisor_version,
                    revision_from_hash=revision_from_hash,
                    pretty=config.pretty_datafile,
                )
                output.files[datafile_path(config, environment, target_key)] = text.encode()
            output.add_state(environment, state, pretty=config.pretty_state)
    except BuildError as error:
        return BuildOutput(problems=error.problems)
    output.add_revision_files(config.revision_file_name)
    return output
