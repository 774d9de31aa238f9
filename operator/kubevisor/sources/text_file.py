"""Reading a definition or manifest file as text, with the error both loaders report.

A project folder or a manifest path may come from someone else, so reading is bounded: only
regular files are opened (a FIFO would block forever, a device could stream without end, and
a symlink is judged by what it points to), never more than `MAX_FILE_BYTES`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kubevisor.core.limits import MAX_FILE_BYTES
from kubevisor.sources.errors import SourceError

_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_special(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
    raise SourceError(f"{path}: is {what}, not a regular file; point to a regular file instead")


def _refuse_big(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise SourceError(
            f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the most a definition "
            "or manifest file may hold; split it into several files"
        )


def _read_bounded(fd: int, size: int) -> bytes:
    """At most `MAX_FILE_BYTES + 1` bytes of `fd`, asking for its `size` (+ 1, to see the end)
    first: a read of the whole bound would allocate that much for every small file, which was
    most of the time of reading a project."""
    chunks: list[bytes] = []
    total = 0
    request = min(size, MAX_FILE_BYTES) + 1
    while total <= MAX_FILE_BYTES:
        chunk = os.read(fd, min(request, MAX_FILE_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        request = 1 << 16  # the file grew since it was measured: read on, in steps
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_text(path: Path) -> str:
    """The file's UTF-8 text; a `SourceError` naming the file when it cannot or must not be
    read (not a regular file, too big, not UTF-8)."""
    try:
        _refuse_special(path, os.stat(path).st_mode)
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it still
        # returns at once, and the second check below refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            _refuse_special(path, info.st_mode)
            _refuse_big(path, info.st_size)
            data = _read_bounded(fd, info.st_size)
        finally:
            os.close(fd)
    except OSError as error:
        raise SourceError(f"{path}: cannot read it: {error.strerror}") from None
    _refuse_big(path, len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not valid UTF-8 text") from None
    # Universal newlines, as `Path.read_text` (which this replaces) gives them.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
