"""`kubevisor crds` prints or writes exactly what the generator produces."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kubevisor.cli import main
from kubevisor.crds.render import generated_files


def test_prints_every_crd_and_policy_as_one_stream(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crds"]) == 0
    documents = [doc for doc in yaml.safe_load_all(capsys.readouterr().out) if doc]
    kinds = [doc["kind"] for doc in documents]
    assert kinds.count("CustomResourceDefinition") == 7  # six kinds and DatafileGrant
    assert kinds.count("ValidatingAdmissionPolicy") == kinds.count(
        "ValidatingAdmissionPolicyBinding"
    )
    assert "ValidatingAdmissionPolicy" in kinds


def test_writes_the_files_of_the_crds_folder(tmp_path: Path) -> None:
    assert main(["crds", "--out", str(tmp_path)]) == 0
    written = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    assert written == generated_files()
