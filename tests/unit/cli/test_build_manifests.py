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
    [(["--print"], "--print"), (["--target", "all"], "--target"), ([], "--out DIR is required")],
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
