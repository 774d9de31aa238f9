"""The admin kubeconfig for the local API server."""

from __future__ import annotations

from pathlib import Path

import yaml

CLUSTER_NAME = "kubevisor-dev"
USER_NAME = "kubevisor-admin"


def render_kubeconfig(
    server: str,
    *,
    ca_file: Path,
    client_cert_file: Path,
    client_key_file: Path,
    namespace: str = "default",
) -> str:
    """A kubeconfig with one cluster, one client-certificate user and one current context.

    Paths are written absolute so the file works from any working directory.
    """
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": CLUSTER_NAME,
                "cluster": {
                    "server": server,
                    "certificate-authority": str(ca_file.absolute()),
                },
            }
        ],
        "users": [
            {
                "name": USER_NAME,
                "user": {
                    "client-certificate": str(client_cert_file.absolute()),
                    "client-key": str(client_key_file.absolute()),
                },
            }
        ],
        "contexts": [
            {
                "name": CLUSTER_NAME,
                "context": {
                    "cluster": CLUSTER_NAME,
                    "user": USER_NAME,
                    "namespace": namespace,
                },
            }
        ],
        "current-context": CLUSTER_NAME,
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)
