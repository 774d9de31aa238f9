"""JSON and JUnit XML test reports, for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from kubevisor.core.testing import AssertionResult, SpecResult
from kubevisor.core.testing import TestReport as Report
from kubevisor.core.testing.reports import junit_xml, report_json


def sample() -> Report:
    passing = SpecResult("features.f.spec", "feature", "f", assertions=[AssertionResult("#1")])
    failing = SpecResult(
        "features.g.spec",
        "feature",
        "g",
        assertions=[AssertionResult("#1"), AssertionResult("#2", errors=["a: x", "b: y"])],
    )
    missing = SpecResult("segments.s.spec", "segment", "s", not_found=True)
    return Report(specs=[passing, failing, missing])


def test_json_report_counts_and_lists_errors() -> None:
    payload = report_json([("alpha", sample())])
    assert payload["passed"] is False
    (project,) = payload["projects"]
    assert project["label"] == "alpha"
    assert project["summary"] == {
        "specs": {"passed": 1, "failed": 2},
        "assertions": {"passed": 2, "failed": 1},
    }
    assert project["specs"][1]["assertions"][1] == {
        "description": "#2",
        "passed": False,
        "errors": ["a: x", "b: y"],
    }
    assert project["specs"][2]["notFound"] is True


def test_junit_has_a_suite_per_spec_and_a_failure_per_failed_assertion() -> None:
    root = ElementTree.fromstring(junit_xml([("alpha", sample())]))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "2")
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [
        "alpha/features.f.spec",
        "alpha/features.g.spec",
        "alpha/segments.s.spec",
    ]
    failure = suites[1].findall("testcase")[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "a: x"
    assert failure.text == "a: x\nb: y"
    assert suites[2].find("testcase/failure") is not None


def test_an_unlabelled_project_names_suites_by_spec_key() -> None:
    root = ElementTree.fromstring(junit_xml([("", sample())]))
    assert root.find("testsuite").get("name") == "features.f.spec"  # type: ignore[union-attr]
