"""The committed `crds/*.yaml` must be exactly what the generator writes."""

from __future__ import annotations

from pathlib import Path

from kubevisor.crds.render import generated_files

CRDS_DIR = Path(__file__).resolve().parents[3] / "crds"
REGENERATE = "regenerate with `python -m kubevisor.crds --out crds`"


def test_every_generated_crd_is_committed_unchanged() -> None:
    for name, text in generated_files().items():
        path = CRDS_DIR / name
        assert path.is_file(), f"{path} is missing: {REGENERATE}"
        assert path.read_text(encoding="utf-8") == text, f"{path} drifted: {REGENERATE}"


def test_no_stale_crd_files() -> None:
    expected = set(generated_files())
    committed = {path.name for path in CRDS_DIR.glob("*.yaml")}
    assert committed == expected, f"stale or unknown files in crds/: {REGENERATE}"
