"""The policy matrix through the MCP server: for each area x access level x verb (the cases the gateway
matrix uses, `tests/agents/matrix_cases.py`), the tool's decision matches the policy and no denied call
reaches the emulator (checked in its request log)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession

from mailjet_connector.agents.policy import Access
from mailjet_connector.catalog import Area, Verb
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.agents.gateway_support import agent
from tests.agents.matrix_cases import MISSING_ID, SANDBOX_BODY, Case, expected, matrix_cases
from tests.agents.mcp_support import call, log_mark, run_session, tool_context, upstream_since

LEVELS = (Access.OFF, Access.READ, Access.WRITE)


def mcp_call(case: Case) -> tuple[str, dict[str, Any]] | None:
    """The tool call that makes the case's API call; None when no tool makes it (a bare action such as
    `campaigndraft/{id}/schedule` PUT: the gateway matrix covers those)."""
    request = case.request
    if case.area is Area.SEND and case.verb is Verb.POST:
        return "send", {"messages": SANDBOX_BODY["Messages"]}
    if request.action is None and request.resource is not None:
        return {
            Verb.GET: ("list", {"resource": request.resource, "limit": 1}),
            Verb.POST: ("create", {"resource": request.resource, "data": {}}),
            Verb.PUT: ("update", {"resource": request.resource, "key": MISSING_ID, "data": {}}),
            Verb.DELETE: ("delete", {"resource": request.resource, "key": MISSING_ID}),
        }[case.verb]
    if request.action == "schedule" and case.verb is Verb.DELETE:
        return "campaign", {"step": "cancel", "draft_id": MISSING_ID}
    return None


CASES = [case for case in matrix_cases() if mcp_call(case) is not None]
AGENTS = [(area, level) for area in Area for level in LEVELS]


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=0) as running:
        yield running


def test_the_mcp_matrix_covers_every_area_and_the_tools() -> None:
    assert {case.area for case in CASES} == set(Area)
    assert {mcp_call(case)[0] for case in CASES} == {"list", "create", "update", "delete", "send", "campaign"}  # type: ignore[index]


@pytest.mark.parametrize(("area", "level"), AGENTS, ids=[f"{a.value}-{lv.value}" for a, lv in AGENTS])
def test_mcp_decisions_match_the_policy(
    server: EmulatorServer, tmp_path: Path, area: Area, level: Access
) -> None:
    cases = [case for case in CASES if case.area is area]

    async def scenario(session: ClientSession) -> list[Any]:
        wrong = []
        for case in cases:
            tool, args = mcp_call(case)  # type: ignore[misc]
            mark = log_mark(server)
            answer = await call(session, tool, **args)
            denied = answer.error and "denied: " in answer.text
            reached = upstream_since(server, mark)
            if denied is expected(level, case, send_live=True) or (denied and reached):
                wrong.append((case.id, tool, answer.text[:120], reached))
        return wrong

    # Live sending on, so that the matrix is about area x access x verb (the sandbox rule: test_mcp.py).
    who = agent(
        f"{area.value}-{level.value}", {area: level} if level is not Access.OFF else {}, send_live=True
    )
    with tool_context(server, who, tmp_path) as ctx:
        assert run_session(ctx, scenario) == []
