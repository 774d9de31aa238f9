"""The README's first command: `kubevisor dev up` brings up everything and publishes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kubevisor.devcluster.state import load_state


def kubevisor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubevisor", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_dev_up_publishes_the_example_and_dev_down_stops_everything(tmp_path: Path) -> None:
    run_dir = tmp_path / "dev"
    up = kubevisor("dev", "up", "--run-dir", str(run_dir))
    try:
        assert up.returncode == 0, up.stderr
        assert "ConfigMap shop/shop-flags-production (revision 1):" in up.stdout
        assert '"schemaVersion":"2"' in up.stdout
        status = kubevisor("dev", "status", "--run-dir", str(run_dir))
        assert status.returncode == 0, status.stdout + status.stderr
        assert "operator" in status.stdout and "running" in status.stdout
        info = load_state(run_dir)
        assert info is not None
        pids = [record.pid for record in info.processes]
    finally:
        down = kubevisor("dev", "down", "--run-dir", str(run_dir))
    assert down.returncode == 0, down.stderr
    assert "operator" in down.stderr and "stopped" in down.stderr
    assert not run_dir.exists()
    for pid in pids:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )
