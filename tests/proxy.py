"""A tiny recording HTTP proxy for tests: forwards absolute-form requests (HTTP_PROXY) and tunnels CONNECT
(HTTPS_PROXY) to loopback targets only; every request line it gets is kept in `seen`.

    with RecordingProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        ...
        assert proxy.seen == [("GET", "http://127.0.0.1:8025/v3/REST/contact")]

A CONNECT or forward to any other host is answered 502 without a connection (tests never leave the machine).
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class RecordingProxy:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.connection, self.rfile)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, conn: socket.socket, rfile: Any) -> None:
        line = rfile.readline().decode("latin-1").strip()
        if not line:
            return
        method, target, _ = line.split(" ", 2)
        self.seen.append((method, target))
        headers = []
        while (header := rfile.readline()) not in (b"\r\n", b"\n", b""):
            headers.append(header)
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            if host.strip("[]") not in LOOPBACK:
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            upstream = socket.create_connection((host.strip("[]"), int(port)))
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _relay(conn, upstream)
            return
        url = urlsplit(target)
        if url.hostname not in LOOPBACK:
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        length = next(
            (int(h.split(b":", 1)[1]) for h in headers if h.lower().startswith(b"content-length:")), 0
        )
        body = rfile.read(length) if length else b""
        kept = [h for h in headers if not h.lower().startswith((b"connection:", b"proxy-"))]
        path = url.path + (f"?{url.query}" if url.query else "")
        upstream = socket.create_connection((url.hostname, url.port or 80))
        request = f"{method} {path} HTTP/1.1\r\n".encode() + b"".join(kept) + b"Connection: close\r\n\r\n"
        upstream.sendall(request + body)
        while chunk := upstream.recv(65536):
            conn.sendall(chunk)
        upstream.close()


def _relay(a: socket.socket, b: socket.socket) -> None:
    def pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join()
