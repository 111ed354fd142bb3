"""`mailjet_source` in someone else's dlt pipeline: plain `pipeline.run`, no run_sync around it."""

from __future__ import annotations

import dlt

from mailjet_connector.sync import Narrowing, SyncOptions, mailjet_source, select_tables


def test_source_runs_in_a_plain_pipeline(small_emulator, tmp_path):
    server = small_emulator
    pipeline = dlt.pipeline(
        "own", destination=dlt.destinations.duckdb(str(tmp_path / "own.duckdb")), dataset_name="mj",
        pipelines_dir=str(tmp_path / "p"),
    )  # fmt: skip
    options = SyncOptions(base_url=server.url, resources=["contactslist", "template"])
    pipeline.run(mailjet_source(server.api_key, server.api_secret, options))
    with pipeline.sql_client() as client:
        lists = client.execute_sql("SELECT count(*) FROM contactslist")[0][0]
    table = server.state.accounts[server.api_key].tables["contactslist"]
    deleted = table.column("IsDeleted")[table.live()].astype(bool)
    assert lists == int((~deleted).sum()) > 0  # deleted lists are left out by default (#17)
    assert "template_content" not in pipeline.default_schema.tables  # content tables only when selected


def test_source_takes_its_credentials_from_dlt_secrets(small_emulator, tmp_path, monkeypatch):
    # dlt's config providers fill the credentials; the options say what to read (#19 item 9).
    server = small_emulator
    monkeypatch.setenv("SOURCES__MAILJET__API_KEY", server.api_key)
    monkeypatch.setenv("SOURCES__MAILJET__API_SECRET", server.api_secret)
    pipeline = dlt.pipeline(
        "own_secrets", destination=dlt.destinations.duckdb(str(tmp_path / "own.duckdb")), dataset_name="mj",
        pipelines_dir=str(tmp_path / "p"),
    )  # fmt: skip
    lists = server.state.accounts[server.api_key].tables["contactslist"]
    chosen = int(lists.column("ID")[lists.live()[0]])
    narrowing = Narrowing(lists=(chosen,))
    pipeline.run(
        mailjet_source(
            options=SyncOptions(base_url=server.url, resources=["listrecipient"], narrowing=narrowing)
        )
    )
    with pipeline.sql_client() as client:
        assert client.execute_sql("SELECT DISTINCT list_id FROM listrecipient") == [(chosen,)]


def test_select_tables_resolves_mailjet_names_and_exclusions():
    assert select_tables(["statistics/link-click", "contact"]) == ["contact", "statistics_link_click"]
    assert "contact" not in select_tables(None, exclude=["contact"])
    assert "messagestate" not in select_tables(None)  # reference data, not account data


def test_options_never_show_the_secret():
    options = SyncOptions("key", "s3cr3t-value", narrowing=Narrowing(lists=(3,)))
    assert "s3cr3t-value" not in repr(options) and "s3cr3t-value" not in str(options)
