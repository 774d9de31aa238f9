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


def test_down_stops_flux_started_with_gitops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kubevisor.devcluster.gitops import GitOpsInfo, gitops_dir, load_gitops
    from kubevisor.devcluster.process import ProcessRecord

    folder = gitops_dir(tmp_path)
    folder.mkdir()
    record = ProcessRecord("source-controller", 1, -1)  # not running: nothing is signalled
    GitOpsInfo(folder, folder / "git", "http://127.0.0.1:1", (record,)).save()
    assert main(["dev", "cluster", "down", "--run-dir", str(tmp_path)]) == 0
    assert "Flux and the Git server stopped" in capsys.readouterr().err
    assert load_gitops(folder) is None
