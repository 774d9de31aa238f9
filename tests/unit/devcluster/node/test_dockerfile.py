"""The Dockerfile subset the node's image builder reads, on the project's own Dockerfiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.devcluster.node.dockerfile import Copy, DockerfileError, Run, context_files, parse

ROOT = Path(__file__).resolve().parents[4]


def test_the_operator_dockerfile_reads_as_docker_would() -> None:
    image = parse((ROOT / "Dockerfile").read_text())
    assert image.suite == "bookworm"
    assert image.user == "10001:10001"
    assert image.entrypoint == ["kubevisor"]
    assert image.cmd == ["operator"]
    assert image.exposed == ["8080/tcp"]
    assert image.env["USER"] == "kubevisor"  # Kopf needs a user name under any uid
    copies = [step for step in image.steps if isinstance(step, Copy)]
    assert copies[0] == Copy(("pyproject.toml", "README.md", "LICENSE"), "/src/")
    assert Copy(("client",), "/src/client") in copies  # kubevisor-client, the operator extra's
    run = next(step for step in image.steps if isinstance(step, Run))
    assert "pip install /src/client '/src[operator]'" in run.command
    assert dict(run.env)["PATH"].startswith("/opt/kubevisor/bin:")
    files = context_files(image, ROOT)
    assert ROOT / "operator" / "kubevisor" / "cli" / "__init__.py" in files
    assert ROOT / "client" / "kubevisor_client" / "__init__.py" in files
    assert not [path for path in files if "__pycache__" in path.parts]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM python:3.11-slim\n", "FROM debian:<suite>"),
        ("FROM debian:bookworm\nADD x /x\n", "ADD is not supported"),
        ("FROM debian:bookworm\nCMD python app.py\n", "exec form"),
        ("FROM debian:bookworm\nCOPY --from=build /a /b\n", "COPY takes sources"),
    ],
)
def test_what_the_builder_cannot_do_is_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(DockerfileError, match=message):
        parse(text)
