"""Operator settings: command-line flags, with environment variables as defaults.

Defaults are read from the environment when an `OperatorSettings` is made (at start-up), not
when this module is imported.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kubevisor.controller.security_settings import security_policy_from
from kubevisor.sinks.policy import SecurityPolicy

T = TypeVar("T")


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _env(name: str, default: str, parse: Callable[[str], T]) -> T:
    """A field default read from `$name` when the settings are made."""
    return field(default_factory=lambda: parse(os.environ.get(name, default)))


def _identity() -> str:
    return os.environ.get("POD_NAME", socket.gethostname()) + f"-{os.getpid()}"


@dataclass
class OperatorSettings:
    namespaces: list[str] = field(default_factory=lambda: _env_list("KUBEVISOR_NAMESPACES"))
    """Namespaces to watch; empty means every namespace (cluster-wide mode)."""
    debounce_seconds: float = _env("KUBEVISOR_DEBOUNCE_SECONDS", "0.3", float)
    """Quiet time after the last change before a namespace is compiled."""
    max_delay_seconds: float = _env("KUBEVISOR_MAX_DELAY_SECONDS", "5", float)
    """Longest a burst of changes can postpone a compile."""
    metrics_port: int = int(os.environ.get("KUBEVISOR_METRICS_PORT", "8080"))
    metrics_host: str = os.environ.get("KUBEVISOR_METRICS_HOST", "0.0.0.0")
    lease_namespace: str = field(
        default_factory=lambda: os.environ.get(
            "KUBEVISOR_LEASE_NAMESPACE", os.environ.get("POD_NAMESPACE", "default")
        )
    )
    lease_name: str = _env("KUBEVISOR_LEASE_NAME", "kubevisor-operator", str)
    lease_seconds: int = _env("KUBEVISOR_LEASE_SECONDS", "15", int)
    identity: str = field(default_factory=_identity)
    resync_seconds: float = _env("KUBEVISOR_RESYNC_SECONDS", "60", float)
    """How often the watch caches are compared with a fresh list (missed events, dead watches)."""
    security: SecurityPolicy = field(default_factory=lambda: security_policy_from(os.environ))
    """The admin's relaxations of the safe defaults (docs/security.md)."""
    concurrency: int = _env("KUBEVISOR_CONCURRENCY", "4", int)
    """Namespaces reconciled at once, each compiled in its own worker process."""
    compile_timeout_seconds: float = _env("KUBEVISOR_COMPILE_TIMEOUT_SECONDS", "120", float)
    """A namespace whose compile runs longer stalls (its worker is killed); others go on."""
    compile_memory_mib: int = _env("KUBEVISOR_COMPILE_MEMORY_MIB", "2048", int)
    """Address-space limit of a compile worker (0: none); a compile that exceeds it stalls."""
