"""build_report on the emulator's small preset: totals agree with the API's statcounters Lifetime."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from mailjet_connector.client import Client
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.query import QueryError
from mailjet_connector.report import build_report
from tests.report.conftest import SyncedDataset

# statcounters field -> the report's overview total.
LIFETIME_FIELDS = {
    "Total": "processed",
    "MessageSentCount": "delivered",
    "MessageOpenedCount": "opened",
    "MessageClickedCount": "clicked",
    "MessageHardBouncedCount": "hard_bounced",
    "MessageSoftBouncedCount": "soft_bounced",
    "MessageBlockedCount": "blocked",
    "MessageSpamCount": "spam",
    "MessageUnsubscribedCount": "unsubscribed",
}
ALL_TIME = {"date_from": date(2000, 1, 1), "date_to": date(2100, 1, 1)}


def _lifetime(data: SyncedDataset, source: str, source_id: int | None = None) -> dict[str, int]:
    """The API's own Lifetime counters, summed over the rows (read live from the emulator, not the dataset)."""
    params = {"CounterSource": source, "CounterTiming": "Message", "CounterResolution": "Lifetime"}
    if source_id is not None:
        params["SourceID"] = source_id
    server = data.server
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        rows = list(client.iter("statcounters", params))
    return {ours: sum(int(r[theirs]) for r in rows) for theirs, ours in LIFETIME_FIELDS.items()}


def test_report_totals_equal_statcounters_lifetime(small_dataset: SyncedDataset, tmp_path: Path) -> None:
    summary = build_report(str(small_dataset.path), output=tmp_path / "r.html", **ALL_TIME)
    assert summary.sources["overview"] == "overview"
    assert summary.totals == _lifetime(small_dataset, "APIKey")
    assert summary.totals["processed"] > 0


def test_report_for_campaigns_uses_their_counters(small_dataset: SyncedDataset, tmp_path: Path) -> None:
    ids = (1, 2)
    summary = build_report(str(small_dataset.path), output=tmp_path / "r.html", campaigns=ids, **ALL_TIME)
    expected = [_lifetime(small_dataset, "Campaign", i) for i in ids]
    assert summary.totals == {k: sum(e[k] for e in expected) for k in LIFETIME_FIELDS.values()}
    html = (tmp_path / "r.html").read_text()
    assert "campaigns 1, 2" in html


def test_report_default_period_ends_at_newest_message(small_dataset: SyncedDataset, tmp_path: Path) -> None:
    summary = build_report(str(small_dataset.path), output=tmp_path / "r.html")
    assert summary.params.days == 30
    today = date.fromtimestamp(small_dataset.server.state.clock.now())
    assert (today - summary.params.date_to).days <= 1


def test_report_falls_back_to_events_without_statcounters(
    small_dataset: SyncedDataset, tmp_path: Path
) -> None:
    import duckdb

    copy = tmp_path / "copy.duckdb"
    shutil.copy(small_dataset.path, copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute(f"drop table copy.{DEFAULT_DATASET}.statcounters")
    summary = build_report(str(copy), output=tmp_path / "r.html", **ALL_TIME)
    assert summary.sources["overview"] == "overview_events"
    assert summary.sources["daily"] == "daily_events"
    assert summary.sources["campaigns"] is None  # its counters come from statcounters only
    lifetime = _lifetime(small_dataset, "APIKey")
    assert summary.totals["processed"] == lifetime["processed"]  # one message row per processed message


def test_report_rejects_a_period_that_ends_before_it_starts(
    small_dataset: SyncedDataset, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        build_report(
            str(small_dataset.path),
            date_from=date(2024, 2, 1),
            date_to=date(2024, 1, 1),
            output=tmp_path / "r.html",
        )


def test_report_without_dataset_is_a_query_error(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no dataset"):
        build_report(str(tmp_path / "missing.duckdb"), output=tmp_path / "r.html")
