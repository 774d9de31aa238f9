"""Fields that are keyed by environment in environments mode (rules, force, expose)."""

from __future__ import annotations

from collections.abc import Callable

from kubevisor.core.definitions import JSON
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import js_type
from kubevisor.core.lint.suggest import did_you_mean

Check = Callable[[FieldPath, JSON], None]


def per_environment(
    project: Project, report: Report, path: FieldPath, value: JSON, check: Check
) -> None:
    """Run `check` on each environment's value, or once on `value` in no-environments mode."""
    if project.defs.config.environments is None:
        check(path, value)
        return
    if not isinstance(value, dict):
        report.error(
            path,
            f"expected a mapping of environment to value, got {js_type(value)}",
            f"key it by environment: {', '.join(project.environments)}",
        )
        return
    for environment, item in value.items():
        if environment not in project.environments:
            report.error(
                (*path, environment),
                f'unknown environment "{environment}"',
                did_you_mean(
                    environment,
                    project.environments,
                    f"use one of the configured environments: {', '.join(project.environments)}",
                ),
            )
            continue
        check((*path, environment), item)
