"""`query --live` and `--explain` through the CLI, against the embedded emulator."""

from __future__ import annotations

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
    assert "GET /v3/REST/message?CampaignID=7&Limit=1&Offset=0&countOnly=1" in result.stdout
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
