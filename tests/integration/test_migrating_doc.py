"""Every command in docs/migrating.md's code blocks runs as written, in order, on a copy of the
mini project named as the doc names it, against the real API server (kubectl included)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubevisor.crds import KINDS

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "migrating.md"
MINI = REPO / "tests" / "conformance" / "fixtures" / "mini" / "input"
BLOCK = re.compile(r"^\s*```sh\n(.*?)^\s*```", re.DOTALL | re.MULTILINE)


def doc_commands() -> list[list[str]]:
    commands = []
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        for line in block.splitlines():
            if line.strip() and not line.strip().startswith("#"):
                commands.append(shlex.split(line, comments=True))
    return commands


@pytest.fixture
def kube(cluster: Any) -> Iterator[Any]:
    """The CRDs installed and the doc's namespace `shop` created."""
    crd_files = [f"--filename={REPO / 'crds' / (info.crd_name + '.yaml')}" for info in KINDS]
    cluster.kubectl("apply", "--server-side", "--field-manager=kubevisor-tests", *crd_files)
    names = [f"crd/{info.crd_name}" for info in KINDS]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *names)
    # other tests use a namespace "shop" too and delete it without waiting
    cluster.kubectl("wait", "--for=delete", "namespace/shop", "--timeout=120s")
    cluster.kubectl("create", "namespace", "shop")
    yield cluster
    cluster.kubectl("delete", "namespace", "shop", "--wait=false")


def test_the_doc_has_the_commands_this_test_expects() -> None:
    programs = [command[0] for command in doc_commands()]
    assert programs.count("kubevisor") >= 5 and "kubectl" in programs and "diff" in programs


def test_every_command_of_the_migration_guide_works(kube: Any, tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "my-featurevisor-project")
    for command in doc_commands():
        # the doc's scratch folder is /tmp; keep this test's files in its own folder
        argv = [arg.replace("/tmp/", f"{tmp_path}/scratch/") for arg in command]
        if argv[0] == "kubevisor":
            argv = [sys.executable, "-m", "kubevisor", *argv[1:]]
        if argv[0] == "kubectl":  # runs elsewhere: the doc's relative paths made absolute
            kube.kubectl(*(str(tmp_path / a) if (tmp_path / a).exists() else a for a in argv[1:]))
            continue
        result = subprocess.run(
            argv, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    stored = kube.kubectl("get", "features.kubevisor.io", "-n", "shop", "-o", "name")
    assert stored.split() == []  # a server-side dry run stores nothing
