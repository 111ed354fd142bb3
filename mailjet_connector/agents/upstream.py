"""A small pooled HTTP/1.1 client for the gateway's hop to Mailjet: one origin, keep-alive, asyncio streams.

The gateway forwards every allowed call to one origin, so it needs far less than a general client: no
cookies, redirects, proxies or HTTP/2. What it needs is to be quick on a keep-alive connection, and this
module keeps that path short: the request head and a known body go out in one write, the answer's head is
parsed in one pass, and the connection goes back to the pool once its body is read.

- Bodies: bytes (sent with their Content-Length) or an async iterable (streamed, with the caller's
  Content-Length or chunked framing). Answers framed by Content-Length, chunked, or by the connection's end.
- TLS for `https://` origins (`ssl.create_default_context()`), TCP_NODELAY on every connection.
- Timeouts: connect, and each wait for the network (read or write).
- A pooled connection the server has closed meanwhile is retried once on a new one, for idempotent methods
  with a bytes body only: a POST is never sent twice.
Errors are `UpstreamError` subclasses: `UpstreamConnectError`, `UpstreamTimeout`, `UpstreamProtocolError`.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from mailjet_connector.errors import (
    UpstreamConnectError,
    UpstreamError,
    UpstreamProtocolError,
    UpstreamTimeout,
)

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
Headers = list[tuple[bytes, bytes]]
CHUNK = 64 * 1024
HEAD_LIMIT = 64 * 1024  # longest answer head accepted (status line + headers)
NO_BODY_STATUS = frozenset({204, 304})
# What the network can raise mid-call (TimeoutError and ConnectionError are OSErrors); mapped by `_translated`.
IO_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)


class _Stale(Exception):
    """A reused connection failed before any byte of the answer arrived (the server had closed it)."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait: `connect` for a new connection, `network` for each read or write."""

    connect: float = 10.0
    network: float = 60.0


@dataclass(frozen=True)
class Origin:
    """Where the pool connects: scheme, host, port, and the path prefix put before every target."""

    scheme: str
    host: str
    port: int
    prefix: str

    @classmethod
    def parse(cls, base_url: str) -> Origin:
        """The origin of an `http://` or `https://` URL (a path in it becomes the prefix).

        Raises:
            ValueError: another scheme, or no host.
        """
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream URL must be http:// or https:// with a host, not {base_url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def host_header(self) -> bytes:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        value = host if self.port == default else f"{host}:{self.port}"
        return value.encode("ascii") if value.isascii() else value.encode("idna")


