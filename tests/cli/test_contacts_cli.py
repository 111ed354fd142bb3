"""`mailjet-connector contacts ...`: plan, import with an errors file, strict mode, provisioning, forget."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.emulator.state import Account, Clock
from tests.contacts.conftest import FAST, KEY, NOW, SECRET, build_state, live_records

runner = CliRunner()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """The CLI polls for real, so the emulator clock runs fast instead."""
    with start_emulator(state=build_state(Clock(NOW, real_time=lambda: time.monotonic() * FAST))) as running:
        yield running


@pytest.fixture
def account(server: EmulatorServer) -> Account:
    assert server.state is not None
    return server.state.accounts[KEY]


def contacts(server: EmulatorServer, *args: str, stdin: str | None = None):
    credentials = ["--base-url", server.url, "--api-key", KEY, "--api-secret", SECRET]
    # Imports keep their journal out of the working tree unless a test gives one.
    journal = ["--no-journal"] if args[0] == "import" and "--journal" not in args else []
    return runner.invoke(app, ["contacts", *args, *credentials, *journal], input=stdin)


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name,age,city,joined\n"
        "a@x.com,A,31,Paris,2024-01-02\n"
        "b@x.com,B,40,Lyon,2024-02-03\n"
        "not an email,C,22,Nice,2024-03-04\n"
        "d@x.com,D,old,Nice,2024-03-04\n"
    )
    return path


def test_dry_run_shows_the_plan_and_writes_nothing(
    server: EmulatorServer, account: Account, people: Path
) -> None:
    result = contacts(server, "import", str(people), "--list", "News", "--dry-run")
    assert result.exit_code == 1  # one row is already refused by the plan
    assert (
        "3 contacts in 1 job(s)" in result.output
        and "joined" in result.output
        and "to define" in result.output
    )
    assert live_records(account, "contact") == []


def test_import_writes_failed_rows_with_the_reason(
    server: EmulatorServer, account: Account, people: Path, tmp_path: Path
) -> None:
    errors = tmp_path / "errors.csv"
    args = ["import", str(people), "--list", "News", "--errors", str(errors), "--poll-interval", "0.01"]
    result = contacts(server, *args, "--journal", str(tmp_path / "j.sqlite"), "--json")
    assert result.exit_code == 1, result.output
    report = orjson.loads(result.stdout)
    assert (
        report["imported"] == 2
        and report["errors"] == 2
        and report["defined"]
        == {
            "city": "str",
            "joined": "datetime",
        }
    )
    with errors.open() as handle:
        failed = {row["email"]: row["error"] for row in csv.DictReader(handle)}
    assert failed["not an email"] == 'Invalid email address "not an email"'
    assert failed["d@x.com"].startswith('Property "age": Property type does not match definition')
    assert sorted(c["Email"] for c in live_records(account, "contact")) == ["a@x.com", "b@x.com"]


def test_strict_mode_and_unknown_lists_are_usage_errors(server: EmulatorServer, people: Path) -> None:
    strict = contacts(server, "import", str(people), "--list", "News", "--properties", "strict")
    assert strict.exit_code == 2 and "city, joined" in strict.output
    missing = contacts(server, "import", str(people), "--list", "Nope")
    assert missing.exit_code == 2 and "--create-list" in missing.output
    nofile = contacts(server, "import", "--list", "News")
    assert nofile.exit_code == 2 and "FILE or --sql" in nofile.output


def test_provisioning_verbs(server: EmulatorServer, account: Account, tmp_path: Path) -> None:
    assert contacts(server, "subscribe", "a@x.com", "b@x.com", "--list", "Promo").exit_code == 0
    (tmp_path / "leavers.txt").write_text("b@x.com\n")
    assert (
        contacts(server, "unsubscribe", "--file", str(tmp_path / "leavers.txt"), "--list", "2").exit_code == 0
    )
    assert contacts(server, "exclude", "a@x.com").exit_code == 0
    partly = contacts(server, "include", "a@x.com", "ghost@x.com", "--json")
    assert partly.exit_code == 1 and [o["ok"] for o in orjson.loads(partly.stdout)] == [True, False]
    recipients = {r["ContactID"]: r["IsUnsubscribed"] for r in live_records(account, "listrecipient")}
    assert recipients == {1: False, 2: True}
    assert contacts(server, "subscribe", "a@x.com").exit_code == 2  # no --list


def test_forget_needs_a_confirmation(server: EmulatorServer, account: Account) -> None:
    contacts(server, "subscribe", "a@x.com", "--list", "News")
    refused = contacts(server, "forget", "a@x.com", stdin="n\n")
    assert refused.exit_code == 1 and "nothing forgotten" in refused.output  # a declined prompt: exit 1
    # Regression (new-user walk, #22): with no terminal to answer on, typer's Abort escaped: "Aborted."
    unanswered = contacts(server, "forget", "a@x.com", stdin="")
    assert unanswered.exit_code == 1 and "nothing forgotten" in unanswered.output
    assert live_records(account, "contact")[0]["Email"] == "a@x.com"
    assert contacts(server, "forget", "a@x.com", stdin="y\n").exit_code == 0
    assert live_records(account, "contact")[0]["Email"].endswith("@domain.invalid")
    assert contacts(server, "forget", "b@x.com", "--yes").exit_code == 1  # unknown: reported, not fatal


@pytest.mark.parametrize("command", ["import", "subscribe", "unsubscribe", "exclude", "include", "forget"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, ["contacts", command, "--help"])
    assert result.exit_code == 0 and "mailjet-connector contacts" in result.output


def test_an_unknown_list_suggests_only_what_the_command_has(server: EmulatorServer) -> None:
    # Regression (#22 item 9): `contacts subscribe ... --list NoSuchList` suggested --create-list, which it
    # did not have; `unsubscribe` has no such option either.
    subscribe = contacts(server, "subscribe", "a@x.com", "--list", "NoSuchList")
    assert subscribe.exit_code == 2 and "add --create-list to create it" in subscribe.stderr
    created = contacts(server, "subscribe", "a@x.com", "--list", "NoSuchList", "--create-list")
    assert created.exit_code == 0, created.output
    unsubscribe = contacts(server, "unsubscribe", "a@x.com", "--list", "Elsewhere")
    assert unsubscribe.exit_code == 2 and "--create-list" not in unsubscribe.stderr
