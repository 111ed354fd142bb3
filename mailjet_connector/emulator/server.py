"""Run the emulator as a real HTTP server (uvicorn) in a background thread on a loopback port."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from mailjet_connector.emulator.reason import ReasonH11Protocol
from mailjet_connector.emulator.state import EmulatorState
from mailjet_connector.emulator.tls import TlsFiles, create_tls

START_TIMEOUT = 10.0


class ServerStartError(RuntimeError):
    """The server could not start: port in use, bad host, or it did not come up in time."""


class EmulatorServer:
    """A uvicorn server for an ASGI app, running in a daemon thread.

    Binds the socket itself, so `port=0` picks a free port and `.url` reports the real one. Use it as a
    context manager, or call `start()` and `stop()`.

    Args:
        app: the ASGI application (usually `emulator.app.create_app(state)`).
        host: interface to bind (loopback by default: the emulator serves test credentials).
        port: TCP port; 0 picks a free one.
        state: the emulator state behind `app`, kept here so tests can reach it (`server.state`).
        api_key / api_secret: the credentials a caller should use (informational, for `.credentials`).
        tls: serve HTTPS with these files (`emulator.tls.create_tls`); `owns_tls` removes them on `stop`.
    """

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state: EmulatorState | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        tls: TlsFiles | None = None,
        owns_tls: bool = False,
    ) -> None:
        self.app = app
        self.tls = tls
        self.owns_tls = owns_tls
        self.host = host
        self.port = port
        self.state = state
        self.api_key = api_key
        self.api_secret = api_secret
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._error: BaseException | None = None

    def __repr__(self) -> str:  # no secret here
        return f"EmulatorServer(url={self.url!r}, running={self.running})"

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:8025` or `https://...` with TLS (no trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def ca_path(self) -> str | None:
        """The CA certificate a client must trust when the server runs with TLS, else None."""
        return str(self.tls.ca) if self.tls else None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = START_TIMEOUT) -> EmulatorServer:
        """Bind, start serving in a background thread and wait until it accepts connections.

        Returns:
            self, for chaining.

        Raises:
            ServerStartError: the port could not be bound or the server did not start in time.
        """
        if self.running:
            return self
        self._socket = bind_socket(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        # Idle keep-alive connections are closed at once on shutdown, so a long timeout costs nothing; a short
        # one races clients that reuse a pooled connection after a pause (requests' "Connection reset by peer"
        # on a loaded machine when it was 1 s).
        options = tls_options(self.tls) if self.tls else {}
        self._server = uvicorn.Server(
            server_config(self.app, access_log=False, timeout_keep_alive=KEEP_ALIVE_SECONDS, **options)
        )
        self._thread = threading.Thread(target=self._run, name=f"mailjet-emulator-{self.port}", daemon=True)
        self._thread.start()
        self._wait_started(timeout)
        return self

    def _run(self) -> None:
        assert self._server is not None and self._socket is not None
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # reported by start()/stop(); a thread must not die silently
            self._error = exc

    def _wait_started(self, timeout: float) -> None:
        assert self._server is not None and self._thread is not None
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(
                    f"emulator server did not start on {self.url}: {self._error or 'timeout'}"
                )
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to finish its requests and exit, then join the thread and close the socket."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():  # hung request: make uvicorn drop connections
                assert self._server is not None
                self._server.force_exit = True
                self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        if self.tls is not None and self.owns_tls:
            self.tls.remove()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


KEEP_ALIVE_SECONDS = 75  # requests/urllib3 keep pooled connections with no idle limit of their own


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration every emulator server uses (in-process and `emulator serve`).

    Mailjet's reason phrases go in the status line (`ReasonH11Protocol`), and the lifespan runs so that the
    event-delivery worker starts and stops with the server.
    """
    defaults: dict[str, Any] = {
        "log_level": "warning",
        "http": ReasonH11Protocol,
        "lifespan": "on",
        "timeout_graceful_shutdown": 2,
    }
    return uvicorn.Config(app, **{**defaults, **options})


def tls_options(tls: TlsFiles) -> dict[str, Any]:
    """uvicorn options serving HTTPS with the emulator's certificate."""
    return {"ssl_certfile": str(tls.server), "ssl_keyfile": str(tls.server)}


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0 = any free port).

    Raises:
        ServerStartError: the address is in use or cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only when the socket says it is
    # TCP, and without it every keep-alive request stalls ~40 ms on Nagle + delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Lets a restarted server reuse a port left in TIME_WAIT, as uvicorn itself does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServerStartError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


def start_emulator(
    *,
    seed: int = 0,
    scale: str = "tiny",
    overrides: dict[str, int] | None = None,
    rate_limit: str | None = None,
    faults: str | None = None,
    control: bool = True,
    port: int = 0,
    host: str = "127.0.0.1",
    now: float | None = None,
    frozen: bool = False,
    state: EmulatorState | None = None,
    tls: bool = False,
) -> EmulatorServer:
    """Build seeded emulator data, serve it on a loopback port and return the running server.

    The caller stops it (`server.stop()` or `with start_emulator() as server:`).

    Args:
        seed / scale / overrides / now / frozen: passed to `emulator.seed.build_state` (ignored when `state`
            is given).
        rate_limit: e.g. "300/min"; None = no limit.
        faults: fault-injection spec; None = no faults.
        control: mount the `/_emulator` control endpoints.
        port / host: where to listen (port 0 = a free port).
        state: serve this ready-made state instead of building one.
        tls: serve HTTPS with a throwaway CA (`server.ca_path`), removed when the server stops.

    Returns:
        The started server; `.url`, `.api_key`, `.api_secret` and `.state` are set.

    Raises:
        ServerStartError: the port could not be bound.
        ValueError: a bad scale, rate-limit or fault spec.
    """
    from mailjet_connector.emulator.app import create_app
    from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, build_state

    if state is None:
        state = build_state(seed=seed, scale=scale, overrides=overrides, now=now, frozen=frozen)
    app = create_app(state, control=control, rate_limit=rate_limit, faults=faults)
    api_key, api_secret = DEFAULT_API_KEY, DEFAULT_API_SECRET
    if api_key not in state.accounts and state.accounts:  # custom accounts: report the first one
        first = next(iter(state.accounts.values()))
        api_key, api_secret = first.api_key, first.api_secret
    files = create_tls(host) if tls else None
    server = EmulatorServer(
        app,
        host=host,
        port=port,
        state=state,
        api_key=api_key,
        api_secret=api_secret,
        tls=files,
        owns_tls=tls,
    )
    return server.start()
