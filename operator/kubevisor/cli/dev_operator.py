"""The operator that `kubevisor dev up` runs in the background: started detached, recorded in
the cluster's run dir, and stopped with the cluster so that it never outlives it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubevisor.cli.output import say

if TYPE_CHECKING:
    from kubevisor.devcluster.state import ClusterInfo

OPERATOR_STATE = "operator.json"
"""In the run dir: the operator's pid and metrics address."""


def start_operator(info: ClusterInfo) -> None:
    """Run `kubevisor operator` detached, logging into the run dir; reuse a running one."""
    record = operator_record(info.run_dir)
    if record is not None and is_alive(record["pid"]):
        say(f"operator already running (pid {record['pid']})")
        return
    from kubevisor.devcluster.ports import pick_ports

    port = pick_ports(1)[0]
    log = (info.run_dir / "operator.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "kubevisor", "operator", "--metrics-port", str(port)],
        env={**os.environ, **info.env(), "KUBEVISOR_METRICS_HOST": "127.0.0.1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (info.run_dir / OPERATOR_STATE).write_text(
        json.dumps({"pid": process.pid, "metrics": f"http://127.0.0.1:{port}"})
    )
    say(f"operator started (pid {process.pid}), log {info.run_dir / 'operator.log'}")


def operator_record(run_dir: Path) -> dict[str, Any] | None:
    """The recorded operator of the cluster in `run_dir` (pid, metrics), or None."""
    path = run_dir / OPERATOR_STATE
    if not path.exists():
        return None
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_operator(run_dir: Path) -> None:
    """Stop the recorded operator (its whole process group), if any, and forget it."""
    path = run_dir / OPERATOR_STATE
    if not path.exists():
        return
    pid = int(json.loads(path.read_text())["pid"])
    if is_alive(pid):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if is_alive(pid):
            os.killpg(pid, signal.SIGKILL)
    path.unlink()
    say(f"operator (pid {pid}) stopped")
