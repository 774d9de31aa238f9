from __future__ import annotations

from pathlib import Path

import yaml
from kubevisor.devcluster.kubeconfig import render_kubeconfig


def test_kubeconfig_names_server_files_and_one_current_context(tmp_path: Path) -> None:
    text = render_kubeconfig(
        "https://127.0.0.1:6443",
        ca_file=tmp_path / "ca.crt",
        client_cert_file=tmp_path / "admin.crt",
        client_key_file=tmp_path / "admin.key",
    )
    config = yaml.safe_load(text)
    (cluster,) = config["clusters"]
    (user,) = config["users"]
    (context,) = config["contexts"]
    assert cluster["cluster"] == {
        "server": "https://127.0.0.1:6443",
        "certificate-authority": str(tmp_path / "ca.crt"),
    }
    assert user["user"] == {
        "client-certificate": str(tmp_path / "admin.crt"),
        "client-key": str(tmp_path / "admin.key"),
    }
    assert context["context"] == {
        "cluster": cluster["name"],
        "user": user["name"],
        "namespace": "default",
    }
    assert config["current-context"] == context["name"]


def test_relative_paths_are_made_absolute() -> None:
    text = render_kubeconfig(
        "https://127.0.0.1:1",
        ca_file=Path("pki/ca.crt"),
        client_cert_file=Path("pki/a.crt"),
        client_key_file=Path("pki/a.key"),
    )
    config = yaml.safe_load(text)
    assert Path(config["clusters"][0]["cluster"]["certificate-authority"]).is_absolute()
    assert Path(config["users"][0]["user"]["client-key"]).is_absolute()
