"""`mailjet-connector report`: writes the file, prints a summary, and turns user mistakes into one line."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from mailjet_connector.cli import app
from tests.report.conftest import SyncedDataset

runner = CliRunner()


def test_report_command_writes_html_and_json_summary(small_dataset: SyncedDataset, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--dataset-url", str(small_dataset.path), "-o", str(out), "--from", "2000-01-01"]
    result = runner.invoke(app, [*args, "--campaign", "1", "--sort", "open_rate", "--json"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert summary["from"] == "2000-01-01" and summary["totals"]["processed"] > 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_report_command_refuses_bad_sort_and_missing_dataset(tmp_path: Path) -> None:
    missing = runner.invoke(
        app, ["report", "--dataset-url", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "r.html")]
    )
    assert missing.exit_code != 0 and "no dataset" in missing.output
    bad_date = runner.invoke(app, ["report", "--from", "yesterday", "-o", str(tmp_path / "r.html")])
    assert bad_date.exit_code != 0 and "--from expects a date" in bad_date.output


def test_report_is_listed_in_help() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0 and "self-contained HTML" in result.output
