from __future__ import annotations

import time
from pathlib import Path

import pytest
from kubevisor.devcluster.process import ServerProcess, StartError, process_start_ticks


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    # The shell starts a grandchild that ignores SIGTERM, as a misbehaving server might.
    script = "trap '' TERM; sleep 300 & echo $! > child.pid; wait"
    server = ServerProcess(
        "sh",
        ["bash", "-c", f"cd {tmp_path} && {script}"],
        tmp_path / "sh.log",
        die_with_parent=True,
    )
    server.wait_ready(lambda: (tmp_path / "child.pid").exists(), timeout=10)
    child = int((tmp_path / "child.pid").read_text())
    assert process_start_ticks(child) is not None
    server.stop(timeout=1)
    assert process_start_ticks(server.pid) is None
    assert process_start_ticks(child) is None


def test_a_server_that_exits_fails_fast_with_its_log(tmp_path: Path) -> None:
    server = ServerProcess(
        "broken",
        ["bash", "-c", "echo cannot bind >&2; exit 3"],
        tmp_path / "broken.log",
        die_with_parent=True,
    )
    started = time.monotonic()
    with pytest.raises(StartError, match=r"(?s)broken exited with code 3.*cannot bind"):
        server.wait_ready(lambda: False, timeout=60)
    assert time.monotonic() - started < 60
    server.stop()
