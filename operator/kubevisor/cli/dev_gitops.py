"""`kubevisor dev cluster up --gitops`: Flux and a loopback Git server beside the dev cluster."""

from __future__ import annotations

from kubevisor.cli.dev_cluster import DevError
from kubevisor.cli.output import say
from kubevisor.devcluster.state import ClusterInfo


def ensure_gitops(info: ClusterInfo) -> None:
    """Start Flux for the dev cluster unless it runs already; raises DevError when it cannot."""
    from kubevisor.devcluster.binaries import BinariesError
    from kubevisor.devcluster.gitops import GitOps, flux_dir, gitops_dir, load_gitops, stop_gitops
    from kubevisor.devcluster.process import StartError
    from kubevisor.devcluster.state import KubectlError

    run_dir = gitops_dir(info.run_dir)
    previous = load_gitops(run_dir)
    if previous is not None:
        if len([r for r in previous.processes if r.is_running()]) == len(previous.processes):
            say(f"Flux already running; Git repositories in {previous.git_root}")
            return
        stop_gitops(run_dir)
    try:
        flux = flux_dir()
        say("starting Flux source-controller and kustomize-controller, and a Git server")
        gitops = GitOps(info, run_dir, flux=flux, die_with_parent=False).start()
    except (BinariesError, StartError, KubectlError) as error:
        raise DevError(str(error)) from None
    say(
        f"Flux ready: push to a bare repository under {gitops.git_root} (git init --bare NAME.git) "
        f"and point a GitRepository at {gitops.repository_url('NAME')}"
    )
