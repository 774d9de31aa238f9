"""The admin's security relaxations from the environment (the chart sets these variables from
its `security` and `objectStore` values; `kubevisor operator` flags override them)."""

from __future__ import annotations

from collections.abc import Mapping

from kubevisor.sinks.policy import SecurityPolicy

ENV_ALLOW_COPIES = "KUBEVISOR_ALLOW_CROSS_NAMESPACE_COPIES"
ENV_AMBIENT_PREFIXES = "KUBEVISOR_OBJECT_STORE_AMBIENT_PREFIXES"
ENV_ALLOWED_ENDPOINTS = "KUBEVISOR_OBJECT_STORE_ALLOWED_ENDPOINTS"
ENV_ALLOW_FILE_URLS = "KUBEVISOR_ALLOW_FILE_URLS"

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


class SettingError(ValueError):
    """An environment variable holds something it cannot mean."""


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name}={value!r}: use true or false")


def _items(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in environ.get(name, "").split(",") if item.strip())


def security_policy_from(environ: Mapping[str, str]) -> SecurityPolicy:
    """The policy the variables describe; everything off when they are unset."""
    return SecurityPolicy(
        allow_cross_namespace_copies=_flag(environ, ENV_ALLOW_COPIES),
        ambient_prefixes=_items(environ, ENV_AMBIENT_PREFIXES),
        allowed_endpoints=_items(environ, ENV_ALLOWED_ENDPOINTS),
        allow_file_urls=_flag(environ, ENV_ALLOW_FILE_URLS),
    )
