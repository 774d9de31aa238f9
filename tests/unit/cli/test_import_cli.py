"""`kubevisor import PROJECT --out DIR`: layouts, kustomization, specs, sets, --prune."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from kubevisor.cli import main

MINI = Path("tests/conformance/fixtures/mini/input")
SETS_MINI = Path("tests/conformance/fixtures/sets-mini/project")
OBJECTS = 3 + 4 + 1 + 2 + 4  # attributes, features, group, segments, datafiles of mini


def files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_kustomize_layout_lists_every_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(MINI), "--out", str(tmp_path), "--namespace", "shop"]) == 0
    written = files(tmp_path)
    assert "features/promo-a.yaml" in written
    assert "datafiles/staging-web.yaml" in written
    assert [path for path in written if path.startswith("tests/")] == [
        "tests/features.checkout.spec.yml",
        "tests/segments.dach.spec.yml",
    ]
    kustomization = yaml.safe_load((tmp_path / "kustomization.yaml").read_text("utf-8"))
    assert kustomization["kind"] == "Kustomization"
    assert kustomization["resources"] == [
        path for path in written if path.endswith(".yaml") and path != "kustomization.yaml"
    ]
    assert len(kustomization["resources"]) == OBJECTS
    manifest = yaml.safe_load((tmp_path / "features" / "promo-a.yaml").read_text("utf-8"))
    assert (manifest["metadata"]["namespace"], manifest["spec"]["key"]) == ("shop", "promoA")
    assert f"wrote {OBJECTS} manifests and 2 test specs" in capsys.readouterr().out


def test_flat_layout_is_objects_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(MINI), "--out", str(tmp_path), "--layout", "flat"]) == 0
    written = files(tmp_path)
    assert len(written) == OBJECTS and "/" not in "".join(written)
    assert "feature-promo-a.yaml" in written and "datafile-production-web.yaml" in written
    assert "skipped 2 test specs" in capsys.readouterr().err


def test_a_sets_project_becomes_one_namespace_per_set(tmp_path: Path) -> None:
    assert main(["import", str(SETS_MINI), "--out", str(tmp_path)]) == 0
    root = yaml.safe_load((tmp_path / "kustomization.yaml").read_text("utf-8"))
    assert root["resources"] == ["alpha", "beta"]
    namespace = yaml.safe_load((tmp_path / "beta" / "namespace.yaml").read_text("utf-8"))
    assert namespace == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "beta"}}
    beta = yaml.safe_load((tmp_path / "beta" / "kustomization.yaml").read_text("utf-8"))
    assert "namespace.yaml" in beta["resources"]
    feature = yaml.safe_load((tmp_path / "beta" / "features" / "checkout.yaml").read_text())
    assert feature["metadata"]["namespace"] == "beta"
    assert (tmp_path / "alpha" / "tests" / "segments.dach.spec.yml").is_file()


def test_sets_build_from_manifests_like_upstream(tmp_path: Path) -> None:
    """Each set's namespace builds the set's official datafiles."""
    assert main(["import", str(SETS_MINI), "--out", str(tmp_path / "m")]) == 0
    assert main(["build", str(tmp_path / "m"), "--out", str(tmp_path / "out")]) == 0
    official = SETS_MINI.parent / "official" / "datafiles"
    for name in ("alpha", "beta"):
        built, expected = tmp_path / "out" / name, official / name
        assert files(built) == files(expected)
        for relative in files(expected):
            assert (built / relative).read_bytes() == (expected / relative).read_bytes()


def test_sets_refuse_a_namespace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SETS_MINI), "--out", str(tmp_path), "--namespace", "x"]) == 1
    assert "one namespace per set" in capsys.readouterr().err


def test_prune_deletes_only_what_an_import_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(MINI, project)
    assert main(["import", str(project), "--out", str(out)]) == 0
    (out / "features" / "mine.yaml").write_text("# my own file\n")
    (project / "features" / "promoB.yml").unlink()
    group = project / "groups" / "promos.yml"
    group.unlink()
    capsys.readouterr()

    assert main(["import", str(project), "--out", str(out)]) == 0
    assert (out / "features" / "promo-b.yaml").is_file()  # kept without --prune
    assert "2 file(s) from an earlier import" in capsys.readouterr().err

    assert main(["import", str(project), "--out", str(out), "--prune"]) == 0
    assert not (out / "features" / "promo-b.yaml").exists()
    assert not (out / "groups").exists()
    assert (out / "features" / "mine.yaml").is_file()
    assert "deleted 2 stale file(s)" in capsys.readouterr().out
    kustomization = yaml.safe_load((out / "kustomization.yaml").read_text("utf-8"))
    assert "features/promo-b.yaml" not in kustomization["resources"]


def test_not_a_project_is_an_error_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "featurevisor.config.js" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
