"""End to end: sync the emulator, compare every table with the API, re-run, mutate, re-run."""

from __future__ import annotations

import httpx
import pytest

from mailjet_connector.sync import run_sync
from tests.sync.conftest import RESOURCES, assert_table_matches, dataset_rows, make_options


def _control(server, method: str, path: str, body=None) -> httpx.Response:
    response = httpx.request(method, f"{server.url}/_emulator{path}", json=body)
    response.raise_for_status()
    return response


@pytest.mark.slow
def test_sync_matches_truth_then_loads_only_changes(small_emulator, tmp_path):
    server = small_emulator
    # deletions=0: every run reads the untimed tables whole (the default schedule, 7 days, would not see the
    # rename and the deletions below an hour later).
    options = make_options(server, tmp_path, page_limit=50, checkpoint_pages=10, deletions=0)
    now = int(server.state.clock.now())

    first = run_sync(options)
    assert first.totals.new > 0
    for table in RESOURCES:
        assert_table_matches(server, options, table, now)
    apikey_columns = next(iter(dataset_rows(options, "apikey").values()))
    assert "secret_key" not in apikey_columns

    second = run_sync(options)
    changes = {n: (s.new, s.updated, s.deleted) for n, s in second.resources.items()}
    assert set(changes.values()) <= {(0, 0, 0)}, changes

    key = server.api_key
    _control(server, "POST", "/clock", {"advance": 3600})
    contact = _control(server, "POST", f"/accounts/{key}/rows/contact", {"Email": "new@example.com"}).json()
    _control(server, "PUT", f"/accounts/{key}/rows/contact/1", {"Name": "Renamed"})
    _control(server, "DELETE", f"/accounts/{key}/rows/contact/2")
    _control(server, "DELETE", f"/accounts/{key}/rows/sender/1")
    now = int(server.state.clock.now())
    third = run_sync(options)
    stats = third.resources["contact"]
    assert (stats.new, stats.updated, stats.deleted) == (1, 1, 1)
    assert third.resources["sender"].deleted == 1
    for table in RESOURCES:
        assert_table_matches(server, options, table, now)
    contacts = dataset_rows(options, "contact")
    assert contacts["2"]["_mj_deleted_at"] is not None
    assert contacts[str(contact["ID"])]["email"] == "new@example.com"


@pytest.mark.slow
def test_sync_under_faults_is_exact(tmp_path):
    from mailjet_connector.emulator import start_emulator
    from tests.sync.conftest import OVERRIDES

    faults = "500:0.05,429:0.02,reset:0.005,truncate:0.005"
    resources = (
        "contact",
        "listrecipient",
        "message",
        "openinformation",
        "contactslist",
        "template",
        "template_content",
    )
    with start_emulator(scale="tiny", seed=2, overrides=OVERRIDES, faults=faults) as server:
        options = make_options(server, tmp_path, resources=resources, page_limit=25, checkpoint_pages=5)
        run_sync(options)
        now = int(server.state.clock.now())
        for table in resources:
            assert_table_matches(server, options, table, now)


def test_lookback_sees_a_message_whose_status_changed_after_it_was_synced(small_emulator, tmp_path):
    server = small_emulator
    options = make_options(server, tmp_path, resources=["message"])
    run_sync(options)
    message = next(iter(dataset_rows(options, "message").values()))
    key = server.api_key
    # The message's Status moves on (opened, bounced...) while its ArrivedAt, the cursor, stays put.
    _control(server, "PUT", f"/accounts/{key}/rows/message/{message['id']}", {"Status": "bounce"})
    _control(server, "POST", "/clock", {"advance": 3600})
    assert run_sync(options).resources["message"].updated == 0  # the window starts at the last mark
    since = int(server.state.clock.now()) - message["arrived_at"].timestamp()
    again = run_sync(make_options(server, tmp_path, resources=["message"], lookback=int(since) + 1))
    assert again.resources["message"].updated == 1
    assert dataset_rows(options, "message")[str(message["id"])]["status"] == "bounce"


def test_loaded_files_are_deleted_and_other_pipelines_keep_their_settings(small_emulator, tmp_path):
    import dlt

    options = make_options(small_emulator, tmp_path, resources=["contact"])
    assert run_sync(options).resources["contact"].new > 0
    kept = list((tmp_path / "pipelines").rglob("*.parquet"))
    assert kept == []  # dlt keeps every loaded file unless told otherwise: a copy of all data, forever
    assert dlt.config.get("load.delete_completed_jobs") is None  # set under the sync's pipeline name only


def _write_disposition(options, table: str) -> str:
    from mailjet_connector.sync import create_pipeline

    return create_pipeline(options).default_schema.tables[table]["write_disposition"]


@pytest.mark.slow
def test_an_empty_table_is_appended_then_merged_without_duplicates(small_emulator, tmp_path, monkeypatch):
    import duckdb

    from mailjet_connector.sync import settings

    opened = []
    connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **kw: opened.append(a) or connect(*a, **kw))
    options = make_options(small_emulator, tmp_path, resources=["contact"], checkpoint_pages=1, page_limit=10)
    first = run_sync(options)
    assert first.loads > 2
    # One connection for the whole sync: dlt opening (and checkpointing) the file for each load cost half of it.
    assert len(opened) == 1
    # ...and closed at the end: a connection with other settings can open the file.
    duckdb.connect(options.dataset_url, config={"memory_limit": "64MB"}).close()
    assert _write_disposition(options, "contact") == "append"  # nothing to merge with: a first sync
    key = small_emulator.api_key
    _control(small_emulator, "POST", f"/accounts/{key}/rows/contact", {"Email": "new@example.com"})
    _control(small_emulator, "PUT", f"/accounts/{key}/rows/contact/1", {"Name": "Renamed"})
    count = first.resources["contact"].rows + 1

    again = run_sync(make_options(small_emulator, tmp_path, resources=["contact"], full_refresh=True))
    assert (again.resources["contact"].new, again.resources["contact"].updated) == (1, 1)
    assert _write_disposition(options, "contact") == "merge"  # the table has rows: merge on the key
    assert dataset_rows(options, "contact")["1"]["name"] == "Renamed"
    from mailjet_connector.sync import create_pipeline

    with create_pipeline(options).sql_client() as client:
        name = client.make_qualified_table_name("contact")
        assert client.execute_sql(f"SELECT count(*), count(DISTINCT {settings.KEY_COLUMN}) FROM {name}") == [
            (count, count)
        ]
