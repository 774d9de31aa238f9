"""Test specs (docs/featurevisor.md §2.7): segment tests and feature tests with their assertions."""

from __future__ import annotations

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import (
    describe,
    expect_boolean,
    expect_mapping,
    expect_string,
    is_number,
    is_scalar,
    js_type,
    strict_object,
)

SEGMENT_ASSERTION = ("description", "matrix", "context", "expectedToMatch")
EXPECTATIONS = (
    "context",
    "sticky",
    "defaultVariationValue",
    "defaultVariableValues",
    "expectedToBeEnabled",
    "expectedVariation",
    "expectedVariables",
    "expectedEvaluations",
)
FEATURE_ASSERTION = (
    "description",
    "matrix",
    "environment",
    "target",
    "at",
    "children",
    *EXPECTATIONS,
)
EVALUATIONS = ("flag", "variation", "variables")
PLACEHOLDER = "${{"


def lint_test(project: Project, report: Report, test: JSON) -> None:
    if isinstance(test, dict) and "segment" in test and "feature" not in test:
        _lint_segment_test(project, report, test)
    elif isinstance(test, dict) and "feature" in test and "segment" not in test:
        _lint_feature_test(project, report, test)
    else:
        report.error(
            (),
            "a test needs exactly one of `segment` or `feature`",
            "start the file with `feature: <key>` or `segment: <key>`",
        )


def _lint_segment_test(project: Project, report: Report, test: JSONObject) -> None:
    strict_object(
        report, (), test, allowed=("segment", "promotable", "assertions"), required=("assertions",)
    )
    key = test["segment"]
    if expect_string(report, ("segment",), key) and key not in project.defs.segments:
        report.error(("segment",), f'unknown segment "{key}"', "name a segment that exists")
    _common(report, test)
    for where, assertion in _assertions(report, test):
        node = strict_object(
            report,
            where,
            assertion,
            allowed=SEGMENT_ASSERTION,
            required=("context", "expectedToMatch"),
        )
        if node is None:
            continue
        _lint_description_matrix(report, where, node)
        if "context" in node:
            expect_mapping(report, (*where, "context"), node["context"])
        if "expectedToMatch" in node:
            expect_boolean(report, (*where, "expectedToMatch"), node["expectedToMatch"])


def _lint_feature_test(project: Project, report: Report, test: JSONObject) -> None:
    strict_object(
        report, (), test, allowed=("feature", "promotable", "assertions"), required=("assertions",)
    )
    key = test["feature"]
    if expect_string(report, ("feature",), key) and key not in project.defs.features:
        report.error(("feature",), f'unknown feature "{key}"', "name a feature that exists")
    _common(report, test)
    for where, assertion in _assertions(report, test):
        node = strict_object(report, where, assertion, allowed=FEATURE_ASSERTION, required=("at",))
        if node is None:
            continue
        _lint_description_matrix(report, where, node)
        _lint_environment(project, report, where, node)
        target = node.get("target")
        if "target" in node and expect_string(report, (*where, "target"), target):
            assert isinstance(target, str)  # expect_string said so
            if PLACEHOLDER not in target and target not in project.defs.targets:
                report.error(
                    (*where, "target"), f'unknown target "{target}"', "name a target that exists"
                )
        if "at" in node:
            _lint_at(report, (*where, "at"), node["at"])
        _lint_expectations(report, where, node)
        children = node.get("children")
        if "children" in node and not isinstance(children, list):
            report.error((*where, "children"), "expected a list", "write a YAML list")
        for index, child in enumerate(children if isinstance(children, list) else []):
            # Upstream's child objects are not strict: unknown keys are ignored.
            child_node = expect_mapping(report, (*where, "children", index), child)
            if child_node is not None:
                _lint_expectations(report, (*where, "children", index), child_node)


def _common(report: Report, test: JSONObject) -> None:
    if "promotable" in test:
        expect_boolean(report, ("promotable",), test["promotable"])


def _assertions(report: Report, test: JSONObject) -> list[tuple[FieldPath, JSON]]:
    assertions = test.get("assertions")
    if "assertions" in test and not isinstance(assertions, list):
        report.error(
            ("assertions",), f"expected a list, got {js_type(assertions)}", "list the assertions"
        )
        return []
    listed = assertions if isinstance(assertions, list) else []
    return [(("assertions", i), a) for i, a in enumerate(listed)]


def _lint_description_matrix(report: Report, where: FieldPath, node: JSONObject) -> None:
    if "description" in node:
        expect_string(report, (*where, "description"), node["description"])
    if "matrix" not in node:
        return
    matrix = expect_mapping(report, (*where, "matrix"), node["matrix"])
    for name, values in (matrix or {}).items():
        if not isinstance(values, list) or not all(is_scalar(v) for v in values):
            report.error(
                (*where, "matrix", name),
                "matrix values must be a list of strings, numbers, booleans or null",
                "write a YAML list of plain values",
            )


def _lint_environment(project: Project, report: Report, where: FieldPath, node: JSONObject) -> None:
    environments = project.defs.config.environments
    if environments is None:
        if "environment" in node:
            report.error(
                (*where, "environment"),
                "this project has no environments",
                "remove `environment` from the assertion",
            )
        return
    if "environment" not in node:
        report.error(
            (*where, "environment"),
            "`environment` is required in a project with environments",
            f"add one of: {', '.join(project.environments)}",
        )
        return
    value = node["environment"]
    if not expect_string(report, (*where, "environment"), value):
        return
    assert isinstance(value, str)  # expect_string said so
    if PLACEHOLDER not in value and value not in project.environments:
        report.error(
            (*where, "environment"),
            f'unknown environment "{value}"',
            f"use one of: {', '.join(project.environments)}",
        )


def _lint_at(report: Report, path: FieldPath, at: JSON) -> None:
    if isinstance(at, str):
        return  # a string `at` is for matrix placeholders, resolved when the test runs
    if not is_number(at) or not 0 <= at <= 100:
        report.error(
            path,
            f"`at` must be a number from 0 to 100, got {describe(at)}",
            "write the bucket percentage, e.g. 40",
        )


def _lint_expectations(report: Report, where: FieldPath, node: JSONObject) -> None:
    for name in ("context", "sticky", "defaultVariableValues", "expectedVariables"):
        if name in node:
            expect_mapping(report, (*where, name), node[name])
    if "defaultVariationValue" in node:
        expect_string(report, (*where, "defaultVariationValue"), node["defaultVariationValue"])
    if "expectedToBeEnabled" in node:
        expect_boolean(report, (*where, "expectedToBeEnabled"), node["expectedToBeEnabled"])
    if "expectedVariation" in node:
        variation = node["expectedVariation"]
        if variation is not None and not isinstance(variation, str):
            report.error(
                (*where, "expectedVariation"),
                f"expected a string or null, got {js_type(variation)}",
                "write the variation value",
            )
    if "expectedEvaluations" in node:
        evaluations = expect_mapping(
            report, (*where, "expectedEvaluations"), node["expectedEvaluations"]
        )
        for name, value in (evaluations or {}).items():
            if name in EVALUATIONS:
                expect_mapping(report, (*where, "expectedEvaluations", name), value)
