"""How the operator logs in to the API server: in a pod, with its ServiceAccount token, at the
address the kubelet gives every pod (`KUBERNETES_SERVICE_HOST` / `_PORT`, as client-go's and
lightkube's in-cluster configs do); elsewhere from the kubeconfig.

Kopf's own service-account login dials `https://kubernetes.default.svc`, which needs cluster
DNS; the environment works in any cluster, DNS or not.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from typing import Any

import kopf


def in_cluster_server() -> str | None:
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    port = os.environ.get("KUBERNETES_SERVICE_PORT")
    if not host or not port:
        return None
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a name, not an address
    return f"https://{host}:{port}"


def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
    """The ServiceAccount (at the in-cluster address when the pod has one), else the kubeconfig."""
    info = kopf.login_with_service_account(**kwargs)
    server = in_cluster_server()
    if info is not None and server is not None:
        return dataclasses.replace(info, server=server)
    return info or kopf.login_with_kubeconfig(**kwargs)
