"""The MCP server through the SDK's in-memory client against a served emulator: every tool, every denial."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import duckdb
import orjson
import pytest
import uvicorn
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from typer.testing import CliRunner

from mailjet_connector.agents.mcp_server import build_server
from mailjet_connector.agents.policy import Access, Limits
from mailjet_connector.agents.tokens import hash_token
from mailjet_connector.catalog import Area
from mailjet_connector.cli import app
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.emulator.server import EmulatorServer, bind_socket, start_emulator
from tests.agents.gateway_support import agent
from tests.agents.mcp_support import SENDER, call, log_mark, run_session, tool_context, upstream_since

ALL_WRITE = {area: Access.WRITE for area in Area}
TOOL_NAMES = {"resources", "list", "get", "count", "create", "update", "delete", "send", "contacts", "campaign",
              "stats_summary", "query"}  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=0) as running:
        yield running


def dataset(tmp_path: Path) -> str:
    """A small synced-looking DuckDB dataset: the default schema, tables contact and message."""
    path = tmp_path / "synced.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"create schema {DEFAULT_DATASET}")
        conn.execute(
            f"create table {DEFAULT_DATASET}.contact as select range as id, 'c' || range || '@x.org' as email from range(5)"
        )
        conn.execute(
            f"create table {DEFAULT_DATASET}.message as select range as id, "
            "case when range % 3 = 0 then 'opened' else 'sent' end as status from range(9)"
        )
    return str(path)


def session_run(server: EmulatorServer, tmp_path: Path, who: Any, scenario: Any, **kwargs: Any) -> Any:
    with tool_context(server, who, tmp_path, **kwargs) as ctx:
        return run_session(ctx, scenario)


def test_tools_are_listed_with_catalog_descriptions(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    tools = session_run(server, tmp_path, agent("reader", {Area.LISTS: Access.READ}), scenario)
    by_name = {t.name: t for t in tools}
    assert set(by_name) == TOOL_NAMES
    assert "contactslist" in by_name["list"].description and "contact," not in by_name["list"].description
    assert "your policy allows none" in (by_name["create"].description or "")
    assert by_name["list"].annotations.readOnlyHint and by_name["delete"].annotations.destructiveHint


def test_read_tools(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> dict[str, Any]:
        return {
            "resources": await call(session, "resources"),
            "resource": await call(session, "resources", name="contactslist"),
            "list": await call(session, "list", resource="contactslist", fields=["ID", "Name"], limit=2),
            "get": await call(
                session, "get", resource="contact", key="ken.knuth1@example.com", fields=["ID"]
            ),
            "count": await call(session, "count", resource="contactslist", filters={"Name": "Newsletter"}),
        }

    got = session_run(
        server, tmp_path, agent("reader", {Area.LISTS: Access.READ, Area.CONTACTS: Access.READ}), scenario
    )
    assert not any(answer.error for answer in got.values()), got
    assert got["resources"].data["count"] == len(got["resources"].data["resources"]) > 0
    assert {"Name", "Address"} <= {f["name"] for f in got["resource"].data["fields"]}
    listed = got["list"].data
    assert (listed["count"], listed["next_offset"], listed["rows"][0]) == (
        2,
        2,
        {"ID": 1, "Name": "Newsletter"},
    )
    assert got["get"].data == {"resource": "contact", "row": {"ID": 1}}
    assert got["count"].data == {"resource": "contactslist", "total": 1}


def test_write_tools_and_two_step_delete(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> dict[str, Any]:
        created = await call(session, "create", resource="contactslist", data={"Name": "From an agent"})
        list_id = created.data["created"]["ID"]
        updated = await call(
            session, "update", resource="contactslist", key=list_id, data={"Name": "Renamed"}
        )
        preview = await call(session, "delete", resource="contactslist", key=list_id)
        done = await call(
            session, "delete", resource="contactslist", key=list_id, confirm=preview.data["confirm"]
        )
        return {"created": created, "updated": updated, "preview": preview, "done": done, "id": list_id}

    got = session_run(server, tmp_path, agent("writer", {Area.LISTS: Access.WRITE}), scenario)
    assert got["updated"].data["row"]["Name"] == "Renamed"
    assert got["preview"].data["would_delete"]["Name"] == "Renamed" and "confirm" in got["preview"].data
    assert got["done"].data == {"resource": "contactslist", "deleted": str(got["id"])}
    assert server.state is not None
    assert (
        server.state.accounts[server.api_key]
        .table("contactslist")
        .records([server.state.accounts[server.api_key].table("contactslist").position(got["id"])])[0][
            "IsDeleted"
        ]
    )


def test_send_sandbox_by_default_and_live_when_allowed(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> list[Any]:
        simple = await call(session, "send", to=["a@example.org"], subject="Hi {{var:n}}", text="Hello",
                            from_email=SENDER, variables={"n": 1})  # fmt: skip
        raw = [
            {"From": {"Email": SENDER}, "To": [{"Email": "b@example.org"}], "Subject": "S", "TextPart": "T"}
        ]
        live = await call(session, "send", messages=raw, live=True)
        return [simple, live]

    simple, live = session_run(
        server, tmp_path, agent("sender", {Area.SEND: Access.WRITE}, send_live=True), scenario
    )
    assert (simple.data["sandbox"], simple.data["ok"], simple.data["recipients"]) == (True, 1, 1)
    assert (live.data["sandbox"], live.data["ok"]) == (False, 1)
    assert live.data["results"][0]["message_ids"][0] > 0  # a live send gets real message IDs


def test_contacts_provisioning(server: EmulatorServer, tmp_path: Path) -> None:
    email = "new.agent.contact@example.org"

    async def scenario(session: ClientSession) -> list[Any]:
        answers = [await call(session, "contacts", action=a, emails=[email], list_id=2)
                   for a in ("subscribe", "unsubscribe", "exclude", "include")]  # fmt: skip
        preview = await call(session, "contacts", action="forget", emails=[email, "nobody@example.org"])
        done = await call(session, "contacts", action="forget", emails=[email, "nobody@example.org"],
                          confirm=preview.data["confirm"])  # fmt: skip
        return [*answers, preview, done]

    who = agent("crm", {Area.CONTACTS: Access.WRITE, Area.LISTS: Access.WRITE})
    *verbs, preview, done = session_run(server, tmp_path, who, scenario)
    assert [a.data["results"][0]["detail"] for a in verbs] == [
        "created and subscribed",
        "unsubscribed",
        "excluded",
        "included",
    ]
    assert preview.data["count"] == 1 and preview.data["unknown"] == ["nobody@example.org"]
    assert (done.data["ok"], done.data["failed"]) == (1, 1)


def test_campaign_workflow(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> dict[str, Any]:
        made = await call(session, "campaign", step="create", contacts_list="Newsletter", subject="News",
                          from_email=SENDER, from_name="News")  # fmt: skip
        draft = made.data["draft_id"]
        steps = {"create": made}
        steps["content"] = await call(
            session, "campaign", step="content", draft_id=draft, html="<p>Hi</p>", text="Hi"
        )
        steps["test"] = await call(session, "campaign", step="test", draft_id=draft, to=["t@example.org"])
        when = "2030-01-01T09:00:00Z"
        preview = await call(session, "campaign", step="schedule", draft_id=draft, when=when)
        steps["schedule"] = await call(session, "campaign", step="schedule", draft_id=draft, when=when,
                                       confirm=preview.data["confirm"])  # fmt: skip
        steps["status"] = await call(session, "campaign", step="status", draft_id=draft)
        steps["cancel"] = await call(session, "campaign", step="cancel", draft_id=draft)
        steps["preview"] = await call(session, "campaign", step="send", draft_id=draft)
        steps["send"] = await call(session, "campaign", step="send", draft_id=draft,
                                   confirm=steps["preview"].data["confirm"])  # fmt: skip
        return steps

    areas = {Area.CAMPAIGNS: Access.WRITE, Area.LISTS: Access.READ, Area.SEND: Access.WRITE}
    steps = session_run(server, tmp_path, agent("marketer", areas, send_live=True), scenario)
    assert not any(answer.error for answer in steps.values()), steps
    assert steps["content"].data["content"] == ["html", "text"]
    assert steps["status"].data["status"] == "Programmed"
    assert steps["status"].data["scheduled_at"].startswith("2030-01-01")
    assert steps["preview"].data["audience"]["list"] == "Newsletter"
    assert steps["send"].data["status"]


def test_stats_summary_and_query(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> list[Any]:
        return [
            await call(session, "stats_summary"),
            await call(session, "stats_summary", resolution="Day"),
            await call(session, "stats_summary", source="List", source_id=1),
            await call(
                session, "query", sql="select status, count(*) as n from message group by 1 order by 1"
            ),
            await call(session, "query", sql="select id from message order by id", max_rows=4),
        ]

    who = agent("analyst", {Area.STATISTICS: Access.READ})
    life, daily, by_list, grouped, capped = session_run(
        server, tmp_path, who, scenario, dataset_url=dataset(tmp_path)
    )
    total = life.data["slices"][0]
    assert (life.data["count"], total["timeslice"]) == (1, "lifetime") and total["processed"] >= 500
    assert total["rates"]["delivery"] == round(total["delivered"] / total["processed"], 4)
    assert not daily.data["truncated"] and daily.data["count"] > 1
    assert sum(s["processed"] for s in daily.data["slices"]) == total["processed"]
    assert not by_list.error, by_list.data
    assert by_list.data["source"] == "List"
    assert grouped.data["rows"] == [{"status": "opened", "n": 3}, {"status": "sent", "n": 6}]
    assert (capped.data["count"], capped.data["truncated"]) == (4, True)


def test_bad_arguments_are_tool_errors(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> list[Any]:
        return [
            await call(session, "list", resource="nope"),
            await call(session, "query", sql="delete from contact"),
            await call(session, "get", resource="contactslist", key=999999),
            await call(session, "stats_summary", timing="Event"),  # Event x Lifetime (#17 item 1)
            await call(session, "stats_summary", source="List", source_id=1, resolution="Day"),
        ]

    unknown, write_sql, missing, event_lifetime, list_daily = session_run(
        server, tmp_path, agent("all", ALL_WRITE), scenario
    )
    assert (
        event_lifetime.error
        and "CounterResolution=Lifetime can only be used with CounterTiming=Message" in (event_lifetime.text)
    )
    assert list_daily.error and "CounterSource=List can only be used with" in list_daily.text
    assert unknown.error and "unknown resource 'nope'" in unknown.text
    assert write_sql.error and "only a SELECT runs here" in write_sql.text
    assert missing.error and "404" in missing.text


DENIALS: list[tuple[str, dict[str, Any], str, dict[str, Any], str]] = [
    ("area off", {"areas": {}}, "list", {"resource": "contact"}, "no access to area 'contacts'"),
    ("read-only create", {"areas": {Area.LISTS: Access.READ}}, "create",
     {"resource": "contactslist", "data": {"Name": "x"}}, "may only read area 'lists'"),
    ("read-only update", {"areas": {Area.LISTS: Access.READ}}, "update",
     {"resource": "contactslist", "key": 1, "data": {"Name": "x"}}, "may only read area 'lists'"),
    ("read-only delete", {"areas": {Area.LISTS: Access.READ}}, "delete",
     {"resource": "contactslist", "key": 1}, "may only read area 'lists'"),
    ("resources of an off area", {"areas": {}}, "resources", {"name": "campaign"}, "no access to area"),
    ("get off", {"areas": {}}, "get", {"resource": "contact", "key": 1}, "no access to area 'contacts'"),
    ("count off", {"areas": {}}, "count", {"resource": "campaign"}, "no access to area 'campaigns'"),
    ("unknown resource", {"areas": {}}, "list", {"resource": "nope"}, "unknown resource"),
    ("no send area", {"areas": {}}, "send", {"to": ["a@x.org"], "text": "t", "from_email": SENDER},
     "no access to area 'send'"),
    ("live without policy", {"areas": {Area.SEND: Access.WRITE}}, "send",
     {"to": ["a@x.org"], "text": "t", "from_email": SENDER, "live": True}, "only send in SandboxMode"),
    ("max recipients", {"areas": {Area.SEND: Access.WRITE}, "limits": Limits(max_recipients=1)}, "send",
     {"to": ["a@x.org", "b@x.org"], "text": "t", "from_email": SENDER}, "exceed this agent's limit of 1"),
    ("dry-run only", {"areas": {Area.LISTS: Access.WRITE}, "limits": Limits(dry_run_only=True)}, "create",
     {"resource": "contactslist", "data": {"Name": "x"}}, "dry-run only"),
    ("allowed lists", {"areas": {Area.CONTACTS: Access.WRITE}, "limits": Limits(allowed_lists=frozenset({1}))},
     "contacts", {"action": "subscribe", "emails": ["a@x.org"], "list_id": 2}, "may not write to contacts list 2"),
    ("forget read-only", {"areas": {Area.CONTACTS: Access.READ}}, "contacts",
     {"action": "forget", "emails": ["ken.knuth1@example.com"]}, "may only read area 'contacts'"),
    ("campaign test not live", {"areas": {Area.CAMPAIGNS: Access.WRITE, Area.SEND: Access.WRITE}}, "campaign",
     {"step": "test", "draft_id": 1, "to": ["t@x.org"]}, "only send in SandboxMode"),
    ("campaign send not live", {"areas": {Area.CAMPAIGNS: Access.WRITE, Area.LISTS: Access.READ,
     Area.SEND: Access.WRITE}}, "campaign", {"step": "send", "draft_id": 1}, "only send in SandboxMode"),
    ("campaign create read-only", {"areas": {Area.CAMPAIGNS: Access.READ, Area.LISTS: Access.READ}}, "campaign",
     {"step": "create", "contacts_list": "1", "subject": "s", "from_email": SENDER}, "may only read area 'campaigns'"),
    ("stats off", {"areas": {}}, "stats_summary", {}, "no access to area 'statistics'"),
    ("query without any area", {"areas": {}}, "query", {"sql": "select 1"}, "no access to area 'statistics'"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "who", "tool", "args", "reason"), DENIALS, ids=[d[0] for d in DENIALS])
def test_every_denial_is_an_error_and_reaches_nothing(
    server: EmulatorServer, tmp_path: Path, label: str, who: dict, tool: str, args: dict, reason: str
) -> None:
    mark = log_mark(server)

    async def scenario(session: ClientSession) -> Any:
        return await call(session, tool, **args)

    kwargs = {"limits": who["limits"]} if "limits" in who else {}
    answer = session_run(server, tmp_path, agent("denied", who["areas"], **kwargs), scenario)
    assert answer.error and "denied: " in answer.text and reason in answer.text, answer.text
    assert upstream_since(server, mark) == []
    record = orjson.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])
    assert (record["decision"], record["status"], record["operation"].split()[1]) == ("deny", 403, tool)


def test_calls_per_minute_is_enforced(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> list[Any]:
        return [await call(session, "count", resource="contactslist") for _ in range(3)]

    who = agent("slow", {Area.LISTS: Access.READ}, limits=Limits(calls_per_minute=2))
    mark = log_mark(server)
    answers = session_run(server, tmp_path, who, scenario)
    assert [a.error for a in answers] == [False, False, True]
    assert "2 calls per minute" in answers[2].text
    assert len(upstream_since(server, mark)) == 2


def test_dry_run_only_still_allows_sandbox_sends(server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario(session: ClientSession) -> Any:
        return await call(session, "send", to=["a@x.org"], text="t", from_email=SENDER)

    who = agent("dry", {Area.SEND: Access.WRITE}, limits=Limits(dry_run_only=True))
    answer = session_run(server, tmp_path, who, scenario)
    assert not answer.error and answer.data["sandbox"]


POLICY_TOML = """
[audit]
path = "audit.jsonl"

