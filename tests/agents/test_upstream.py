"""The gateway's upstream client against the live emulator, and a scripted asyncio server for the edge cases."""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import orjson
import pytest

from mailjet_connector.agents.upstream import (
    CHUNK,
    Timeouts,
    UpstreamConnectError,
    UpstreamPool,
    UpstreamProtocolError,
    UpstreamTimeout,
)
from mailjet_connector.emulator.server import EmulatorServer, start_emulator

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


@pytest.fixture(scope="module")
def emulator() -> EmulatorServer:
    with start_emulator(scale="tiny") as server:
        yield server


def auth(server: EmulatorServer) -> list[tuple[bytes, bytes]]:
    token = base64.b64encode(f"{server.api_key}:{server.api_secret}".encode())
    return [(b"authorization", b"Basic " + token), (b"accept", b"application/json")]


async def pieces(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request (head and body, de-chunked) as a scripted server sees it; b"" when the client left."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return b""
    lower = head.lower()
    if b"transfer-encoding: chunked" in lower:
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
        return head + body
    length = lower.split(b"content-length: ", 1)[1].split(b"\r\n")[0] if b"content-length" in lower else b"0"
    return head + await reader.readexactly(int(length))


async def scripted(
    handler: Handler, test: Callable[[str, list[bytes]], Awaitable[None]], **tls
) -> list[bytes]:
    """Run `handler` as a server on a loopback port and `test(url, seen)`; returns the requests it saw."""
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        reader.seen = seen  # type: ignore[attr-defined]
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, **tls)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await test(f"{'https' if tls else 'http'}://127.0.0.1:{port}", seen)
    return seen


async def answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reply: bytes) -> None:
    while request := await read_request(reader):
        reader.seen.append(request)  # type: ignore[attr-defined]
        writer.write(reply)
        await writer.drain()


def test_emulator_reads_over_one_kept_alive_connection(emulator: EmulatorServer) -> None:
    async def run() -> None:
        pool = UpstreamPool(emulator.url)
        for limit in (2, 3):
            answer = await pool.request("GET", b"/v3/REST/contact?Limit=%d" % limit, auth(emulator))
            assert answer.status == 200 and answer.content_length is not None
            assert orjson.loads(await answer.read())["Count"] == limit
        missing = await pool.request("GET", b"/v3/REST/contact/999999", auth(emulator))
        assert missing.status == 404 and await missing.read()
        assert pool.opened == 1
        await pool.aclose()

    asyncio.run(run())


def test_emulator_takes_bytes_and_streamed_uploads(emulator: EmulatorServer) -> None:
    csv = b'"email","name"\n"up@example.org","Up"\n'
    headers = [*auth(emulator), (b"content-type", b"text/plain")]

    async def run() -> None:
        pool = UpstreamPool(emulator.url)
        path = b"/v3/DATA/contactslist/1/CSVData/text:plain"
        for body in (csv, pieces(csv[:10], csv[10:])):  # Content-Length, then chunked
            answer = await pool.request("POST", path, headers, body)
            assert answer.status == 200, await answer.read()
            assert orjson.loads(await answer.read())["ID"] > 0
        sized = [*headers, (b"content-length", b"%d" % len(csv))]
        answer = await pool.request("POST", path, sized, pieces(csv[:5], b"", csv[5:]))
        assert answer.status == 200 and pool.opened == 1
        await pool.aclose()

    asyncio.run(run())


def test_chunked_answers_are_dechunked_and_the_connection_kept() -> None:
    chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-t: 1\r\n\r\n"

    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url)
        for _ in range(2):
            answer = await pool.request("GET", b"/a", [])
            assert answer.content_length is None and await answer.read() == b"hello world"
        assert pool.opened == 1

    assert len(asyncio.run(scripted(lambda r, w: answer_each(r, w, chunked), test))) == 2


def test_an_answer_framed_by_closing_the_connection_is_read_to_its_end() -> None:
    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        reader.seen.append(await read_request(reader))  # type: ignore[attr-defined]
        writer.write(b"HTTP/1.0 200 OK\r\n\r\nuntil the end")

    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url)
        for _ in range(2):
            answer = await pool.request("GET", b"/a", [])
            assert [piece async for piece in answer.iter_raw()] == [b"until the end"]
        assert pool.opened == 2  # never reused

    asyncio.run(scripted(once, test))


