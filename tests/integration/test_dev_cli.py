"""`kubevisor dev cluster up/status/down` as a user runs them: the cluster outlives the `up`
command, its export lines work in a shell, and `down` stops every process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kubevisor.devcluster.state import load_state


def _kubevisor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubevisor", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_up_status_down(tmp_path: Path) -> None:
    run_dir = tmp_path / "dev"
    try:
        up = _kubevisor("dev", "cluster", "up", "--run-dir", str(run_dir))
        assert up.returncode == 0, up.stderr
        info = load_state(run_dir)
        assert info is not None
        # `up` has exited; the servers still run, and the exports reach them from a shell.
        assert len(info.running()) == 4
        shell = subprocess.run(
            ["bash", "-c", f"{up.stdout}\nkubectl get namespace default -o name"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert shell.stdout.strip() == "namespace/default", shell.stderr

        again = _kubevisor("dev", "cluster", "up", "--run-dir", str(run_dir))
        assert again.returncode == 0
        assert "already running" in again.stderr
        assert again.stdout == up.stdout

        status = _kubevisor("dev", "cluster", "status", "--run-dir", str(run_dir))
        assert status.returncode == 0
        assert status.stdout.count("running") == 4

        down = _kubevisor("dev", "cluster", "down", "--run-dir", str(run_dir))
        assert down.returncode == 0, down.stderr
        assert info.running() == []
        assert not run_dir.exists()
    finally:
        leftover = load_state(run_dir)
        if leftover is not None:
            leftover.stop()
