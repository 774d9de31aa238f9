"""Poll a datafile URL (an object store's public or signed URL, a CDN) with ETag revalidation.

Each poll sends `If-None-Match` with the ETag of the last valid datafile, so an unchanged object
costs a `304 Not Modified` and no body. Gzip bodies (`Content-Encoding: gzip` or a `.json.gz`
object) are recognised by their magic bytes. Standard library only.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Mapping

from kubevisor_client.loader import DatafileCallback, DatafileError, DatafileLoader, ErrorCallback

NOT_MODIFIED = 304


class HttpPoller(DatafileLoader):
    """Fetches `url` every `interval` seconds and hands each new datafile to `callback`.

    A failed request, an HTTP error status or an invalid body goes to `on_error`; the last good
    datafile stays in use and the next poll downloads again.
    """

    def __init__(
        self,
        url: str,
        callback: DatafileCallback,
        interval: float = 30.0,
        *,
        timeout: float = 10.0,
        headers: Mapping[str, str] | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        super().__init__(url, callback, interval=interval, on_error=on_error)
        self._url = url
        self._timeout = timeout
        self._headers = {"Accept-Encoding": "gzip", **(headers or {})}
        self._etag: str | None = None
        self._fetched_etag: str | None = None

    def _fetch(self) -> bytes | None:
        headers = dict(self._headers)
        if self._etag is not None:
            headers["If-None-Match"] = self._etag
        request = urllib.request.Request(self._url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                body: bytes = response.read()
                self._fetched_etag = response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            if error.code == NOT_MODIFIED:
                return None
            raise DatafileError(self.source, f"HTTP {error.code} {error.reason}") from error
        except urllib.error.URLError as error:
            raise DatafileError(self.source, f"unreachable: {error.reason}") from error
        except (OSError, http.client.HTTPException) as error:  # timeouts, truncated bodies
            raise DatafileError(self.source, f"request failed: {error!r}") from error
        return body

    def _accept(self) -> None:
        # Only a valid body's ETag is sent back: an invalid one is downloaded again next time.
        self._etag = self._fetched_etag
