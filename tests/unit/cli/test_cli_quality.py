"""Everyday CLI behaviour: --version, examples in every --help, colour only on a terminal
without NO_COLOR, a quiet exit on a closed pipe, `-` for stdin, lint --json for syntax errors."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from kubevisor.cli import COMMANDS, main, make_parser
from kubevisor.cli.output import colour_enabled, paint

MINI = "tests/conformance/fixtures/mini/input"
DATAFILE = Path(
    "tests/conformance/fixtures/mini/expected/datafiles/production/featurevisor-web.json"
)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("kubevisor ")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_help_has_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "examples:\n  kubevisor " in out or "examples:\n  kubectl " in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_enabled(_Terminal())
    assert not colour_enabled(io.StringIO())  # piped
    assert paint("x", "red", _Terminal()) == "\033[31mx\033[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_enabled(_Terminal())
    assert paint("x", "red", _Terminal()) == "x"


def test_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    script = (
        f"{sys.executable} -m kubevisor list tests/conformance/fixtures/example-1/project "
        "--features --json --pretty | head -1"
    )
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, check=False
    )
    assert result.stdout == "[\n"
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr


def test_evaluate_reads_the_datafile_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(DATAFILE.read_text()))
    assert main(["evaluate", "--datafile", "-", "--feature", "checkout", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["flag"]["featureKey"] == "checkout"


def test_lint_reads_manifests_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", MINI, "--out", str(tmp_path), "--namespace", "shop"]) == 0
    text = "---\n".join(path.read_text() for path in sorted(tmp_path.rglob("*.yaml")))
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    capsys.readouterr()
    assert main(["lint", "-"]) == 0
    assert "No lint errors found" in capsys.readouterr().out


def test_lint_json_reports_yaml_syntax_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("kind: Feature\nspec: [a\n"))
    assert main(["lint", "-", "--json"]) == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["kind"] == "source" and "line 3" in error["message"]


class _ClosedPipe(io.StringIO):
    """A stdout whose reader has gone: every write fails like a closed pipe."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


def test_broken_pipe_returns_141_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with (tmp_path / "sink").open("w") as sink:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe(sink.fileno()))
        assert main(["info", MINI]) == 141
    assert capsys.readouterr().err == ""


def _example_invocations(epilog: str) -> list[list[str]]:
    """Every `kubevisor ...` command in an examples epilog, split into arguments."""
    import shlex

    found = []
    for line in epilog.splitlines()[1:]:
        for part in re.split(r"\s(?:\||&&)\s", line.strip()):
            words = shlex.split(part)
            if words and words[0] == "kubevisor":
                found.append(words[1:])
    return found


@pytest.fixture(scope="module")
def full_parser() -> argparse.ArgumentParser:
    return make_parser()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_examples_parse(command: str, full_parser: argparse.ArgumentParser) -> None:
    parser = full_parser
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    examples = _example_invocations(subparsers.choices[command].epilog or "")
    assert examples
    for argv in examples:
        parser.parse_args(argv)  # exits (fails the test) on an option that does not exist
