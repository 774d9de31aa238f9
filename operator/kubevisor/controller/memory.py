"""Giving freed heap back to the system after a big compile or status pass."""

from __future__ import annotations

import ctypes
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_MALLOC_TRIM = _malloc_trim()


def release_memory() -> None:
    """Give the heap freed by a compile back to the system: a big namespace's compile and
    status pass leave hundreds of MiB of free arenas that glibc keeps otherwise."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
