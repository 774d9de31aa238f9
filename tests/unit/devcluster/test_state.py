from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from kubevisor.devcluster.process import ProcessRecord, process_start_ticks
from kubevisor.devcluster.state import ClusterInfo, default_run_dir, load_state


def _info(run_dir: Path) -> ClusterInfo:
    return ClusterInfo(
        run_dir=run_dir,
        kubeconfig=run_dir / "kubeconfig",
        api_server="https://127.0.0.1:1234",
        s3_endpoint="http://127.0.0.1:5678",
        s3_access_key="kvKEY",
        s3_secret_key="s3cr3t with 'quotes' and $dollar",
        s3_region="us-east-1",
        processes=(ProcessRecord("etcd", 10, 99), ProcessRecord("weed", 11, 100)),
        leftover_files=(run_dir / "left.sock",),
    )


def test_state_survives_a_save_and_load(tmp_path: Path) -> None:
    info = _info(tmp_path)
    info.save()
    assert load_state(tmp_path) == info


def test_missing_or_broken_state_loads_as_none(tmp_path: Path) -> None:
    assert load_state(tmp_path) is None
    (tmp_path / "state.json").write_text("{not json")
    assert load_state(tmp_path) is None


def test_export_lines_give_the_same_values_back_through_a_shell(tmp_path: Path) -> None:
    info = _info(tmp_path)
    script = "\n".join([*info.export_lines(), 'printf "%s" "$AWS_SECRET_ACCESS_KEY"'])
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == info.s3_secret_key
    assert {line.split("=", 1)[0] for line in info.export_lines()} == {
        f"export {name}" for name in info.env()
    }
    assert shlex.split(info.export_lines()[0])[1] == f"KUBECONFIG={tmp_path / 'kubeconfig'}"


def test_a_record_of_this_process_is_running_and_a_changed_start_time_is_not() -> None:
    ticks = process_start_ticks(os.getpid())
    assert ticks is not None
    assert ProcessRecord("me", os.getpid(), ticks).is_running()
    assert not ProcessRecord("me", os.getpid(), ticks + 1).is_running()


@pytest.mark.parametrize(
    ("runtime", "cache", "expected"),
    [
        ("/run/user/7", "/c", "/run/user/7/kubevisor/dev"),
        (None, "/c", "/c/kubevisor/dev"),
    ],
)
def test_default_run_dir_prefers_the_runtime_dir(
    monkeypatch: pytest.MonkeyPatch, runtime: str | None, cache: str, expected: str
) -> None:
    if runtime is None:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    else:
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.setenv("XDG_CACHE_HOME", cache)
    assert default_run_dir() == Path(expected)
