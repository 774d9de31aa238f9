"""What runs on the dev node, from the sources users install: the operator image (the root
Dockerfile) and the example app image (examples/app/Dockerfile) imported into the node's
containerd, and the operator installed from charts/kubevisor with helm."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kubevisor.devcluster.binaries import find_source_file, run_build_script
from kubevisor.devcluster.node.containerd import ContainerdPaths, import_image
from kubevisor.devcluster.node.errors import NodeError
from kubevisor.devcluster.node.images import image_archive

OPERATOR_IMAGE = "kubevisor/operator:0.1.0"
"""The chart's default repository, tagged with its appVersion."""
APP_IMAGE = "kubevisor/example-app:1"
RELEASE = "kubevisor"
"""The release name whose metrics Service (`kubevisor-metrics`) once crashed the operator."""
RELEASE_NAMESPACE = "kubevisor"
HELM_SCRIPT = Path("tools") / "helm" / "build.sh"


def repository_root() -> Path:
    return find_source_file(Path("Dockerfile")).parent


def load_images(run_dir: Path) -> None:
    """Build (or reuse) the operator and example app images and import them into the node."""
    root = repository_root()
    paths = ContainerdPaths(run_dir)
    import_image(paths, image_archive(root / "Dockerfile", root, OPERATOR_IMAGE))
    app = root / "examples" / "app"
    import_image(paths, image_archive(app / "Dockerfile", app, APP_IMAGE))


def helm_binary() -> Path:
    """$HELM, else the helm tools/helm/build.sh builds (cached), as tools/gen/kustomize.py."""
    override = os.environ.get("HELM")
    return Path(override) if override else run_build_script(HELM_SCRIPT)


def install_operator(kubeconfig: Path, *values: str) -> None:
    """`helm upgrade --install` of the chart with the locally imported image into the cluster
    of `kubeconfig`, waiting for the operator pods to be Ready."""
    chart = repository_root() / "charts" / "kubevisor"
    repository, _, tag = OPERATOR_IMAGE.rpartition(":")
    command = [
        str(helm_binary()),
        "upgrade",
        "--install",
        RELEASE,
        str(chart),
        f"--kubeconfig={kubeconfig}",
        f"--namespace={RELEASE_NAMESPACE}",
        "--create-namespace",
        f"--set=image.repository={repository}",
        f"--set=image.tag={tag}",
        "--set=image.pullPolicy=Never",
        "--wait",
        "--timeout=5m",
    ]
    command += [f"--set={value}" for value in values]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise NodeError(f"helm install failed: {result.stderr.strip() or result.stdout.strip()}")
