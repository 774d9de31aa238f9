"""The loopback Git server: real `git` clones and fetches over smart HTTP through it."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubevisor.devcluster.gitserver import GitServer
from kubevisor.devcluster.ports import LOOPBACK, pick_ports
from kubevisor.devcluster.probes import http_status

IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "repos"
    root.mkdir()
    git(root, "init", "--quiet", "--bare", "--initial-branch=main", "features.git")
    serving = GitServer(root, pick_ports(1)[0])
    thread = threading.Thread(target=serving.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOOPBACK}:{serving.server_port}"
    serving.shutdown()
    serving.server_close()


def test_a_push_to_the_bare_repository_is_served_over_http(server: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(work))
    (work / "feature.yaml").write_text("kind: Feature\n")
    git(work, "add", "feature.yaml")
    git(work, *IDENTITY, "commit", "--quiet", "-m", "one")
    git(work, "push", "--quiet", str(tmp_path / "repos" / "features.git"), "main")
    sha = git(work, "rev-parse", "HEAD").strip()

    for version in ("0", "2"):  # the old protocol and v2 (Git-Protocol header)
        listed = git(
            tmp_path, "-c", f"protocol.version={version}", "ls-remote", f"{server}/features.git"
        )
        assert f"{sha}\trefs/heads/main" in listed
    git(tmp_path, "clone", "--quiet", f"{server}/features.git", "clone")
    assert (tmp_path / "clone" / "feature.yaml").read_text() == "kind: Feature\n"


def test_an_unknown_repository_is_not_found(server: str) -> None:
    assert http_status(f"{server}/missing.git/info/refs?service=git-upload-pack") == 404