class _Connection:
    """One open connection: its streams, the loop it belongs to and when it was last released."""

    __slots__ = ("idle_since", "loop", "reader", "reused", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.loop = asyncio.get_running_loop()
        self.reader = reader
        self.writer = writer
        self.reused = False
        self.idle_since = 0.0

    def usable(self, loop: asyncio.AbstractEventLoop, now: float, expiry: float) -> bool:
        """Whether the idle connection can carry another call (same loop, fresh, not closed by the server)."""
        return (
            self.loop is loop
            and now - self.idle_since < expiry
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        if not self.loop.is_closed():
            self.writer.close()


class UpstreamResponse:
    """An answer whose head has arrived; read its body with `read()` or `iter_raw()`, or drop it with `aclose()`.

    Attributes:
        status: the status code.
        headers: (lowercase name, value) pairs as received.
        content_length: the body length when the answer gives it (and the body is framed by it), else None.
    """

    def __init__(
        self, pool: UpstreamPool, conn: _Connection, status: int, headers: Headers, framing: str, length: int
    ) -> None:
        self.status = status
        self.headers = headers
        self.content_length = length if framing == "length" else None
        self._pool = pool
        self._conn: _Connection | None = conn
        self._framing = framing  # "length", "chunked", "close" (until EOF) or "none"
        self._left = length  # bytes left in the body ("length") or in the current chunk ("chunked")
        self._keep_alive = framing != "close" and _keeps_alive(headers)
        if framing == "none" or (framing == "length" and length == 0):
            self._done()

    def __repr__(self) -> str:
        return f"UpstreamResponse(status={self.status})"

    def header(self, name: bytes) -> bytes | None:
        """The first value of header `name` (lowercase), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None

    async def read(self) -> bytes:
        """The whole (remaining) body."""
        if self._conn is None:
            return b""
        if self._framing != "length":
            return b"".join([chunk async for chunk in self.iter_raw()])
        try:
            async with asyncio.timeout(self._pool.timeouts.network):
                body = await self._conn.reader.readexactly(self._left)
        except BaseException as exc:
            self._fail()
            if isinstance(exc, IO_ERRORS):
                raise _translated(exc) from exc
            raise
        self._done()
        return body

    async def iter_raw(self, size: int = CHUNK) -> AsyncIterator[bytes]:
        """The body as it arrives (de-chunked), in pieces of at most `size` bytes."""
        try:
            while self._conn is not None:
                async with asyncio.timeout(self._pool.timeouts.network):
                    piece = await self._next_piece(self._conn.reader, size)
                if piece:
                    yield piece
        except IO_ERRORS as exc:
            raise _translated(exc) from exc
        finally:
            if self._conn is not None:  # stopped early or failed: the rest of the body is unread
                self._fail()

    async def aclose(self) -> None:
        """Drop the rest of the body (and the connection with it, unless the body was fully read)."""
        if self._conn is not None:
            self._fail()

    async def _next_piece(self, reader: asyncio.StreamReader, size: int) -> bytes:
        if self._framing == "close":
            piece = await reader.read(size)
            if not piece:
                self._done()
            return piece
        if self._framing == "chunked" and self._left == 0:
            self._left = await _chunk_size(reader)
            if self._left == 0:
                await _skip_trailers(reader)
                self._done()
                return b""
        piece = await reader.read(min(size, self._left))
        if not piece:
            raise UpstreamProtocolError("upstream closed the connection in the middle of a body")
        self._left -= len(piece)
        if self._left == 0:
            if self._framing == "length":
                self._done()
            else:
                await _expect_crlf(reader)
        return piece

    def _done(self) -> None:
        """The body is fully read: the connection goes back to the pool (or is closed)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool.release(conn, keep=self._keep_alive)

    def _fail(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool.release(conn, keep=False)


class UpstreamPool:
    """Keep-alive connections to one origin, and `request()` to send a call over one of them.

    Args:
        base_url: `http://host[:port][/prefix]` or `https://...`; every target is sent under the prefix.
        max_connections: calls in flight at most (each holds a connection until its answer is read); more
            wait for a free one, at most the connect timeout.
        max_idle: idle connections kept open at most.
        keepalive_expiry: seconds an idle connection is kept before it is closed instead of reused.
        timeouts: connect and network timeouts.
        ssl_context: TLS settings for https (default `ssl.create_default_context()`).

    Attributes:
        opened: connections opened so far (a measure of reuse).
    """

    def __init__(
        self,
        base_url: str,
        *,
        max_connections: int = 100,
        max_idle: int = 50,
        keepalive_expiry: float = 5.0,
        timeouts: Timeouts | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.origin = Origin.parse(base_url)
        self.max_connections = max_connections
        self.max_idle = max_idle
        self._slots = asyncio.Semaphore(max_connections)
        self.keepalive_expiry = keepalive_expiry
        self.timeouts = timeouts or Timeouts()
        self._ssl = ssl_context or (ssl.create_default_context() if self.origin.scheme == "https" else None)
        self._host = self.origin.host_header
        self._prefix = self.origin.prefix.encode("latin-1")
        self._idle: list[_Connection] = []
        self.opened = 0

    def __repr__(self) -> str:
        origin = self.origin
        return f"UpstreamPool({origin.scheme}://{origin.host}:{origin.port}, idle={len(self._idle)})"

    async def request(
        self, method: str, target: bytes, headers: Headers, body: bytes | AsyncIterable[bytes] = b""
    ) -> UpstreamResponse:
        """Send one call and return the answer once its head has arrived.

        Args:
            method: the HTTP method.
            target: path and query (`/v3/REST/contact?Limit=3`), already percent-encoded.
            headers: (lowercase name, value) pairs; Host is added, and Content-Length for a bytes body.
            body: the body as bytes, or an async iterable streamed as it comes (Content-Length from
                `headers` if given, else chunked).

        Raises:
            UpstreamError: connect, timeout or protocol failure.
            ValueError: a header or target with CR, LF or NUL in it.
        """
        head = self._head(method, target, headers, body)
        await self._take_slot()
        try:
            conn = self._take_idle()
            if conn is not None:
                try:
                    return await self._exchange(conn, method, head, body)
                except _Stale as stale:
                    if method not in IDEMPOTENT or not isinstance(body, bytes):
                        message = "upstream closed a kept-alive connection"
                        raise UpstreamProtocolError(message) from stale.__cause__
            return await self._exchange(await self._connect(), method, head, body)
        except BaseException:
            self._slots.release()  # no answer holds the slot
            raise

    def release(self, conn: _Connection, *, keep: bool) -> None:
        """Return a connection whose answer is done: pooled if `keep` and there is room, else closed."""
        self._slots.release()
        if keep and len(self._idle) < self.max_idle and not conn.writer.is_closing():
            conn.reused = True
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()

    async def aclose(self) -> None:
        """Close every idle connection (answers still being read keep theirs until done)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    async def _take_slot(self) -> None:
        """Wait (at most the connect timeout) until fewer than `max_connections` calls are in flight."""
        if not self._slots.locked():
            await self._slots.acquire()  # free: returns at once
            return
        try:
            async with asyncio.timeout(self.timeouts.connect):
                await self._slots.acquire()
        except TimeoutError:
            raise UpstreamTimeout(f"all {self.max_connections} upstream connections stayed busy") from None

    def _take_idle(self) -> _Connection | None:
        loop = asyncio.get_running_loop()
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()  # the most recently used: the least likely to have been closed
            if conn.usable(loop, now, self.keepalive_expiry):
                return conn
            conn.close()
        return None

    async def _connect(self) -> _Connection:
        origin = self.origin
        try:
            async with asyncio.timeout(self.timeouts.connect):
                reader, writer = await asyncio.open_connection(
                    origin.host,
                    origin.port,
                    ssl=self._ssl,
                    server_hostname=origin.host if self._ssl else None,
                    limit=HEAD_LIMIT,
                )
        except TimeoutError as exc:
            raise UpstreamTimeout(f"connecting to {origin.host}:{origin.port} timed out") from exc
        except OSError as exc:  # refused, unreachable, DNS, TLS (ssl.SSLError is an OSError)
            raise UpstreamConnectError(f"cannot connect to {origin.host}:{origin.port}: {exc}") from exc
        self.opened += 1
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Connection(reader, writer)

    def _head(
        self, method: str, target: bytes, headers: Headers, body: bytes | AsyncIterable[bytes]
    ) -> bytes:
        """The request line and headers, with Host and the body's framing added."""
        _check_safe(target, headers)
        lines = [
            method.encode("ascii"),
            b" ",
            self._prefix,
            target,
            b" HTTP/1.1\r\nhost: ",
            self._host,
            b"\r\n",
        ]
        has_length = False
        for name, value in headers:
            lines += (name, b": ", value, b"\r\n")
            has_length = has_length or name == b"content-length"
        if isinstance(body, bytes):
            if not has_length and (body or method in ("POST", "PUT", "PATCH")):
                lines.append(b"content-length: %d\r\n" % len(body))
        elif not has_length:
            lines.append(b"transfer-encoding: chunked\r\n")
        lines.append(b"\r\n")
        return b"".join(lines)

    async def _exchange(
        self, conn: _Connection, method: str, head: bytes, body: bytes | AsyncIterable[bytes]
    ) -> UpstreamResponse:
        """Write the call and read the answer's head; `_Stale` if a reused connection fails before it."""
        answered = False
        wait = self.timeouts.network
        try:
            if isinstance(body, bytes):
                conn.writer.write(head + body)  # one write, one segment for a small call
            else:
                conn.writer.write(head)
                await _write_stream(conn.writer, body, wait, chunked=b"transfer-encoding: chunked" in head)
            async with asyncio.timeout(wait):
                await conn.writer.drain()
                status, headers = await _read_head(conn.reader)
            answered = True
        except BaseException as exc:
            conn.close()
            if (
                conn.reused
                and not answered
                and isinstance(exc, (ConnectionError, asyncio.IncompleteReadError))
            ):
                raise _Stale from exc
            if isinstance(exc, IO_ERRORS):
                raise _translated(exc) from exc
            raise
        framing, length = _framing(method, status, headers)
        return UpstreamResponse(self, conn, status, headers, framing, length)


async def _write_stream(
    writer: asyncio.StreamWriter, body: AsyncIterable[bytes], wait: float, *, chunked: bool
) -> None:
    """Send a streamed body as it comes; each wait for the upstream to take a piece is limited by `wait`
    (a slow caller, whose pieces are awaited here too, is not)."""
    async for piece in body:
        if not piece:
            continue
        writer.write(b"%x\r\n%b\r\n" % (len(piece), piece) if chunked else piece)
        async with asyncio.timeout(wait):
            await writer.drain()
    if chunked:
        writer.write(b"0\r\n\r\n")


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, Headers]:
    """The status and headers of the next final answer (1xx interim answers are skipped)."""
    while True:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError as exc:
            raise UpstreamProtocolError("upstream answer head too large") from exc
        status, headers = _parse_head(raw)
        if not 100 <= status < 200 or status == 101:
            return status, headers


def _parse_head(raw: bytes) -> tuple[int, Headers]:
    lines = raw[:-4].split(b"\r\n")
    version, _, rest = lines[0].partition(b" ")
    code = rest[:3]
    if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise UpstreamProtocolError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise UpstreamProtocolError(f"malformed header line: {line[:80]!r}")
        headers.append((name.lower(), value.strip()))
    if version == b"HTTP/1.0":
        headers.append((b"connection", b"close"))  # no keep-alive negotiation with HTTP/1.0 servers
    return int(code), headers


def _framing(method: str, status: int, headers: Headers) -> tuple[str, int]:
    """How the answer's body is delimited: ("none"|"chunked"|"length"|"close", length)."""
    if method == "HEAD" or status in NO_BODY_STATUS or status < 200:
        return "none", 0
    length = None
    for name, value in headers:
        if name == b"transfer-encoding" and b"chunked" in value.lower():
            return "chunked", 0
        if name == b"content-length":
            if not value.isdigit() or (length is not None and int(value) != length):
                raise UpstreamProtocolError(f"bad Content-Length: {value[:40]!r}")
            length = int(value)
    return ("close", 0) if length is None else ("length", length)


def _keeps_alive(headers: Headers) -> bool:
    return not any(name == b"connection" and b"close" in value.lower() for name, value in headers)


async def _chunk_size(reader: asyncio.StreamReader) -> int:
    line = await reader.readuntil(b"\r\n")
    size = line.split(b";", 1)[0].strip()
    try:
        return int(size, 16)
    except ValueError:
        raise UpstreamProtocolError(f"bad chunk size line: {line[:40]!r}") from None


async def _expect_crlf(reader: asyncio.StreamReader) -> None:
    if await reader.readexactly(2) != b"\r\n":
        raise UpstreamProtocolError("chunk not followed by CRLF")


async def _skip_trailers(reader: asyncio.StreamReader) -> None:
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass


def _check_safe(target: bytes, headers: Headers) -> None:
    """Refuse request parts that would break the head open (header injection).

    Raises:
        ValueError: CR, LF or NUL in the target or a header, or a space in the target.
    """
    for part in (target, *(item for pair in headers for item in pair)):
        if b"\r" in part or b"\n" in part or b"\0" in part:
            raise ValueError(f"unsafe character in request part {part[:40]!r}")
    if b" " in target:
        raise ValueError(f"space in request target {target[:40]!r}")


def _translated(exc: BaseException) -> UpstreamError:
    """The `UpstreamError` that an I/O failure (one of `IO_ERRORS`) means."""
    if isinstance(exc, TimeoutError):
        return UpstreamTimeout("upstream did not answer in time")
    if isinstance(exc, asyncio.IncompleteReadError):
        return UpstreamProtocolError("upstream closed the connection before the answer was complete")
    if isinstance(exc, OSError):
        return UpstreamConnectError(f"connection to upstream failed: {exc}")
    return UpstreamProtocolError(f"malformed answer from upstream: {exc}")
