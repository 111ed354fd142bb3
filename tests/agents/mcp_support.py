"""Shared helpers for the MCP tests: a tool context over a served emulator, and in-memory MCP sessions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import orjson
from mcp import ClientSession
from mcp.shared.memory import create_connected_server_and_client_session

from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.mcp_server import build_server
from mailjet_connector.agents.policy import AgentPolicy
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.agents.tools import ToolContext
from mailjet_connector.agents.tools_confirm import Confirmations
from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer
from mailjet_connector.ratelimit import Pacer
from tests.agents.gateway_support import FakeClock

SENDER = "news@example.com"  # an active sender of the tiny preset


@dataclass
class Answer:
    """One tool call's outcome: whether it failed, its JSON payload (or error text)."""

    error: bool
    data: Any

    @property
    def text(self) -> str:
        return self.data if isinstance(self.data, str) else orjson.dumps(self.data).decode()


@contextmanager
def tool_context(
    server: EmulatorServer, agent: AgentPolicy, tmp_path: Path, *, dataset_url: str | None = None
) -> Iterator[ToolContext]:
    """A context for `agent` over the served emulator, auditing to `tmp_path/audit.jsonl`."""
    clock = FakeClock()
    with Client(server.api_key, server.api_secret, base_url=server.url, pacer=Pacer(1e6)) as client:
        yield ToolContext(
            client=client,
            agent=agent,
            audit=AuditLog(tmp_path / "audit.jsonl", fsync=False),
            dataset_url=dataset_url,
            confirmations=Confirmations(clock=clock),
            budget=CallBudget(clock=clock),
            clock=clock,
        )


def run_session(ctx: ToolContext, scenario: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    """Run `scenario` against an in-memory MCP client connected to the server for `ctx`."""

    async def main() -> Any:
        async with create_connected_server_and_client_session(
            build_server(ctx), raise_exceptions=True
        ) as session:
            return await scenario(session)

    return anyio.run(main)


async def call(session: ClientSession, tool: str, **arguments: Any) -> Answer:
    """Call `tool` and decode its JSON text answer (error answers keep their text)."""
    result = await session.call_tool(tool, arguments)
    text = result.content[0].text if result.content else ""  # type: ignore[union-attr]
    if result.isError:
        return Answer(True, text)
    return Answer(False, orjson.loads(text))


def upstream_since(server: EmulatorServer, mark: int) -> list[tuple[str, str]]:
    """(method, path) of the requests that reached the emulator after log position `mark`."""
    assert server.state is not None
    return [(e["method"], e["path"]) for e in server.state.request_log[mark:]]


def log_mark(server: EmulatorServer) -> int:
    assert server.state is not None
    return len(server.state.request_log)
