"""Start and stop the whole dev cluster: etcd, kube-apiserver, kube-controller-manager and the
S3 server, in one run directory, on free loopback ports; with `node=True` also a real node
(devcluster/node: containerd, kubelet, kube-scheduler, pod networking)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kubevisor.devcluster import apiserver, etcd, s3
from kubevisor.devcluster.binaries import (
    NODE_BINARIES,
    BinariesError,
    control_plane_bin_dir,
    find_weed,
)
from kubevisor.devcluster.kubeconfig import render_kubeconfig
from kubevisor.devcluster.pki import write_pki
from kubevisor.devcluster.ports import LOOPBACK, pick_ports
from kubevisor.devcluster.process import ServerProcess
from kubevisor.devcluster.server_group import ServerGroup
from kubevisor.devcluster.state import ClusterInfo, remove_files

ETCD_TIMEOUT = 30.0
APISERVER_TIMEOUT = 90.0
"""Generous: two cores are shared with whatever else runs (builds, other tests)."""
CONTROLLER_MANAGER_TIMEOUT = 60.0
S3_TIMEOUT = 30.0


class Cluster(ServerGroup[ClusterInfo]):
    """A dev cluster in `run_dir` (created if missing; its contents belong to the cluster).

    Started and stopped like every `ServerGroup`; with `node`, a real node too.
    """

    def __init__(
        self,
        run_dir: Path,
        *,
        control_plane_bin: Path,
        weed: Path,
        die_with_parent: bool = True,
        node: bool = False,
    ) -> None:
        super().__init__(run_dir, die_with_parent=die_with_parent)
        self.node = node
        self.control_plane_bin = control_plane_bin
        self.weed = weed
        self._leftover_files: tuple[Path, ...] = ()
        self._launches: dict[str, list[str]] = {}
        """How each server was started, so a test can stop one and start it again."""
        self._s3_port = 0
        self._api_ready: Callable[[], bool] | None = None

    def stop(self) -> None:
        """Stop every server this object started, the last started first (the node's
        containers, mounts and network before anything else)."""
        if self.node:
            from kubevisor.devcluster.node.node import tear_down_node

            tear_down_node(self.run_dir)
        super().stop()
        remove_files(self._leftover_files)

    def stop_server(self, name: str) -> None:
        """Stop one server (tests of outages: `weed` is the S3 server)."""
        for process in [p for p in self._processes if p.name == name]:
            process.stop()
            self._processes.remove(process)
        if name == "weed":  # its unix sockets can outlive it and would block a restart
            remove_files(self._leftover_files)

    def start_server(self, name: str) -> None:
        """Start a server stopped by `stop_server` again, same command and data, and wait until
        it answers: the S3 server (`weed`) or the `kube-apiserver`."""
        checks: dict[str, tuple[Callable[[], bool], float]] = {
            "weed": (lambda: s3.s3_answering(self._s3_port), S3_TIMEOUT),
        }
        if self._api_ready is not None:
            checks["kube-apiserver"] = (self._api_ready, APISERVER_TIMEOUT)
        if name not in checks:
            raise ValueError(f"start_server: {name!r} cannot be restarted; only {sorted(checks)}")
        if any(p.name == name for p in self._processes):
            return
        process = self._spawn(name, self._launches[name])
        process.wait_ready(*checks[name])

    def _start(self) -> ClusterInfo:
        run = self.run_dir
        run.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.node:
            _check_node_possible(self.control_plane_bin)
        pki = write_pki(
            run / "pki", ip_addresses=apiserver.SERVING_IPS, dns_names=apiserver.SERVING_NAMES
        )
        etcd_port, peer_port, api_port, kcm_port, s3_port, *weed_ports = pick_ports(
            5 + len(s3.WEED_PORT_FLAGS)
        )
        self._s3_port = s3_port
        credentials = s3.S3Credentials.generate()
        config_file = run / "s3-identities.json"
        config_file.touch(mode=0o600)
        config_file.write_text(s3.identities_config(credentials))
        (run / "s3").mkdir(exist_ok=True)

        # etcd and the S3 server do not depend on each other: start both, then wait.
        etcd_process = self._spawn(
            "etcd",
            etcd.etcd_argv(
                self.control_plane_bin / "etcd",
                data_dir=run / "etcd",
                client_port=etcd_port,
                peer_port=peer_port,
            ),
        )
        other_weed_ports = dict(zip(s3.WEED_PORT_FLAGS, weed_ports, strict=True))
        self._leftover_files = s3.grpc_socket_files(other_weed_ports)
        weed_process = self._spawn(
            "weed",
            s3.weed_argv(
                self.weed,
                data_dir=run / "s3",
                config_file=config_file,
                s3_port=s3_port,
                other_ports=other_weed_ports,
            ),
        )
        etcd_process.wait_ready(lambda: etcd.etcd_healthy(etcd_port), ETCD_TIMEOUT)

        api_process = self._spawn(
            "kube-apiserver",
            apiserver.apiserver_argv(
                self.control_plane_bin / "kube-apiserver",
                pki=pki,
                etcd_port=etcd_port,
                port=api_port,
                cert_dir=run / "apiserver",
                node=self.node,
            ),
        )
        context = apiserver.client_tls_context(pki)
        self._api_ready = lambda: apiserver.apiserver_ready(api_port, context)
        api_process.wait_ready(self._api_ready, APISERVER_TIMEOUT)
        server = f"https://{LOOPBACK}:{api_port}"
        kubeconfig = run / "kubeconfig"
        kubeconfig.touch(mode=0o600)
        kubeconfig.write_text(
            render_kubeconfig(
                server,
                ca_file=pki.ca_cert,
                client_cert_file=pki.admin_cert,
                client_key_file=pki.admin_key,
            )
        )

        kcm_process = self._spawn(
            "kube-controller-manager",
            apiserver.controller_manager_argv(
                self.control_plane_bin / "kube-controller-manager",
                kubeconfig=kubeconfig,
                port=kcm_port,
                cert_dir=run / "controller-manager",
                node_pki=pki if self.node else None,
            ),
        )
        weed_process.wait_ready(lambda: s3.s3_answering(s3_port), S3_TIMEOUT)
        kcm_process.wait_ready(
            lambda: apiserver.controller_manager_healthy(kcm_port), CONTROLLER_MANAGER_TIMEOUT
        )
        if self.node:
            from kubevisor.devcluster.node.node import start_node

            start_node(
                run_dir=run,
                bin_dir=self.control_plane_bin,
                kubeconfig=kubeconfig,
                api_server=server,
                api_port=api_port,
                service_ip=apiserver.SERVICE_IP,
                tls=context,
                spawn=self._spawn,
            )
        return ClusterInfo(
            run_dir=run,
            kubeconfig=kubeconfig,
            api_server=server,
            s3_endpoint=f"http://{LOOPBACK}:{s3_port}",
            s3_access_key=credentials.access_key,
            s3_secret_key=credentials.secret_key,
            s3_region=s3.REGION,
            processes=self._records(),
            leftover_files=self._leftover_files,
            node=self.node,
        )

    def _spawn(self, name: str, argv: list[str]) -> ServerProcess:
        process = super()._spawn(name, argv)
        self._launches[name] = argv
        return process


def _check_node_possible(bin_dir: Path) -> None:
    from kubevisor.devcluster.node.node import check_node_possible

    check_node_possible()
    missing = [name for name in NODE_BINARIES if not (bin_dir / name).is_file()]
    if missing:
        raise BinariesError(
            f"{bin_dir} lacks {', '.join(missing)}; run tools/controlplane/build.sh"
        )


def remove_run_dir(run_dir: Path) -> None:
    """Delete a stopped cluster's run directory."""
    shutil.rmtree(run_dir, ignore_errors=True)


@contextlib.contextmanager
def temporary_cluster() -> Iterator[ClusterInfo]:
    """A cluster in a fresh temporary run directory, built binaries reused, everything stopped
    and removed on exit, also when the body raises. The pytest `cluster` fixture is this."""
    with temporary_cluster_control() as cluster:
        assert cluster.info is not None
        yield cluster.info


@contextlib.contextmanager
def temporary_cluster_control(*, node: bool = False) -> Iterator[Cluster]:
    """`temporary_cluster`, giving the started `Cluster` itself (to stop and start servers)."""
    bin_dir = control_plane_bin_dir()
    weed = find_weed()
    run_dir = Path(tempfile.mkdtemp(prefix="kubevisor-dev-"))
    try:
        cluster = Cluster(run_dir, control_plane_bin=bin_dir, weed=weed, node=node)
        with cluster:
            yield cluster
    finally:
        remove_run_dir(run_dir)
