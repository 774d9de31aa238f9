"""`kubevisor promote`: preview, conflicts, and in-place writing that keeps files otherwise
byte for byte, in project folders and manifests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main
from kubevisor.sources.project import load_project

MINI = Path("tests/conformance/fixtures/mini/input")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    return root


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in root.rglob("*") if p.is_file()}


def test_preview_and_fail_policy_write_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(project)
    assert main(["promote", str(project), "--from", "staging", "--to", "production"]) == 1
    out = capsys.readouterr().out
    assert "checkout: rules.production <- rules.staging: conflict" in out
    assert "nothing was written" in out
    assert _snapshot(project) == before


def test_overwrite_rewrites_only_the_promoted_entries(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(project)
    argv = ["promote", str(project), "--from", "staging", "--to", "production"]
    assert main([*argv, "--on-conflict", "overwrite", "--apply", "--feature", "promoA"]) == 0
    after = _snapshot(project)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["features/promoA.yml"]
    old, new = before["features/promoA.yml"], after["features/promoA.yml"]
    assert new == old.replace("percentage: 40", "percentage: 50")  # staging's 50 copied
    feature = load_project(project).features["promoA"]
    assert feature["rules"]["production"] == feature["rules"]["staging"]


def test_skip_keeps_conflicting_destinations(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(project)
    argv = ["promote", str(project), "--from", "staging", "--to", "production"]
    assert main([*argv, "--on-conflict", "skip", "--apply", "--json"]) == 0
    audit = json.loads(capsys.readouterr().out)
    assert audit["applied"] is True
    assert {change["action"] for change in audit["changes"]} == {"unchanged", "conflict"}
    assert _snapshot(project) == before


def test_manifests_are_promoted_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifests = tmp_path / "manifests"
    assert main(["import", str(MINI), "--out", str(manifests), "--namespace", "shop"]) == 0
    before = _snapshot(manifests)
    argv = ["promote", str(manifests), "--from", "staging", "--to", "production"]
    assert main([*argv, "--feature", "promoB", "--on-conflict", "overwrite", "--apply"]) == 0
    after = _snapshot(manifests)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["features/promo-b.yaml"]
    old = before["features/promo-b.yaml"]
    assert after["features/promo-b.yaml"] == old.replace("percentage: 40", "percentage: 50")
    capsys.readouterr()
    assert main(["lint", str(manifests)]) == 0


def test_an_edit_that_does_not_read_back_restores_every_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kubevisor.cli import promote
    from kubevisor.sources.yaml_edit import Edit

    def wrong_edit(lines: list[str], mapping: object, source: str, destination: str) -> Edit:
        return Edit(0, 1, ("# edited\n",))  # replaces the description, not the rules

    monkeypatch.setattr(promote, "copy_entry_edit", wrong_edit)
    before = _snapshot(project)
    argv = ["promote", str(project), "--from", "staging", "--to", "production", "--apply"]
    assert main([*argv, "--on-conflict", "overwrite"]) == 1
    assert "every file was restored" in capsys.readouterr().err
    assert _snapshot(project) == before
