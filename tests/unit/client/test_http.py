"""HttpPoller against a real HTTP server on loopback that serves ETags like an object store."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from kubevisor_client import DatafileError, DatafileUnavailable, HttpPoller

from .datafiles import datafile_bytes


class Store:
    """What the server serves, and what it saw."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.gzip_encoding = False
        self.truncate = False
        self.if_none_match: list[str | None] = []
        self.answered: list[int] = []

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.body).hexdigest() + '"'


class Handler(BaseHTTPRequestHandler):
    store: Store

    def do_GET(self) -> None:
        store = self.store
        store.if_none_match.append(self.headers.get("If-None-Match"))
        if store.status != 200:
            self._answer(store.status)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == store.etag:
            self._answer(304)
            self.send_header("ETag", store.etag)
            self.end_headers()
            return
        body = store.body
        self._answer(200)
        self.send_header("ETag", store.etag)
        if store.gzip_encoding:
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        # A truncated transfer: announce the whole body, send half of it, close.
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if store.truncate else body)

    def _answer(self, code: int) -> None:
        self.store.answered.append(code)
        self.send_response(code)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def url(store: Store) -> Iterator[str]:
    handler = type("BoundHandler", (Handler,), {"store": store})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/production/featurevisor-all.json"
    server.shutdown()
    server.server_close()


class Recorder:
    def __init__(self) -> None:
        self.revisions: list[str] = []
        self.errors: list[DatafileError] = []

    def callback(self, datafile: dict[str, Any]) -> None:
        self.revisions.append(datafile["revision"])


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def poller(url: str, recorder: Recorder) -> HttpPoller:
    return HttpPoller(url, recorder.callback, on_error=recorder.errors.append)


def test_unchanged_object_is_revalidated_with_its_etag(
    url: str, store: Store, recorder: Recorder
) -> None:
    store.body = datafile_bytes("1")
    client = poller(url, recorder)
    assert client.load()["revision"] == "1"
    client.load()
    assert store.if_none_match == [None, store.etag]
    assert store.answered == [200, 304]
    assert recorder.revisions == ["1"]


def test_changed_object_is_delivered(url: str, store: Store, recorder: Recorder) -> None:
    client = poller(url, recorder)
    store.body = datafile_bytes("1")
    client.load()
    store.body = datafile_bytes("2")
    client.load()
    assert recorder.revisions == ["1", "2"]
    assert recorder.errors == []


def test_gzip_content_encoding_is_decoded(url: str, store: Store, recorder: Recorder) -> None:
    store.body = datafile_bytes("5")
    store.gzip_encoding = True
    assert poller(url, recorder).load()["revision"] == "5"


def test_invalid_body_is_kept_out_and_fetched_again(
    url: str, store: Store, recorder: Recorder
) -> None:
    client = poller(url, recorder)
    store.body = datafile_bytes("1")
    client.load()
    good_etag = store.etag
    store.body = b'{"schemaVersion": "2", "revision": "2", "segm'
    assert client.load()["revision"] == "1"
    # The invalid body's ETag is not remembered: the next poll still asks with the good one.
    client.load()
    assert store.if_none_match[1:] == [good_etag, good_etag]
    assert recorder.revisions == ["1"]
    assert len(recorder.errors) == 1
    assert "half-written" in recorder.errors[0].message


def test_truncated_transfer_is_kept_out(url: str, store: Store, recorder: Recorder) -> None:
    client = poller(url, recorder)
    store.body = datafile_bytes("1")
    client.load()
    store.body = datafile_bytes("2")
    store.truncate = True
    assert client.load()["revision"] == "1"
    assert recorder.revisions == ["1"]
    assert "IncompleteRead" in recorder.errors[0].message


def test_http_error_status_is_reported(url: str, store: Store, recorder: Recorder) -> None:
    store.status = 404
    with pytest.raises(DatafileUnavailable, match="HTTP 404"):
        poller(url, recorder).load()
    assert [error.message for error in recorder.errors] == ["HTTP 404 Not Found"]


def test_unreachable_server_is_reported(recorder: Recorder) -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    with pytest.raises(DatafileUnavailable, match="unreachable"):
        poller("http://127.0.0.1:9/featurevisor-all.json", recorder).load()
    assert len(recorder.errors) == 1
