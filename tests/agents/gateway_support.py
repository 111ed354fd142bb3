"""Shared helpers for the agents tests: policies with known tokens, and a gateway in front of a live emulator."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

with warnings.catch_warnings():
    # starlette 0.52's testclient touches an anyio alias deprecated in anyio 4.12; harmless here.
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.gateway import Gateway, create_gateway_app
from mailjet_connector.agents.gateway_server import server_config
from mailjet_connector.agents.policy import Access, AgentPolicy, Limits, Policy
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.agents.tokens import hash_token
from mailjet_connector.catalog import Area
from mailjet_connector.emulator.seed import build_state
from mailjet_connector.emulator.server import bind_socket, start_emulator
from mailjet_connector.emulator.state import EmulatorState

SALT = b"fixed-test-salt!"


def token_for(name: str) -> str:
    """The test token of agent `name` (long enough for `hash_token`)."""
    return f"token-of-{name}-0123456789abcdef"


def agent(
    name: str,
    areas: Mapping[Area, Access] | None = None,
    *,
    send_live: bool = False,
    limits: Limits | None = None,
) -> AgentPolicy:
    """An agent whose token is `token_for(name)`."""
    return AgentPolicy(
        name, hash_token(token_for(name), salt=SALT), dict(areas or {}), send_live, limits or Limits()
    )


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class GatewayEnv:
    """A gateway (in-process, through TestClient) in front of a seeded emulator on a loopback port."""

    client: TestClient
    state: EmulatorState
    api_key: str
    audit_path: Path
    clock: FakeClock

    def call(self, name: str, method: str, path: str, **kwargs) -> httpx.Response:
        """`method path` through the gateway as agent `name`."""
        return self.client.request(method, path, auth=(name, token_for(name)), **kwargs)

    def upstream_paths(self) -> list[tuple[str, str]]:
        """(method, path) of every request that reached the emulator."""
        return [(e["method"], e["path"]) for e in self.state.request_log]


@contextmanager
def gateway_env(
    tmp_path: Path,
    agents: list[AgentPolicy],
    *,
    redact_emails: bool = True,
    upstream_secret: str | None = None,
    **options: Any,
) -> Iterator[GatewayEnv]:
    """A seeded tiny emulator on a loopback port, and the gateway over it with these agents (audit log in
    `tmp_path`). The gateway reaches the emulator through its real upstream client; the emulator's state is
    shared with the test, so its request log shows what reached "Mailjet".

    Args:
        upstream_secret: the secret the gateway uses upstream (default: the account's real one).
        options: more `create_gateway_app` options (buffer_limit...).
    """
    state = build_state(scale="tiny", frozen=True)
    account = next(iter(state.accounts.values()))
    audit_path = tmp_path / "audit.jsonl"
    policy = Policy({a.name: a for a in agents}, audit_path, redact_emails)
    clock = FakeClock()
    with start_emulator(state=state) as upstream:
        app = create_gateway_app(
            policy,
            upstream.url,
            account.api_key,
            upstream_secret or account.api_secret,
            audit=AuditLog(audit_path, redact_emails=redact_emails, fsync=False),
            budget=CallBudget(clock=clock),
            **options,
        )
        with TestClient(app, base_url="http://gateway") as client:
            yield GatewayEnv(client, state, account.api_key, audit_path, clock)


@contextmanager
def serve_gateway(app: Gateway) -> Iterator[str]:
    """`app` served the way `agents gateway` serves it (uvicorn, `server_config`) on a loopback port.

    Yields:
        Its base URL.
    """
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(server_config(app, timeout_keep_alive=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert server.started, "the gateway did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
