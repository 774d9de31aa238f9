"""kube-apiserver and kube-controller-manager for the local control plane."""

from __future__ import annotations

import ssl
from pathlib import Path

from kubevisor.devcluster.pki import Pki
from kubevisor.devcluster.ports import LOOPBACK
from kubevisor.devcluster.probes import http_status

SERVICE_CIDR = "10.0.0.0/24"
SERVICE_IP = "10.0.0.1"
"""The first address of SERVICE_CIDR: the `kubernetes` Service, listed in the serving cert."""

CONTROLLERS = ("garbage-collector-controller", "namespace-controller")
"""Enough for ownerReference garbage collection and namespace deletion; nothing that needs
nodes, pods or cloud access."""


def apiserver_argv(
    binary: Path, *, pki: Pki, etcd_port: int, port: int, cert_dir: Path
) -> list[str]:
    return [
        str(binary),
        f"--etcd-servers=http://{LOOPBACK}:{etcd_port}",
        f"--bind-address={LOOPBACK}",
        f"--secure-port={port}",
        # A loopback advertise address is only valid without an endpoint reconciler; nothing
        # here routes through the `kubernetes` Service, so it is not needed.
        f"--advertise-address={LOOPBACK}",
        "--endpoint-reconciler-type=none",
        f"--tls-cert-file={pki.serving_cert}",
        f"--tls-private-key-file={pki.serving_key}",
        f"--cert-dir={cert_dir}",
        f"--client-ca-file={pki.ca_cert}",
        f"--service-account-issuer=https://{LOOPBACK}:{port}",
        f"--service-account-key-file={pki.service_account_pub}",
        f"--service-account-signing-key-file={pki.service_account_key}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--authorization-mode=RBAC",
        # No service-account controllers run, so namespaces get no default ServiceAccount.
        "--disable-admission-plugins=ServiceAccount",
        "--allow-privileged=true",
        "--v=1",
    ]


def controller_manager_argv(
    binary: Path, *, kubeconfig: Path, port: int, cert_dir: Path
) -> list[str]:
    return [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        f"--bind-address={LOOPBACK}",
        f"--secure-port={port}",
        f"--cert-dir={cert_dir}",
        "--leader-elect=false",
        f"--controllers={','.join(CONTROLLERS)}",
        "--v=1",
    ]


def client_tls_context(pki: Pki) -> ssl.SSLContext:
    """TLS as the admin user: trusts the dev CA and presents the admin client certificate."""
    context = ssl.create_default_context(cafile=str(pki.ca_cert))
    context.load_cert_chain(str(pki.admin_cert), str(pki.admin_key))
    return context


def apiserver_ready(port: int, context: ssl.SSLContext) -> bool:
    """/readyz as the admin user (anonymous requests get 403 until RBAC is bootstrapped)."""
    return http_status(f"https://{LOOPBACK}:{port}/readyz", context=context) == 200


def controller_manager_healthy(port: int) -> bool:
    """/healthz is always allowed; the serving certificate is self-signed, so not verified."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http_status(f"https://{LOOPBACK}:{port}/healthz", context=context) == 200
