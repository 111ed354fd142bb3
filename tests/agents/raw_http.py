"""A raw HTTP/1.1 client for attack tests: sends the request target and body exactly as given (httpx would
normalise dot segments and re-encode the path), over a real socket to a served gateway."""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[bytes, bytes]
    body: bytes

    def json(self) -> dict:
        return orjson.loads(self.body)


def raw_request(
    base_url: str,
    method: str,
    target: bytes,
    body: bytes = b"",
    *,
    auth: tuple[str, str] | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    chunked: bool = False,
) -> RawAnswer:
    """Send one request on a new connection and read the whole answer (the server closes or sizes it)."""
    host, port = base_url.removeprefix("http://").split(":")
    lines = [b"%s %s HTTP/1.1" % (method.encode(), target), b"host: %s" % host.encode(), b"connection: close"]
    if auth is not None:
        lines.append(b"authorization: Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()))
    lines += [name + b": " + value for name, value in headers or []]
    if chunked:
        lines.append(b"transfer-encoding: chunked")
        payload = b"%x\r\n%b\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
    else:
        lines.append(b"content-length: %d" % len(body))
        payload = body
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + payload)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.split(b"\r\n")
    found = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        found[name.strip().lower()] = value.strip()
    if found.get(b"transfer-encoding", b"").lower() == b"chunked":
        rest = _dechunk(rest)
    return RawAnswer(int(status_line.split()[1]), found, rest)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out
