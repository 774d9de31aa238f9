"""Compiles namespaces in worker processes, so no input can stop the operator.

A compile (lint + build) is CPU-bound and runs code over tenant-written data: a variable
schema `pattern` with catastrophic backtracking, or a huge input, can run for hours. Python's
`re` holds the GIL while it matches, so a thread would freeze the event loop too (no probes, no
Lease renewal). A worker process cannot: the operator waits for it on a pipe, kills it after
`timeout` seconds, and starts another. Workers are long-lived (one per concurrent compile) and
run under an address-space limit, so a compile that runs away with memory fails alone.

Workers are forked from a forkserver that preloads the compiler, so replacing a killed one
costs a fork, not a Python start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import resource
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from kubevisor.controller.memory import release_memory
from kubevisor.sources.compile_plan import NamespacePlan, SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace

logger = logging.getLogger(__name__)

WORKER_MODULE = "kubevisor.controller.compiler"
RECURSION_LIMIT = 25_000
"""Compiles walk definitions recursively; objects reach the workers at most `MAX_DEPTH`
(`handlers`) deep, far below this."""


class CompileFailed(Exception):
    """The namespace could not be compiled: its reason is shown on its Datafiles."""


@dataclass(frozen=True)
class CompileRequest:
    namespace: str
    objects: Sequence[Mapping[str, Any]]
    saved: SavedState


def compile_request(request: CompileRequest) -> NamespacePlan:
    """Run in the worker: the operator's revisions, one per Datafile, moving with its content."""
    return compile_namespace(
        request.namespace, request.objects, request.saved, revisions=PER_DATAFILE
    )


def answer(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    """("ok", what `function` returned) or ("error", reason). Never raises."""
    try:
        return "ok", function(*args)
    except RecursionError:
        return "error", "an object is nested too deeply to compile"
    except MemoryError:
        return "error", "the compile ran out of its memory limit"
    except Exception as error:  # any input that makes the compiler raise
        return "error", f"the compiler failed: {type(error).__name__}: {error}"


def serve(conn: multiprocessing.connection.Connection, memory_bytes: int) -> None:
    """The worker's loop: one request in, one answer out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the operator, which stops us
    sys.setrecursionlimit(RECURSION_LIMIT)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        reply = answer(*request)
        try:
            conn.send(reply)
        except RecursionError:
            conn.send(("error", "the compiled result is nested too deeply to return"))
        del request, reply
        release_memory()


class Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, context: multiprocessing.context.BaseContext, memory_bytes: int) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=serve, args=(child, memory_bytes), name="kubevisor-compile", daemon=True
        )
        self.process.start()
        child.close()

    def call(
        self, function: Callable[..., Any], args: tuple[Any, ...], timeout: float
    ) -> tuple[str, Any]:
        """Blocking (run in a thread): send, wait at most `timeout` s, receive."""
        try:
            self.conn.send((function, args))
        except RecursionError:
            return "error", "an object is nested too deeply to compile"
        if not self.conn.poll(timeout):
            return "timeout", f"the compile took longer than {timeout:g} s"
        try:
            answer: tuple[str, Any] = self.conn.recv()
        except (EOFError, OSError):
            return "crash", self._death()
        return answer

    def _death(self) -> str:
        self.process.join(5)
        code = self.process.exitcode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"the compile worker was killed by {signal.Signals(-code).name}"
        return f"the compile worker exited (code {code})"

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class CompilePool:
    """At most `workers` compiles at a time, each in its own process, each within `timeout`."""

    def __init__(self, *, workers: int, timeout: float, memory_mib: int) -> None:
        self.timeout = timeout
        self.memory_bytes = memory_mib * 1024 * 1024
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([WORKER_MODULE])
        self._idle: asyncio.Queue[Worker | None] = asyncio.Queue()
        for _ in range(workers):
            self._idle.put_nowait(None)  # started on first use
        self._workers: set[Worker] = set()

    async def plan(
        self, namespace: str, objects: Sequence[Mapping[str, Any]], saved: SavedState
    ) -> NamespacePlan:
        """The namespace's plan, or CompileFailed with the reason."""
        plan = await self.run(compile_request, CompileRequest(namespace, objects, saved))
        assert isinstance(plan, NamespacePlan)
        return plan

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in a worker (both picklable), or CompileFailed with the reason.

        A worker found dead is replaced and the call made once more: it may have died while
        idle (the kernel's OOM killer, say), which is no fault of this compile."""
        worker = await self._idle.get()
        try:
            for attempt in (1, 2):
                if worker is None or not worker.alive():
                    worker = await asyncio.to_thread(self._start)
                outcome, value = await asyncio.to_thread(worker.call, function, args, self.timeout)
                if outcome == "ok":
                    return value
                if outcome in ("timeout", "crash"):
                    self._retire(worker)
                    worker = None
                if outcome != "crash" or attempt == 2:
                    raise CompileFailed(str(value))
            raise AssertionError("unreachable")
        except BaseException:
            if worker is not None and isinstance(sys.exc_info()[1], asyncio.CancelledError):
                self._retire(worker)  # it may still be busy with our request
                worker = None
            raise
        finally:
            self._idle.put_nowait(worker)

    def _start(self) -> Worker:
        worker = Worker(self._context, self.memory_bytes)
        self._workers.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        self._workers.discard(worker)
        worker.stop()

    def close(self) -> None:
        for worker in list(self._workers):
            self._retire(worker)
