"""Pod networking for one node: a bridge with the slot's subnet (CNI `bridge` + `host-local`),
and a nat chain that sends the `kubernetes` Service address to the API server on loopback.

No kube-proxy runs: the only Service address pods need is the API server's (in-cluster
clients dial `KUBERNETES_SERVICE_HOST`), and one DNAT rule in our own chain does that. The rule
targets 127.0.0.1, which the kernel routes only with `route_localnet` on the bridge; the API
server stays on loopback. Pods need no masquerading (they talk to the host and each other, not
the outside world), so no rule lands in shared chains besides our one jump, and ip_forward is
left as it is.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kubevisor.devcluster.node.errors import NodeError
from kubevisor.devcluster.node.slot import NodeSlot

CNI_BIN_DIR = Path("/usr/lib/cni")
"""Where Debian's containernetworking-plugins puts bridge, host-local and loopback."""
CNI_VERSION = "0.4.0"
CNI_CACHE = Path("/var/lib/cni/results")
"""Where libcni (in containerd) caches each attachment's result, named `<network>-<id>-<if>`."""


def cni_conflist(slot: NodeSlot, ipam_dir: Path) -> str:
    """The network config containerd hands to the CNI plugins for every pod sandbox."""
    config = {
        "cniVersion": CNI_VERSION,
        "name": slot.network_name,
        "plugins": [
            {
                "type": "bridge",
                "bridge": slot.bridge,
                "isGateway": True,
                "ipMasq": False,
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": str(slot.pod_subnet), "gateway": slot.gateway}]],
                    "routes": [{"dst": "0.0.0.0/0"}],
                    "dataDir": str(ipam_dir),
                },
            }
        ],
    }
    return json.dumps(config, indent=2) + "\n"


def set_up(slot: NodeSlot, *, service_ip: str, api_port: int) -> None:
    """Create the bridge and the nat chain before any pod exists (the CNI plugin reuses the
    bridge), so the API server is reachable from the first pod on."""
    prefix = slot.pod_subnet.prefixlen
    _run("ip", "link", "add", "name", slot.bridge, "type", "bridge")
    _run("ip", "addr", "add", f"{slot.gateway}/{prefix}", "dev", slot.bridge)
    _run("ip", "link", "set", slot.bridge, "up")
    Path(f"/proc/sys/net/ipv4/conf/{slot.bridge}/route_localnet").write_text("1\n")
    _iptables("-t", "nat", "-N", slot.chain)
    _iptables(
        "-t", "nat", "-A", slot.chain,
        "-d", f"{service_ip}/32", "-p", "tcp", "--dport", "443",
        "-j", "DNAT", "--to-destination", f"127.0.0.1:{api_port}",
    )  # fmt: skip
    _iptables(
        "-t", "nat", "-I", "PREROUTING",
        "-s", str(slot.pod_subnet), "-j", slot.chain,
        "-m", "comment", "--comment", slot.network_name,
    )  # fmt: skip


def tear_down(slot: NodeSlot) -> None:
    """Remove the bridge and our chain; a missing piece is fine (a half-started node)."""
    _iptables(
        "-t", "nat", "-D", "PREROUTING",
        "-s", str(slot.pod_subnet), "-j", slot.chain,
        "-m", "comment", "--comment", slot.network_name,
        check=False,
    )  # fmt: skip
    _iptables("-t", "nat", "-F", slot.chain, check=False)
    _iptables("-t", "nat", "-X", slot.chain, check=False)
    if bridge_exists(slot):
        _run("ip", "link", "del", slot.bridge)
    for cached in cached_results(slot):
        cached.unlink(missing_ok=True)


def cached_results(slot: NodeSlot) -> list[Path]:
    if not CNI_CACHE.is_dir():
        return []
    return sorted(CNI_CACHE.glob(f"{slot.network_name}-*"))


def bridge_exists(slot: NodeSlot) -> bool:
    return Path("/sys/class/net", slot.bridge).exists()


def chain_exists(slot: NodeSlot) -> bool:
    result = subprocess.run(
        ["iptables", "-w", "-t", "nat", "-S", slot.chain],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _iptables(*args: str, check: bool = True) -> None:
    # -w: wait for the xtables lock instead of failing when another node is changing rules.
    _run("iptables", "-w", *args, check=check)


def _run(*argv: str, check: bool = True) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise NetworkError(f"{' '.join(argv)} failed: {result.stderr.strip()}")


class NetworkError(NodeError):
    """A network set-up command failed; the message has the command and its error."""
