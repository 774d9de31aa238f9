"""DirectoryWatcher against the exact directory layout the kubelet writes for a ConfigMap."""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from kubevisor_client import DatafileError, DatafileUnavailable, DirectoryWatcher

from .datafiles import datafile_bytes
from .kubelet import KubeletVolume


class Recorder:
    def __init__(self) -> None:
        self.datafiles: list[dict[str, Any]] = []
        self.errors: list[DatafileError] = []
        self.delivered = threading.Event()

    def callback(self, datafile: dict[str, Any]) -> None:
        self.datafiles.append(datafile)
        self.delivered.set()

    def revisions(self) -> list[str]:
        return [datafile["revision"] for datafile in self.datafiles]


@pytest.fixture
def volume(tmp_path: Path) -> KubeletVolume:
    return KubeletVolume(tmp_path)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def watcher_for(volume: KubeletVolume, recorder: Recorder) -> DirectoryWatcher:
    return DirectoryWatcher(
        volume.root, recorder.callback, interval=0.01, on_error=recorder.errors.append
    )


def test_layout_matches_the_kubelet(volume: KubeletVolume) -> None:
    volume.publish({"datafile.json": datafile_bytes("1")})
    assert os.readlink(volume.root / "datafile.json") == "..data/datafile.json"
    assert os.readlink(volume.root / "..data").startswith("..2026_11_27_20_00_00.")
    assert (volume.root / "datafile.json").read_bytes() == datafile_bytes("1")


def test_each_swap_is_delivered_once(volume: KubeletVolume, recorder: Recorder) -> None:
    watcher = watcher_for(volume, recorder)
    volume.publish({"datafile.json": datafile_bytes("1")})
    assert watcher.load()["revision"] == "1"
    watcher.load()
    volume.publish({"datafile.json": datafile_bytes("2")})
    watcher.load()
    watcher.load()
    assert recorder.revisions() == ["1", "2"]
    assert recorder.errors == []


def test_identical_content_in_a_new_snapshot_is_not_delivered_again(
    volume: KubeletVolume, recorder: Recorder
) -> None:
    watcher = watcher_for(volume, recorder)
    volume.publish({"datafile.json": datafile_bytes("1")})
    watcher.load()
    volume.publish({"datafile.json": datafile_bytes("1")})
    watcher.load()
    assert recorder.revisions() == ["1"]


def test_invalid_content_is_kept_out_and_reported(
    volume: KubeletVolume, recorder: Recorder
) -> None:
    watcher = watcher_for(volume, recorder)
    volume.publish({"datafile.json": datafile_bytes("1")})
    watcher.load()
    half = datafile_bytes("2")[:20]
    volume.publish({"datafile.json": half})
    assert watcher.load()["revision"] == "1"
    assert watcher.current is not None and watcher.current["revision"] == "1"
    assert len(recorder.errors) == 1
    assert "half-written" in recorder.errors[0].message
    volume.publish({"datafile.json": datafile_bytes("3")})
    watcher.load()
    assert recorder.revisions() == ["1", "3"]


def test_gzip_key_is_read_when_the_sink_compressed_the_datafile(
    volume: KubeletVolume, recorder: Recorder
) -> None:
    watcher = watcher_for(volume, recorder)
    volume.publish({"datafile.json": datafile_bytes("1")})
    watcher.load()
    volume.publish({"datafile.json.gz": gzip.compress(datafile_bytes("2"), mtime=0)})
    assert not (volume.root / "datafile.json").exists()
    watcher.load()
    assert recorder.revisions() == ["1", "2"]


def test_load_without_any_datafile_raises(volume: KubeletVolume, recorder: Recorder) -> None:
    with pytest.raises(DatafileUnavailable, match=r"neither datafile\.json nor datafile\.json\.gz"):
        watcher_for(volume, recorder).load()


def test_load_with_only_an_invalid_datafile_raises(
    volume: KubeletVolume, recorder: Recorder
) -> None:
    volume.publish({"datafile.json": b'{"schemaVersion":"2"}'})
    with pytest.raises(DatafileUnavailable, match="'revision' must be a string"):
        watcher_for(volume, recorder).load()
    assert recorder.datafiles == []


def test_plain_directory_rewrite_is_seen(tmp_path: Path, recorder: Recorder) -> None:
    watcher = DirectoryWatcher(tmp_path, recorder.callback, on_error=recorder.errors.append)
    (tmp_path / "datafile.json").write_bytes(datafile_bytes("1"))
    watcher.load()
    (tmp_path / "datafile.json").write_bytes(datafile_bytes("22"))
    watcher.load()
    assert recorder.revisions() == ["1", "22"]


def test_callback_failure_is_reported_not_raised(volume: KubeletVolume, recorder: Recorder) -> None:
    def failing(datafile: dict[str, Any]) -> None:
        raise RuntimeError("sdk rejected it")

    watcher = DirectoryWatcher(volume.root, failing, on_error=recorder.errors.append)
    volume.publish({"datafile.json": datafile_bytes("1")})
    watcher.load()
    assert [error.message for error in recorder.errors] == [
        "callback failed for revision 1: RuntimeError('sdk rejected it')"
    ]


def test_persisting_error_is_reported_once(volume: KubeletVolume, recorder: Recorder) -> None:
    watcher = watcher_for(volume, recorder)
    for _ in range(3):
        with pytest.raises(DatafileUnavailable):
            watcher.load()
    assert len(recorder.errors) == 1


def test_background_thread_follows_swaps(volume: KubeletVolume, recorder: Recorder) -> None:
    volume.publish({"datafile.json": datafile_bytes("1")})
    with watcher_for(volume, recorder):
        assert recorder.delivered.wait(10)
        recorder.delivered.clear()
        volume.publish({"datafile.json": datafile_bytes("2")})
        assert recorder.delivered.wait(10)
    assert recorder.revisions() == ["1", "2"]


def test_path_of_the_file_instead_of_the_directory_is_reported(
    volume: KubeletVolume, recorder: Recorder
) -> None:
    volume.publish({"datafile.json": datafile_bytes("1")})
    watcher = DirectoryWatcher(
        volume.root / "datafile.json", recorder.callback, on_error=recorder.errors.append
    )
    with pytest.raises(DatafileUnavailable, match="is this the mounted directory"):
        watcher.load()


def test_failing_error_callback_does_not_stop_the_thread(
    volume: KubeletVolume, recorder: Recorder
) -> None:
    called = threading.Event()

    def broken_on_error(error: DatafileError) -> None:
        called.set()
        raise RuntimeError("logging is broken")

    watcher = DirectoryWatcher(
        volume.root, recorder.callback, interval=0.01, on_error=broken_on_error
    )
    with watcher:
        assert called.wait(10)  # no datafile yet: the thread reported it, and on_error raised
        volume.publish({"datafile.json": datafile_bytes("1")})
        assert recorder.delivered.wait(10)
    assert recorder.revisions() == ["1"]
