"""Targets (docs/featurevisor.md §2.6): which features go into one datafile."""

from __future__ import annotations

from kubevisor.core.definitions import JSON
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import (
    expect_boolean,
    expect_mapping,
    expect_string,
    js_type,
    strict_object,
)

FIELDS = (
    "description",
    "tag",
    "tags",
    "includeFeatures",
    "excludeFeatures",
    "context",
    "key",
    "promotable",
)


def lint_target(project: Project, report: Report, target: JSON) -> None:
    node = strict_object(report, (), target, allowed=FIELDS, required=("description",))
    if node is None:
        return
    for name in ("description", "key"):
        if name in node:
            expect_string(report, (name,), node[name])
    if "promotable" in node:
        expect_boolean(report, ("promotable",), node["promotable"])
    if "tag" in node and "tags" in node:
        report.error(("tags",), "set either `tag` or `tags`, not both", "keep one of them")
    if "tag" in node:
        _lint_tag(project, report, ("tag",), node["tag"])
    if "tags" in node:
        _lint_tags(project, report, node["tags"])
    for name in ("includeFeatures", "excludeFeatures"):
        if name in node:
            _lint_patterns(report, (name,), node[name])
    if "context" in node:
        expect_mapping(report, ("context",), node["context"])


def _lint_tag(project: Project, report: Report, path: FieldPath, tag: JSON) -> None:
    if expect_string(report, path, tag) and tag not in project.tags:
        report.error(
            path, f'unknown tag "{tag}"', f"use a configured tag: {', '.join(project.tags)}"
        )


def _lint_tags(project: Project, report: Report, tags: JSON) -> None:
    path: FieldPath = ("tags",)
    if isinstance(tags, dict):
        strict_object(report, path, tags, allowed=("or", "and"))
        present = [name for name in ("or", "and") if name in tags]
        if len(present) != 1:
            report.error(path, "use exactly one of `or` or `and`", "write `or: [...]`")
            return
        path, tags = (*path, present[0]), tags[present[0]]
    if not isinstance(tags, list) or not tags:
        report.error(path, f"expected a non-empty list of tags, got {js_type(tags)}", "list tags")
        return
    for index, tag in enumerate(tags):
        _lint_tag(project, report, (*path, index), tag)


def _lint_patterns(report: Report, path: FieldPath, patterns: JSON) -> None:
    if patterns == "*":
        return
    if not isinstance(patterns, list) or not patterns:
        report.error(
            path,
            f'expected "*" or a non-empty list of patterns, got {js_type(patterns)}',
            'write "*" or a list such as ["checkout.*"]',
        )
        return
    for index, pattern in enumerate(patterns):
        where = (*path, index)
        if not expect_string(report, where, pattern, non_empty=True):
            continue
        assert isinstance(pattern, str)  # expect_string said so
        if pattern != pattern.strip():
            report.error(where, "pattern has surrounding spaces", "remove the spaces")
        if "**" in pattern:
            report.error(where, "`**` is not supported", "use a single `*` (it matches any run)")
