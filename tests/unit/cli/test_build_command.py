"""`kubevisor build` on a project folder: output, the two-process path, clean errors."""

from __future__ import annotations

import functools
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kubevisor.cli import build as build_command
from kubevisor.cli import main
from kubevisor.cli.build import yargs_revision
from kubevisor.cli.parallel_build import PARALLEL_MIN_FILES
from kubevisor.core.build import build_project
from kubevisor.sources.project import load_project

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project large enough for the two-process path."""
    project = tmp_path_factory.mktemp("synthetic") / "project"
    generator = REPO / "bench" / "gen_synthetic.py"
    command = [sys.executable, str(generator), "--out", str(project), "--features", "300"]
    subprocess.run(command, check=True, capture_output=True)
    assert sum(1 for _ in project.rglob("*.yml")) >= PARALLEL_MIN_FILES
    return project


def test_two_process_build_equals_the_serial_core_build(big_project: Path, tmp_path: Path) -> None:
    out, state = tmp_path / "out", tmp_path / "state"
    assert main(["build", str(big_project), "--out", str(out), "--state-dir", str(state)]) == 0
    serial = build_project(load_project(big_project), states={}, current_revision="0")
    assert not serial.problems
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written == serial.files
    for name, content in serial.state_files.items():
        assert (state / name).read_bytes() == content


def test_two_process_build_without_lint_equals_the_serial_core_build(
    big_project: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(big_project, project)
    feature = next((project / "features").glob("*.yml"))  # a lint error --no-lint lets through
    feature.write_text(feature.read_text().replace('segments: "*"', 'segments: "nowhere"', 1))
    out, state = tmp_path / "out", tmp_path / "state"
    args = ["build", str(project), "--out", str(out), "--state-dir", str(state), "--no-lint"]
    assert main(args) == 0
    serial = build_project(load_project(project), states={}, current_revision="0")
    assert not serial.problems
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written == serial.files


def test_two_process_build_refuses_lint_errors_and_prints_them(
    big_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(big_project, project)
    feature = next((project / "features").glob("*.yml"))
    feature.write_text(feature.read_text().replace('segments: "*"', 'segments: "nowhere"', 1))
    out = tmp_path / "out"
    assert main(["build", str(project), "--out", str(out), "--state-dir", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err
    assert "nowhere" in err and "lint error(s); nothing was done" in err
    assert not out.exists()


def test_second_build_keeps_revision_moving(tmp_path: Path) -> None:
    project = REPO / "tests" / "conformance" / "fixtures" / "mini" / "input"
    args = ["build", str(project), "--out", str(tmp_path / "o"), "--state-dir", str(tmp_path / "s")]
    assert main(args) == 0
    assert main(args) == 0
    assert (tmp_path / "s" / "REVISION").read_text() == "2"
    assert (tmp_path / "o" / "REVISION").read_text() == "2"


def test_bad_input_exits_1_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "featurevisor.config.js").write_text("module.exports = { sets: true };")
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "no set folders" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_missing_rules_is_reported_not_crashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "featurevisor.config.js").write_text('module.exports = {environments: ["a"]};')
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "all.yml").write_text("description: all\n")
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "f.yml").write_text("description: f\nbucketBy: userId\nrules: {}\n")
    args = ["build", str(tmp_path), "--out", str(tmp_path / "o"), "--no-lint"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "rules.a" in err and "no rules for this environment" in err
    assert not (tmp_path / "o").exists()


def test_print_needs_an_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = REPO / "tests" / "conformance" / "fixtures" / "mini" / "input"
    assert main(["build", str(project), "--print", "--state-dir", str(tmp_path)]) == 1
    assert "--environment" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "used"),
    [("1.0", "1"), ("7", "7"), ("007", "007"), ("v2", "v2"), ("1e3", "1000"), ("0", None)],
)
def test_revision_option_reads_like_upstream_yargs(given: str, used: str | None) -> None:
    assert yargs_revision(given) == used


def test_explicit_revision_is_written(tmp_path: Path) -> None:
    project = REPO / "tests" / "conformance" / "fixtures" / "mini" / "input"
    args = ["build", str(project), "--out", str(tmp_path / "o"), "--state-dir", str(tmp_path / "s")]
    assert main([*args, "--revision", "1.0"]) == 0
    assert (tmp_path / "o" / "REVISION").read_text() == "1"
    assert (
        b'"revision":"1"' in (tmp_path / "o" / "production" / "featurevisor-all.json").read_bytes()
    )


MINI = REPO / "tests" / "conformance" / "fixtures" / "mini" / "input"


@pytest.mark.parametrize(
    ("source", "code"),
    [(MINI, 0), (MINI / "missing", 1), (MINI / "featurevisor.config.js", 1)],
    ids=["built", "no-such-source", "not-a-source"],
)
def test_build_leaves_the_garbage_collector_on(source: Path, code: int, tmp_path: Path) -> None:
    assert gc.isenabled()
    out, state = tmp_path / "out", tmp_path / "state"
    assert main(["build", str(source), "--out", str(out), "--state-dir", str(state)]) == code
    assert gc.isenabled()


def test_build_turns_the_garbage_collector_on_again_when_it_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []

    def fails_midway(source: str, set_name: str | None = None) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("failed midway")

    monkeypatch.setattr(build_command, "load_build_source", fails_midway)
    with pytest.raises(RuntimeError, match="failed midway"):
        main(["build", str(MINI), "--print", "--environment", "production", "--no-lint"])
    assert seen == [False]  # the build ran with the collector off ...
    assert gc.isenabled()  # ... and it is on again for the rest of the process


def test_the_command_process_prints_everything_before_it_ends_at_once(
    big_project: Path, tmp_path: Path
) -> None:
    """`kubevisor build` and `lint` end their process without the interpreter's teardown: what
    they print to pipes (block-buffered) and write must all be there, with their exit code."""
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    run = functools.partial(
        subprocess.run, capture_output=True, text=True, check=False, env=buffered
    )
    out, state = tmp_path / "out", tmp_path / "state"
    command = [sys.executable, "-m", "kubevisor", "build", str(big_project), "--out", str(out)]
    built = run([*command, "--state-dir", str(state)])
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 6 datafile(s), revision 1, in ")
    assert len(list(out.rglob("*.json"))) == 6 and (state / "REVISION").read_text() == "1"
    missing = [sys.executable, "-m", "kubevisor", "build", str(tmp_path / "nowhere")]
    failed = run(missing)
    assert failed.returncode == 1
    assert failed.stderr == "kubevisor build: --out DIR is required when building manifests\n"
    linted = run([sys.executable, "-m", "kubevisor", "lint", str(big_project)])
    assert linted.returncode == 0, linted.stderr
    assert "No lint errors found" in linted.stdout
