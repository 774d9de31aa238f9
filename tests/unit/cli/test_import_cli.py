"""`kubevisor import PROJECT --out DIR`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kubevisor.cli import main

MINI = Path("tests/conformance/fixtures/mini/input")


def test_writes_one_manifest_per_definition_and_says_tests_are_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(MINI), "--out", str(tmp_path), "--namespace", "shop"]) == 0
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.yaml"))
    assert "features/promoa.yaml" in written
    assert "datafiles/staging-web.yaml" in written
    assert not any(path.startswith("tests") for path in written)
    assert len(written) == 3 + 4 + 1 + 2 + 4  # attributes, features, group, segments, datafiles
    manifest = yaml.safe_load((tmp_path / "features" / "promoa.yaml").read_text("utf-8"))
    assert (manifest["metadata"]["namespace"], manifest["spec"]["key"]) == ("shop", "promoA")
    captured = capsys.readouterr()
    assert "skipped 2 test specs" in captured.err
    assert "wrote 14 manifests" in captured.out


def test_not_a_project_is_an_error_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "featurevisor.config.js" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
