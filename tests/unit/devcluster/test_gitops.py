"""Flux on the dev cluster: its saved state, and the GitRepository + Kustomization it syncs."""

from __future__ import annotations

from pathlib import Path

from kubevisor.devcluster.gitops import (
    GitOpsInfo,
    gitops_dir,
    load_gitops,
    stop_gitops,
    sync_objects,
)
from kubevisor.devcluster.process import ProcessRecord


def test_state_survives_a_save_and_load(tmp_path: Path) -> None:
    info = GitOpsInfo(
        run_dir=tmp_path,
        git_root=tmp_path / "git",
        git_url="http://127.0.0.1:4321",
        processes=(ProcessRecord("git-server", 10, 99), ProcessRecord("source-controller", 11, 9)),
    )
    info.save()
    assert load_gitops(tmp_path) == info
    assert info.repository_url("features") == "http://127.0.0.1:4321/features.git"
    assert stop_gitops(tmp_path)  # processes long gone: nothing signalled, state removed
    assert load_gitops(tmp_path) is None
    assert not stop_gitops(tmp_path)


def test_gitops_lives_in_the_cluster_run_dir(tmp_path: Path) -> None:
    assert gitops_dir(tmp_path) == tmp_path / "gitops"


def test_sync_objects_prune_wait_and_retry_on_the_given_interval() -> None:
    exprs = [{"apiVersion": "kubevisor.io/v1alpha1", "kind": "Datafile", "current": "true"}]
    source, kustomization = sync_objects(
        "shop", "http://127.0.0.1:1/shop.git", "shop", interval="10m", health_check_exprs=exprs
    )
    assert source["kind"] == "GitRepository"
    assert source["spec"]["url"] == "http://127.0.0.1:1/shop.git"
    spec = kustomization["spec"]
    assert spec["sourceRef"] == {"kind": "GitRepository", "name": "shop"}
    assert (spec["interval"], spec["retryInterval"]) == ("10m", "10m")
    assert spec["prune"] and spec["wait"]
    assert spec["targetNamespace"] == "shop"
    assert spec["healthCheckExprs"] == exprs
    assert {obj["metadata"]["namespace"] for obj in (source, kustomization)} == {"flux-system"}
