"""Run Featurevisor test specs (docs/featurevisor.md §8.3) against in-memory datafiles.

Pure: the caller supplies the definitions and a function that returns the datafile for an
(environment, target) pair, so the same runner serves project folders and cluster manifests.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kubevisor.core.conditions import MISSING, matches, strict_equal
from kubevisor.core.datafile_shapes import Datafile
from kubevisor.core.definitions import Definitions
from kubevisor.core.evaluate import Evaluator
from kubevisor.core.lint.specs import EXPECTATIONS, FEATURE_ASSERTION, SEGMENT_ASSERTION
from kubevisor.core.testing.matrix import (
    expand_feature_assertions,
    expand_segment_assertions,
    js_text,
)
from kubevisor.core.testing.results import AssertionResult, SpecResult, TestReport

DatafileSource = Callable[[str | None, str | None], Datafile | None]
"""(environment or None, target key or None) -> datafile, or None if there is none.
Target None means the all-features datafile of the environment."""

BUCKET_VALUE_PER_PERCENT = 1000


def unknown_keys(node: Mapping[str, Any], allowed: Sequence[str], prefix: str = "") -> list[str]:
    """An error per key the runner would not check (a misspelled expectation checks nothing,
    so the assertion fails instead of passing), with the closest known key."""
    errors = []
    for key in node:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(allowed)}"
        errors.append(f"{prefix}{key}: unknown key, nothing was checked{hint}")
    return errors


def run_tests(
    definitions: Definitions,
    datafile_for: DatafileSource,
    *,
    key_pattern: str | None = None,
    assertion_pattern: str | None = None,
    targets: Sequence[str] | None = None,
) -> TestReport:
    """Run every test spec of the project (in listing order) and collect the outcomes."""
    evaluators = _Evaluators(datafile_for)
    key_regex = re.compile(key_pattern, re.IGNORECASE) if key_pattern else None
    assertion_regex = re.compile(assertion_pattern) if assertion_pattern else None
    report = TestReport()
    for test_key, spec in definitions.tests.items():
        kind = "feature" if "feature" in spec else "segment"
        subject = str(spec.get(kind, ""))
        if key_regex is not None and not key_regex.search(subject):
            continue
        result = SpecResult(key=test_key, kind=kind, subject=subject)
        report.specs.append(result)
        listed = spec.get("assertions")
        assertions = [a for a in listed if isinstance(a, dict)] if isinstance(listed, list) else []
        if kind == "feature":
            if subject not in definitions.features:
                result.not_found = True
                continue
            cases = expand_feature_assertions(assertions)
            if targets is not None:
                cases = [
                    case for case in cases if not case.get("target") or case["target"] in targets
                ]
        else:
            if subject not in definitions.segments:
                result.not_found = True
                continue
            cases = expand_segment_assertions(assertions)
        for case in cases:
            # expand_* always write a string description: js_text returns it as it is.
            if assertion_regex is not None and not assertion_regex.search(
                js_text(case["description"])
            ):
                continue
            if kind == "feature":
                outcome = _run_feature_case(subject, case, evaluators)
                outcome.errors[:0] = unknown_keys(case, FEATURE_ASSERTION)
                # Still untyped like the rest of this module (see pyproject.toml): a malformed
                # `children` fails as it does in _run_feature_case.
                children: Any = case.get("children") or []
                for index, child in enumerate(children):
                    if isinstance(child, dict):
                        prefix = f"children[{index}]."
                        outcome.errors += unknown_keys(
                            child, EXPECTATIONS, prefix
                        )  # what a child may hold
            else:
                conditions = definitions.segments[subject].get("conditions")
                outcome = _run_segment_case(conditions, case)
                outcome.errors[:0] = unknown_keys(case, SEGMENT_ASSERTION)
            result.assertions.append(outcome)
    return report


class _Evaluators:
    """One compiled Evaluator per datafile, shared by all assertions that use it."""

    def __init__(self, datafile_for: DatafileSource) -> None:
        self._datafile_for = datafile_for
        self._cache: dict[tuple[str | None, str | None], tuple[Evaluator, Datafile] | None] = {}

    def get(self, environment: str | None, target: str | None) -> tuple[Evaluator, Datafile] | None:
        key = (environment, target)
        if key not in self._cache:
            datafile = self._datafile_for(environment, target)
            self._cache[key] = None if datafile is None else (Evaluator(datafile), datafile)
        return self._cache[key]

    def for_case(
        self, environment: str | None, target: str | None
    ) -> tuple[Evaluator, Datafile] | None:
        """The target's datafile when the target is known, else the environment's."""
        if target:
            found = self.get(environment, target)
            if found is not None:
                return found
        return self.get(environment, None)


def _run_segment_case(conditions: Any, case: Mapping[str, Any]) -> AssertionResult:
    result = AssertionResult(description=case["description"])
    actual = matches(conditions, case.get("context") or {})
    expected = case.get("expectedToMatch")
    if actual is not expected:
        result.errors.append(f'segment: expected "{_text(expected)}", received "{_text(actual)}"')
    return result


def _run_feature_case(
    feature_key: str, case: Mapping[str, Any], evaluators: _Evaluators
) -> AssertionResult:
    result = AssertionResult(description=case["description"])
    environment = case.get("environment")
    found = evaluators.for_case(environment, case.get("target"))
    if found is None:
        target = f' and target "{case["target"]}"' if case.get("target") else ""
        result.errors.append(
            f'datafile not found for environment "{environment or "none"}"{target}'
        )
        return result
    base, datafile = found
    sticky = case.get("sticky") or {}
    hook = None
    if "at" in case:
        bucket_value = case["at"] * BUCKET_VALUE_PER_PERCENT
        hook = lambda feature, bucket_key, value: bucket_value  # noqa: E731
    context = case.get("context") or {}
    evaluator = base.with_options(context=context, sticky=sticky, bucket_value_hook=hook)
    checker = _Checker(feature_key, datafile, result.errors)
    checker.check(evaluator, case, "")
    for index, child in enumerate(case.get("children") or []):
        # A child sees the assertion's context with its own on top, and the assertion's sticky.
        checker.check(
            evaluator.spawn(child.get("context") or {}, sticky=sticky), child, f"children[{index}]."
        )
    return result


class _Checker:
    def __init__(self, feature_key: str, datafile: Datafile, errors: list[str]) -> None:
        self.feature_key = feature_key
        feature = (datafile.get("features") or {}).get(feature_key) or {}
        self.schemas: Mapping[str, Any] = feature.get("variablesSchema") or {}
        self.errors = errors

    def fail(self, where: str, expected: Any, actual: Any) -> None:
        self.errors.append(f'{where}: expected "{_text(expected)}", received "{_text(actual)}"')

    def fail_variable(self, where: str, expected: Any, actual: Any) -> None:
        self.errors.append(
            f"{where}:\n       => expected: {_text(expected)}\n       => received: {_text(actual)}"
        )

    def check(self, evaluator: Evaluator, case: Mapping[str, Any], prefix: str) -> None:
        key = self.feature_key
        if "expectedToBeEnabled" in case:
            actual = evaluator.is_enabled(key)
            if actual is not case["expectedToBeEnabled"]:
                self.fail(f"{prefix}expectedToBeEnabled", case["expectedToBeEnabled"], actual)
        if "expectedVariation" in case:
            default = case.get("defaultVariationValue")
            actual = (
                evaluator.get_variation(key, None, default)
                if default
                else evaluator.get_variation(key)
            )
            if not strict_equal(actual, case["expectedVariation"]):
                self.fail(f"{prefix}expectedVariation", case["expectedVariation"], actual)
        if isinstance(case.get("expectedVariables"), dict):
            self._check_variables(evaluator, case, prefix)
        if isinstance(case.get("expectedEvaluations"), dict):
            self._check_evaluations(evaluator, case["expectedEvaluations"], prefix)

    def _check_variables(self, evaluator: Evaluator, case: Mapping[str, Any], prefix: str) -> None:
        defaults = case.get("defaultVariableValues") or {}
        for variable_key, expected in case["expectedVariables"].items():
            where = f"{prefix}expectedVariables.{variable_key}"
            schema = self.schemas.get(variable_key)
            if not schema:
                self.errors.append(
                    f'{where}: schema for variable "{variable_key}" not found in feature'
                )
                continue
            default = defaults.get(variable_key)
            actual = (
                evaluator.get_variable(self.feature_key, variable_key, None, default)
                if default
                else evaluator.get_variable(self.feature_key, variable_key)
            )
            if schema.get("type") == "json" and isinstance(expected, str):
                try:
                    expected = json.loads(expected)
                except ValueError:
                    self.errors.append(f"{where}: expected value is not valid JSON: {expected}")
                    continue
            if not deep_equal(expected, actual):
                self.fail_variable(where, expected, actual)

    def _check_evaluations(
        self, evaluator: Evaluator, expected: Mapping[str, Any], prefix: str
    ) -> None:
        key = self.feature_key
        for kind in ("flag", "variation"):
            fields = expected.get(kind)
            if fields:
                evaluation = (
                    evaluator.evaluate_flag(key)
                    if kind == "flag"
                    else evaluator.evaluate_variation(key)
                )
                self._compare_fields(f"{prefix}evaluation.{kind}", evaluation, fields)
        for variable_key, fields in (expected.get("variables") or {}).items():
            evaluation = evaluator.evaluate_variable(key, variable_key)
            self._compare_fields(
                f"{prefix}evaluation.variables.{variable_key}", evaluation, fields or {}
            )

    def _compare_fields(
        self, where: str, evaluation: Mapping[str, Any], fields: Mapping[str, Any]
    ) -> None:
        for field, value in fields.items():
            actual = evaluation.get(field, MISSING)
            if not strict_equal(actual, value):
                self.fail(f"{where}.{field}", value, actual)


def deep_equal(expected: Any, actual: Any) -> bool:
    """Structural equality of JSON values (key order ignored), strict on primitives."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            deep_equal(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            deep_equal(left, right) for left, right in zip(expected, actual, strict=True)
        )
    return strict_equal(expected, actual)


def _text(value: Any) -> str:
    """A value in a failure line as upstream prints it (JavaScript `String()`), except that
    objects and arrays show as JSON: upstream's `[object Object]` says nothing."""
    if value is MISSING:
        return "undefined"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return js_text(value)
