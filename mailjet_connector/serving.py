"""Serving an ASGI app (the webhook receiver, the agents gateway) on a socket bound first.

Binding before anything is printed makes a port in use a one-line `ConfigError` rather than a "listening
on ..." line followed by uvicorn's own error; port 0 picks a free port and the real one is reported.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from mailjet_connector.errors import ConfigError

__all__ = ["bind_socket", "serve"]


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0 = any free port).

    Raises:
        ConfigError: the address is in use or cannot be bound (the message says which option to change).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only when the socket says it is TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except (OSError, OverflowError) as exc:
        sock.close()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(
            f"cannot listen on {host}:{port}: {reason} (choose another --port or --host)"
        ) from None
    sock.set_inheritable(True)
    return sock


def serve(config: Any, sock: socket.socket, on_ready: Callable[[str], None] | None = None) -> None:
    """Run uvicorn with `config` on `sock` until Ctrl-C (uvicorn stops gracefully on SIGINT and SIGTERM).

    Args:
        config: a `uvicorn.Config` (its host and port are ignored: the socket is already bound).
        sock: from `bind_socket`.
        on_ready: called with the URL (`http://host:port`) once bound, before serving.
    """
    import uvicorn

    host, port = sock.getsockname()[:2]
    if on_ready is not None:
        on_ready(f"http://{host}:{port}")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
