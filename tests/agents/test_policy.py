"""The policy: loading and validating the TOML file, tokens, `decide`'s rules, payload inspection, budgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.agents.policy import (
    Access,
    Limits,
    PolicyError,
    Request,
    SendInfo,
    decide,
    hash_token,
    load_policy,
)
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.agents.tokens import check_token, new_token
from mailjet_connector.catalog import Area
from mailjet_connector.errors import ConfigError
from tests.agents.gateway_support import FakeClock, agent, token_for

HASH = hash_token("a-long-enough-agent-token")

GOOD = f"""
[audit]
path = "logs/audit.jsonl"
redact_emails = false

[agents.analytics]
token_hash = "{HASH}"
[agents.analytics.access]
statistics = "read"
contacts = "read"
[agents.analytics.limits]
calls_per_minute = 60

[agents.sender]
token_hash = "{HASH}"
send = "live"
[agents.sender.access]
send = "write"
[agents.sender.limits]
max_recipients = 10
allowed_lists = [1, 2]
dry_run_only = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_policy_reads_agents_access_limits_and_audit(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, GOOD))
    assert policy.audit_path == tmp_path / "logs" / "audit.jsonl"
    assert policy.redact_emails is False
    analytics = policy.agent("analytics")
    assert analytics.access(Area.STATISTICS) is Access.READ
    assert analytics.access(Area.SEND) is Access.OFF  # deny by default
    assert analytics.limits == Limits(calls_per_minute=60)
    sender = policy.agent("sender")
    assert sender.send_live is True
    assert sender.limits == Limits(10, None, frozenset({1, 2}), True)
    assert sender.check_token("a-long-enough-agent-token")
    assert not sender.check_token("a-long-enough-agent-tokeN")


def test_policy_defaults_audit_next_to_the_file_with_redaction(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, f'[agents.a]\ntoken_hash = "{HASH}"\n'))
    assert policy.audit_path == tmp_path / "audit.jsonl"
    assert policy.redact_emails is True
    assert policy.agent("a").areas == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'[agents.a]\ntoken_hash = "{HASH}"\n[agents.a.access]\nstats = "read"\n', "agents.a.access.stats"),
        (f'[agents.a]\ntoken_hash = "{HASH}"\n[agents.a.access]\nsend = "all"\n', "'all' is not one of"),
        ('[agents.a]\n[agents.a.access]\nsend = "read"\n', "agents.a.token_hash: missing"),
        ('[agents.a]\ntoken_hash = "plain-token"\n', "agents.a.token_hash: expected 'sha256$"),
        (f'[agents.a]\ntoken_hash = "{HASH}"\nsend = "yes"\n', "agents.a.send"),
        (f'[agents.a]\ntoken_hash = "{HASH}"\ncolour = 1\n', "agents.a.colour: unknown key"),
        (f'[agents.a]\ntoken_hash = "{HASH}"\n[agents.a.limits]\nmax_recipients = 0\n', "max_recipients"),
        (f'[agents.a]\ntoken_hash = "{HASH}"\n[agents.a.limits]\nallowed_lists = 3\n', "allowed_lists"),
        (f'[agents.a]\ntoken_hash = "{HASH}"\n[agents.a.limits]\ndry_run_only = "no"\n', "dry_run_only"),
        (f'[agents."a:b"]\ntoken_hash = "{HASH}"\n', "Basic-auth user"),
        ('[audit]\npath = "x.jsonl"\n', "no agent defined"),
        ("[audit\n", "not valid TOML"),
    ],
)
def test_invalid_policies_fail_with_one_line_naming_the_key(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert isinstance(caught.value, ConfigError)


def test_missing_policy_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.toml")


def test_unknown_agent_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="unknown agent 'ghost'"):
        load_policy(write(tmp_path, GOOD)).agent("ghost")


@given(st.text(min_size=16, max_size=80))
def test_token_hash_accepts_its_token_only(token: str) -> None:
    stored = hash_token(token, salt=b"0123456789abcdef")
    assert check_token(stored, token)
    assert not check_token(stored, token + "x")


def test_new_tokens_are_random_and_hashes_salted() -> None:
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    assert hash_token(first) != hash_token(first)
    with pytest.raises(ValueError):
        hash_token("short")
    assert not check_token("garbage", first)


def test_token_hash_is_not_in_the_agent_repr() -> None:
    assert "sha256$" not in repr(agent("a"))


READER = agent("reader", {Area.CONTACTS: Access.READ, Area.STATISTICS: Access.READ})
WRITER = agent("writer", {Area.CONTACTS: Access.WRITE, Area.LISTS: Access.WRITE, Area.SEND: Access.WRITE})


