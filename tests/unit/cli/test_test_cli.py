"""`kubevisor test` options: --json, --junit, --keyPattern, --assertionPattern, --onlyFailures,
lint first, and specs run against manifests."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from kubevisor.cli import main

MINI = Path("tests/conformance/fixtures/mini/input")
SETS_MINI = Path("tests/conformance/fixtures/sets-mini/project")


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(SETS_MINI), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["passed"] is False
    assert [project["label"] for project in payload["projects"]] == ["alpha", "beta"]
    beta = payload["projects"][1]
    assert beta["summary"]["assertions"] == {"passed": 6, "failed": 1}
    failed = beta["specs"][0]["assertions"][0]
    assert failed["passed"] is False and failed["errors"]


def test_junit_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "junit.xml"
    assert main(["test", str(MINI), "--junit", str(report)]) == 0
    assert "Test specs: 2 passed" in capsys.readouterr().out  # text output as well
    root = ElementTree.parse(report).getroot()
    assert (root.get("tests"), root.get("failures")) == ("10", "0")


def test_key_pattern_is_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI), "--keyPattern", "DACH"]) == 0
    output = capsys.readouterr().out
    assert "Testing: segments.dach.spec.yml" in output
    assert "checkout" not in output


def test_assertion_pattern_filters_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI), "--assertion-pattern", "in de$"]) == 0
    output = capsys.readouterr().out
    assert "  ✔ Assertion #5: everyone at 1% in de" in output
    assert output.splitlines()[-1] == "Assertions: 1 passed, 0 failed"


def test_only_failures_prints_failing_specs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(SETS_MINI), "--onlyFailures"]) == 1
    output = capsys.readouterr().out
    assert "segments.dach.spec.yml" not in output
    assert output.count("Testing:") == 1  # only beta's failing checkout spec
    assert "  ✘ Assertion #1:" in output
    assert "  ✔ Assertion #2" in output  # a failing spec is shown whole, like upstream


def test_a_project_lint_rejects_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    checkout = project / "features" / "checkout.yml"
    checkout.write_text(checkout.read_text().replace("bucketBy: userId", "bucketBy: 42"))
    assert main(["test", str(project)]) == 1
    captured = capsys.readouterr()
    assert "bucketBy" in captured.err and "Test specs" not in captured.out


def test_specs_run_against_manifests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifests = tmp_path / "manifests"
    assert main(["import", str(MINI), "--out", str(manifests), "--namespace", "shop"]) == 0
    capsys.readouterr()
    assert main(["test", str(manifests), "--specs", str(MINI / "tests")]) == 0
    output = capsys.readouterr().out
    assert 'Namespace "shop"' in output
    assert output.splitlines()[-2:] == [
        "Test specs: 2 passed, 0 failed",
        "Assertions: 10 passed, 0 failed",
    ]


def test_manifests_without_specs_say_where_to_put_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifests = tmp_path / "manifests"
    assert main(["import", str(MINI), "--out", str(manifests), "--namespace", "shop"]) == 0
    shutil.rmtree(manifests / "tests", ignore_errors=True)
    assert main(["test", str(manifests)]) == 1
    assert "pass --specs DIR" in capsys.readouterr().err


def test_a_project_without_specs_fails_like_upstream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    shutil.rmtree(project / "tests")
    assert main(["test", str(project)]) == 1
    assert "No tests found" in capsys.readouterr().err
