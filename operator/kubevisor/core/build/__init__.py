"""Building Featurevisor v3 datafiles, byte for byte like upstream `featurevisor build` v3.1.0.

Small modules, one job each: `allocation` (traffic ranges), `mutation` (variable values),
`groups` (slot ranges), `hashes`, `selection` (which features a target holds), `context`
(target context), `features` (one feature), `datafile` (one datafile), `project` (all of them,
with state and revision).
"""

from __future__ import annotations

from kubevisor.core.build.datafile import DatafileBuilder, build_datafile
from kubevisor.core.build.errors import BuildError
from kubevisor.core.build.project import (
    DEFAULT_FEATUREVISOR_VERSION,
    BuildOutput,
    build_project,
    datafile_path,
    state_file_name,
)
from kubevisor.core.build.revision import next_revision

__all__ = [
    "DEFAULT_FEATUREVISOR_VERSION",
    "BuildError",
    "BuildOutput",
    "DatafileBuilder",
    "build_datafile",
    "build_project",
    "datafile_path",
    "next_revision",
    "state_file_name",
]
