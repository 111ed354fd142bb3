"""Generated policies x generated MCP tool calls (#16): what the reference decision denies never reaches the
emulator (no write, no read of the object); what it allows does. The tool arguments carry the attacks: keys
with dot segments, slashes and spaces, list IDs as text, field names in another case, Alt forms, objects of
other lists written by ID, live sends, campaign sends of drafts for other lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mailjet_connector.agents.policy import Access, AgentPolicy
from mailjet_connector.agents.tools import ToolError
from mailjet_connector.agents.tools_contacts import contacts
from mailjet_connector.agents.tools_resources import create, get, update
from mailjet_connector.agents.tools_send import campaign, send
from mailjet_connector.catalog import Area
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.agents.call_specs import AREAS, ListRef, Spec, agents, list_refs
from tests.agents.gateway_support import agent
from tests.agents.mcp_support import SENDER, tool_context
from tests.agents.reference import World, allowed

TOOL_KINDS = ("recipient_put", "widget_put", "wcv_put", "recipient_post", "list_put", "list_put_alt",
              "list_create", "send31", "draft_send", "contact_put", "manage", "read")  # fmt: skip
KEY_TRICKS = {
    "none": None,
    "space_id": " {k}",
    "dot_key": "../{k}",
    "slash_key": "{k}/..",
    "encoded": "%2e%2e",
}


@dataclass(frozen=True)
class ToolSpec:
    spec: Spec
    key_trick: str = "none"
    field_case: bool = False


@st.composite
def tool_specs(draw: st.DrawFn) -> ToolSpec:
    kind = draw(st.sampled_from(TOOL_KINDS))
    refs = draw(st.lists(list_refs, max_size=1))
    spec = Spec(
        kind=kind,
        target=draw(st.integers(1, 6)),
        lists=tuple(refs),
        sandbox=draw(st.booleans()),
        recipients=(draw(st.integers(1, 3)),),
        resource=draw(st.sampled_from(("message", "contact", "apikey", "listrecipient"))),
    )
    return ToolSpec(spec, draw(st.sampled_from(tuple(KEY_TRICKS))), draw(st.booleans()))


def mcp_allowed(who: AgentPolicy, tool: ToolSpec, world: World) -> bool:
    """The reference, plus what the tools refuse before any call: a key that is not one, a field name not
    spelled as the catalog spells it, an Alt form (not a field), a list ID that is not an integer."""
    spec = tool.spec
    keyed = spec.kind not in ("recipient_post", "list_create", "send31", "manage")
    if keyed and tool.key_trick != "none":
        return False
    named = (
        spec.lists if spec.kind in ("recipient_post", "recipient_put", "widget_put", "contact_put") else ()
    )
    if named and (tool.field_case or any(ref.form != "id" for ref in named)):
        return False  # the tools take the catalog's field names only
    if spec.kind == "contact_put" and spec.lists:
        return False  # a contact has no ListID field
    if spec.kind == "recipient_post" and not spec.lists:
        return False  # ListID is required to create a subscription
    if spec.kind == "manage" and not spec.lists:
        return False  # subscribe needs a list
    if spec.kind == "send31":
        spec = replace(spec, sandbox_key="SandboxMode")
    if spec.kind == "draft_send" and not (
        who.access(Area.CAMPAIGNS) is not Access.OFF and who.access(Area.LISTS) is not Access.OFF
    ):
        return False  # the preview reads the draft and its list
    if spec.kind == "manage":
        spec = replace(spec, lists=(ListRef("id", spec.lists[0].list_id),))
        if who.access(Area.CONTACTS) is not Access.WRITE:
            return False  # subscribe may create the contact
    return allowed(who, spec, world)


def run_tool(ctx: Any, tool: ToolSpec, world: World) -> None:
    spec, t = tool.spec, tool.spec.target
    trick = KEY_TRICKS[tool.key_trick]

    def key(value: int | str) -> str | int:
        return trick.format(k=value) if trick else value

    data: dict[str, Any] = {}
    for ref in spec.lists:
        name = {"id": "ListID", "alt": "ListAlt", "bare": "List"}[ref.form]
        name = name.lower() if tool.field_case else name
        data[name] = (
            world.address(ref.list_id)
            if ref.form == "alt"
            else (str(ref.list_id) if ref.as_text else ref.list_id)
        )
    if spec.kind == "recipient_put":
        update(ctx, "listrecipient", key(t * 7), {"IsUnsubscribed": True, **data})
    elif spec.kind == "widget_put":
        update(ctx, "widget", key(1 + t % 3), {"Name": "w", **data})
    elif spec.kind == "wcv_put":
        update(ctx, "widgetcustomvalue", key(1 + t % 3), {"Value": "v"})
    elif spec.kind == "recipient_post":
        create(ctx, "listrecipient", {"ContactID": t, **data})
    elif spec.kind == "list_put":
        update(ctx, "contactslist", key(1 + t % 5), {"IsDeleted": False})
    elif spec.kind == "list_put_alt":
        update(ctx, "contactslist", key(world.address(1 + t % 5)), {"IsDeleted": False})
    elif spec.kind == "list_create":
        create(ctx, "contactslist", {"Name": f"gen-{t}"})
    elif spec.kind == "send31":
        send(ctx, to=[f"r{i}@example.org" for i in range(spec.recipients[0])], subject="s", text="t",
             from_email=SENDER, live=not spec.sandbox)  # fmt: skip
    elif spec.kind == "draft_send":
        campaign(ctx, "send", draft_id=key(t))  # type: ignore[arg-type]
    elif spec.kind == "contact_put":
        update(ctx, "contact", key(t), {"Name": "n", **data})
    elif spec.kind == "manage":
        contacts(
            ctx, "subscribe", [f"c{t}@example.org"], list_id=spec.lists[0].list_id if spec.lists else None
        )
    else:
        get(ctx, spec.resource, key(t))


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", frozen=True) as running:
        yield running


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(who=agents(), tool=tool_specs())
@example(  # found in CI: a key escaped twice ("%2e%2e") reached Mailjet as a list Address
    who=agent("gen", dict.fromkeys(AREAS, Access.WRITE)),
    tool=ToolSpec(Spec(kind="list_put", target=1), key_trick="encoded"),
)
def test_denied_tool_calls_never_reach_the_emulator(
    server: EmulatorServer, tmp_path: Path, who: AgentPolicy, tool: ToolSpec
) -> None:
    assert server.state is not None
    world = World(next(iter(server.state.accounts.values())))
    verdict = mcp_allowed(who, tool, world)
    mark = len(server.state.request_log)
    with tool_context(server, who, tmp_path) as ctx:
        try:
            run_tool(ctx, tool, world)
            outcome = "ok"
        except ToolError as exc:
            outcome = str(exc)
    reached = [(e["method"], e["path"]) for e in server.state.request_log[mark:]]
    if verdict:
        assert not outcome.startswith("denied:"), (outcome, tool, who)
        assert reached, (outcome, tool, who)
    else:
        assert outcome != "ok", (tool, who)
        writes = [r for r in reached if r[0] != "GET"]
        assert writes == [], (writes, outcome, tool, who)
