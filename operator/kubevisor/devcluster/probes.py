"""Readiness probes: small HTTP and TCP checks with short time-outs."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request

_TIMEOUT = 2.0


def http_status(url: str, *, context: ssl.SSLContext | None = None) -> int:
    """The HTTP status code `url` answers with (error statuses included)."""
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT, context=context) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def http_body(url: str, *, context: ssl.SSLContext | None = None) -> bytes:
    """The body of a successful GET; raises OSError (URLError, HTTPError) otherwise."""
    with urllib.request.urlopen(url, timeout=_TIMEOUT, context=context) as response:
        body: bytes = response.read()
        return body
