"""`kubevisor dev up --node`: the whole picture on a real node. The operator runs as pods
installed from charts/kubevisor with the image built from the Dockerfile, the example is
applied, and the example app (examples/app) logs its official SDK's decisions, which follow
every edit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kubevisor.cli.dev_cluster import DevError, kubectl
from kubevisor.cli.output import say

if TYPE_CHECKING:
    from kubevisor.devcluster.state import ClusterInfo

EXAMPLE_APP = Path(__file__).resolve().parents[3] / "examples" / "app" / "deployment.yaml"


def start_operator_on_node(info: ClusterInfo) -> None:
    """Images built (or reused) and imported, then `helm upgrade --install` of the chart."""
    from kubevisor.devcluster.node import workloads
    from kubevisor.devcluster.node.errors import NodeError
    from kubevisor.devcluster.progress import StepError

    try:
        say("building (first time: minutes) or reusing the operator and example app images")
        workloads.load_images(info.run_dir)
        say(f"installing charts/kubevisor as release {workloads.RELEASE!r} (two replicas)")
        workloads.install_operator(info.kubeconfig)
    except (NodeError, StepError) as error:
        raise DevError(str(error)) from None


def start_example_app(info: ClusterInfo) -> None:
    say(f"starting the example app ({EXAMPLE_APP})")
    kubectl(info, "apply", "-f", str(EXAMPLE_APP))


def show_how_to_watch(info: ClusterInfo, kubevisor: str) -> None:
    print("The app's official Featurevisor SDK logs its decisions whenever the datafile changes:")
    print(f'  eval "$({kubevisor} dev cluster up --run-dir {info.run_dir})"')
    print("  kubectl logs -f -n shop deploy/flags-demo")
    print("  kubectl edit feature checkout -n shop   # e.g. staging percentage 100 -> 0")
    print("  kubectl logs -n kubevisor -l app.kubernetes.io/name=kubevisor   # the operator pods")
    print(f"  {kubevisor} dev down   # stop everything, node included")
