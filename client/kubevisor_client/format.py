"""The published datafile as consumers see it: file names, gzip, and what counts as a datafile.

The sinks write exactly this format and the loaders read it, so both import it from here. The
module uses the standard library only: it runs inside application pods.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

DATA_KEY = "datafile.json"
"""The ConfigMap key (and mounted file name) of a plain datafile."""

GZIP_SUFFIX = ".gz"
"""Appended to the key when the datafile is stored gzipped (ConfigMap `binaryData`)."""

GZIP_MAGIC = b"\x1f\x8b"

MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
"""Refuse gzip bodies that expand beyond this: a datafile is far smaller, a gzip bomb is not."""


class InvalidDatafile(ValueError):
    """The bytes are not a complete Featurevisor datafile (truncated, corrupt or wrong shape)."""


def decompress_if_gzip(raw: bytes) -> bytes:
    """Return `raw` gunzipped when it starts with the gzip magic, else `raw` unchanged."""
    if not raw.startswith(GZIP_MAGIC):
        return raw
    # wbits 16+MAX_WBITS: expect a gzip header and trailer (a truncated stream is an error).
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, MAX_DECOMPRESSED_BYTES)
    except zlib.error as error:
        raise InvalidDatafile(f"corrupt gzip data: {error}") from error
    if inflater.unconsumed_tail:
        raise InvalidDatafile(f"gzip data expands beyond {MAX_DECOMPRESSED_BYTES} bytes")
    if not inflater.eof:
        raise InvalidDatafile("truncated gzip data (half-written?)")
    return data


def parse_datafile(raw: bytes) -> dict[str, Any]:
    """Decode a datafile (plain or gzipped JSON) and check its shape.

    The shape check is the one the official SDKs apply in `set_datafile`: a JSON object with a
    string `schemaVersion`, a string `revision`, and objects `segments` and `features`.
    Raises `InvalidDatafile` with a message that says what is wrong.
    """
    data = decompress_if_gzip(raw)
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InvalidDatafile(f"not UTF-8 text: {error}") from error
    except json.JSONDecodeError as error:
        raise InvalidDatafile(
            f"not valid JSON (truncated or half-written?): {error.msg} at line {error.lineno} "
            f"column {error.colno}"
        ) from error
    if not isinstance(value, dict):
        raise InvalidDatafile(f"expected a JSON object, got {type(value).__name__}")
    for field, expected in (
        ("schemaVersion", str),
        ("revision", str),
        ("segments", dict),
        ("features", dict),
    ):
        if not isinstance(value.get(field), expected):
            kind = "a string" if expected is str else "an object"
            raise InvalidDatafile(f"field {field!r} must be {kind}")
    return value
