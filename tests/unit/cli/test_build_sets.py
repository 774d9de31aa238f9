"""`kubevisor build` in sets mode: revisions, `--set`, `--revision`, print mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main

SETS_MINI = Path("tests/conformance/fixtures/sets-mini/project")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(SETS_MINI, copy)
    return copy


def test_a_second_build_raises_every_revision_by_one(project: Path) -> None:
    assert main(["build", str(project)]) == 0
    assert main(["build", str(project)]) == 0
    for revision in (
        project / "datafiles" / "REVISION",
        project / ".featurevisor" / "REVISION",
        project / "datafiles" / "alpha" / "REVISION",
        project / ".featurevisor" / "sets" / "beta" / "REVISION",
    ):
        assert revision.read_text() == "2", revision
    assert (
        '"revision":"2"'
        in (project / "datafiles/beta/production/featurevisor-web.json").read_text()
    )


def test_an_explicit_revision_leaves_the_root_revision_alone(project: Path) -> None:
    assert main(["build", str(project), "--revision", "7"]) == 0
    assert (project / "datafiles" / "alpha" / "REVISION").read_text() == "7"
    assert not (project / "datafiles" / "REVISION").exists()
    assert not (project / ".featurevisor" / "REVISION").exists()


def test_one_set_builds_alone(project: Path) -> None:
    assert main(["build", str(project), "--set", "beta"]) == 0
    assert (project / "datafiles" / "beta" / "staging" / "featurevisor-all.json").is_file()
    assert not (project / "datafiles" / "alpha").exists()


def test_print_mode_needs_a_set(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["build", str(project), "--print", "--environment", "production"]
    assert main(args) == 1
    assert "Pass --set=<set>" in capsys.readouterr().err
    assert main([*args, "--set", "beta"]) == 0
    assert '"checkout"' in capsys.readouterr().out


def test_a_set_that_does_not_build_writes_nothing(project: Path) -> None:
    (project / "sets" / "beta" / "targets" / "all.yml").unlink()
    (project / "sets" / "beta" / "targets" / "web.yml").unlink()
    assert main(["build", str(project)]) == 1
    assert not (project / "datafiles").exists()


def test_set_on_a_plain_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mini = Path("tests/conformance/fixtures/mini/input")
    assert main(["build", str(mini), "--set", "x", "--out", str(tmp_path / "o")]) == 1
    assert "has no sets" in capsys.readouterr().err
