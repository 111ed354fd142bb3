"""`agents gateway --accounts FILE` (#21 item 1): each agent reaches the account its policy names."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailjet_connector.agents.audit import iter_records
from mailjet_connector.agents.audit_key import read_audit_key
from mailjet_connector.agents.audit_verify import verify
from mailjet_connector.agents.gateway import create_gateway_app
from mailjet_connector.agents.policy import load_policy
from mailjet_connector.agents.tokens import hash_token
from mailjet_connector.cli import app
from mailjet_connector.cli.agents import agent_upstreams
from mailjet_connector.emulator.server import start_emulator
from mailjet_connector.errors import AccountsError, PolicyError
from tests.agents.gateway_support import SALT, TestClient, token_for

AUDIT_KEY = "audit-key-of-the-test-0123456789"


def write_policy(tmp_path: Path, accounts: dict[str, str | None]) -> Path:
    parts = ["[audit]\npath = 'log/audit.jsonl'\nkey_env = 'AUDIT_KEY'\n"]
    for agent, account in accounts.items():
        parts.append(
            f"[agents.{agent}]\ntoken_hash = '{hash_token(token_for(agent), salt=SALT)}'\n"
            + (f"account = '{account}'\n" if account else "")
            + "[agents."
            + agent
            + ".access]\ncontacts = 'read'\n"
        )
    path = tmp_path / "agents.toml"
    path.write_text("\n".join(parts))
    return path


def test_each_agent_reads_its_own_account_and_the_keyed_audit_chain_verifies(tmp_path: Path) -> None:
    with start_emulator(scale="tiny") as server:
        main, sub = list(server.state.accounts.values())[:2]
        (tmp_path / "accounts.toml").write_text(
            f"[defaults]\nbase_url = '{server.url}'\n"
            f"[accounts.main]\napi_key = '{main.api_key}'\napi_secret = 'env:MAIN_SECRET'\n"
            f"[accounts.sub]\napi_key = '{sub.api_key}'\napi_secret = 'file:sub.secret'\n"
        )
        (tmp_path / "sub.secret").write_text(sub.api_secret)
        policy = load_policy(write_policy(tmp_path, {"alice": "main", "bob": "sub"}))
        environ = {"AUDIT_KEY": AUDIT_KEY, "MAIN_SECRET": main.api_secret}
        key = read_audit_key(policy, environ)
        routes = agent_upstreams(policy, tmp_path / "accounts.toml", environ)
        assert {agent: route[1] for agent, route in routes.items()} == {
            "alice": main.api_key,
            "bob": sub.api_key,
        }
        gateway = create_gateway_app(policy, None, None, None, audit_key=key, agent_upstreams=routes)
        counts = {}
        with TestClient(gateway, base_url="http://gateway") as client:
            for agent in ("alice", "bob"):
                answer = client.get(
                    "/v3/REST/contact", params={"countOnly": 1}, auth=(agent, token_for(agent))
                )
                assert answer.status_code == 200, answer.text
                counts[agent] = answer.json()["Total"]
    assert counts == {"alice": len(main.table("contact")), "bob": len(sub.table("contact"))}
    assert counts["alice"] != counts["bob"]
    records = list(iter_records(policy.audit_path))
    assert [(r["agent"], r["status"]) for r in records] == [("alice", 200), ("bob", 200)]
    assert verify(policy.audit_path, key=AUDIT_KEY.encode()).ok
    assert not verify(policy.audit_path, key=b"another-key-0123456789abcdef").ok
    text = policy.audit_path.read_text()
    assert main.api_secret not in text and sub.api_secret not in text


def test_an_agent_naming_an_account_needs_the_accounts_file(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, {"alice": "main"}))
    with pytest.raises(
        PolicyError, match=r"agents.alice.account: names account 'main'; start the gateway with --accounts"
    ):
        agent_upstreams(policy, None, {})
    (tmp_path / "accounts.toml").write_text("[accounts.mian]\napi_key = 'k'\napi_secret = 'env:S'\n")
    with pytest.raises(AccountsError, match="no account 'main'; did you mean 'mian'"):
        agent_upstreams(policy, tmp_path / "accounts.toml", {})
    result = CliRunner().invoke(
        app, ["agents", "gateway", "--policy", str(tmp_path / "agents.toml")], env={"AUDIT_KEY": AUDIT_KEY}
    )
    assert result.exit_code == 2 and "start the gateway with --accounts FILE" in result.output


def test_agents_without_an_account_and_no_default_key_are_refused(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, {"alice": "main", "carol": None}))
    routes = {"alice": ("http://127.0.0.1:9", "k", "s")}
    with pytest.raises(PolicyError, match=r"agents\.carol: no upstream"):
        create_gateway_app(policy, None, None, None, agent_upstreams=routes)
