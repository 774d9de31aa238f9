"""`kubevisor lint SOURCE [--json]` on project folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main
from kubevisor.cli.lint import refuse_invalid
from kubevisor.sources.project import load_project

MINI = Path("tests/conformance/fixtures/mini/input")


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    checkout = root / "features/checkout.yml"
    checkout.write_text(checkout.read_text().replace("percentage: ", "percentage: 1", 1))
    return root


def test_clean_project_exits_0_with_a_success_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(MINI)]) == 0
    assert "No lint errors found" in capsys.readouterr().out


def test_errors_name_the_field_and_exit_1(
    broken_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(broken_project)]) == 1
    out = capsys.readouterr().out
    assert "feature `checkout`" in out
    assert "percentage" in out and "outside 0 to 100" in out
    assert "checkout.yml" in out
    assert "1 lint error" in out


def test_json_output_lists_every_problem(
    broken_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "--json", str(broken_project)]) == 1
    payload = json.loads(capsys.readouterr().out)
    [error] = payload["errors"]
    assert error["kind"] == "feature"
    assert error["key"] == "checkout"
    assert error["path"].startswith("rules.") and error["path"].endswith(".percentage")
    assert error["hint"]


def test_json_output_of_a_clean_project(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--json", str(MINI)]) == 0
    assert json.loads(capsys.readouterr().out) == {"errors": []}


def test_unreadable_source_is_reported_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(tmp_path / "nowhere")]) == 1
    captured = capsys.readouterr()
    assert "kubevisor lint:" in captured.err
    assert "Traceback" not in captured.err


def test_invalid_yaml_is_reported_without_a_traceback(
    broken_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (broken_project / "segments/dach.yml").write_text("conditions: [\n")
    assert main(["lint", str(broken_project)]) == 1
    captured = capsys.readouterr()
    assert "dach.yml" in captured.err
    assert "Traceback" not in captured.err


def test_refuse_invalid_gate(broken_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refuse_invalid(load_project(MINI), "build") is None
    assert refuse_invalid(load_project(broken_project), "build") == 1
    err = capsys.readouterr().err
    assert "kubevisor build: 1 lint error(s)" in err
    assert "percentage" in err


SHOP = Path(__file__).resolve().parents[3] / "examples" / "shop"


def test_manifests_lint_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SHOP)]) == 0
    assert "No lint errors found" in capsys.readouterr().out


def test_manifest_errors_name_the_object_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "shop"
    shutil.copytree(SHOP, copy)
    features = copy / "features.yaml"
    features.write_text(
        features.read_text().replace('segments: ["netherlands"]', 'segments: ["nowhere"]')
    )
    assert main(["lint", str(copy), "--json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert any(
        error["key"] == "checkout"
        and error["path"].startswith("rules.production.0.segments")
        and "nowhere" in error["message"]
        and "Feature shop/checkout" in error["origin"]
        for error in errors
    ), errors


def test_a_folder_without_our_objects_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert main(["lint", str(tmp_path)]) == 1
    assert "neither a Featurevisor project folder" in capsys.readouterr().err


def test_problems_carry_file_line_and_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    segment = root / "segments/netherlands.yml"
    segment.write_text(segment.read_text().replace("operator: equals", "operator: equal"))
    assert main(["lint", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"({segment}:4) at `conditions.0.operator`" in out
    assert "did you mean `equals`?" in out


def test_unquoted_no_in_manifests_explains_yaml_1_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifests = tmp_path / "m.yaml"
    manifests.write_text(
        "apiVersion: kubevisor.io/v1alpha1\nkind: Attribute\n"
        "metadata: {name: country, namespace: shop}\n"
        "spec: {type: string, description: Country}\n---\n"
        "apiVersion: kubevisor.io/v1alpha1\nkind: Segment\n"
        "metadata: {name: norway, namespace: shop}\n"
        "spec:\n  description: Norway\n  conditions:\n"
        "    - attribute: country\n      operator: equals\n      value: no\n"
    )
    assert main(["lint", str(manifests)]) == 1
    out = capsys.readouterr().out
    assert f"({manifests}:14)) at `conditions.0.value`" in out
    assert "quote it: 'no'" in out
