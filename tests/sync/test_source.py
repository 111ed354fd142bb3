"""`mailjet_source` in someone else's dlt pipeline: plain `pipeline.run`, no run_sync around it."""

from __future__ import annotations

import dlt

from mailjet_connector.sync import mailjet_source, select_tables


def test_source_runs_in_a_plain_pipeline(small_emulator, tmp_path):
    server = small_emulator
    pipeline = dlt.pipeline(
        "own", destination=dlt.destinations.duckdb(str(tmp_path / "own.duckdb")), dataset_name="mj",
        pipelines_dir=str(tmp_path / "p"),
    )  # fmt: skip
    source = mailjet_source(
        server.api_key, server.api_secret, base_url=server.url, resources=["contactslist", "template"]
    )
    pipeline.run(source)
    with pipeline.sql_client() as client:
        lists = client.execute_sql("SELECT count(*) FROM contactslist")[0][0]
    table = server.state.accounts[server.api_key].tables["contactslist"]
    deleted = table.column("IsDeleted")[table.live()].astype(bool)
    assert lists == int((~deleted).sum()) > 0  # deleted lists are left out by default (#17)
    assert "template_content" not in pipeline.default_schema.tables  # content tables only when selected


def test_select_tables_resolves_mailjet_names_and_exclusions():
    assert select_tables(["statistics/link-click", "contact"]) == ["contact", "statistics_link_click"]
    assert "contact" not in select_tables(None, exclude=["contact"])
    assert "messagestate" not in select_tables(None)  # reference data, not account data