def test_a_broken_pooled_connection_is_retried_for_gets_only() -> None:
    """The server answers the first request on each connection and drops the connection at the second."""

    async def one_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        reader.seen.append(await read_request(reader))  # type: ignore[attr-defined]
        writer.write(OK)
        await writer.drain()
        if second := await read_request(reader):
            reader.seen.append(second)  # type: ignore[attr-defined]

    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url)
        assert await (await pool.request("GET", b"/1", [])).read() == b"ok"
        assert await (await pool.request("GET", b"/2", [])).read() == b"ok"  # retried on a new connection
        assert pool.opened == 2 and [r.split(b" ")[1] for r in seen] == [b"/1", b"/2", b"/2"]
        with pytest.raises(UpstreamProtocolError):
            await pool.request("POST", b"/3", [], b"{}")
        assert [r.split(b" ")[1] for r in seen].count(b"/3") == 1  # a POST is never sent twice

    asyncio.run(scripted(one_answer, test))


def test_large_answers_stream_in_pieces_and_an_abandoned_body_drops_its_connection() -> None:
    big = bytes(range(256)) * 4096  # 1 MiB
    reply = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%b" % (len(big), big)

    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url)
        answer = await pool.request("GET", b"/big", [])
        received = [piece async for piece in answer.iter_raw()]
        assert b"".join(received) == big and max(map(len, received)) <= CHUNK
        partial = await pool.request("GET", b"/big", [])
        assert pool.opened == 1
        async for _ in partial.iter_raw():
            break
        await partial.aclose()
        await (await pool.request("GET", b"/big", [])).read()
        assert pool.opened == 2

    asyncio.run(scripted(lambda r, w: answer_each(r, w, reply), test))


def test_calls_beyond_max_connections_wait_for_a_free_one() -> None:
    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url, max_connections=1, timeouts=Timeouts(connect=0.2))
        first = await pool.request("GET", b"/1", [])  # its body unread: it holds the only slot
        with pytest.raises(UpstreamTimeout, match="busy"):
            await pool.request("GET", b"/2", [])
        waiting = asyncio.create_task(pool.request("GET", b"/3", []))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        assert await first.read() == b"ok"
        assert await (await waiting).read() == b"ok" and pool.opened == 1

    asyncio.run(scripted(lambda r, w: answer_each(r, w, OK), test))


def test_heads_and_no_content_answers_have_no_body() -> None:
    replies = iter([b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n", b"HTTP/1.1 204 No Content\r\n\r\n", OK])

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader):
            writer.write(next(replies))

    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url)
        head = await pool.request("HEAD", b"/a", [])
        assert head.header(b"content-length") == b"99" and await head.read() == b""
        assert (await pool.request("DELETE", b"/a", [])).status == 204
        assert await (await pool.request("GET", b"/a", [])).read() == b"ok" and pool.opened == 1

    asyncio.run(scripted(serve, test))


def test_timeouts_refusals_and_unsafe_headers_are_errors() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async def test(url: str, seen: list[bytes]) -> None:
        pool = UpstreamPool(url, timeouts=Timeouts(connect=1, network=0.2))
        with pytest.raises(UpstreamTimeout):
            await pool.request("GET", b"/slow", [])
        with pytest.raises(ValueError, match="unsafe"):
            await pool.request("GET", b"/a", [(b"x-evil", b"1\r\nhost: elsewhere")])

    asyncio.run(scripted(silent, test))

    async def refused() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        with pytest.raises(UpstreamConnectError):
            await UpstreamPool(f"http://127.0.0.1:{port}").request("GET", b"/", [])

    asyncio.run(refused())


def test_https_upstreams_are_verified(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    async def test(url: str, seen: list[bytes]) -> None:
        trusted = UpstreamPool(url, ssl_context=ssl.create_default_context(cafile=str(cert)))
        assert await (await trusted.request("GET", b"/tls", [])).read() == b"ok"
        with pytest.raises(UpstreamConnectError):  # the system's CAs do not know this certificate
            await UpstreamPool(url).request("GET", b"/tls", [])

    seen = asyncio.run(scripted(lambda r, w: answer_each(r, w, OK), test, ssl=server_tls))
    assert seen[0].startswith(b"GET /tls HTTP/1.1\r\nhost: 127.0.0.1:")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
