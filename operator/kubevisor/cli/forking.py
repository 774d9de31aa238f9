"""Running part of a command in a forked child process, to use a second core.

The child inherits everything already in memory (fork), so only its result travels back
(pickled, through a pipe). Where fork is missing the function simply runs in-process.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WorkerError(RuntimeError):
    """The child process died without sending a result (killed, out of memory)."""


def can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def start_in_child(function: Callable[[], T]) -> Callable[[], T]:
    """Start `function` in a child process now; the returned callable waits for its result
    (re-raising the child's exception, if it raised one)."""
    if not can_fork():
        return _in_process(function)
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare: do the work here instead
        os.close(read_end)
        os.close(write_end)
        return _in_process(function)
    if pid == 0:  # the child: compute, send, and leave without running the parent's cleanup
        status = 0
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, function()), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as error:
                try:
                    payload = pickle.dumps((False, error), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:
                    payload = pickle.dumps((False, RuntimeError(repr(error))))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:
            status = 1
        finally:
            sys.stdout.flush()  # what the function printed: `_exit` would drop it
            sys.stderr.flush()
            os._exit(status)
    os.close(write_end)

    def wait() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        if not payload:
            raise WorkerError("a worker process ended without a result (killed?); try again")
        succeeded, value = pickle.loads(payload)
        if succeeded:
            result: T = value
            return result
        raise value

    return wait


def _in_process(function: Callable[[], T]) -> Callable[[], T]:
    try:
        result = function()
    except Exception as error:
        failure = error

        def fail() -> T:
            raise failure

        return fail
    return lambda: result
