"""containerd for one node: its own root, state, socket and runc state under the run
directory, the CRI plugin set up for this machine."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kubevisor.devcluster.node.errors import NodeError
from kubevisor.devcluster.node.network import CNI_BIN_DIR

PAUSE_IMAGE = "kubevisor.local/pause:1"
"""The sandbox image, imported locally: no registry is ever asked for it."""
NAMESPACE = "k8s.io"
"""The containerd namespace the CRI plugin (so the kubelet) uses."""


class ContainerdPaths:
    def __init__(self, run_dir: Path) -> None:
        self.folder = run_dir / "containerd"
        self.config = self.folder / "config.toml"
        self.socket = self.folder / "containerd.sock"
        self.root = self.folder / "root"
        self.state = self.folder / "state"
        self.cni_conf_dir = run_dir / "cni" / "net.d"
        self.cni_ipam_dir = run_dir / "cni" / "ipam"


def config_toml(paths: ContainerdPaths) -> str:
    """Config version 2. `restrict_oom_score_adj`: the CRI plugin asks runc for -998 on
    sandboxes, which a process without CAP_SYS_RESOURCE (this kind of VM) cannot set; runc then
    fails with "can't get final child's PID from pipe". Network namespaces are mounted under
    the state directory rather than /var/run/netns, so teardown finds them under the run dir."""
    cri = 'plugins."io.containerd.grpc.v1.cri"'
    return f"""version = 2
root = "{paths.root}"
state = "{paths.state}"

[grpc]
  address = "{paths.socket}"

[ttrpc]
  address = "{paths.socket}.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "{paths.folder / "opt"}"

[{cri}]
  sandbox_image = "{PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false

[{cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[{cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[{cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  Root = "{paths.folder / "runc"}"

[{cri}.cni]
  bin_dir = "{CNI_BIN_DIR}"
  conf_dir = "{paths.cni_conf_dir}"
  max_conf_num = 1
"""


def containerd_argv(paths: ContainerdPaths) -> list[str]:
    return ["containerd", "--config", str(paths.config)]


def ctr(paths: ContainerdPaths, *args: str, stdin_file: Path | None = None) -> str:
    """Run `ctr` against this node's containerd, in the CRI namespace."""
    command = ["ctr", "--address", str(paths.socket), "--namespace", NAMESPACE, *args]
    if stdin_file is None:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    else:
        with stdin_file.open("rb") as stdin:
            result = subprocess.run(
                command, stdin=stdin, capture_output=True, text=True, check=False
            )
    if result.returncode != 0:
        raise NodeError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return result.stdout


def containerd_ready(paths: ContainerdPaths) -> bool:
    if not paths.socket.exists():
        return False
    try:
        ctr(paths, "version")
    except NodeError:
        return False
    return True


def import_image(paths: ContainerdPaths, archive: Path) -> None:
    """Import a docker-archive or OCI archive; pods use it with imagePullPolicy Never."""
    ctr(paths, "images", "import", str(archive))
