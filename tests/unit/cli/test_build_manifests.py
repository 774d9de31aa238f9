"""`kubevisor build MANIFESTS`: per-namespace output and state, lint, refused options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubevisor.cli import main

FEATURE = {
    "description": "d",
    "bucketBy": "userId",
    "rules": {"production": [{"key": "all", "segments": "*", "percentage": 40}]},
}


def objects(percentage: int = 40) -> list[dict[str, object]]:
    feature = json.loads(json.dumps(FEATURE))
    feature["rules"]["production"][0]["percentage"] = percentage
    base = {"apiVersion": "kubevisor.io/v1alpha1"}
    return [
        {
            **base,
            "kind": "Attribute",
            "metadata": {"name": "userid", "namespace": "shop"},
            "spec": {"key": "userId", "description": "u", "type": "string"},
        },
        {
            **base,
            "kind": "Feature",
            "metadata": {"name": "flag", "namespace": "shop"},
            "spec": feature,
        },
        {
            **base,
            "kind": "Datafile",
            "metadata": {"name": "production-all", "namespace": "shop"},
            "spec": {"target": "all", "environment": "production", "description": "a"},
        },
    ]


def write(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}), "utf-8")
    return path


def test_builds_each_namespace_with_its_state(tmp_path: Path) -> None:
    source = write(tmp_path / "objects.json", objects())
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    datafile = json.loads((out / "shop" / "production" / "featurevisor-all.json").read_text())
    assert list(datafile["features"]) == ["flag"]
    assert (out / "shop" / "REVISION").read_text() == "1"
    state = out / ".kubevisor-state" / "shop"
    assert json.loads((state / "existing-state-production.json").read_text())["features"]["flag"]
    assert main(["build", str(source), "--out", str(out)]) == 0
    assert (state / "REVISION").read_text() == "2"


def test_state_dir_option_holds_one_folder_per_namespace(tmp_path: Path) -> None:
    source = write(tmp_path / "objects.json", objects())
    assert (
        main(
            ["build", str(source), "--out", str(tmp_path / "o"), "--state-dir", str(tmp_path / "s")]
        )
        == 0
    )
    assert (tmp_path / "s" / "shop" / "REVISION").read_text() == "1"
    assert not (tmp_path / "o" / ".kubevisor-state").exists()


def test_lint_errors_refuse_the_build_unless_no_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "objects.json", objects(percentage=300))
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 1
    assert "rules.production.0.percentage" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["build", str(source), "--out", str(tmp_path / "out"), "--no-lint"]) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--print"], "--print"),
        (["--target", "all"], "--target"),
        ([], "--out DIR is required"),
        (["--revisions", "per-datafile", "--revision", "3"], "each Datafile has its own revision"),
    ],
)
def test_refused_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    source = write(tmp_path / "objects.json", objects())
    out = [] if not options else ["--out", str(tmp_path / "out")]
    assert main(["build", str(source), *out, *options]) == 1
    assert message in capsys.readouterr().err


def test_problems_in_manifests_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = objects()
    items[2]["spec"] = {"environment": "production", "pretty": "yes please"}
    source = write(tmp_path / "objects.json", items)
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 1
    assert "spec.pretty" in capsys.readouterr().err


def test_no_objects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "objects.json", [])
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 1
    assert "no kubevisor.io/v1alpha1 objects" in capsys.readouterr().err


def test_per_datafile_revisions_move_only_with_the_content(tmp_path: Path) -> None:
    source = write(tmp_path / "objects.json", objects())
    out = tmp_path / "out"
    command = ["build", str(source), "--out", str(out), "--revisions", "per-datafile"]
    path = out / "shop" / "production" / "featurevisor-all.json"
    revisions = []
    for percentage in (40, 40, 50):
        write(source, objects(percentage))
        assert main(command) == 0
        revisions.append(json.loads(path.read_text())["revision"])
    assert revisions == ["1", "1", "2"]
    assert not (out / "shop" / "REVISION").exists()  # no one revision for the namespace
    records = json.loads((out / ".kubevisor-state" / "shop" / "datafiles.json").read_text())
    assert records["production-all"]["revision"] == 2


def test_both_revision_policies_write_the_same_bytes_but_the_revision(tmp_path: Path) -> None:
    source = write(tmp_path / "objects.json", objects())
    for policy in ("project", "per-datafile"):
        out = tmp_path / policy
        assert main(["build", str(source), "--out", str(out), "--revisions", policy]) == 0
        assert main(["build", str(source), "--out", str(out), "--revisions", policy]) == 0
    project = (tmp_path / "project" / "shop" / "production" / "featurevisor-all.json").read_bytes()
    own = (tmp_path / "per-datafile" / "shop" / "production" / "featurevisor-all.json").read_bytes()
    assert b'"revision":"2"' in project  # the second build of the namespace
    assert own == project.replace(b'"revision":"2"', b'"revision":"1"')  # content unchanged


def test_hold_back_writes_what_is_valid_and_still_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = objects()
    items.append(
        {
            "apiVersion": "kubevisor.io/v1alpha1",
            "kind": "Datafile",
            "metadata": {"name": "production-broken", "namespace": "shop"},
            "spec": {"target": "broken", "environment": "production", "description": "b"},
        }
    )
    items.append(
        {
            "apiVersion": "kubevisor.io/v1alpha1",
            "kind": "Feature",
            "metadata": {"name": "bad", "namespace": "shop"},
            "spec": {**FEATURE, "tags": ["broken"], "bucketBy": "nobody"},
        }
    )
    items[2]["spec"]["excludeFeatures"] = ["bad"]
    source = write(tmp_path / "objects.json", items)
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 1
    assert not out.exists()  # the default: nothing written
    assert main(["build", str(source), "--out", str(out), "--hold-back"]) == 1
    assert "held back (their last files stay): shop/production-broken" in capsys.readouterr().err
    assert (out / "shop" / "production" / "featurevisor-all.json").is_file()
    assert not (out / "shop" / "production" / "featurevisor-broken.json").exists()


def test_manifest_only_options_are_refused_for_projects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "project")]) == 0
    capsys.readouterr()
    assert main(["build", str(tmp_path / "project"), "--hold-back"]) == 1
    assert "only for manifests" in capsys.readouterr().err
