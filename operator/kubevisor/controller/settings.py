"""Operator settings: command-line flags, with environment variables as defaults.

The variables are read when the settings are made (not at import), and none of their names can
be a Kubernetes service link: the kubelet injects `<SERVICE>_PORT=tcp://…`,
`<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT_<n>_TCP_ADDR` and so on for every Service of the pod's
namespace, so a Service named `kubevisor-metrics` (the chart's, for a release named `kubevisor`)
would otherwise set `KUBEVISOR_METRICS_PORT=tcp://10.96.0.12:8080` and crash the operator.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field

from kubevisor.controller.security_settings import security_policy_from
from kubevisor.controller.shards import key_problem
from kubevisor.sinks.policy import SecurityPolicy

# Names the kubelet may inject for a Service (pkg/kubelet/envvars): `<NAME>_SERVICE_HOST`,
# `<NAME>_SERVICE_PORT[_<port name>]`, `<NAME>_PORT`, `<NAME>_PORT_<n>_<PROTO>[_PROTO|_PORT|_ADDR]`.
SERVICE_LINK_NAME = re.compile(
    r"_SERVICE_HOST$|_SERVICE_PORT(_\w+)?$|_PORT$|_PORT_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?$"
)

NAMESPACES = "KUBEVISOR_NAMESPACES"
DEBOUNCE_SECONDS = "KUBEVISOR_DEBOUNCE_SECONDS"
MAX_DELAY_SECONDS = "KUBEVISOR_MAX_DELAY_SECONDS"
METRICS_PORT = "KUBEVISOR_METRICS_PORT_NUMBER"
METRICS_HOST = "KUBEVISOR_METRICS_HOST"
LEASE_NAMESPACE = "KUBEVISOR_LEASE_NAMESPACE"
LEASE_NAME = "KUBEVISOR_LEASE_NAME"
LEASE_SECONDS = "KUBEVISOR_LEASE_SECONDS"
RESYNC_SECONDS = "KUBEVISOR_RESYNC_SECONDS"
CONCURRENCY = "KUBEVISOR_CONCURRENCY"
COMPILE_TIMEOUT_SECONDS = "KUBEVISOR_COMPILE_TIMEOUT_SECONDS"
COMPILE_MEMORY_MIB = "KUBEVISOR_COMPILE_MEMORY_MIB"
SHARD = "KUBEVISOR_SHARD"
VARIABLES = (
    NAMESPACES,
    DEBOUNCE_SECONDS,
    MAX_DELAY_SECONDS,
    METRICS_PORT,
    METRICS_HOST,
    LEASE_NAMESPACE,
    LEASE_NAME,
    LEASE_SECONDS,
    RESYNC_SECONDS,
    CONCURRENCY,
    COMPILE_TIMEOUT_SECONDS,
    COMPILE_MEMORY_MIB,
    SHARD,
)
"""Every variable the settings read; a unit test keeps them clear of service-link names."""


class SettingsError(ValueError):
    """An environment variable holds a value the operator cannot use."""


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SettingsError(
            f"{name}={raw!r} is not an integer: set it to one (default {default}) or unset it"
        ) from None


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SettingsError(
            f"{name}={raw!r} is not a number: set it to one (default {default}) or unset it"
        ) from None


def _env_shard(name: str) -> str | None:
    key = os.environ.get(name, "").strip()
    if not key:
        return None
    problem = key_problem(key)
    if problem:
        raise SettingsError(f"{name}={key!r}: {problem}: correct it or unset it")
    return key


def shard_problem(shard: str | None, namespaces: list[str]) -> str | None:
    """Why the operator cannot run with this shard and these namespaces, or None."""
    if shard is None:
        return None
    if namespaces:
        return (
            f"shard {shard!r} with named namespaces ({', '.join(namespaces)}): shards split "
            "a cluster-wide install; in namespaced mode give each instance its own namespaces"
        )
    return key_problem(shard)


@dataclass
class OperatorSettings:
    namespaces: list[str] = field(default_factory=lambda: _env_list(NAMESPACES))
    """Namespaces to watch; empty means every namespace (cluster-wide mode)."""
    debounce_seconds: float = field(default_factory=lambda: _env_float(DEBOUNCE_SECONDS, 0.3))
    """Quiet time after the last change before a namespace is compiled."""
    max_delay_seconds: float = field(default_factory=lambda: _env_float(MAX_DELAY_SECONDS, 5))
    """Longest a burst of changes can postpone a compile."""
    metrics_port: int = field(default_factory=lambda: _env_int(METRICS_PORT, 8080))
    metrics_host: str = field(default_factory=lambda: os.environ.get(METRICS_HOST, "0.0.0.0"))
    lease_namespace: str = field(
        default_factory=lambda: os.environ.get(
            LEASE_NAMESPACE, os.environ.get("POD_NAMESPACE", "default")
        )
    )
    lease_name: str = field(
        default_factory=lambda: os.environ.get(LEASE_NAME, "kubevisor-operator")
    )
    lease_seconds: int = field(default_factory=lambda: _env_int(LEASE_SECONDS, 15))
    identity: str = field(
        default_factory=lambda: os.environ.get("POD_NAME", socket.gethostname()) + f"-{os.getpid()}"
    )
    resync_seconds: float = field(default_factory=lambda: _env_float(RESYNC_SECONDS, 60))
    """How often the watch caches are compared with a fresh list (missed events, dead watches)."""
    security: SecurityPolicy = field(default_factory=lambda: security_policy_from(os.environ))
    """The admin's relaxations of the safe defaults (docs/security.md)."""
    concurrency: int = field(default_factory=lambda: _env_int(CONCURRENCY, 4))
    """Namespaces reconciled at once, each compiled in its own worker process."""
    compile_timeout_seconds: float = field(
        default_factory=lambda: _env_float(COMPILE_TIMEOUT_SECONDS, 120)
    )
    """A namespace whose compile runs longer stalls (its worker is killed); others go on."""
    compile_memory_mib: int = field(default_factory=lambda: _env_int(COMPILE_MEMORY_MIB, 2048))
    """Address-space limit of a compile worker (0: none); a compile that exceeds it stalls."""
    shard: str | None = field(default_factory=lambda: _env_shard(SHARD))
    """Serve only the namespaces labeled `kubevisor.io/shard=<shard>`; None: only those without
    the label (cluster-wide mode; controller.shards)."""
