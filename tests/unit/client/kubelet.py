"""A ConfigMap volume written exactly like the kubelet writes it."""

from __future__ import annotations

import os
from pathlib import Path


class KubeletVolume:
    """Writes a ConfigMap volume like the kubelet's atomic writer: timestamped directory,
    `..data` symlink renamed over the old one, user-visible names linked through `..data`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._generation = 0

    def publish(self, files: dict[str, bytes]) -> None:
        self._generation += 1
        snapshot = f"..2026_11_27_20_00_00.{self._generation:03d}"
        (self.root / snapshot).mkdir()
        for name, content in files.items():
            (self.root / snapshot / name).write_bytes(content)
        previous = self._snapshot()
        os.symlink(snapshot, self.root / "..data_tmp")
        os.rename(self.root / "..data_tmp", self.root / "..data")  # the atomic swap
        for name in files:
            link = self.root / name
            if not link.is_symlink():
                os.symlink(f"..data/{name}", link)
        for link in self.root.iterdir():  # keys no longer in the ConfigMap lose their link
            if not link.name.startswith("..") and link.name not in files:
                link.unlink()
        if previous is not None:
            for old in (self.root / previous).iterdir():
                old.unlink()
            (self.root / previous).rmdir()

    def _snapshot(self) -> str | None:
        link = self.root / "..data"
        return os.readlink(link) if link.is_symlink() else None
