"""`mailjet-connector agents token | gateway | mcp | audit verify | audit show`: agents in front of Mailjet."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.cli.output import make_console

agents_app = Typer(
    name="agents",
    help="Put AI agents in front of Mailjet: per-agent tokens, a policy (area -> off|read|write), an audit log.\n\n"
    "Example:  mailjet-connector agents gateway --policy agents.toml --emulator",
    no_args_is_help=True,
)
audit_app = Typer(name="audit", help="Read and check the agents' audit log.", no_args_is_help=True)
agents_app.add_typer(audit_app)

PolicyOption = Annotated[Path, typer.Option("--policy", help="The policy TOML file (docs/agents.md).")]
AuditPathOption = Annotated[
    Path | None, typer.Option("--file", help="The audit JSONL file (default: the policy's [audit] path).")
]
PolicyForAudit = Annotated[
    Path | None, typer.Option("--policy", help="Read the audit file's path from this policy.")
]

TOKEN_HELP = """Print a new random agent token and the hash to put in the policy file.

Give the token to the agent (its Basic-auth password); store only the hash.

Example:

    mailjet-connector agents token --agent analytics
"""

GATEWAY_HELP = """Serve the Mailjet REST and Send APIs to agents, each with its own token, under the policy.

Agents use any Mailjet client with base URL = the gateway, user = agent name, password = agent token.
Denied calls get a Mailjet-style 403 and never reach Mailjet; every call goes to the audit log.
The real key comes from --api-key/--api-secret or MJ_APIKEY_PUBLIC/MJ_APIKEY_PRIVATE (or --emulator).

Examples:

    mailjet-connector agents gateway --policy agents.toml --emulator

    MJ_APIKEY_PUBLIC=... MJ_APIKEY_PRIVATE=... mailjet-connector agents gateway --policy agents.toml --port 8030
"""


@agents_app.command("token", help=TOKEN_HELP)
def token(
    agent: Annotated[str, typer.Option("--agent", help="Agent name, for the TOML snippet.")] = "NAME",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    from mailjet_connector.agents.tokens import hash_token, new_token

    plain = new_token()
    hashed = hash_token(plain)
    if as_json:
        typer.echo(orjson.dumps({"agent": agent, "token": plain, "token_hash": hashed}).decode())
        return
    typer.echo(f"token (give it to the agent; it is shown only now): {plain}")
    typer.echo("policy snippet:")
    typer.echo(f'[agents.{agent}]\ntoken_hash = "{hashed}"')


@agents_app.command("gateway", help=GATEWAY_HELP, server=True)
def gateway(
    policy: PolicyOption,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port", min=0, max=65535, envvar="MAILJET_GATEWAY_PORT", help="TCP port (0 = any free port)."
        ),
    ] = 8030,
    accounts: Annotated[
        Path | None,
        typer.Option(
            "--accounts",
            help="Accounts file: an agent whose policy names `account = NAME` reaches that account (its own key "
            "and API root); the others use the connection options.",
        ),
    ] = None,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    from mailjet_connector.agents.audit_key import read_audit_key
    from mailjet_connector.agents.gateway import create_gateway_app
    from mailjet_connector.agents.gateway_server import serve_gateway
    from mailjet_connector.agents.policy import load_policy
    from mailjet_connector.agents.upstream import Timeouts

    loaded = load_policy(policy)
    key = read_audit_key(loaded, os.environ)
    routes = agent_upstreams(loaded, accounts, os.environ)
    default_needed = set(loaded.agents) - set(routes)
    with contextlib.ExitStack() as stack:
        connection = stack.enter_context(conn.open()) if default_needed else None
        upstream = connection.base_url if connection else None
        timeout = (connection.settings if connection else conn.settings()).timeout  # forwarded once
        timeouts = Timeouts(connect=min(Timeouts.connect, timeout), network=timeout)
        app = create_gateway_app(
            loaded,
            upstream,
            connection.api_key if connection else None,
            connection.api_secret if connection else None,
            timeouts=timeouts,
            audit_key=key,
            agent_upstreams=routes,
        )

        def ready(url: str) -> None:
            typer.echo(f"Mailjet agent gateway listening on {url}")
            if upstream:
                typer.echo(f"  upstream: {upstream}")
            for agent, (root, _, _) in sorted(routes.items()):
                typer.echo(f"  agent {agent} -> account {loaded.agents[agent].account} ({root})")
            typer.echo(f"  agents: {', '.join(sorted(loaded.agents))}; audit log: {loaded.audit_path}")
            typer.echo("Press Ctrl-C to stop.")
            sys.stdout.flush()

        serve_gateway(app, host, port, ready)


def agent_upstreams(
    policy: Any, accounts: Path | None, environ: Mapping[str, str]
) -> dict[str, tuple[str, str, str]]:
    """agent -> (API root, key, secret) of the account its policy names, read from the accounts file
    (`env:` references read from `environ`).

    Raises:
        PolicyError: an agent names an account but no accounts file was given.
        AccountsError: no such account in the file, or its credentials cannot be read.
    """
    from mailjet_connector.errors import PolicyError
    from mailjet_connector.protocol import resolve_base_url

    named = {name: agent.account for name, agent in policy.agents.items() if agent.account}
    if not named:
        return {}
    if accounts is None:
        first = sorted(named)[0]
        raise PolicyError(
            f"agents.{first}.account: names account {named[first]!r}; start the gateway with --accounts FILE"
        )
    from mailjet_connector.accounts import load_accounts

    loaded = load_accounts(accounts)
    routes = {}
    for agent, name in named.items():
        settings = loaded.get(name).settings(environ)
        credentials = settings.client_kwargs()
        root = resolve_base_url(settings.base_url, settings.region)
        routes[agent] = (root, credentials["api_key"], credentials["api_secret"])
    return routes


MCP_HELP = """Serve the agent tools over MCP (stdio by default, or streamable HTTP at /mcp) for one agent.