[agents.bot]
token_hash = "{token_hash}"
access = {{ lists = "read" }}
"""


def test_cli_serves_mcp_over_stdio_with_an_embedded_emulator(tmp_path: Path) -> None:
    policy = tmp_path / "agents.toml"
    policy.write_text(POLICY_TOML.format(token_hash=hash_token("a-long-enough-agent-token")))
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "mailjet_connector",
            "agents",
            "mcp",
            "--policy",
            str(policy),
            "--agent",
            "bot",
            "--emulator",
        ],
    )

    with open(tmp_path / "stderr.txt", "w") as errlog:

        async def run() -> list[Any]:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                return [
                    await call(session, "count", resource="contactslist"),
                    await call(session, "count", resource="contact"),
                ]

        lists, contacts = anyio.run(run)
    assert lists.data == {"resource": "contactslist", "total": 5}
    assert contacts.error and "no access to area 'contacts'" in contacts.text
    audit = [orjson.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [r["decision"] for r in audit] == ["allow", "deny"]


def test_streamable_http_transport(server: EmulatorServer, tmp_path: Path) -> None:
    with tool_context(server, agent("web", {Area.LISTS: Access.READ}), tmp_path) as ctx:
        app = build_server(ctx).streamable_http_app()
        sock = bind_socket("127.0.0.1", 0)
        http = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=http.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            while not http.started:  # uvicorn's own start flag: a short real wait, no clock to inject
                time.sleep(0.01)
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"

            async def run() -> Any:
                async with (
                    streamable_http_client(url) as (read, write, _),
                    ClientSession(read, write) as session,
                ):
                    await session.initialize()
                    return await call(session, "list", resource="contactslist", fields=["Name"], limit=1)

            answer = anyio.run(run)
        finally:
            http.should_exit = True
            thread.join(10)
    assert answer.data["rows"] == [{"Name": "Newsletter"}]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--agent", "nobody"], "unknown agent 'nobody'"),
        (["--agent", "bot", "--transport", "sse"], "stdio or http"),
    ],
)
def test_cli_refuses_unknown_agents_and_transports(tmp_path: Path, extra: list[str], message: str) -> None:
    policy = tmp_path / "agents.toml"
    policy.write_text(POLICY_TOML.format(token_hash=hash_token("a-long-enough-agent-token")))
    result = CliRunner().invoke(app, ["agents", "mcp", "--policy", str(policy), *extra])
    assert result.exit_code == 2 and message in result.output
