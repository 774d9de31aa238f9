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
