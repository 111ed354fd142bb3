"""`query --live` and `--explain` through the CLI, against the embedded emulator."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app

pytest.importorskip("duckdb")
runner = CliRunner()
EMULATOR = ("--emulator", "--emulator-scale", "tiny")


def test_live_query_prints_rows_and_the_calls() -> None:
    sql = "select id, email from contact order by id limit 2"
    result = runner.invoke(app, ["query", "--live", sql, "--format", "json", *EMULATOR])
    assert result.exit_code == 0, result.output
    rows = orjson.loads(result.stdout)
    assert [row["id"] for row in rows] == [1, 2]
    assert "1 API call" in result.stderr


def test_explain_shows_the_calls() -> None:
    sql = "select count(*) from message where campaign_id = 7"
    result = runner.invoke(app, ["query", "--live", "--explain", sql, *EMULATOR])
    assert result.exit_code == 0, result.output
    # the filter and countOnly are pushed; a count asks no display flags (they only fill fields of rows)
    assert "GET /v3/REST/message?CampaignID=7&Limit=1&Offset=0&countOnly=1" in result.stdout
    assert "ShowSubject" not in result.stdout
    assert "about 1 API call(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["select * from nosuch"], "no live table 'nosuch'"),
        (["select * from messagehistory", "--max-calls", "2"], "this query needs about"),
    ],
)
def test_live_errors_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["query", "--live", *args, *EMULATOR])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the journal of applied writes goes to ./.mailjet-connector
    return tmp_path


def test_a_write_is_shown_then_applied_with_yes(in_tmp: Path) -> None:
    sql = "insert into contactslist (name) values ('From SQL')"
    result = runner.invoke(app, ["query", "--live", sql, "--yes", *EMULATOR])
    assert result.exit_code == 0, result.output
    assert "import contactslist" in result.stdout and "insert" in result.stdout
    assert "create" in result.stdout and "0 rows failed" in result.stdout
    assert (in_tmp / ".mailjet-connector" / "journal.sqlite").is_file()


def test_a_write_declined_at_the_prompt_writes_nothing(in_tmp: Path) -> None:
    sql = "update contactslist set name = name || '!' where id in (1, 2)"
    result = runner.invoke(app, ["query", "--live", sql, *EMULATOR], input="n\n")
    assert result.exit_code == 1
    assert "Apply these 2 write(s) to Mailjet?" in result.stderr
    assert "Nothing was written" in result.stderr
    assert not (in_tmp / ".mailjet-connector").exists()


def test_explain_shows_a_write_plan_only(in_tmp: Path) -> None:
    sql = "delete from contactslist where id = 1"
    result = runner.invoke(app, ["query", "--live", "--explain", sql, *EMULATOR])
    assert result.exit_code == 0, result.output
    assert "import contactslist" in result.stdout and "delete" in result.stdout
    assert "first 20 planned writes" in result.stdout
    assert "Apply" not in result.stderr


def test_a_live_select_writes_no_local_file(in_tmp: Path) -> None:
    sql = "select l.name, count(*) from listrecipient lr join contactslist l on l.id = lr.list_id group by 1"
    result = runner.invoke(app, ["query", "--live", sql, *EMULATOR])
    assert result.exit_code == 0, result.output
    assert list(in_tmp.iterdir()) == []
