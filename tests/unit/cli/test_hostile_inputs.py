"""Hostile files: the CLI refuses each with exit 1 and one line naming file, field and fix.

Alias bombs, nesting past the limits, catastrophic regexes, FIFOs and devices (also behind
symlinks), and environment or target names that would write outside `--out`. Each test would
hang, run out of memory or print a traceback if its guard were missing.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main
from kubevisor.core.limits import MAX_CONDITION_DEPTH, MAX_DOCUMENT_DEPTH, MAX_YAML_NODES

REPO = Path(__file__).resolve().parents[3]
MINI = REPO / "tests" / "conformance" / "fixtures" / "mini" / "input"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(MINI, copy)
    return copy


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_alias_bomb_is_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['description: &a0 "lol"']
    lines += [f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    (project / "segments" / "bomb.yml").write_text("\n".join(lines) + "\n")
    assert main(["lint", str(project)]) == 1
    line = one_line_error(capsys)
    assert "bomb.yml: line" in line and f"more than {MAX_YAML_NODES:,} values" in line


def test_document_too_deep_is_one_line_with_the_real_reason(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * MAX_DOCUMENT_DEPTH + "]" * MAX_DOCUMENT_DEPTH
    (project / "segments" / "deep.yml").write_text(f"description: d\nconditions: {deep}\n")
    assert main(["lint", str(project)]) == 1
    line = one_line_error(capsys)
    assert "deep.yml: line 2: lists and maps nest deeper than" in line
    assert "alias" not in line


def test_the_issue_segment_of_500_nested_ands_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leaf = '{"attribute": "country", "operator": "equals", "value": "nl"}'
    condition = '{"and": [' * 500 + leaf + "]}" * 500  # 1,001 levels; json.dumps would recurse
    (project / "segments" / "nested.json").write_text(f'{{"conditions": {condition}}}')
    (project / "featurevisor.config.js").write_text(
        'module.exports = { environments: ["staging", "production"], tags: ["all", "web"], '
        'parser: "json" };'
    )
    for path in project.rglob("*.yml"):
        path.unlink()  # a JSON project: only the deep segment is left
    assert main(["lint", str(project)]) == 1
    line = one_line_error(capsys)
    assert "nested.json: lists and maps nest deeper than" in line


def test_conditions_past_their_limit_are_a_lint_problem(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    condition = "{attribute: country, operator: equals, value: nl}"
    for _ in range(MAX_CONDITION_DEPTH // 2 + 1):
        condition = f"{{and: [{condition}]}}"
    (project / "segments" / "deep.yml").write_text(f"description: d\nconditions: {condition}\n")
    assert main(["lint", str(project)]) == 1
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err
    assert f"conditions nest deeper than {MAX_CONDITION_DEPTH} levels" in printed.out


def test_catastrophic_pattern_finishes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "attributes" / "code.yml").write_text(
        'description: c\ntype: string\npattern: "^(a+)+$"\n'
    )
    (project / "segments" / "evil.yml").write_text(
        "description: d\nconditions:\n  - attribute: code\n    operator: equals\n"
        f"    value: {'a' * 40}!\n"
    )
    assert main(["lint", str(project)]) == 1
    printed = capsys.readouterr()
    assert 'does not match the pattern "^(a+)+$"' in printed.out and "Traceback" not in printed.err


@pytest.mark.parametrize("special", ["fifo", "fifo-link", "device-link"])
def test_special_files_are_refused_without_blocking(
    project: Path, special: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "segments" / "special.yml"
    if special == "fifo":
        os.mkfifo(path)
    elif special == "fifo-link":
        os.mkfifo(project / "pipe")
        path.symlink_to(project / "pipe")
    else:
        path.symlink_to("/dev/zero")
    assert main(["lint", str(project)]) == 1
    line = one_line_error(capsys)
    assert "special.yml: is a " in line and "not a regular file" in line


@pytest.mark.parametrize("environment", ["../escaped", "/tmp/escaped", "a/../../escaped"])
def test_environment_escaping_the_output_folder_is_refused(
    project: Path, tmp_path: Path, environment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "featurevisor.config.js").write_text(
        f'module.exports = {{ environments: ["{environment}"], tags: ["all", "web"] }};'
    )
    out = tmp_path / "box" / "out"
    assert main(["build", str(project), "--out", str(out), "--no-lint"]) == 1
    line = one_line_error(capsys)
    assert f"environments: {environment!r} would write outside the output folder" in line
    assert not (tmp_path / "box").exists()


def test_manifest_datafile_escaping_the_output_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    datafile = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Datafile",
        "metadata": {"name": "evil", "namespace": "shop"},
        "spec": {"target": "../../../escaped", "environment": "production"},
    }
    manifest = tmp_path / "evil.json"
    manifest.write_text(json.dumps(datafile))
    out = tmp_path / "box" / "out"
    assert main(["build", str(manifest), "--out", str(out)]) == 1
    line = one_line_error(capsys)
    assert "evil.json" in line and "spec.target '../../../escaped' would write outside" in line
    assert not (tmp_path / "box").exists()


def test_evaluate_refuses_a_fifo_datafile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(tmp_path / "datafile.json")
    args = ["evaluate", "--datafile", str(tmp_path / "datafile.json"), "--feature", "f"]
    assert main(args) == 1
    assert "datafile.json: is a FIFO" in one_line_error(capsys)


def test_evaluate_refuses_a_datafile_too_deep_to_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "datafile.json"
    path.write_text('{"features": ' + "[" * 5000 + "]" * 5000 + "}")
    assert main(["evaluate", "--datafile", str(path), "--feature", "f"]) == 1
    line = one_line_error(capsys)
    assert "datafile.json: lists and maps nest deeper than" in line
