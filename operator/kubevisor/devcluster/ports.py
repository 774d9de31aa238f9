"""Free TCP ports on the loopback interface, picked by asking the kernel."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

LOOPBACK = "127.0.0.1"

Probe = Callable[[int], bool]
"""Tells whether a port can be bound right now."""


def can_bind(port: int, host: str = LOOPBACK) -> bool:
    """True if nothing listens on `host:port` and the port is valid."""
    if not 0 < port < 65536:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def pick_ports(count: int, *, companion_offset: int = 0, probe: Probe = can_bind) -> list[int]:
    """Return `count` distinct free ports.

    The kernel hands out an ephemeral port for each bind to port 0; all sockets stay open until
    every port is chosen, so the same port cannot come back twice. `companion_offset`, when not
    zero, also requires `port + offset` to be free: SeaweedFS serves gRPC on its HTTP port plus
    10000 and has no flag for it. There is still a window between picking and the server binding,
    as with any port picker; readiness checks catch the rare collision.
    """
    ports: list[int] = []
    with contextlib.ExitStack() as held:
        attempts = 0
        while len(ports) < count:
            attempts += 1
            if attempts > 100 * count:
                raise RuntimeError(f"could not find {count} free loopback ports")
            sock = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((LOOPBACK, 0))
            port: int = sock.getsockname()[1]
            if companion_offset and not _companion_free(port, companion_offset, ports, probe):
                continue
            ports.append(port)
    return ports


def _companion_free(port: int, offset: int, taken: list[int], probe: Probe) -> bool:
    companion = port + offset
    clashes = any(companion in (other, other + offset) for other in taken)
    return not clashes and probe(companion)
