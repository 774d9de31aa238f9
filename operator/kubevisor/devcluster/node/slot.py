"""A machine-wide slot per node cluster: the names and addresses two clusters must not share.

A slot is claimed by creating `/run/kubevisor-node/<n>` (O_EXCL) holding the run directory; a
claim whose run directory is gone is stale and taken over. Everything machine-wide a node
creates is named after its slot, so teardown finds exactly its own.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from kubevisor.devcluster.node.errors import NodeError

CLAIMS = Path("/run/kubevisor-node")
SLOTS = 64
POD_NETWORKS = ipaddress.IPv4Network("10.244.0.0/18")
"""Split into /24s, one per slot: private, and apart from the service range (10.0.0.0/24)."""


class SlotError(NodeError):
    """Every slot is taken."""


@dataclass(frozen=True)
class NodeSlot:
    number: int

    @property
    def bridge(self) -> str:
        return f"kvbr{self.number}"

    @property
    def network_name(self) -> str:
        """The CNI network's name, also the iptables comment on its rules."""
        return f"kubevisor-{self.number}"

    @property
    def pod_subnet(self) -> ipaddress.IPv4Network:
        base = int(POD_NETWORKS.network_address) + (self.number << 8)
        return ipaddress.IPv4Network((base, 24))

    @property
    def gateway(self) -> str:
        """The bridge's own address: the pods' default route and where they reach the host."""
        return str(self.pod_subnet.network_address + 1)

    @property
    def chain(self) -> str:
        """Our nat chain (the `kubernetes` Service for pods), jumped to from PREROUTING."""
        return f"KUBEVISOR-{self.number}"

    @property
    def cgroup(self) -> str:
        """The cgroup every process of the node lives under: containerd, shims, pods, kubelet."""
        return f"kubevisor-node-{self.number}"

    @property
    def claim(self) -> Path:
        return CLAIMS / str(self.number)


def claim_slot(run_dir: Path) -> NodeSlot:
    """Claim the first free slot for the cluster in `run_dir`."""
    CLAIMS.mkdir(mode=0o700, parents=True, exist_ok=True)
    for number in range(SLOTS):
        slot = NodeSlot(number)
        if _owner(slot) is not None and not _owner_is_gone(slot):
            continue
        slot.claim.unlink(missing_ok=True)
        try:
            descriptor = os.open(slot.claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue  # another cluster claimed it a moment ago
        with os.fdopen(descriptor, "w") as claim:
            claim.write(str(run_dir))
        return slot
    raise SlotError(f"all {SLOTS} node slots in {CLAIMS} are taken; stop a node cluster")


def release_slot(slot: NodeSlot) -> None:
    slot.claim.unlink(missing_ok=True)


def _owner(slot: NodeSlot) -> Path | None:
    try:
        return Path(slot.claim.read_text().strip())
    except OSError:
        return None


def _owner_is_gone(slot: NodeSlot) -> bool:
    owner = _owner(slot)
    return owner is None or not owner.is_dir()
