"""Full reads of the tables without a time filter on a schedule (issue 17.3): between two, a run reads only the
rows added since (one call), and misses edits and deletions until the next full read."""

from __future__ import annotations

from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.errors import ConfigError
from mailjet_connector.sync import run_sync
from mailjet_connector.sync.incremental import parse_schedule
from tests.sync.conftest import dataset_rows, make_options

WEEK = 7 * 86400


@pytest.mark.parametrize(("spec", "seconds"), [("always", 0), ("never", None), ("7d", WEEK), ("12h", 43200)])
def test_parse_schedule(spec: str, seconds: int | None) -> None:
    assert parse_schedule(spec) == seconds


def test_parse_schedule_refuses_nonsense() -> None:
    with pytest.raises(ConfigError, match="--deletions"):
        parse_schedule("weekly")


def test_between_full_reads_only_new_rows_are_read(small_emulator: Any, tmp_path: Any) -> None:
    server = small_emulator
    options = make_options(server, tmp_path, resources=("contactfilter",), deletions=WEEK)
    first = run_sync(options).resources["contactfilter"]
    assert first.api_calls >= 1 and first.rows > 1
    unchanged = run_sync(options).resources["contactfilter"]
    assert (unchanged.api_calls, unchanged.new) == (1, 0)  # one page from the highest ID: nothing after it
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        rows = list(client.iter("contactfilter"))
        client.delete("contactfilter", rows[0]["ID"])
        added = client.create("contactfilter", {"Name": "synccost new", "Expression": "(age>3)"})
    assert added is not None

    between = run_sync(options).resources["contactfilter"]
    # The new row; a deletion below the highest ID shifts offsets by one, which costs one more page to find.
    assert (between.new, between.deleted) == (1, 0) and between.api_calls <= 2
    marks = {int(k): r["_mj_deleted_at"] for k, r in dataset_rows(options, "contactfilter").items()}
    assert added["ID"] in marks and marks[rows[0]["ID"]] is None  # the deletion waits for a full read

    server.state.clock.advance(WEEK)
    due = run_sync(options).resources["contactfilter"]
    assert due.deleted == 1 and due.api_calls == first.api_calls
    marks = {int(k): r["_mj_deleted_at"] for k, r in dataset_rows(options, "contactfilter").items()}
    assert marks[rows[0]["ID"]] is not None


def test_always_reads_whole_every_run(small_emulator: Any, tmp_path: Any) -> None:
    server = small_emulator
    options = make_options(server, tmp_path, resources=("contactfilter",), deletions=0)
    run_sync(options)
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        client.delete("contactfilter", next(iter(client.iter("contactfilter")))["ID"])
    assert run_sync(options).resources["contactfilter"].deleted == 1
