"""`kubevisor init`: the scaffold lints, tests and builds clean, as a project and as manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.cli import main


def test_project_scaffold_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "flags"
    assert main(["init", str(root)]) == 0
    assert (root / "featurevisor.config.js").is_file()
    assert main(["lint", str(root)]) == 0
    assert main(["test", str(root)]) == 0
    assert "Assertions: 5 passed, 0 failed" in capsys.readouterr().out
    assert main(["build", str(root)]) == 0
    assert (root / "datafiles/production/featurevisor-web.json").is_file()


def test_manifests_scaffold_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "manifests"
    assert main(["init", str(root), "--kind", "manifests", "--namespace", "shop"]) == 0
    assert 'namespace: "shop"' in (root / "features/new-checkout.yaml").read_text()
    assert main(["lint", str(root)]) == 0
    assert main(["build", str(root), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out/shop/production/featurevisor-web.json").is_file()


def test_refuses_a_folder_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["keep.txt"]
