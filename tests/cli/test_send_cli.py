"""`mailjet-connector send`: one message, a merge with results and resume, dry run, sandbox, user errors."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app

runner = CliRunner()


def creds(server) -> list[str]:
    return ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]


@pytest.fixture
def merge_files(tmp_path: Path) -> Path:
    (tmp_path / "people.csv").write_text(
        "email,name,first\nann@cli.example,Ann A,Ann\nbob@cli.example,,Bob\nnot-an-address,,X\n"
    )
    (tmp_path / "body.html").write_text("<p>Hi {{var:first}}</p>")
    return tmp_path


def merge_args(tmp: Path, *extra: str) -> list[str]:
    return [
        "send", str(tmp / "people.csv"), "--from", "news@example.com", "--subject", "Hi {{var:first}}",
        "--html", str(tmp / "body.html"), "--name-column", "name", "--journal", str(tmp / "j.sqlite"), *extra,
    ]  # fmt: skip


def test_help_has_examples_and_exit_codes() -> None:
    result = runner.invoke(app, ["send", "--help"])
    assert result.exit_code == 0
    assert "mailjet-connector send people.csv" in result.output and "Exit codes" in result.output


def test_single_message_with_shared_variables(emulator) -> None:
    args = ["send", "--to", "zed@cli.example", "--to-name", "Zed", "--from", "news@example.com"]
    args += ["--subject", "Hi {{var:first}}", "--var", "first=Zed", "--text", __file__]
    result = runner.invoke(app, [*args, "--json", *creds(emulator)])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["sent"] == 1
    content = emulator.state.accounts[emulator.api_key].extra["sent_content"]
    last = content[max(content)]
    assert (last["Subject"], last["Recipient"]["Name"]) == ("Hi Zed", "Zed")


def test_merge_writes_results_and_a_rerun_sends_nothing(emulator, merge_files: Path) -> None:
    results = merge_files / "results.csv"
    first = runner.invoke(app, merge_args(merge_files, "--results", str(results), *creds(emulator)))
    assert first.exit_code == 1  # one row skipped: exit 1 says "look at the results"
    with results.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows] == ["sent", "sent", "skipped"]
    assert rows[0]["message_id"] and rows[0]["message_uuid"]
    sent = emulator.state.accounts[emulator.api_key].extra["sent_content"][int(rows[0]["message_id"])]
    assert (sent["HTMLPart"], sent["Recipient"]["Name"]) == ("<p>Hi Ann</p>", "Ann A")
    again = runner.invoke(app, merge_args(merge_files, "--json", *creds(emulator)))
    report = orjson.loads(again.stdout)
    assert (report["sent"], report["already_done"], report["calls"]) == (0, 2, 0)


def test_dry_run_prints_the_plan_and_sends_nothing(emulator, merge_files: Path) -> None:
    before = len(emulator.state.accounts[emulator.api_key].extra.get("sent_messages", []))
    result = runner.invoke(app, merge_args(merge_files, "--dry-run", *creds(emulator)))
    assert result.exit_code == 0, result.output
    assert "3 rows -> 2 messages in 1 calls" in result.stdout and '"CustomID"' in result.stdout
    assert "Nothing was sent." in result.stdout
    assert len(emulator.state.accounts[emulator.api_key].extra.get("sent_messages", [])) == before
    assert not (merge_files / "j.sqlite").exists()


def test_sandbox_reports_sandbox_rows(emulator, merge_files: Path) -> None:
    result = runner.invoke(app, merge_args(merge_files, "--sandbox", "--json", *creds(emulator)))
    assert orjson.loads(result.stdout)["sandbox"] == 2


def test_unknown_sender_fails_each_row_with_mailjets_reason(emulator, merge_files: Path) -> None:
    args = merge_args(merge_files, "--json", *creds(emulator))
    args[args.index("news@example.com")] = "someone@elsewhere.example"  # not a sender of the account
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    report = orjson.loads(result.stdout)
    assert report["failed"] == 2 and "send-0008" in report["errors"][0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["send", "--from", "a@b.c", "--text", "x"], "give exactly one of"),
        (["send", "--to", "a@b.c", "--from", "a@b.c", "--base-url", "http://x"], "no content"),
        (["send", "missing.csv", "--text", __file__], "missing.csv: no such file"),
        (["send", "--to", "a@b.c", "--var", "novalue", "--text", __file__], "expected NAME=VALUE"),
    ],
    ids=["no-source", "no-content", "missing-file", "bad-var"],
)
def test_user_errors_are_one_line_with_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_skipped_and_failed_rows_say_which_and_why(emulator, merge_files: Path) -> None:
    # Regression (#22 item 9): "... 1 skipped ..." and an empty line; failures without row or email.
    args = merge_args(merge_files)
    args[args.index("--from") + 1] = "nobody@nowhere.test"  # not a sender of the account: every message fails
    result = runner.invoke(app, [*args, *creds(emulator)])
    assert result.exit_code == 1
    assert "skipped row 3 (not-an-address): 'not-an-address' is not an email address" in result.stderr
    assert "failed row 1 (ann@cli.example): send-0008" in result.stderr
    assert "failed row 2 (bob@cli.example): send-0008" in result.stderr
    as_json = runner.invoke(
        app, [*args, "--json", "--journal", str(merge_files / "j2.sqlite"), *creds(emulator)]
    )
    report = orjson.loads(as_json.stdout)
    assert report["skipped_rows"] == [
        {"row": 3, "email": "not-an-address", "problem": "'not-an-address' is not an email address"}
    ]
    assert report["errors"][0].startswith("row 1 (ann@cli.example): send-0008")
