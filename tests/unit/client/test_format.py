from __future__ import annotations

import gzip

import pytest
from kubevisor_client.format import (
    MAX_DECOMPRESSED_BYTES,
    InvalidDatafile,
    decompress_if_gzip,
    parse_datafile,
)

from .datafiles import datafile_bytes


def test_plain_datafile_parses() -> None:
    assert parse_datafile(datafile_bytes("7"))["revision"] == "7"


def test_gzipped_datafile_parses_to_the_same_value() -> None:
    raw = datafile_bytes("7")
    assert parse_datafile(gzip.compress(raw, mtime=0)) == parse_datafile(raw)


def test_truncated_json_is_rejected_as_half_written() -> None:
    raw = datafile_bytes("7")
    with pytest.raises(InvalidDatafile, match="truncated or half-written"):
        parse_datafile(raw[: len(raw) // 2])


def test_truncated_gzip_is_rejected() -> None:
    packed = gzip.compress(datafile_bytes("7"), mtime=0)
    with pytest.raises(InvalidDatafile, match="gzip"):
        parse_datafile(packed[:-6])


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b" " * (MAX_DECOMPRESSED_BYTES + 1), mtime=0)
    with pytest.raises(InvalidDatafile, match="expands beyond"):
        decompress_if_gzip(bomb)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[]", "expected a JSON object"),
        (b'{"revision":"1","segments":{},"features":{}}', "'schemaVersion' must be a string"),
        (b'{"schemaVersion":"2","revision":1,"segments":{},"features":{}}', "'revision'"),
        (b'{"schemaVersion":"2","revision":"1","segments":[],"features":{}}', "'segments'"),
        (b'{"schemaVersion":"2","revision":"1","segments":{}}', "'features' must be an object"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_wrong_shapes_are_rejected_with_the_field_named(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidDatafile, match=message):
        parse_datafile(raw)