def test_deny_by_default_and_read_versus_write() -> None:
    assert decide(READER, Request("contact", "GET")).allowed
    assert decide(READER, Request("message", "GET")).area is Area.STATISTICS
    denied = decide(READER, Request("contact", "POST"))
    assert not denied.allowed and "may only read area 'contacts'" in denied.reason
    off = decide(READER, Request("contactslist", "GET"))
    assert not off.allowed and off.area is Area.LISTS and "no access" in off.reason
    assert decide(WRITER, Request("contactslist", "DELETE", list_ids=(1,))).allowed


def test_areas_come_from_the_catalog_including_action_areas() -> None:
    # campaigndraft/{id}/send is in area "send", though campaigndraft is in "campaigns".
    campaigns = agent("c", {Area.CAMPAIGNS: Access.WRITE})
    assert decide(campaigns, Request("campaigndraft", "PUT")).allowed
    sending = decide(campaigns, Request("campaigndraft", "POST", action="send"))
    assert not sending.allowed and sending.area is Area.SEND


def test_unknown_resources_actions_and_verbs_are_denied() -> None:
    everything = agent("all", dict.fromkeys(Area, Access.WRITE), send_live=True)
    assert "unknown resource" in decide(everything, Request("nosuch", "GET")).reason
    assert "unknown action" in decide(everything, Request("contact", "POST", action="explode")).reason
    assert "not allowed on message" in decide(everything, Request("message", "DELETE")).reason
    assert "unknown API path" in decide(everything, Request(None, "GET")).reason


def test_send_is_sandbox_only_unless_live() -> None:
    sandbox = Request(None, "POST", area=Area.SEND, send=SendInfo(1, True))
    live = Request(None, "POST", area=Area.SEND, send=SendInfo(1, False))
    assert decide(WRITER, sandbox).allowed
    refused = decide(WRITER, live)
    assert not refused.allowed and "SandboxMode" in refused.reason
    assert decide(agent("live", {Area.SEND: Access.WRITE}, send_live=True), live).allowed
    # Campaign sends carry no SandboxMode: live only; cancelling a schedule sends nothing.
    assert not decide(WRITER, Request("newsletter", "POST", action="send")).allowed
    assert decide(WRITER, Request("newsletter", "DELETE", action="schedule")).allowed


def test_max_recipients_caps_a_send() -> None:
    capped = agent("capped", {Area.SEND: Access.WRITE}, limits=Limits(max_recipients=3))
    assert decide(capped, Request(None, "POST", area=Area.SEND, send=SendInfo(3, True))).allowed
    over = decide(capped, Request(None, "POST", area=Area.SEND, send=SendInfo(4, True)))
    assert not over.allowed and "exceed" in over.reason


def test_allowed_lists_refuse_other_lists_and_unnamed_list_writes() -> None:
    scoped = agent(
        "scoped",
        {Area.LISTS: Access.WRITE, Area.CONTACTS: Access.WRITE},
        limits=Limits(allowed_lists=frozenset({5})),
    )
    assert decide(scoped, Request("listrecipient", "POST", list_ids=(5,))).allowed
    assert (
        "list 6"
        in decide(scoped, Request("contact", "POST", action="managecontactslists", list_ids=(5, 6))).reason
    )
    assert not decide(scoped, Request("contactslist", "POST")).allowed  # creating a list
    assert not decide(scoped, Request("listrecipient", "DELETE")).allowed  # which list? unknown
    assert decide(scoped, Request("contact", "PUT")).allowed  # no list involved
    assert decide(scoped, Request("contactslist", "GET")).allowed  # reads are not limited


def test_dry_run_only_refuses_writes_but_sandbox_sends() -> None:
    dry = agent(
        "dry", {Area.CONTACTS: Access.WRITE, Area.SEND: Access.WRITE}, limits=Limits(dry_run_only=True)
    )
    assert "dry-run only" in decide(dry, Request("contact", "POST")).reason
    assert decide(dry, Request("contact", "GET")).allowed
    assert decide(dry, Request(None, "POST", area=Area.SEND, send=SendInfo(2, True))).allowed


def test_call_budget_is_a_sliding_minute_per_agent() -> None:
    clock = FakeClock()
    budget = CallBudget(clock=clock)
    assert [budget.allow("a", 2) for _ in range(3)] == [True, True, False]
    assert budget.allow("b", 2) and budget.allow("a", None)
    clock.now += 59.9
    assert not budget.allow("a", 2)
    clock.now += 0.2
    assert budget.allow("a", 2)


def test_token_for_matches_the_agent_helper() -> None:
    assert agent("x").check_token(token_for("x"))
