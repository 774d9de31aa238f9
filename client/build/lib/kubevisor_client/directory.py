"""Watch a mounted ConfigMap directory and hand each new datafile to a callback.

The kubelet mounts a ConfigMap as a directory like this, and updates it by writing a new
timestamped directory, then renaming a new `..data` symlink over the old one (atomic)::

    path/..2026_11_27_20_00_00.123/datafile.json
    path/..data -> ..2026_11_27_20_00_00.123
    path/datafile.json -> ..data/datafile.json

So a file watch on `datafile.json` misses updates (the inode it watches never changes). Polling
the target of `..data` sees every swap; reading through the resolved timestamped directory gives
one consistent snapshot even if another swap happens mid-read. Mount the directory, not a
`subPath`: subPath mounts are never updated. A plain directory (local development) works too:
there the file's inode, size and modification time tell a change.
"""

from __future__ import annotations

import os
from pathlib import Path

from kubevisor_client.format import DATA_KEY, GZIP_SUFFIX
from kubevisor_client.loader import DatafileCallback, DatafileError, DatafileLoader, ErrorCallback

KUBELET_DATA_LINK = "..data"

_Version = tuple[str | None, str, int, int, int]


class DirectoryWatcher(DatafileLoader):
    """Loads `<path>/datafile.json` (or `datafile.json.gz`) whenever the kubelet swaps it.

    `callback(datafile_dict)` runs once per new datafile content, e.g. an SDK's `set_datafile`;
    invalid or half-written content is reported to `on_error` and never handed over.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        callback: DatafileCallback,
        *,
        interval: float = 1.0,
        key: str = DATA_KEY,
        on_error: ErrorCallback | None = None,
    ) -> None:
        super().__init__(str(path), callback, interval=interval, on_error=on_error)
        self._directory = Path(path)
        self._names = (key, key + GZIP_SUFFIX)
        self._seen: _Version | None = None

    def _fetch(self) -> bytes | None:
        try:
            snapshot: str | None = os.readlink(self._directory / KUBELET_DATA_LINK)
        except OSError:  # absent or not a symlink: a plain directory
            snapshot = None
        base = self._directory / snapshot if snapshot else self._directory
        for name in self._names:
            try:
                status = (base / name).stat()
            except FileNotFoundError:
                continue
            except OSError as error:  # e.g. the path of the file was given, not its directory
                raise DatafileError(
                    self.source, f"cannot read {name}: {error}; is this the mounted directory?"
                ) from error
            version = (snapshot, name, status.st_ino, status.st_size, status.st_mtime_ns)
            if version == self._seen:
                return None
            try:
                raw = (base / name).read_bytes()
            except FileNotFoundError:
                # The kubelet removed this snapshot after a newer swap: read that one next tick.
                return None
            except OSError as error:
                raise DatafileError(self.source, f"cannot read {name}: {error}") from error
            # Remembered even if the content proves invalid: it is re-read only once it changes.
            self._seen = version
            return raw
        raise DatafileError(
            self.source, f"neither {self._names[0]} nor {self._names[1]} found in {base}"
        )
