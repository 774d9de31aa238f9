"""One background server process: started in its own process group, logged to a file,
polled until ready, and stopped with the whole group so no child outlives it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ReadyCheck = Callable[[], bool]
"""Returns True once the server answers; may raise OSError while it does not."""

_PR_SET_PDEATHSIG = 1


class StartError(RuntimeError):
    """A server did not become ready; the message ends with the tail of its log."""


@dataclass(frozen=True)
class ProcessRecord:
    """What is needed to find a server again from another process (the state file)."""

    name: str
    pid: int
    start_ticks: int
    """Start time from /proc/PID/stat, so a PID reused by another program is never signalled."""

    def is_running(self) -> bool:
        return process_start_ticks(self.pid) == self.start_ticks

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "pid": self.pid, "start_ticks": self.start_ticks}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> ProcessRecord:
        return ProcessRecord(data["name"], int(data["pid"]), int(data["start_ticks"]))

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group, wait, then SIGKILL whatever is left of it."""
        if not self.is_running():
            return
        _signal_group(self.pid, signal.SIGTERM)
        if _wait_gone(self, timeout):
            return
        _signal_group(self.pid, signal.SIGKILL)
        _wait_gone(self, 5.0)


def process_start_ticks(pid: int) -> int | None:
    """The process start time in clock ticks since boot, or None if there is no such process.

    A zombie counts as gone: it no longer runs and only waits for its parent to reap it.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; fields after it do not.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return int(fields[19])


class ServerProcess:
    """A running server started by this Python process."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        *,
        die_with_parent: bool,
    ) -> None:
        self.name = name
        self.log_path = log_path
        with log_path.open("ab") as log:
            self._popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: stopping it signals the group, children included.
                start_new_session=True,
                preexec_fn=_die_with_parent if die_with_parent else None,
            )
        ticks = process_start_ticks(self._popen.pid)
        self.record = ProcessRecord(name, self._popen.pid, ticks if ticks is not None else -1)

    @property
    def pid(self) -> int:
        return self._popen.pid

    def wait_ready(self, check: ReadyCheck, timeout: float, interval: float = 0.1) -> None:
        """Poll `check` until it passes; fail early if the process exits."""
        deadline = time.monotonic() + timeout
        while True:
            code = self._popen.poll()
            if code is not None:
                raise StartError(f"{self.name} exited with code {code}{self.log_tail()}")
            with contextlib.suppress(OSError):
                if check():
                    return
            if time.monotonic() > deadline:
                raise StartError(
                    f"{self.name} was not ready after {timeout:.0f} s{self.log_tail()}"
                )
            time.sleep(interval)

    def stop(self, timeout: float = 15.0) -> None:
        self.record.stop(timeout)
        # Until it is reaped, the leader's PID still names its group, so this reaches any child
        # it left behind and nothing else.
        if self._popen.returncode is None:
            _signal_group(self.pid, signal.SIGKILL)
        # Reap our own child so it does not linger as a zombie.
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout=1.0)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return f"\n--- last lines of {self.log_path} ---\n" + "\n".join(text)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _wait_gone(record: ProcessRecord, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not record.is_running():
            return True
        time.sleep(0.05)
    return not record.is_running()


def _die_with_parent() -> None:
    """Runs in the child before exec: ask Linux to SIGKILL it when its parent dies.

    This covers a test run killed hard (no teardown runs); a normal stop never relies on it.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
