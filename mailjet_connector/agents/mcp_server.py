"""The MCP server for agents: registers the policy-checked tools of `agents.tools_*` on a FastMCP server
(stdio or streamable HTTP). Thin by design: tool bodies, policy and audit live in the tools modules."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio
import orjson
from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations

from mailjet_connector.agents import tools_contacts, tools_resources, tools_send, tools_stats
from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.policy import Access, AgentPolicy, Policy
from mailjet_connector.agents.tools import ToolContext
from mailjet_connector.catalog import Verb
from mailjet_connector.client import Client

__all__ = ["TOOLS", "build_server", "context_for", "describe", "run_server"]

TOOLS: dict[str, Callable[..., dict[str, Any]]] = {
    **tools_resources.TOOLS,
    **tools_contacts.TOOLS,
    **tools_send.TOOLS,
    **tools_stats.TOOLS,
}
READ_ONLY = {"resources", "list", "get", "count", "stats_summary", "query"}
DESTRUCTIVE = {"delete", "contacts", "campaign", "send", "update"}
# Tools whose description lists the catalog resources this agent may use with them.
CATALOG_VERB = {"list": Verb.GET, "get": Verb.GET, "count": Verb.GET, "create": Verb.POST,
                "update": Verb.PUT, "delete": Verb.DELETE}  # fmt: skip
INSTRUCTIONS = (
    "Mailjet account tools. Start with `resources` to see what you may read and write, then `list`/`get`. "
    "Every call is checked against your policy and audited; a denied call never reaches Mailjet. "
    "Destructive calls (delete, forget, campaign schedule/send) answer a preview and a `confirm` token "
    "first: call again with the same arguments and that token to act. `send` uses SandboxMode unless live=true."
)


def describe(name: str, fn: Callable[..., Any], agent: AgentPolicy) -> str:
    """The tool's description: its docstring, plus the catalog resources this agent may use it on."""
    text = inspect.cleandoc(fn.__doc__ or "")
    verb = CATALOG_VERB.get(name)
    if verb is None:
        return text
    names = [
        r.name
        for r in tools_resources.visible_resources(agent)
        if verb in r.verbs and (verb is Verb.GET or agent.access(r.area) is Access.WRITE)
    ]
    return f"{text}\n\nResources you may use here: {', '.join(names) or 'none (your policy allows none)'}."


def _bind(ctx: ToolContext, name: str, fn: Callable[..., dict[str, Any]]) -> Callable[..., Any]:
    """An async tool with `fn`'s parameters minus the context; runs `fn` in a worker thread (the client is
    synchronous) and answers compact JSON."""

    async def tool(**kwargs: Any) -> str:
        result = await anyio.to_thread.run_sync(partial(fn, ctx, **kwargs))
        return orjson.dumps(result, default=str).decode()

    signature = inspect.signature(fn, eval_str=True)
    params = list(signature.parameters.values())[1:]
    tool.__signature__ = signature.replace(parameters=params, return_annotation=str)  # type: ignore[attr-defined]
    tool.__name__ = name
    return tool


def build_server(ctx: ToolContext, *, host: str = "127.0.0.1", port: int = 8000) -> FastMCP:
    """A FastMCP server with every agent tool bound to `ctx` (its client, policy and audit log).

    Args:
        ctx: the tool context of the one agent this server serves.
        host / port: where the streamable HTTP transport listens (unused with stdio).

    Returns:
        The server; `run_server` runs it, tests connect to it in memory.
    """
    server = FastMCP(
        name="mailjet-connector", instructions=INSTRUCTIONS, host=host, port=port, log_level="WARNING"
    )
    for name, fn in TOOLS.items():
        annotations = ToolAnnotations(
            readOnlyHint=name in READ_ONLY, destructiveHint=name in DESTRUCTIVE, openWorldHint=False
        )
        server.add_tool(
            _bind(ctx, name, fn),
            name=name,
            description=describe(name, fn, ctx.agent),
            annotations=annotations,
            structured_output=False,
        )
    return server


def context_for(
    policy: Policy,
    agent: str,
    client: Client,
    *,
    dataset_url: str | None = None,
    audit_key: bytes | None = None,
) -> ToolContext:
    """The tool context of agent `agent` of `policy`, auditing to the policy's audit log (keyed with
    `audit_key` when given).

    Raises:
        PolicyError: no such agent.
    """
    audit = AuditLog(policy.audit_path, redact_emails=policy.redact_emails, key=audit_key)
    return ToolContext(client=client, agent=policy.agent(agent), audit=audit, dataset_url=dataset_url)


def run_server(
    ctx: ToolContext, transport: str = "stdio", *, host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Serve the tools until interrupted.

    Args:
        ctx: the tool context.
        transport: "stdio" (for MCP clients that spawn the server) or "http" (streamable HTTP at `/mcp`).
        host / port: where the HTTP transport listens.

    Raises:
        ValueError: unknown transport.
    """
    if transport not in ("stdio", "http"):
        raise ValueError(f"unknown transport {transport!r}: use stdio or http")
    server = build_server(ctx, host=host, port=port)
    server.run("stdio" if transport == "stdio" else "streamable-http")
