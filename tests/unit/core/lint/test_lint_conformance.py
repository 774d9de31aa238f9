"""The upstream example projects lint clean, as the official `featurevisor lint` says they do."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.core.lint import lint
from kubevisor.sources.project import load_project

FIXTURES = Path("tests/conformance/fixtures")
EXAMPLES = ["example-1", "example-json", "example-yml"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_upstream_example_lints_clean_like_the_official_linter(example: str) -> None:
    official_log = (FIXTURES / example / "official/logs/lint.txt").read_text()
    assert "No lint errors found" in official_log
    defs = load_project(FIXTURES / example / "project")
    assert defs.features, "the project must actually contain features"
    assert [problem.render() for problem in lint(defs)] == []


def test_mini_project_lints_clean() -> None:
    defs = load_project(FIXTURES / "mini/input")
    assert defs.features and defs.groups
    assert [problem.render() for problem in lint(defs)] == []


def test_problems_carry_the_file_they_come_from() -> None:
    defs = load_project(FIXTURES / "mini/input")
    key = next(iter(defs.features))
    defs.features[key]["bucketBy"] = 42
    problems = [p for p in lint(defs) if p.key == key and p.path == "bucketBy"]
    assert problems
    assert problems[0].origin.endswith(".yml")
