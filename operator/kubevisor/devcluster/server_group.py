"""Servers started together and stopped together: what `Cluster` and `GitOps` share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from kubevisor.devcluster.process import ProcessRecord, ServerProcess


class SavedInfo(Protocol):
    def save(self) -> None:
        """Write where the servers are into the run dir, for `kubevisor dev` in another process."""


InfoT = TypeVar("InfoT", bound=SavedInfo)


class ServerGroup(ABC, Generic[InfoT]):
    """Servers in `run_dir`, each logging to `<name>.log` there, stopped the last started first.

    Use as a context manager, or call start() and stop(). If start() fails, whatever had
    started is stopped before the error propagates, so no process is left behind.
    `die_with_parent` asks the kernel to kill the servers if this Python process dies without
    running stop() (tests); the CLI leaves it off so the servers outlive `kubevisor dev`.
    """

    def __init__(self, run_dir: Path, *, die_with_parent: bool) -> None:
        self.run_dir = run_dir.absolute()
        self.die_with_parent = die_with_parent
        self._processes: list[ServerProcess] = []
        self.info: InfoT | None = None

    def __enter__(self) -> InfoT:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> InfoT:
        try:
            self.info = self._start()
        except BaseException:
            self.stop()
            raise
        self.info.save()
        return self.info

    def stop(self) -> None:
        while self._processes:
            self._processes.pop().stop()

    @abstractmethod
    def _start(self) -> InfoT:
        """Start every server with `_spawn`, wait until they answer, and say where they are."""

    def _spawn(self, name: str, argv: list[str]) -> ServerProcess:
        process = ServerProcess(
            name, argv, self.run_dir / f"{name}.log", die_with_parent=self.die_with_parent
        )
        self._processes.append(process)
        return process

    def _records(self) -> tuple[ProcessRecord, ...]:
        """The started servers, as the saved state records them."""
        return tuple(process.record for process in self._processes)
