"""Reading files bounds what a hostile path can do: only regular files, never too many bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kubevisor.core.limits import MAX_FILE_BYTES
from kubevisor.sources.errors import SourceError
from kubevisor.sources.text_file import read_text


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "feature.yml"
    os.mkfifo(fifo)  # nobody writes: opening it for reading would block forever
    with pytest.raises(SourceError, match=r"feature\.yml: is a FIFO \(named pipe\), not a regular"):
        read_text(fifo)


def test_a_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    link = tmp_path / "segment.yml"
    link.symlink_to(tmp_path / "pipe")
    with pytest.raises(SourceError, match=r"segment.yml: is a FIFO"):
        read_text(link)


def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.yml"
    link.symlink_to("/dev/zero")  # endless: reading it would never finish
    with pytest.raises(SourceError, match=r"zero.yml: is a character device"):
        read_text(link)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"is a directory"):
        read_text(tmp_path)


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yml"
    with big.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(SourceError, match=r"big.yml: larger than 16 MiB.*split it"):
        read_text(big)


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    exact = tmp_path / "exact.yml"
    exact.write_bytes(b"a" * MAX_FILE_BYTES)
    assert len(read_text(exact)) == MAX_FILE_BYTES


def _measured_smaller(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Make the file look `size` bytes long when measured, as if it grew right after."""
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        fields = list(info)
        fields[6] = size  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr("kubevisor.sources.text_file.os.fstat", fstat)


def test_a_file_that_grew_after_it_was_measured_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grown.yml"
    text = "key: value\n" * 20_000
    path.write_text(text)
    _measured_smaller(monkeypatch, 3)
    assert read_text(path) == text


def test_a_file_that_grew_over_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yml"
    with big.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)
    _measured_smaller(monkeypatch, 10)
    with pytest.raises(SourceError, match=r"big.yml: larger than 16 MiB"):
        read_text(big)


def test_newlines_are_universal_as_before(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yml"
    path.write_bytes(b"a: 1\r\nb: 2\rc: 3\n")
    assert read_text(path) == "a: 1\nb: 2\nc: 3\n"


def test_missing_and_non_utf8_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing.yml: cannot read it"):
        read_text(tmp_path / "missing.yml")
    latin = tmp_path / "latin.yml"
    latin.write_bytes(b"name: \xe9\n")
    with pytest.raises(SourceError, match=r"latin.yml: not valid UTF-8"):
        read_text(latin)
