"""The two slow steps of `kubevisor build` split over two processes on big projects.

Reading definition files and building environments are independent units of work (files parse
on their own; each environment has its own state), so a forked child takes half of each while
the parent does the other half (and lint). Results are identical to the serial path: the child
returns parsed values or finished file bytes, merged in the serial order.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from kubevisor.cli.forking import can_fork, start_in_child
from kubevisor.core.build import BuildOutput, build_project
from kubevisor.core.definitions import Definitions, Kind
from kubevisor.sources.project import (
    ProjectLayout,
    assemble,
    list_entities,
    read_entities,
)

T = TypeVar("T")

PARALLEL_MIN_FILES = 400
"""Below this many definition files a second process costs more than it saves."""


def load_definitions(layout: ProjectLayout) -> Definitions:
    """`load_layout`, reading the second half of the files in a child process when it pays."""
    entities = list_entities(layout)
    if len(entities) < PARALLEL_MIN_FILES or not can_fork():
        return assemble(layout, entities, read_entities(layout, entities))
    half = len(entities) // 2
    second_half = start_in_child(lambda: read_entities(layout, entities[half:]))
    try:
        first = read_entities(layout, entities[:half])
    except BaseException:
        _discard(second_half)
        raise
    return assemble(layout, entities, first + second_half())


def build_with_check(
    definitions: Definitions,
    check: Callable[[], int | None] | None,
    **options: Any,
) -> BuildOutput | int:
    """`build_project(definitions, **options)` after `check()` (lint) passes (no check: None).

    Returns `check()`'s exit code when it fails. On big projects with several environments the
    later environments build in one child process and the check runs in another, while the
    parent builds the rest: three similar shares of work for two cores, where the parent
    checking and building alone would be the one long path. Without a check there is no
    process for it.
    """
    config = definitions.config
    environments: list[str | None] = (
        list(config.environments) if config.environments is not None else [None]
    )
    files = sum(len(definitions.of_kind(kind)) for kind in Kind)
    if len(environments) < 2 or files < PARALLEL_MIN_FILES or not can_fork():
        code = check() if check is not None else None
        return code if code is not None else build_project(definitions, **options)
    half = len(environments) // 2

    def build_later() -> BuildOutput:
        output = build_project(definitions, environments=environments[half:], **options)
        return replace(output, states={})  # only the bytes are needed; states are large

    later = start_in_child(build_later)
    checked = start_in_child(lambda: _with_output(check)) if check is not None else None
    try:
        first = build_project(definitions, environments=environments[:half], **options)
    except BaseException:
        if checked is not None:
            _discard(checked)
        _discard(later)
        raise
    if checked is not None:
        try:
            code, printed, printed_to_stderr = checked()
        except BaseException:
            _discard(later)
            raise
        sys.stdout.write(printed)
        sys.stderr.write(printed_to_stderr)
        if code is not None:
            _discard(later)
            return code
    second = later()
    if first.problems or second.problems:
        return BuildOutput(problems=first.problems + second.problems)
    return BuildOutput(
        files={**first.files, **second.files},
        state_files={**first.state_files, **second.state_files},
        states={**first.states, **second.states},
        revision=first.revision,
    )


def _with_output(function: Callable[[], T]) -> tuple[T, str, str]:
    """`function()` with what it printed to stdout and stderr, for the parent to print (a
    child's own streams may be buffers in the parent that the child cannot reach)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = function()
    return result, out.getvalue(), err.getvalue()


def _discard(result: Callable[[], object]) -> None:
    """Wait for a child whose result is no longer wanted (so no process is left behind)."""
    with contextlib.suppress(Exception):
        result()
