from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.cli import main


def test_status_without_a_cluster_says_so_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dev", "cluster", "status", "--run-dir", str(tmp_path)]) == 1
    assert f"no dev cluster in {tmp_path}" in capsys.readouterr().out


def test_down_without_a_cluster_is_a_no_op(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dev", "cluster", "down", "--run-dir", str(tmp_path)]) == 0
    assert "no dev cluster" in capsys.readouterr().err
    assert tmp_path.exists()


def test_cluster_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["dev", "cluster"])
    assert exited.value.code == 2
    assert "ACTION" in capsys.readouterr().err
