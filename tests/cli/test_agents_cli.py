"""`mailjet-connector agents token | gateway | audit verify | audit show`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.policy import load_policy
from mailjet_connector.cli import app

runner = CliRunner()


def write_policy(tmp_path: Path, token_hash: str) -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(
        f'[audit]\npath = "audit.jsonl"\n\n[agents.analytics]\ntoken_hash = "{token_hash}"\n'
        '[agents.analytics.access]\ncontacts = "read"\n',
        encoding="utf-8",
    )
    return path


def fill_audit(path: Path) -> None:
    log = AuditLog(path, fsync=False)
    for agent, decision in [("analytics", "allow"), ("support", "deny"), ("analytics", "deny")]:
        log.record(
            agent=agent,
            operation="GET /v3/REST/contact",
            area="contacts",
            decision=decision,
            reason="because",
            status=200 if decision == "allow" else 403,
            duration_ms=1.5,
        )


@pytest.mark.parametrize("command", [["agents"], ["agents", "gateway"], ["agents", "token"]])
def test_help_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "mailjet-connector agents" in result.output


def test_token_prints_a_token_and_a_hash_the_policy_accepts(tmp_path: Path) -> None:
    result = runner.invoke(app, ["agents", "token", "--agent", "analytics", "--json"])
    assert result.exit_code == 0
    made = orjson.loads(result.output)
    policy = load_policy(write_policy(tmp_path, made["token_hash"]))
    assert policy.agent("analytics").check_token(made["token"])
    text = runner.invoke(app, ["agents", "token", "--agent", "bot"]).output
    assert "[agents.bot]" in text and 'token_hash = "sha256$' in text


def test_audit_verify_passes_then_catches_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill_audit(path)
    ok = runner.invoke(app, ["agents", "audit", "verify", "--file", str(path)])
    assert ok.exit_code == 0 and "3 records" in ok.output
    path.write_text(path.read_text().replace('"support"', '"someone"'))
    bad = runner.invoke(app, ["agents", "audit", "verify", "--file", str(path), "--json"])
    assert bad.exit_code == 1
    assert orjson.loads(bad.output)["line"] == 2


def test_audit_show_filters_by_agent_and_decision(tmp_path: Path) -> None:
    policy = write_policy(tmp_path, "sha256$00$" + "0" * 64)
    fill_audit(tmp_path / "audit.jsonl")
    result = runner.invoke(
        app,
        ["agents", "audit", "show", "--policy", str(policy), "--json", "--agent", "analytics", "--denied"],
    )
    assert result.exit_code == 0
    assert [orjson.loads(line)["seq"] for line in result.output.splitlines()] == [3]
    table = runner.invoke(app, ["agents", "audit", "show", "--policy", str(policy), "--last", "2"])
    assert table.exit_code == 0 and "support" in table.output and "GET /v3/REST/contact" in table.output


def test_audit_commands_need_a_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["agents", "audit", "verify"])
    assert result.exit_code == 2 and "--file" in result.output
    missing = runner.invoke(app, ["agents", "audit", "show", "--file", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2


def test_gateway_refuses_a_bad_policy_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[agents.a]\ntoken_hash = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["agents", "gateway", "--policy", str(path), "--emulator"])
    assert result.exit_code == 2 and "agents.a.token_hash" in result.output


def test_gateway_serves_agents_over_an_emulator_until_interrupted(tmp_path: Path) -> None:
    made = orjson.loads(runner.invoke(app, ["agents", "token", "--json"]).output)
    policy = write_policy(tmp_path, made["token_hash"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILJET_", "MJ_"))}
    command = [
        sys.executable,
        "-m",
        "mailjet_connector",
        "agents",
        "gateway",
        "--policy",
        str(policy),
        "--emulator",
        "--port",
        "0",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = process.stdout.readline()
        assert first.startswith("Mailjet agent gateway listening on http://127.0.0.1:"), first
        url = first.split()[-1]
        auth = ("analytics", made["token"])
        assert httpx.get(f"{url}/v3/REST/contact", params={"Limit": 1}, auth=auth).status_code == 200
        assert httpx.get(f"{url}/v3/REST/contactslist", auth=auth).status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=20)
    assert process.returncode in (0, -signal.SIGINT, 130), errors
    assert "Traceback" not in errors
    records = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(records) == 2
