"""Segments (docs/featurevisor.md §2.2): a description and conditions."""

from __future__ import annotations

from kubevisor.core.definitions import JSON
from kubevisor.core.lint.conditions import lint_conditions
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import Report
from kubevisor.core.lint.shapes import expect_field_types, strict_object

FIELDS = ("description", "conditions", "archived", "promotable")


def lint_segment(project: Project, report: Report, segment: JSON) -> None:
    node = strict_object(
        report, (), segment, allowed=FIELDS, required=("description", "conditions")
    )
    if node is None:
        return
    expect_field_types(
        report, (), node, strings=("description",), booleans=("archived", "promotable")
    )
    if "conditions" in node:
        lint_conditions(project, report, ("conditions",), node["conditions"])
