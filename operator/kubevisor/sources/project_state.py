"""Reading upstream's build state folder (`.featurevisor/`): existing state and REVISION."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from kubevisor.core.build import state_file_name
from kubevisor.core.datafile_shapes import State
from kubevisor.core.jsjson import loads
from kubevisor.sources.errors import SourceError


def read_states(
    state_directory: Path, environments: Sequence[str | None]
) -> dict[str | None, State]:
    """Existing state per environment; an environment without a file has none yet."""
    states: dict[str | None, State] = {}
    for environment in environments:
        path = state_directory / state_file_name(environment)
        if not path.is_file():
            continue
        try:
            state = loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise SourceError(
                f"{path}: not a valid state file ({error}); restore it from version control"
            ) from None
        if not isinstance(state, dict) or not isinstance(state.get("features", {}), dict):
            raise SourceError(f'{path}: a state file must be {{"features": {{...}}}}')
        states[environment] = cast(State, state)  # the shape was checked just above
    return states


def read_revision(state_directory: Path, file_name: str) -> str:
    """The current revision text (`"0"` when there is no revision file yet, like upstream)."""
    path = state_directory / file_name
    if not path.is_file():
        return "0"
    return path.read_text(encoding="utf-8")
