"""The agent tools as plain functions (no MCP): validation before any call, result shapes, confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.agents.policy import Access
from mailjet_connector.agents.tools import ToolContext, ToolDenied, ToolError
from mailjet_connector.agents.tools_confirm import ConfirmationError, Confirmations
from mailjet_connector.agents.tools_resources import count, delete, get, list_rows, resources
from mailjet_connector.agents.tools_send import send
from mailjet_connector.agents.tools_stats import summarise
from mailjet_connector.catalog import Area
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.agents.gateway_support import FakeClock, agent
from tests.agents.mcp_support import SENDER, log_mark, tool_context, upstream_since

ALL_WRITE = {area: Access.WRITE for area in Area}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=0) as running:
        yield running


@pytest.fixture
def ctx(server: EmulatorServer, tmp_path: Path) -> Iterator[ToolContext]:
    with tool_context(server, agent("ops", ALL_WRITE), tmp_path) as made:
        yield made


def audit_lines(tmp_path: Path) -> list[dict]:
    return [orjson.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]


def test_list_pages_with_total_and_next_offset(ctx: ToolContext) -> None:
    first = list_rows(ctx, "contact", fields=["ID", "Email"], limit=3)
    assert (first["count"], first["total"], first["next_offset"]) == (3, 200, 3)
    assert all(set(row) == {"ID", "Email"} for row in first["rows"])
    second = list_rows(ctx, "contact", fields=["ID"], limit=3, offset=first["next_offset"])
    assert [r["ID"] for r in second["rows"]] == [4, 5, 6]
    last = list_rows(ctx, "contact", fields=["ID"], limit=50, offset=190)
    assert (last["count"], last["next_offset"]) == (10, None)


def test_list_filters_and_sort_come_from_the_catalog(ctx: ToolContext) -> None:
    excluded = list_rows(
        ctx, "contact", {"IsExcludedFromCampaigns": True}, fields=["IsExcludedFromCampaigns"]
    )
    assert excluded["total"] == count(ctx, "contact", {"IsExcludedFromCampaigns": True})["total"] > 0
    assert all(row["IsExcludedFromCampaigns"] for row in excluded["rows"])
    last = list_rows(ctx, "contact", fields=["Email"], limit=5, sort="email desc")["rows"]
    assert [r["Email"] for r in last] == sorted((r["Email"] for r in last), reverse=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": {"Nope": 1}}, "contact has no filter 'Nope'"),
        ({"fields": ["Nope"]}, "contact has no field 'Nope'"),
        ({"sort": "ID DESC"}, "cannot sort contact by 'ID DESC'"),
        ({"limit": 1000}, "limit must be 1-100"),
    ],
)
def test_bad_arguments_fail_before_any_api_call(
    ctx: ToolContext, server: EmulatorServer, kwargs: dict, message: str
) -> None:
    mark = log_mark(server)
    with pytest.raises(ToolError, match=message):
        list_rows(ctx, "contact", **kwargs)
    assert upstream_since(server, mark) == []


def test_parent_scoped_resources_need_their_filter(ctx: ToolContext, server: EmulatorServer) -> None:
    mark = log_mark(server)
    with pytest.raises(ToolError, match="messagehistory needs the filter 'Message'"):
        list_rows(ctx, "messagehistory")
    assert upstream_since(server, mark) == []


def test_secret_fields_never_reach_the_agent(ctx: ToolContext) -> None:
    described = resources(ctx, "apikey")
    assert "SecretKey" not in [f["name"] for f in described["fields"]]
    row = get(ctx, "apikey", list_rows(ctx, "apikey", limit=1)["rows"][0]["ID"])["row"]
    assert "SecretKey" not in row
    with pytest.raises(ToolError, match="no field 'SecretKey'"):
        list_rows(ctx, "apikey", fields=["SecretKey"])


def test_resources_lists_only_what_the_agent_may_read(server: EmulatorServer, tmp_path: Path) -> None:
    reader = agent("reader", {Area.LISTS: Access.READ})
    with tool_context(server, reader, tmp_path) as made:
        overview = resources(made)
        assert {r["area"] for r in overview["resources"]} == {"lists"}
        assert all(r["verbs"] == ["GET"] for r in overview["resources"])
        with pytest.raises(ToolDenied, match="no access to area 'contacts'"):
            resources(made, "contact")


def test_delete_takes_a_token_bound_to_its_arguments(ctx: ToolContext, server: EmulatorServer) -> None:
    created = ctx.client.create("contactslist", {"Name": "Doomed"})
    assert created is not None
    list_id = created["ID"]
    preview = delete(ctx, "contactslist", list_id)
    assert (
        preview["would_delete"]["Name"] == "Doomed"
        and not ctx.client.get("contactslist", list_id)["IsDeleted"]
    )
    with pytest.raises(ToolError, match="issued for another call"):
        delete(ctx, "contactslist", 1, confirm=preview["confirm"])
    again = delete(ctx, "contactslist", list_id)
    assert delete(ctx, "contactslist", list_id, confirm=again["confirm"]) == {
        "resource": "contactslist",
        "deleted": str(list_id),
    }
    assert ctx.client.get("contactslist", list_id)["IsDeleted"]  # Mailjet's soft delete
    with pytest.raises(ToolError, match="already used"):
        delete(ctx, "contactslist", list_id, confirm=again["confirm"])


def test_confirmation_tokens_expire() -> None:
    clock = FakeClock()
    store = Confirmations(ttl=60, clock=clock)
    token = store.issue("a", "delete", {"key": "1"})
    clock.now += 61
    with pytest.raises(ConfirmationError, match="expired"):
        store.redeem(token, "a", "delete", {"key": "1"})
    fresh = store.issue("a", "delete", {"key": "1"})
    with pytest.raises(ConfirmationError, match="another call"):
        store.redeem(fresh, "b", "delete", {"key": "1"})  # another agent cannot use it


def test_send_is_sandboxed_by_default(ctx: ToolContext, server: EmulatorServer) -> None:
    assert server.state is not None
    mark = log_mark(server)
    answer = send(ctx, to=["a@example.org", "b@example.org"], subject="Hi", text="Hello", from_email=SENDER)
    assert (answer["sandbox"], answer["messages"], answer["recipients"], answer["ok"]) == (True, 2, 2, 2)
    assert upstream_since(server, mark) == [("POST", "/v3.1/send")]


def test_send_needs_recipients_and_content(ctx: ToolContext, server: EmulatorServer) -> None:
    mark = log_mark(server)
    with pytest.raises(ToolError, match="no recipients"):
        send(ctx, subject="Hi", text="x", from_email=SENDER)
    with pytest.raises(ToolError, match="no content"):
        send(ctx, to=["a@example.org"], from_email=SENDER)
    assert upstream_since(server, mark) == []


def test_every_call_is_audited_with_counts(server: EmulatorServer, tmp_path: Path) -> None:
    with tool_context(server, agent("audited", {Area.CONTACTS: Access.READ}), tmp_path) as made:
        list_rows(made, "contact", limit=2)
        with pytest.raises(ToolDenied):
            count(made, "campaign")
    allowed, denied = audit_lines(tmp_path)
    assert (allowed["operation"], allowed["decision"], allowed["counts"]) == (
        "mcp list contact",
        "allow",
        {"count": 2, "total": 200},
    )
    assert (denied["decision"], denied["area"], denied["status"]) == ("deny", "campaigns", 403)


@given(
    processed=st.integers(0, 10_000),
    delivered=st.integers(0, 10_000),
    opened=st.integers(0, 10_000),
)
def test_rates_are_ratios_or_none(processed: int, delivered: int, opened: int) -> None:
    row = {"Total": processed, "MessageSentCount": delivered, "MessageOpenedCount": opened, "Timeslice": ""}
    summary = summarise(row)
    assert summary["timeslice"] == "lifetime"
    assert summary["rates"]["delivery"] == (round(delivered / processed, 4) if processed else None)
    assert summary["rates"]["open"] == (round(opened / delivered, 4) if delivered else None)


def test_failed_calls_are_audited_with_mailjet_status(server: EmulatorServer, tmp_path: Path) -> None:
    who = agent("failing", {Area.LISTS: Access.READ})
    with tool_context(server, who, tmp_path) as made, pytest.raises(ToolError, match="404"):
        get(made, "contactslist", 999_999)
    (record,) = audit_lines(tmp_path)
    assert (record["decision"], record["status"], record["operation"]) == (
        "allow",
        404,
        "mcp get contactslist/999999",
    )