The agent's policy decides every tool call before it reaches Mailjet; every call goes to the audit log.
Tools: resources, list, get, count, create, update, delete, send, contacts, campaign, stats_summary, query
(docs/agents-mcp.md). With stdio, nothing but MCP goes to stdout.

Examples:

    mailjet-connector agents mcp --policy agents.toml --agent analytics --emulator

    mailjet-connector agents mcp --policy agents.toml --agent ops --transport http --port 8040
"""


@agents_app.command("mcp", help=MCP_HELP, server=True)
def mcp(
    policy: PolicyOption,
    agent: Annotated[str, typer.Option("--agent", help="The policy's agent this server acts as.")],
    transport: Annotated[str, typer.Option("--transport", help="stdio or http (streamable HTTP).")] = "stdio",
    host: Annotated[str, typer.Option("--host", help="Interface to listen on (http).")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, envvar="MAILJET_MCP_PORT", help="TCP port (http).")
    ] = 8040,
    dataset_url: Annotated[
        str | None, typer.Option("--dataset-url", help="Dataset for the query tool.")
    ] = None,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    from mailjet_connector.agents.audit_key import read_audit_key
    from mailjet_connector.agents.mcp_server import context_for, run_server
    from mailjet_connector.agents.policy import load_policy

    if transport not in ("stdio", "http"):
        fail(f"--transport must be stdio or http, not {transport!r}")
    loaded = load_policy(policy)
    loaded.agent(agent)  # an unknown agent fails before anything starts
    key = read_audit_key(loaded, os.environ)
    with conn.client() as client:
        where = "stdio" if transport == "stdio" else f"http://{host}:{port}/mcp"
        # stderr: with stdio, stdout carries the MCP protocol only.
        typer.echo(
            f"Mailjet MCP server for agent {agent!r} on {where}; audit log: {loaded.audit_path}", err=True
        )
        run_server(
            context_for(loaded, agent, client, dataset_url=dataset_url, audit_key=key),
            transport,
            host=host,
            port=port,
        )


def _audit_file(file: Path | None, policy: Path | None) -> Path | None:
    """The audit log to read: `--file` (which must exist), or the policy's, None when no call is recorded yet."""
    if file is not None:
        return file
    if policy is None:
        fail("give --file AUDIT.jsonl or --policy FILE")
    from mailjet_connector.agents.policy import load_policy

    path = load_policy(policy).audit_path
    if not path.exists():
        typer.echo(f"no audit log at {path} yet: no agent call has been recorded", err=True)
        return None
    return path


@audit_app.command("verify")
def audit_verify(
    file: AuditPathOption = None,
    policy: PolicyForAudit = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the audit log's chain and anchor; exit 1 naming what happened: edited, removed, reordered,
    inserted, truncated or rewritten. With --policy, a keyed chain is checked with the policy's key.

    Example:  mailjet-connector agents audit verify --policy agents.toml
    """
    from mailjet_connector.agents.audit_key import read_audit_key
    from mailjet_connector.agents.audit_verify import verify
    from mailjet_connector.agents.policy import load_policy

    path = _audit_file(file, policy)
    if path is None:
        raise typer.Exit(0)
    key = read_audit_key(load_policy(policy), os.environ) if policy is not None else None
    result = verify(path, key=key)
    if as_json:
        typer.echo(orjson.dumps(result.__dict__).decode())
    elif result.ok:
        note = f" ({result.note})" if result.note else ""
        typer.echo(f"ok: {result.records} records, chain intact{' (keyed)' if key else ''}{note}")
    else:
        where = f"line {result.line}: " if result.line is not None else ""
        typer.echo(
            f"TAMPERED: {where}{result.problem}: {result.reason} ({result.records} good records before it)"
        )
    raise typer.Exit(0 if result.ok else EXIT_ROWS_FAILED)


@audit_app.command("show")
def audit_show(
    file: AuditPathOption = None,
    policy: PolicyForAudit = None,
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent's calls.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only calls at or after this time (ISO 8601, UTC).")
    ] = None,
    denied: Annotated[bool, typer.Option("--denied", help="Only denied calls.")] = False,
    last: Annotated[int | None, typer.Option("--last", help="Only the last N matching calls.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSONL instead of a table.")] = False,
) -> None:
    """Show the audit log as a table (or JSONL), filtered by agent, time or decision.

    Example:  mailjet-connector agents audit show --policy agents.toml --agent analytics --denied
    """
    from mailjet_connector.agents.audit import iter_records

    path = _audit_file(file, policy)
    found = [] if path is None else iter_records(path, agent=agent, since=since)
    records = [r for r in found if not denied or r.get("decision") == "deny"]
    if last is not None:
        records = records[-last:] if last > 0 else []
    if as_json:
        for record in records:
            typer.echo(orjson.dumps(record).decode())
        return
    table = Table("seq", "time", "agent", "operation", "area", "decision", "status", "ms", "reason")
    for r in records:
        table.add_row(
            str(r.get("seq")),
            str(r.get("ts")),
            str(r.get("agent")),
            str(r.get("operation")),
            str(r.get("area") or ""),
            str(r.get("decision")),
            str(r.get("status") or ""),
            f"{r.get('duration_ms', 0):.1f}",
            str(r.get("reason") or ""),
        )
    make_console(width=200).print(table)
