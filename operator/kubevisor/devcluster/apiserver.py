"""kube-apiserver and kube-controller-manager for the local control plane."""

from __future__ import annotations

import ssl
from pathlib import Path

from kubevisor.devcluster.pki import Pki
from kubevisor.devcluster.ports import LOOPBACK
from kubevisor.devcluster.probes import http_status

SERVICE_CIDR = "10.0.0.0/24"
SERVICE_IP = "10.0.0.1"
"""The first address of SERVICE_CIDR: the `kubernetes` Service. It is in the serving
certificate (`SERVING_IPS`), and a node routes it to the API server (`node.network`), so pods
reach the API server the way they do in any cluster."""

SERVING_NAMES = (
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
)
"""DNS names in the serving certificate: loopback clients, and in-cluster clients of a node."""
SERVING_IPS = (LOOPBACK, SERVICE_IP)

CONTROLLERS = ("garbage-collector-controller", "namespace-controller")
"""Enough for ownerReference garbage collection and namespace deletion; nothing that needs
nodes, pods or cloud access."""
NODE_CONTROLLERS = (
    *CONTROLLERS,
    "deployment-controller",
    "replicaset-controller",
    "endpointslice-controller",
    "serviceaccount-controller",
    "serviceaccount-token-controller",
    "root-ca-certificate-publisher-controller",
    "node-lifecycle-controller",
)
"""What workloads on a node need: Deployments make ReplicaSets make Pods; every namespace gets
its `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap that token volumes project;
the node-lifecycle controller lifts the not-ready taint a new node registers with."""


def apiserver_argv(
    binary: Path, *, pki: Pki, etcd_port: int, port: int, cert_dir: Path, node: bool = False
) -> list[str]:
    # With a node, pods get service-account tokens (the admission plugin adds the volume);
    # without one, no service-account controller runs, so namespaces get no default
    # ServiceAccount and the plugin would refuse every pod.
    service_accounts = (
        "--enable-admission-plugins=ServiceAccount"
        if node
        else "--disable-admission-plugins=ServiceAccount"
    )
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
        service_accounts,
        # Logs and exec go to the kubelet at the node's address; its name resolves nowhere.
        "--kubelet-preferred-address-types=InternalIP",
        "--allow-privileged=true",
        "--v=1",
    ]


def controller_manager_argv(
    binary: Path, *, kubeconfig: Path, port: int, cert_dir: Path, node_pki: Pki | None = None
) -> list[str]:
    """`node_pki` (a cluster with a node) adds the controllers pods need and their keys."""
    argv = [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        f"--bind-address={LOOPBACK}",
        f"--secure-port={port}",
        f"--cert-dir={cert_dir}",
        "--leader-elect=false",
        f"--controllers={','.join(NODE_CONTROLLERS if node_pki else CONTROLLERS)}",
        "--v=1",
    ]
    if node_pki is not None:
        argv += [
            f"--service-account-private-key-file={node_pki.service_account_key}",
            f"--root-ca-file={node_pki.ca_cert}",
            # Taints and evictions of a node that stops reporting: not in a dev cluster.
            "--node-monitor-grace-period=1h",
        ]
    return argv


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
