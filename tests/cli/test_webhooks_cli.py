"""`mailjet-connector webhooks register | list | remove | tail | serve` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.webhooks.dedupe import event_key
from mailjet_connector.webhooks.events import parse_event
from mailjet_connector.webhooks.store import Batch, Row, open_store

runner = CliRunner()
URL = "https://hook:s3cret@events.example.org/events"


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def creds(emulator: Any) -> list[str]:
    return ["--base-url", emulator.url, "--api-key", emulator.api_key, "--api-secret", emulator.api_secret]


def test_register_list_remove_round_trip(emulator):
    first = invoke("webhooks", "register", "--url", URL, "--events", "sent,open", "--grouped", "--json",
                   "--inbound", "https://h.example.org/inbound", *creds(emulator))  # fmt: skip
    assert first.exit_code == 0, first.output
    changes = orjson.loads(first.stdout)
    assert [(c["event_type"], c["version"]) for c in changes[:2]] == [("sent", 2), ("open", 2)]
    assert changes[2]["kind"] == "parse"
    again = invoke("webhooks", "register", "--url", URL, "--events", "sent,open", "--grouped", "--json",
                   *creds(emulator))  # fmt: skip
    assert {c["action"] for c in orjson.loads(again.stdout)} == {"unchanged"}

    listed = invoke("webhooks", "list", "--json", *creds(emulator))
    assert listed.exit_code == 0 and "s3cret" not in listed.output
    assert {
        c["event_type"] for c in orjson.loads(listed.stdout) if c["url"].startswith("https://hook:***@")
    } == {
        "sent",
        "open",
    }

    removed = invoke("webhooks", "remove", "--url", URL, "--inbound", "--json", *creds(emulator))
    assert removed.exit_code == 0
    assert sorted(c["event_type"] for c in orjson.loads(removed.stdout) if c["kind"] == "event") == [
        "open",
        "sent",
    ]


def test_register_refuses_unknown_event_types(emulator):
    result = invoke("webhooks", "register", "--url", URL, "--events", "sent,deferred", *creds(emulator))
    assert result.exit_code == 2 and "deferred" in result.output


def test_list_against_the_embedded_emulator():
    result = invoke("webhooks", "list", "--emulator")
    assert result.exit_code == 0 and "event" in result.stdout


def test_tail_prints_stored_events(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    payloads = [{"event": "click", "time": 1_700_000_000 + n, "MessageID": 100 + n, "email": f"r{n}@example.org",
                 "url": f"https://shop.example.org/{n}"} for n in range(3)]  # fmt: skip
    with open_store(url) as store:
        rows = [Row(event_key(p), parse_event(p).values, orjson.dumps(p).decode()) for p in payloads]
        store.write([Batch("event", rows, 1.0)])
    result = invoke("webhooks", "tail", "--store", url, "--from-start", "--no-follow")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and "click" in lines[0] and "https://shop.example.org/2" in lines[2]
    as_json = invoke("webhooks", "tail", "--store", url, "--after", "2", "--no-follow", "--json")
    assert [orjson.loads(line)["MessageID"] for line in as_json.stdout.splitlines()] == [102]
    newest = invoke("webhooks", "tail", "--store", url, "--no-follow")
    assert newest.stdout == ""  # without --from-start, only what arrives from now on


def test_serve_refuses_to_run_without_credentials(tmp_path: Path):
    result = invoke("webhooks", "serve", "--store", f"sqlite:///{tmp_path / 'e.db'}")
    assert result.exit_code == 2 and "credentials" in result.output


def test_every_webhooks_command_has_help_with_an_example():
    for command in ("serve", "register", "list", "remove", "tail"):
        result = invoke("webhooks", command, "--help")
        assert result.exit_code == 0 and "mailjet-connector webhooks" in result.stdout
