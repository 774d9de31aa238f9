"""Long steps driven from Python (image builds): what runs, a heartbeat every 30 s on stderr,
and how long it took. The shell twin is tools/lib/gobuild.sh's `gobuild_run`."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

HEARTBEAT_SECONDS = 30.0


class StepError(RuntimeError):
    """A step failed; the message ends with the tail of its log."""


def say(tool: str, message: str) -> None:
    print(f"{tool}: {message}", file=sys.stderr, flush=True)


def run_step(tool: str, what: str, argv: Sequence[str], log: Path) -> None:
    """Run `argv` with its output in `log`; heartbeat while it runs; raise StepError on failure."""
    started = time.monotonic()
    say(tool, f"{what} (started; a heartbeat follows every {HEARTBEAT_SECONDS:.0f} s)")
    done = threading.Event()

    def heartbeat() -> None:
        while not done.wait(HEARTBEAT_SECONDS):
            say(tool, f"{what}: still running, {time.monotonic() - started:.0f} s so far")

    beating = threading.Thread(target=heartbeat, daemon=True)
    beating.start()
    try:
        with log.open("ab") as output:
            code = subprocess.run(
                list(argv), stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
            ).returncode
    finally:
        done.set()
        beating.join()
    elapsed = time.monotonic() - started
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise StepError(f"{what} failed after {elapsed:.0f} s (exit {code}); {log}:\n{tail}")
    say(tool, f"{what}: done in {elapsed:.0f} s")
