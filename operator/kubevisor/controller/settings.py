"""Operator settings: command-line flags, with environment variables as defaults."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

from kubevisor.controller.security_settings import security_policy_from
from kubevisor.sinks.policy import SecurityPolicy


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


@dataclass
class OperatorSettings:
    namespaces: list[str] = field(default_factory=lambda: _env_list("KUBEVISOR_NAMESPACES"))
    """Namespaces to watch; empty means every namespace (cluster-wide mode)."""
    debounce_seconds: float = float(os.environ.get("KUBEVISOR_DEBOUNCE_SECONDS", "0.3"))
    """Quiet time after the last change before a namespace is compiled."""
    max_delay_seconds: float = float(os.environ.get("KUBEVISOR_MAX_DELAY_SECONDS", "5"))
    """Longest a burst of changes can postpone a compile."""
    metrics_port: int = int(os.environ.get("KUBEVISOR_METRICS_PORT", "8080"))
    metrics_host: str = os.environ.get("KUBEVISOR_METRICS_HOST", "0.0.0.0")
    lease_namespace: str = os.environ.get(
        "KUBEVISOR_LEASE_NAMESPACE", os.environ.get("POD_NAMESPACE", "default")
    )
    lease_name: str = os.environ.get("KUBEVISOR_LEASE_NAME", "kubevisor-operator")
    lease_seconds: int = int(os.environ.get("KUBEVISOR_LEASE_SECONDS", "15"))
    identity: str = os.environ.get("POD_NAME", socket.gethostname()) + f"-{os.getpid()}"
    resync_seconds: float = float(os.environ.get("KUBEVISOR_RESYNC_SECONDS", "60"))
    """How often the watch caches are compared with a fresh list (missed events, dead watches)."""
    security: SecurityPolicy = field(default_factory=lambda: security_policy_from(os.environ))
    """The admin's relaxations of the safe defaults (docs/security.md)."""
