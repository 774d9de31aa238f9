"""A Git server on loopback for the dev cluster's Flux: `git http-backend` behind a small HTTP
server, serving every bare repository under one folder read-only (smart HTTP).

Flux's GitRepository accepts http, https and ssh URLs only, not `git://`; this is the smallest
server that speaks one of them. Pushes go straight into the bare repositories on disk.

Run as its own process: `python -m kubevisor.devcluster.gitserver --root DIR --port PORT`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kubevisor.devcluster.ports import LOOPBACK

BACKEND_TIMEOUT = 120.0

# Request headers git http-backend reads from the CGI environment (protocol v2, gzip bodies).
FORWARDED_HEADERS = ("Git-Protocol", "Content-Encoding", "Content-Type")


class GitHandler(BaseHTTPRequestHandler):
    """Runs `git http-backend` as a CGI program for each request."""

    server: GitServer

    def do_GET(self) -> None:  # the name http.server dispatches to
        self._run_backend()

    def do_POST(self) -> None:
        self._run_backend()

    def _run_backend(self) -> None:
        path, _, query = self.path.partition("?")
        body = self._request_body()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.server.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": self.request_version,
            "REQUEST_METHOD": self.command,
            "PATH_INFO": urllib.parse.unquote(path),
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": self.client_address[0],
        }
        for header in FORWARDED_HEADERS:
            value = self.headers.get(header)
            if value is not None:
                name = header.upper().replace("-", "_")
                env[name if header == "Content-Type" else f"HTTP_{name}"] = value
        result = subprocess.run(
            ["git", "http-backend"],
            input=body,
            env=env,
            capture_output=True,
            check=False,
            timeout=BACKEND_TIMEOUT,
        )
        self._reply(result.stdout, result.stderr)

    def _request_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, output: bytes, errors: bytes) -> None:
        """Turn the CGI output (headers, a blank line, the body) into an HTTP response."""
        separator = b"\r\n\r\n" if b"\r\n\r\n" in output else b"\n\n"
        head, found, payload = output.partition(separator)
        if not found:
            message = errors.decode(errors="replace").strip() or "no output"
            self.send_error(500, f"git http-backend: {message}")
            return
        code, headers = 200, []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                code = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per fetch is noise in the dev cluster's logs


class GitServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        super().__init__((LOOPBACK, port), GitHandler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="folder of bare repositories")
    parser.add_argument("--port", type=int, required=True, help="loopback port to listen on")
    args = parser.parse_args(argv)
    GitServer(args.root.absolute(), args.port).serve_forever()


if __name__ == "__main__":
    main()
