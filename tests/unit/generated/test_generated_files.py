"""Committed files that scripts write from a source of truth must match what the scripts write
now: the CRD reference (from crds/), the Argo CD health ConfigMap (from health.lua), and the
kustomize base and overlays plus the chart's crds/ (from the chart and crds/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("script", ["crd_reference.py", "argocd_health.py", "kustomize.py"])
def test_generated_files_are_up_to_date(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen" / script), "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_notices_a_stale_file(tmp_path: Path) -> None:
    """--check really compares: a changed copy of the generator's output is reported."""
    sys.path.insert(0, str(ROOT / "tools" / "gen"))
    try:
        import crd_reference
    finally:
        sys.path.pop(0)
    stale = tmp_path / "crd-reference.md"
    stale.write_text(crd_reference.render() + "edited by hand\n")
    original = crd_reference.OUTPUT, crd_reference.ROOT
    crd_reference.OUTPUT, crd_reference.ROOT = stale, tmp_path
    try:
        assert crd_reference.main(["--check"]) == 1
        stale.write_text(crd_reference.render())
        assert crd_reference.main(["--check"]) == 0
    finally:
        crd_reference.OUTPUT, crd_reference.ROOT = original


KINDS = {"Attribute", "Segment", "Feature", "Group", "Schema", "Datafile"}


def test_gitops_health_checks_cover_every_kind() -> None:
    import yaml

    argocd = yaml.safe_load((ROOT / "deploy/gitops/argocd/argocd-cm-health.yaml").read_text())
    prefix = "resource.customizations.health.kubevisor.io_"
    assert {key.removeprefix(prefix) for key in argocd["data"]} == KINDS
    flux = [
        doc
        for doc in yaml.safe_load_all((ROOT / "deploy/gitops/flux/kustomization.yaml").read_text())
        if doc
    ]
    exprs = [e for doc in flux for e in doc["spec"].get("healthCheckExprs") or []]
    assert {e["kind"] for e in exprs} == KINDS
    assert {e["apiVersion"] for e in exprs} == {"kubevisor.io/v1alpha1"}
