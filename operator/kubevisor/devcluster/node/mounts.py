"""Mounts a node leaves under its run directory (pod volumes, container root filesystems,
network namespaces, sandbox /dev/shm), found in /proc/self/mountinfo and unmounted deepest
first."""

from __future__ import annotations

import subprocess
from pathlib import Path


def mounts_under(folder: Path) -> list[Path]:
    """Mount points at or below `folder`, deepest first."""
    prefix = str(folder.resolve())
    found: list[Path] = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        # Field 5 is the mount point, with spaces and the like written as octal escapes.
        point = line.split()[4].encode().decode("unicode_escape")
        if point == prefix or point.startswith(prefix + "/"):
            found.append(Path(point))
    return sorted(found, key=lambda p: -len(p.parts))


def unmount_all(folder: Path) -> None:
    # A path can be mounted more than once (stacked); repeat until nothing is left.
    for _ in range(5):
        points = mounts_under(folder)
        if not points:
            return
        for point in points:
            subprocess.run(["umount", "--lazy", str(point)], capture_output=True, check=False)
    left = mounts_under(folder)
    if left:
        raise RuntimeError(f"could not unmount {', '.join(map(str, left))}")
