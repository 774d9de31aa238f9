"""`kubevisor lint` says a project has no targets before `kubevisor build` fails on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main

MINI = Path("tests/conformance/fixtures/mini/input")


def test_lint_then_build_agree_on_a_project_without_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    shutil.rmtree(project / "targets")

    assert main(["lint", str(project)]) == 1
    output = capsys.readouterr().out
    assert f"no targets in {project / 'targets'}" in output
    assert "targets/all.yml" in output and "docs/targets.md" in output

    assert main(["build", str(project)]) == 1
    assert "No targets found" in capsys.readouterr().err
    assert not (project / "datafiles").exists()

    (project / "targets").mkdir()
    (project / "targets" / "all.yml").write_text("description: All features\n")
    assert main(["lint", str(project)]) == 0
    assert main(["build", str(project)]) == 0
    assert (project / "datafiles" / "production" / "featurevisor-all.json").is_file()


def test_build_help_explains_targets(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    assert "targets/" in text and "docs/targets.md" in text
