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

    removed = invoke("webhooks", "remove", "--url", URL, "--inbound", "--json", "--yes", *creds(emulator))
    assert removed.exit_code == 0
    assert sorted(c["event_type"] for c in orjson.loads(removed.stdout) if c["kind"] == "event") == [
        "open",
        "sent",
    ]


def registered(emulator, *events: str) -> None:
    result = invoke("webhooks", "register", "--url", URL, "--events", ",".join(events),
                    "--inbound", "https://h.example.org/inbound", *creds(emulator))  # fmt: skip
    assert result.exit_code == 0, result.output


def hooks_left(emulator) -> list[tuple[str, str]]:
    listed = orjson.loads(invoke("webhooks", "list", "--json", *creds(emulator)).stdout)
    return sorted((c["kind"], c["event_type"]) for c in listed)


def test_remove_inbound_url_removes_only_that_route(emulator):
    # Regression (#22 item 5): `--inbound-url URL` also deleted all seven event callbacks, unasked.
    registered(emulator, "sent", "open")
    before = hooks_left(emulator)
    result = invoke("webhooks", "remove", "--inbound-url", "https://h.example.org/inbound", "--json",
                    *creds(emulator))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [c["kind"] for c in orjson.loads(result.stdout)] == ["parse"]
    assert hooks_left(emulator) == [hook for hook in before if hook[0] == "event"]


def test_remove_matching_nothing_says_so_and_exits_1(emulator):
    # Regression (#22): an --inbound-url matching no route exited 0 with an empty table.
    registered(emulator, "sent")
    before = hooks_left(emulator)
    for extra in ([], ["--json"]):
        result = invoke("webhooks", "remove", "--inbound-url", "https://h.example.org/other/s3cret", *extra,
                        *creds(emulator))  # fmt: skip
        assert result.exit_code == 1, result.output
        assert "nothing matched --inbound-url: nothing was removed" in result.output
        assert "s3cret" not in result.output
    assert hooks_left(emulator) == before


def test_removing_several_rows_asks_first(emulator):
    registered(emulator, "sent", "open", "click")
    before = hooks_left(emulator)
    command = ["webhooks", "remove", "--events", "open,click", *creds(emulator)]
    declined = runner.invoke(app, command, input="n\n")
    assert declined.exit_code == 1 and "Nothing was removed" in declined.stderr
    assert hooks_left(emulator) == before
    confirmed = runner.invoke(app, command, input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert hooks_left(emulator) == [hook for hook in before if hook[1] not in ("open", "click")]


def test_remove_needs_something_named(emulator):
    result = invoke("webhooks", "remove", *creds(emulator))
    assert result.exit_code == 2 and "name what to remove" in result.stderr


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


def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path):
    # Regression (#22 item 8): "Receiving on ..." was printed, then uvicorn's raw error, with exit 3.
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = invoke(
            "webhooks", "serve", "--token", "t", "--port", port, "--store", f"sqlite:///{tmp_path / 'e.db'}"
        )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use (choose another --port or --host); "
        "see `mailjet-connector webhooks serve --help`"
    ]


def test_tail_of_a_store_that_does_not_exist_is_an_error(tmp_path: Path):
    # Regression (new-user walk, #22): a misspelt store path silently created an empty store and printed nothing.
    result = invoke("webhooks", "tail", "--store", f"sqlite:///{tmp_path / 'typo.db'}", "--no-follow")
    assert result.exit_code == 2 and "no store at" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_no_arguments_prints_help_without_an_empty_error_line():
    result = runner.invoke(app, [])
    assert "Usage" in result.output and "Error" not in result.output
