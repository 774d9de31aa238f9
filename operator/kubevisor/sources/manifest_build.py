"""Building every Datafile of one namespace, the way `featurevisor build` builds a project.

Upstream builds all targets of all environments with one revision, one existing state per
environment shared (and updated) by all targets of that environment. A namespace does the same
with its Datafile objects; the only difference is that build settings (`stringify`, `pretty`,
`defaultBucketBy`) come from each Datafile instead of the project config.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubevisor.core.build import (
    DEFAULT_FEATUREVISOR_VERSION,
    BuildError,
    BuildOutput,
    DatafileBuilder,
    datafile_path,
    next_revision,
)
from kubevisor.core.build.project import copy_state
from kubevisor.core.datafile_shapes import State
from kubevisor.core.definitions import Kind, Problem
from kubevisor.core.jsjson import dumps
from kubevisor.core.ordering import sorted_keys
from kubevisor.sources.manifests import NamespaceManifests, definitions_for


def build_namespace(
    namespace: NamespaceManifests,
    *,
    states: Mapping[str | None, State],
    current_revision: str,
    revision: str | None = None,
    featurevisor_version: str | None = DEFAULT_FEATUREVISOR_VERSION,
) -> BuildOutput:
    """All datafiles of a namespace: paths `<env>/featurevisor-<target>.json` and `REVISION`.

    `states` (per environment, None without environments) are not modified; the updated copies
    are in the output, with the state files to write.
    """
    definitions = namespace.definitions
    config = definitions.config
    if not namespace.datafiles:
        return BuildOutput(
            problems=[
                Problem(
                    Kind.TARGET,
                    "",
                    "",
                    f"namespace `{namespace.namespace}` has no Datafile objects",
                    "add a Datafile (kind: Datafile) naming the target to build",
                )
            ]
        )
    next_value = revision or next_revision(current_revision)
    output = BuildOutput(revision=next_value)
    environments: list[str | None] = list(config.environments or [None])
    try:
        for environment in environments:
            state = copy_state(states.get(environment))
            datafiles = {d.target: d for d in namespace.datafiles if d.environment == environment}
            for target_key in sorted_keys(datafiles):
                datafile = datafiles[target_key]
                scoped = definitions_for(definitions, datafile)
                content = DatafileBuilder(scoped).build(
                    target_key=target_key,
                    environment=environment,
                    state=state,
                    revision=next_value,
                    featurevisor_version=featurevisor_version,
                )
                text = dumps(content, pretty=datafile.pretty)
                output.files[datafile_path(scoped.config, environment, target_key)] = text.encode()
            output.add_state(environment, state, pretty=config.pretty_state)
    except BuildError as error:
        return BuildOutput(problems=error.problems)
    output.add_revision_files(config.revision_file_name)
    return output
