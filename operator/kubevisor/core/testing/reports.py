"""Machine-readable test reports for CI: JSON and JUnit XML.

A run covers one or more projects (one per set in sets mode, one per namespace for manifests),
each with a label (the set or namespace; "" for a plain project folder).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence

from kubevisor.core.testing.results import SpecResult, TestReport

LabelledReport = tuple[str, TestReport]


def _spec_json(spec: SpecResult) -> dict[str, object]:
    return {
        "key": spec.key,
        "kind": spec.kind,
        "subject": spec.subject,
        "passed": spec.passed,
        "notFound": spec.not_found,
        "assertions": [
            {"description": result.description, "passed": result.passed, "errors": result.errors}
            for result in spec.assertions
        ],
    }


def report_json(reports: Sequence[LabelledReport]) -> dict[str, object]:
    """`{"passed", "projects": [{"label", "passed", "summary", "specs": [...]}]}`."""
    projects = []
    for label, report in reports:
        specs_passed, specs_failed, assertions_passed, assertions_failed = report.counts()
        projects.append(
            {
                "label": label,
                "passed": report.passed,
                "summary": {
                    "specs": {"passed": specs_passed, "failed": specs_failed},
                    "assertions": {"passed": assertions_passed, "failed": assertions_failed},
                },
                "specs": [_spec_json(spec) for spec in report.specs],
            }
        )
    return {"passed": all(report.passed for _, report in reports), "projects": projects}


def junit_xml(reports: Sequence[LabelledReport]) -> str:
    """One `<testsuite>` per spec (named `<label>/<spec key>`), one `<testcase>` per assertion;
    a spec whose feature or segment does not exist is one failing test case."""
    root = ElementTree.Element("testsuites", name="kubevisor test")
    total = failures = 0
    for label, report in reports:
        for spec in report.specs:
            name = f"{label}/{spec.key}" if label else spec.key
            suite = ElementTree.SubElement(root, "testsuite", name=name)
            cases = 0
            failed = 0
            if spec.not_found:
                case = ElementTree.SubElement(suite, "testcase", classname=name, name=spec.subject)
                message = f'{spec.kind} "{spec.subject}" not found'
                ElementTree.SubElement(case, "failure", message=message).text = message
                cases, failed = 1, 1
            for result in spec.assertions:
                case = ElementTree.SubElement(
                    suite, "testcase", classname=name, name=result.description
                )
                cases += 1
                if not result.passed:
                    failed += 1
                    failure = ElementTree.SubElement(case, "failure", message=result.errors[0])
                    failure.text = "\n".join(result.errors)
            suite.set("tests", str(cases))
            suite.set("failures", str(failed))
            total += cases
            failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        root, encoding="unicode"
    )
