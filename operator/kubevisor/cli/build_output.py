"""What both builds (`build` of a project folder, `build_manifests` of manifests) print and write.

Kept apart from either command so that `build` can hand manifests to `build_manifests` while
both use these: the dependency runs one way.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kubevisor.cli.output import fail
from kubevisor.cli.output_paths import written_paths_problem
from kubevisor.core.definitions import Definitions, Problem
from kubevisor.sources.errors import SourceError


def build_failed(message: str) -> int:
    """Print `kubevisor build: message` on stderr; returns exit code 1."""
    return fail("build", message)


def report_problems(problems: list[Problem]) -> int:
    """Print every problem on stderr and say that nothing was written; returns exit code 1."""
    for problem in problems:
        print(f"error: {problem.render()}", file=sys.stderr)
    return build_failed(f"{len(problems)} problem(s); nothing was written")


def write_tree(directory: Path, files: dict[str, bytes]) -> None:
    """Write `files` under `directory`; a path that would leave it is a `SourceError`."""
    if (unsafe := written_paths_problem(files)) is not None:
        raise SourceError(unsafe)
    for relative, data in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def refuse_invalid(definitions: Definitions, command: str) -> int | None:
    """`kubevisor.cli.lint.refuse_invalid`, imported on first use: big builds lint in a child
    process, which then imports the linter while the parent builds."""
    from kubevisor.cli import lint

    return lint.refuse_invalid(definitions, command)
