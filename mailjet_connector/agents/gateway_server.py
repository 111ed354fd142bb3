"""Serving the gateway with uvicorn, each small answer in one write.

uvicorn writes an answer's head (at `http.response.start`) and its body in two transport writes, so two
`send()` system calls and two segments for the agent to wake up for. On loopback inside a VM one `send()`
costs about 0.2 ms, more than the gateway's own work on a call, so the gateway's protocol holds a response
head back until the next write and sends both at once. A head with nothing after it (a streamed answer
whose first piece is slow) goes out at the event loop's next turn: nothing is ever held longer than that.

Works over uvicorn's httptools protocol when httptools is installed (faster parsing), else over h11.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import uvicorn

from mailjet_connector.serving import bind_socket, serve

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _BaseProtocol
except ImportError:  # httptools not installed: uvicorn's pure-Python h11 protocol
    from uvicorn.protocols.http.h11_impl import H11Protocol as _BaseProtocol  # type: ignore[assignment]


class HeadHoldingTransport:
    """A transport proxy that sends a response head together with the write that follows it.

    Args:
        transport: the connection's real transport (every other method is passed through to it).
        loop: the loop whose next turn flushes a head left alone.
    """

    def __init__(self, transport: asyncio.WriteTransport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held = b""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def write(self, data: bytes) -> None:
        """Hold a response head; send anything else at once, after a held head if there is one.

        Any write, even an empty one, releases a held head: a body-less answer is not kept waiting.
        """
        if self._held:
            data, self._held = self._held + data, b""
        elif isinstance(data, bytes) and data.startswith(b"HTTP/") and data.endswith(b"\r\n\r\n"):
            self._held = data
            self._loop.call_soon(self.flush)
            return
        if data:
            self._transport.write(data)

    def writelines(self, chunks: list[bytes]) -> None:
        self.write(b"".join(chunks))

    def flush(self) -> None:
        """Send a held head now."""
        if self._held:
            data, self._held = self._held, b""
            if not self._transport.is_closing():
                self._transport.write(data)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()


class GatewayProtocol(_BaseProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP/1.1 protocol (httptools or h11) over a `HeadHoldingTransport`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        held = HeadHoldingTransport(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        super().connection_made(held)


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration `agents gateway` serves the gateway with (options override the defaults)."""
    defaults: dict[str, Any] = {
        "http": GatewayProtocol,
        "ws": "none",
        "proxy_headers": False,  # the gateway never looks at the client's address or scheme
        "lifespan": "on",
        "log_level": "warning",
        "access_log": False,
    }
    return uvicorn.Config(app, **{**defaults, **options})


def serve_gateway(app: Any, host: str, port: int, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the gateway app on `host:port` until Ctrl-C.

    Args:
        app: from `gateway.create_gateway_app`.
        host / port: where to listen (port 0: any free port).
        on_ready: called with the gateway's URL once the port is bound.

    Raises:
        ConfigError: the port is in use or cannot be bound.
    """
    sock = bind_socket(host, port)
    serve(server_config(app), sock, on_ready)
