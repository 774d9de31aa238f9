"""`kubevisor test` on the conformance projects: same specs, assertions and verdicts as the
official `featurevisor test` log, and a failing assertion makes it exit 1."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

# Lines of a test log that carry results (upstream also prints timings and SDK warnings).
RESULT_LINE = re.compile(
    r'^(Testing: .*|  (feature|segment) ".*":|  [✔✘] .*|Test specs: .*|Assertions: .*)$'
)
TIMING = re.compile(r" \(\d+ms\)$")


def result_lines(text: str) -> list[str]:
    lines = (TIMING.sub("", line) for line in text.splitlines())
    return [line for line in lines if RESULT_LINE.match(line)]


def run_kubevisor_test(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["test", str(project)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("example-1", ("Test specs: 35 passed, 0 failed", "Assertions: 189 passed, 0 failed")),
        ("example-yml", ("Test specs: 2 passed, 0 failed", "Assertions: 7 passed, 0 failed")),
        ("example-json", ("Test specs: 2 passed, 0 failed", "Assertions: 7 passed, 0 failed")),
    ],
)
def test_conformance_projects_pass_like_upstream(
    name: str, summary: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run_kubevisor_test(FIXTURES / name / "project", capsys)
    assert code == 0
    assert tuple(output.splitlines()[-2:]) == summary
    official = (FIXTURES / name / "official" / "logs" / "test.txt").read_text(encoding="utf-8")
    assert result_lines(output) == result_lines(official)


def test_the_mini_project_specs_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_kubevisor_test(FIXTURES / "mini" / "input", capsys)
    assert code == 0
    assert output.splitlines()[-2:] == [
        "Test specs: 2 passed, 0 failed",
        "Assertions: 10 passed, 0 failed",
    ]


def test_a_broken_assertion_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "example-1" / "project", project)
    spec = project / "tests" / "features" / "baz.spec.yml"
    original = spec.read_text(encoding="utf-8")
    broken = original.replace("expectedToBeEnabled: true", "expectedToBeEnabled: false", 1)
    assert broken != original
    spec.write_text(broken, encoding="utf-8")

    code, output = run_kubevisor_test(project, capsys)

    assert code == 1
    assert "  ✘ Assertion #1: At 10%, the feature should be enabled" in output
    assert '    => expectedToBeEnabled: expected "false", received "true"' in output
    assert output.splitlines()[-2:] == [
        "Test specs: 34 passed, 1 failed",
        "Assertions: 188 passed, 1 failed",
    ]


def test_a_missing_project_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["test", str(tmp_path / "nowhere")])
    captured = capsys.readouterr()
    assert code == 1
    assert "kubevisor test:" in captured.err
    assert "Traceback" not in captured.err


def test_sets_mini_tests_every_set_like_upstream(capsys: pytest.CaptureFixture[str]) -> None:
    """Each set gets a `Set "<name>"` header and its own summary; beta fails one assertion on
    purpose, so the run exits 1 as `featurevisor test` does."""
    code, output = run_kubevisor_test(FIXTURES / "sets-mini" / "project", capsys)
    official = (FIXTURES / "sets-mini" / "official" / "logs" / "test.txt").read_text("utf-8")
    assert code == 1
    headers = [line for line in output.splitlines() if line.startswith("Set ")]
    assert headers == ['Set "alpha"', 'Set "beta"']
    assert result_lines(output) == result_lines(official)
    # upstream's failure lines too; objects show as JSON where upstream prints [object Object]
    failures = [line for line in output.splitlines() if line.startswith("    ")]
    official_failures = [line for line in official.splitlines() if line.startswith("    ")]
    assert [line for line in failures if "{" not in line] == [
        line for line in official_failures if "[object Object]" not in line
    ]
    assert '       => expected: {"columns":3,"dense":false}' in failures


def test_one_set_can_be_tested_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", str(FIXTURES / "sets-mini" / "project"), "--set", "alpha"])
    output = capsys.readouterr().out
    assert code == 0
    assert 'Set "beta"' not in output
    assert output.splitlines()[-1] == "Assertions: 10 passed, 0 failed"


def test_parser_mini_specs_pass_like_upstream(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_kubevisor_test(FIXTURES / "parser-mini" / "project", capsys)
    official = (FIXTURES / "parser-mini" / "official" / "logs" / "test.txt").read_text("utf-8")
    assert code == 0
    assert "Testing: segments.dach.spec.toml" in output
    assert result_lines(output) == result_lines(official)


@pytest.mark.parametrize(
    "name", ["example-1", "example-yml", "example-json", "sets-mini", "parser-mini"]
)
def test_conformance_projects_lint_clean_like_upstream(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    official = (FIXTURES / name / "official" / "logs" / "lint.txt").read_text("utf-8")
    assert official.rstrip().endswith("✔ No lint errors found")
    assert main(["lint", str(FIXTURES / name / "project")]) == 0
    assert capsys.readouterr().out == official  # progress lines, set headers, the verdict


def test_a_misspelled_assertion_key_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lint rejects the spec first; with --no-lint the runner itself fails the assertion."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini" / "input", project)
    spec = project / "tests" / "features" / "checkout.spec.yml"
    original = spec.read_text(encoding="utf-8")
    spec.write_text(
        original.replace("expectedToBeEnabled", "expectedToBeEnable", 1), encoding="utf-8"
    )

    assert main(["test", str(project)]) == 1
    captured = capsys.readouterr()
    assert 'unknown field "expectedToBeEnable"' in captured.err
    assert "Test specs:" not in captured.out

    assert main(["test", str(project), "--no-lint"]) == 1
    output = capsys.readouterr().out
    assert (
        "    => expectedToBeEnable: unknown key, nothing was checked; "
        'did you mean "expectedToBeEnabled"?'
    ) in output
    assert output.splitlines()[-1] == "Assertions: 9 passed, 1 failed"
