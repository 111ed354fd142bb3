"""Policy matrix: every area x access level x verb, through `decide` and through the gateway.

Through the gateway, an allowed call must reach the emulator exactly once and a denied one never (checked
in the emulator's request log), whatever the emulator then answers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailjet_connector.agents.policy import Access, decide
from mailjet_connector.catalog import Area, Verb
from tests.agents.gateway_support import GatewayEnv, agent, gateway_env
from tests.agents.matrix_cases import LIVE_SEND, Case, expected, matrix_cases

CASES = matrix_cases()
GRID = [(case, access) for case in CASES for access in Access]


def agent_name(area: Area, access: Access) -> str:
    return f"{area.value}-{access.value}"


AGENTS = [agent(agent_name(area, access), {area: access}) for area in Area for access in Access]
LIVE_AGENT = agent("send-live", {Area.SEND: Access.WRITE}, send_live=True)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayEnv]:
    with gateway_env(tmp_path_factory.mktemp("matrix"), [*AGENTS, LIVE_AGENT]) as made:
        yield made


def test_the_matrix_covers_every_area_and_verb() -> None:
    assert {(c.area, c.verb) for c in CASES} == {(area, verb) for area in Area for verb in Verb}
    assert len(CASES) == 40 and sum(c.supported for c in CASES) >= 37


@pytest.mark.parametrize(("case", "access"), GRID, ids=[f"{c.id}-{a.value}" for c, a in GRID])
def test_decide_matches_the_policy(case: Case, access: Access) -> None:
    decision = decide(agent(agent_name(case.area, access), {case.area: access}), case.request)
    assert decision.allowed is expected(access, case), decision.reason
    if case.supported:
        assert decision.area is case.area


@pytest.mark.parametrize(("case", "access"), GRID, ids=[f"{c.id}-{a.value}" for c, a in GRID])
def test_gateway_matches_the_policy_and_denied_calls_never_reach_the_emulator(
    env: GatewayEnv, case: Case, access: Access
) -> None:
    before = len(env.state.request_log)
    response = env.call(agent_name(case.area, access), case.method, case.path, json=case.body)
    reached = len(env.state.request_log) - before
    if expected(access, case):
        assert reached == 1, response.text
        assert env.state.request_log[-1]["path"] == case.path
    else:
        assert reached == 0
        assert response.status_code == 403 and response.json()["StatusCode"] == 403


def test_live_sends_need_send_live(env: GatewayEnv) -> None:
    before = len(env.state.request_log)
    denied = env.call(agent_name(Area.SEND, Access.WRITE), "POST", LIVE_SEND.path, json=LIVE_SEND.body)
    assert denied.status_code == 403 and len(env.state.request_log) == before
    assert not expected(Access.WRITE, LIVE_SEND) and expected(Access.WRITE, LIVE_SEND, send_live=True)
    allowed = env.call("send-live", "POST", LIVE_SEND.path, json=LIVE_SEND.body)
    assert allowed.status_code == 200 and len(env.state.request_log) == before + 1
