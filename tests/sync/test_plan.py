"""`sync --plan` counts the calls the sync then makes (issue 17.3), checked against the emulator's request log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.pagination import id_key
from mailjet_connector.sync import run_sync
from mailjet_connector.sync.pipeline import plan_sync
from mailjet_connector.sync.plan import walk_pages
from tests.sync.conftest import make_options


def _planned_then_synced(server: Any, options: Any) -> tuple[Any, Any, int]:
    plan = plan_sync(options)
    server.state.request_log.clear()
    report = run_sync(options)
    return plan, report, len(server.state.request_log)


@pytest.mark.slow  # two syncs of every table with their plans (~25 s)
def test_the_plan_is_the_calls_the_sync_makes(small_emulator: Any, tmp_path: Path) -> None:
    options = make_options(small_emulator, tmp_path, children=True, resources=None)
    for run in ("first sync", "no-change run"):
        plan, report, logged = _planned_then_synced(small_emulator, options)
        assert plan.calls == logged == report.api_calls, run
        synced = {name: stats.api_calls for name, stats in report.resources.items() if stats.api_calls}
        assert {line.table: line.calls for line in plan.lines if line.calls} == synced, run
    assert plan.plan_calls > 0  # the plan's own countOnly calls, reported apart


def test_a_no_change_run_reads_no_table_whole(small_emulator: Any, tmp_path: Any) -> None:
    options = make_options(
        small_emulator, tmp_path, resources=("contact", "listrecipient", "message", "messagehistory")
    )
    first = run_sync(options)
    again = run_sync(options)
    assert first.resources["contact"].api_calls > 1 or first.resources["contact"].rows <= 1000
    # Tables without a time filter: one page from the highest ID; messages: the empty window; no history.
    calls = {name: stats.api_calls for name, stats in again.resources.items()}
    assert calls.get("contact") == calls.get("listrecipient") == calls.get("message") == 1
    assert calls.get("messagehistory", 0) == 0


def test_walk_pages_bounds() -> None:
    """Exactness is proven against the emulator above; here the bounds of the Walker's page count."""
    assert walk_pages(0, limit=1000, key=id_key, concurrency=4) == 1
    counts = [walk_pages(n, limit=1000, key=id_key, concurrency=4) for n in (1, 999, 1000, 5000, 20_000)]
    assert counts == sorted(counts) and all(
        c >= -(-n // 1000) for c, n in zip(counts, (1, 999, 1000, 5000, 20_000), strict=True)
    )
    assert walk_pages(5000, limit=1000, key=id_key, concurrency=4, start=(5000, 5000)) == 1  # nothing added


def test_cli_plan_writes_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["sync", "--emulator", "--emulator-scale", "tiny", "--plan", "--json", "--resources", "contact,message",
              "--dataset-url", "d.duckdb", "--pipelines-dir", "p", "--rate-limit", "300/min"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = orjson.loads(result.stdout)
    assert set(plan["tables"]) == {"contact", "message"} and plan["rate"] == "300/min"
    assert plan["total"]["seconds"] == round(plan["total"]["calls"] / 5, 1)  # 300/min is 5 calls a second
    assert not (tmp_path / "d.duckdb").exists()


def test_help_says_children_are_off_by_default() -> None:
    out = CliRunner().invoke(app, ["sync", "--help"], env={"COLUMNS": "200"}).output
    assert "--plan" in out and "--children" in out and "--deletions" in out
