"""The node's cgroup (v1 hierarchies, as on the machines this runs on, or the v2 tree): created
before containerd starts, every node process moved into it, and on teardown every process left
in it killed and the tree removed, so nothing of the node outlives it."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
KILL_TIMEOUT = 15.0


def hierarchies() -> list[Path]:
    """One mount point per hierarchy that can hold processes: v1 controllers (and the named
    `systemd` one) or the unified v2 root. A co-mounted pair (cpu,cpuacct) counts once."""
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return [CGROUP_ROOT]
    found: dict[str, Path] = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        before, _, after = line.partition(" - ")
        fields = before.split()
        fstype = after.split()[0] if after else ""
        if fstype == "cgroup":
            mount_point = Path(fields[4])
            found.setdefault(str(mount_point.resolve()), mount_point)
    return sorted(found.values())


def create(name: str) -> None:
    for hierarchy in hierarchies():
        path = hierarchy / name
        path.mkdir(exist_ok=True)
        _inherit_cpuset(hierarchy, path)


def enter(name: str, pid: int) -> None:
    """Move `pid` into the node's cgroup in every hierarchy; its children start there too."""
    for hierarchy in hierarchies():
        (hierarchy / name / "cgroup.procs").write_text(f"{pid}\n")


def pids(name: str) -> set[int]:
    found: set[int] = set()
    for hierarchy in hierarchies():
        top = hierarchy / name
        if not top.is_dir():
            continue
        for procs in top.rglob("cgroup.procs"):
            with contextlib.suppress(OSError):
                found |= {int(p) for p in procs.read_text().split()}
    return found


def exists(name: str) -> bool:
    return any((hierarchy / name).is_dir() for hierarchy in hierarchies())


def kill_and_remove(name: str) -> None:
    """SIGKILL every process in the tree until none is left, then remove the cgroups bottom-up."""
    deadline = time.monotonic() + KILL_TIMEOUT
    while (left := pids(name)) and time.monotonic() < deadline:
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    for hierarchy in hierarchies():
        top = hierarchy / name
        if not top.is_dir():
            continue
        folders = sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts))
        for folder in [*folders, top]:
            _rmdir(folder)


def _rmdir(folder: Path) -> None:
    # A cgroup empties a moment after its last process is reaped; retry briefly.
    for _ in range(50):
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
    folder.rmdir()


def _inherit_cpuset(hierarchy: Path, path: Path) -> None:
    """A new v1 cpuset cgroup starts with no CPUs and no memory nodes: copy the parent's, or
    no process could be moved into it."""
    for setting in ("cpuset.cpus", "cpuset.mems"):
        mine = path / setting
        if mine.exists() and not mine.read_text().strip():
            mine.write_text((hierarchy / setting).read_text())
