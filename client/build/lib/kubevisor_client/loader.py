"""What every datafile loader shares: validation, once-per-digest delivery, and a polling thread.

A loader checks its source (a directory, a URL) every `interval` seconds on a daemon thread, so a
plain Python application needs no event loop. Callbacks run on that thread.
"""

from __future__ import annotations

import abc
import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any, Self

from kubevisor_client.format import InvalidDatafile, decompress_if_gzip, parse_datafile

_log = logging.getLogger("kubevisor_client")

Datafile = dict[str, Any]
DatafileCallback = Callable[[Datafile], object]
ErrorCallback = Callable[["DatafileError"], object]


class DatafileError(Exception):
    """A datafile could not be loaded from `source`; the last good datafile stays in use."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class DatafileUnavailable(DatafileError):
    """`load()` found no valid datafile and none had been loaded before."""


def _log_error(error: DatafileError) -> None:
    _log.warning("datafile not loaded, keeping the last good one: %s", error)


class DatafileLoader(abc.ABC):
    """Base of `DirectoryWatcher` and `HttpPoller`.

    Subclasses implement `_fetch`: return the raw bytes when the source changed since the last
    call, None when it did not, or raise `DatafileError`.
    """

    def __init__(
        self,
        source: str,
        callback: DatafileCallback,
        *,
        interval: float,
        on_error: ErrorCallback | None = None,
    ) -> None:
        self.source = source
        self._callback = callback
        self._on_error: ErrorCallback = on_error or _log_error
        self._interval = interval
        self._lock = threading.Lock()  # one check at a time: load() may race the thread
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: Datafile | None = None
        self._current_digest: str | None = None
        self._last_error: str | None = None

    @property
    def current(self) -> Datafile | None:
        """The last valid datafile handed to the callback, or None before the first one."""
        return self._current

    @abc.abstractmethod
    def _fetch(self) -> bytes | None:
        """The raw bytes if the source changed since the last call, else None."""

    def _accept(self) -> None:
        """Called when the bytes last fetched turned out valid (e.g. to remember their ETag)."""
        return None

    def load(self) -> Datafile:
        """Check the source once now; return the current datafile.

        A new valid datafile goes to the callback first. When the check fails, the error goes to
        `on_error` and the last good datafile is returned; with none yet, `DatafileUnavailable`
        is raised (useful at start-up: do not serve before flags are evaluable).
        """
        error = self._check()
        if self._current is None:
            message = error.message if error else "no datafile found"
            raise DatafileUnavailable(self.source, message)
        return self._current

    def start(self) -> None:
        """Check the source every `interval` seconds on a daemon thread until `stop()`."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"kubevisor-loader {self.source}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for a check in progress to finish."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._check()
            self._stopping.wait(self._interval)

    def _check(self) -> DatafileError | None:
        """One check; errors are reported to `on_error` and returned, never raised."""
        with self._lock:
            try:
                raw = self._fetch()
                if raw is not None:
                    self._offer(raw)
            except Exception as error:
                # A loader thread that dies stops updates silently: every failure is reported.
                failure = (
                    error
                    if isinstance(error, DatafileError)
                    else DatafileError(self.source, f"unexpected error: {error!r}")
                )
                self._report(failure)
                return failure
            self._last_error = None
            return None

    def _report(self, error: DatafileError) -> None:
        if error.message == self._last_error:  # a persisting problem is reported once
            return
        self._last_error = error.message
        try:
            self._on_error(error)
        except Exception:
            _log.exception("on_error callback failed for: %s", error)

    def _offer(self, raw: bytes) -> None:
        try:
            data = decompress_if_gzip(raw)
            # Digest of the decoded bytes: a gzip and a plain copy of one datafile are one.
            digest = hashlib.sha256(data).hexdigest()
            if digest == self._current_digest:
                self._accept()
                return
            datafile = parse_datafile(data)
        except InvalidDatafile as error:
            raise DatafileError(self.source, str(error)) from error
        self._accept()
        self._current, self._current_digest = datafile, digest
        try:
            self._callback(datafile)
        except Exception as error:  # the application's callback must not kill the thread
            raise DatafileError(
                self.source, f"callback failed for revision {datafile['revision']}: {error!r}"
            ) from error
