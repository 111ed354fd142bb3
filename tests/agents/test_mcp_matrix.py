"""The policy matrix: for each area x access level x verb, through the MCP server and the HTTP gateway, the
decision matches the policy and no denied call reaches the emulator (checked in its request log)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession

from mailjet_connector import catalog
from mailjet_connector.agents.policy import Access
from mailjet_connector.catalog import Area, Verb
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.agents.gateway_support import GatewayEnv, agent, gateway_env
from tests.agents.mcp_support import SENDER, call, log_mark, run_session, tool_context, upstream_since

LEVELS = (Access.OFF, Access.READ, Access.WRITE)
VERBS = (Verb.GET, Verb.POST, Verb.PUT, Verb.DELETE)
SANDBOX_MESSAGE = {
    "From": {"Email": SENDER},
    "To": [{"Email": "a@example.org"}],
    "Subject": "s",
    "TextPart": "t",
}


@dataclass(frozen=True)
class Probe:
    """One call in `area` with `verb`: the catalog resource (or action) it goes to."""

    area: Area
    verb: Verb
    resource: str
    action: str | None = None


def probe(area: Area, verb: Verb) -> Probe | None:
    """A catalog resource of `area` that takes `verb` on its own (no parent, no required filter), else a
    sub-action of that area; None when the area has no such call."""
    for res in catalog.all_resources():
        plain = not res.computed and res.parent is None and not any(f.required for f in res.filters)
        if res.area is area and verb in res.verbs and plain and res.api == "REST":
            return Probe(area, verb, res.name)
    for res, act in ((r, a) for r in catalog.all_resources() for a in r.actions):
        if (act.area or res.area) is area and verb in act.verbs:
            return Probe(area, verb, res.name, act.name)
    return None


CASES = [
    (p, level)
    for area, verb in itertools.product(Area, VERBS)
    if (p := probe(area, verb)) is not None
    for level in LEVELS
]


def expected(level: Access, verb: Verb) -> bool:
    """The policy's rule, stated independently of `decide`: write needs WRITE, a read needs READ or more."""
    return level is Access.WRITE or (level is Access.READ and verb is Verb.GET)


def name_of(p: Probe, level: Access) -> str:
    return f"{p.area.value}-{level.value}"


def policy_agent(p: Probe, level: Access) -> Any:
    # Live sending on, so that the matrix is about area x access x verb (sandbox rules: test_mcp.py).
    return agent(name_of(p, level), {p.area: level} if level is not Access.OFF else {}, send_live=True)


def test_every_area_has_a_probe_for_each_verb_it_supports() -> None:
    assert {p.area for p, _ in CASES} == set(Area)
    assert len(CASES) >= 60


# MCP -------------------------------------------------------------------------------------------------------


def mcp_call(p: Probe) -> tuple[str, dict[str, Any]] | None:
    """The tool call that makes `p`'s API call (None: no tool does that call, e.g. a bare schedule PUT)."""
    if p.action is None:
        return {
            Verb.GET: ("list", {"resource": p.resource, "limit": 1}),
            Verb.POST: ("create", {"resource": p.resource, "data": {}}),
            Verb.PUT: ("update", {"resource": p.resource, "key": 1, "data": {}}),
            Verb.DELETE: ("delete", {"resource": p.resource, "key": 1}),
        }[p.verb]
    if p.area is Area.SEND and p.verb is Verb.POST:
        return "send", {"messages": [SANDBOX_MESSAGE]}
    if p.area is Area.SEND and p.verb is Verb.DELETE:
        return "campaign", {"step": "cancel", "draft_id": 1}
    return None


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=0) as running:
        yield running


MCP_CASES = [(p, level) for p, level in CASES if mcp_call(p) is not None]


@pytest.mark.parametrize(("p", "level"), MCP_CASES, ids=[f"{name_of(p, lv)}-{p.verb}" for p, lv in MCP_CASES])
def test_mcp_decision_matches_the_policy(
    server: EmulatorServer, tmp_path: Path, p: Probe, level: Access
) -> None:
    tool, args = mcp_call(p)  # type: ignore[misc]
    mark = log_mark(server)

    async def scenario(session: ClientSession) -> Any:
        return await call(session, tool, **args)

    with tool_context(server, policy_agent(p, level), tmp_path) as ctx:
        answer = run_session(ctx, scenario)
    denied = answer.error and "denied: " in answer.text
    assert denied is not expected(level, p.verb), answer.text
    if denied:
        assert upstream_since(server, mark) == []


# Gateway ---------------------------------------------------------------------------------------------------


def gateway_request(p: Probe) -> tuple[str, str, dict[str, Any]]:
    if p.area is Area.SEND and p.verb is Verb.POST:
        return "POST", "/v3.1/send", {"json": {"SandboxMode": True, "Messages": [SANDBOX_MESSAGE]}}
    res = catalog.get(p.resource)
    if p.action is not None:
        return p.verb.value, f"{res.path}/1/{p.action}", {"json": {}} if p.verb is not Verb.GET else {}
    if p.verb in (Verb.GET, Verb.POST):
        return p.verb.value, res.path, {"json": {}} if p.verb is Verb.POST else {}
    return p.verb.value, f"{res.path}/1", {"json": {}} if p.verb is Verb.PUT else {}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayEnv]:
    agents = {name_of(p, level): policy_agent(p, level) for p, level in CASES}
    with gateway_env(tmp_path_factory.mktemp("gateway"), list(agents.values())) as env:
        yield env


def test_gateway_decisions_match_the_policy(gateway: GatewayEnv) -> None:
    wrong = []
    for p, level in CASES:
        method, path, kwargs = gateway_request(p)
        before = len(gateway.state.request_log)
        response = gateway.call(name_of(p, level), method, path, **kwargs)
        reached = gateway.upstream_paths()[before:]
        # Allowed: forwarded to the emulator. Denied: a 403 from the gateway and nothing forwarded.
        right = bool(reached) if expected(level, p.verb) else response.status_code == 403 and not reached
        if not right:
            wrong.append((name_of(p, level), method, path, response.status_code, reached))
    assert wrong == []
