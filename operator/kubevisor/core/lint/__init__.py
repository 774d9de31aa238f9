"""The linter: every rule of docs/featurevisor.md §9, as values. `lint(defs)` never raises on bad
input.

Kinds are checked in upstream's order (attributes, segments, features, groups, schemas,
targets, tests), then each definition in listing order, so output is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

from kubevisor.core.definitions import JSON, Definitions, Kind, Problem
from kubevisor.core.limits import nesting_problems
from kubevisor.core.lint.attributes import lint_attribute
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.features import lint_feature
from kubevisor.core.lint.groups import lint_group
from kubevisor.core.lint.names import lint_name
from kubevisor.core.lint.report import Report
from kubevisor.core.lint.schemas import lint_reusable_schema
from kubevisor.core.lint.segments import lint_segment
from kubevisor.core.lint.specs import lint_test
from kubevisor.core.lint.targets import lint_target

KindLinter = Callable[[Project, Report, JSON], None]

LINTERS: tuple[tuple[Kind, KindLinter], ...] = (
    (Kind.ATTRIBUTE, lambda _project, report, value: lint_attribute(report, value)),
    (Kind.SEGMENT, lint_segment),
    (Kind.FEATURE, lint_feature),
    (Kind.GROUP, lint_group),
    (Kind.SCHEMA, lint_reusable_schema),
    (Kind.TARGET, lint_target),
    (Kind.TEST, lint_test),
)


def lint(defs: Definitions) -> list[Problem]:
    """All problems of a project, in upstream's kind order; [] when it is clean."""
    project = Project(defs)
    problems: list[Problem] = []
    for kind, linter in LINTERS:
        for key, definition in defs.of_kind(kind).items():
            report = Report(kind=kind, key=str(key), origin=defs.origins.get((kind, key), ""))
            lint_name(report, defs.config.namespace_character)
            if not _within_limits(report, definition):
                problems.extend(report.problems)
                continue  # the linters recurse; a definition past the limits is not walked
            linter(project, report, definition)
            problems.extend(report.problems)
    return problems


def _within_limits(report: Report, definition: JSON) -> bool:
    exceeded = list(nesting_problems(definition))
    for found in exceeded:
        report.error(found.path, found.message, found.hint)
    return not exceeded


__all__ = ["lint"]
