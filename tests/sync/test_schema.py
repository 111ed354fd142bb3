"""Catalog -> arrow: types from the catalog, empty timestamps as null, 64-bit IDs exact, secrets dropped."""

from __future__ import annotations

import pyarrow as pa

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.sync.schema import _struct_columns, layout


def test_message_page_types_come_from_the_catalog():
    lay = layout(catalog.get("message"))
    row = {"ID": 2**60 + 7, "ArrivedAt": "2026-01-02T03:04:05Z", "Delay": 1, "Subject": "", "CampaignID": 3}
    table = lay.to_arrow([row, {"ID": 1, "ArrivedAt": ""}], ["a", "b"], ["h1", "h2"])
    assert table.schema.field("id").type == pa.int64()
    assert table.column("id").to_pylist() == [2**60 + 7, 1]
    assert table.column("arrived_at").to_pylist()[1] is None
    assert table.column("arrived_at").to_pylist()[0].isoformat() == "2026-01-02T03:04:05+00:00"
    assert table.column("delay").to_pylist() == [1.0, None]


def test_unix_and_json_columns():
    lay = layout(catalog.get("contactdata"))
    table = lay.to_arrow([{"ID": 1, "Data": [{"Name": "a", "Value": "1"}]}], ["1"], ["h"])
    assert table.column("data").to_pylist() == ['[{"Name":"a","Value":"1"}]']
    signup = layout(catalog.get("contactslistsignup")).to_arrow([{"ID": 1, "SignupAt": 0}], ["1"], ["h"])
    assert signup.column("signup_at").to_pylist() == [None]


def test_secret_fields_are_not_columns():
    names = {c.wire for c in layout(catalog.get("apikey")).columns}
    assert "SecretKey" not in names and "APIKey" in names


def test_hash_changes_with_content_and_key_with_context():
    lay = layout(catalog.get("contact"))
    assert lay.row_hash({"ID": 1, "Name": "a"}) != lay.row_hash({"ID": 1, "Name": "b"})
    assert lay.row_key({"ID": 5}) == "5"


def test_page_conversion_in_one_pass_equals_column_by_column():
    """Every syncable resource's emulator rows: the struct fast path gives exactly the column path's table."""
    from mailjet_connector.emulator import start_emulator
    from mailjet_connector.sync.source import syncable

    with (
        start_emulator(scale="tiny", seed=3) as server,
        Client(server.api_key, server.api_secret, base_url=server.url) as client,
    ):
        for res in syncable():
            if any(f.required for f in res.filters):
                continue  # listed per parent or per series: rows come with context columns (column path only)
            rows = client.page(res.name, {"FromTS": 0} if res.today_default else None, limit=50).rows
            if not rows:
                continue
            lay = layout(res)
            assert _struct_columns(lay, rows, {}) is not None, (
                f"{res.name}: emulator rows fit the catalog types"
            )
            keys, hashes = lay.page_keys(rows), lay.page_hashes(rows)
            fast = lay.to_arrow(rows, keys, hashes)
            # A context (even an unrelated one) makes to_arrow go column by column.
            slow = lay.to_arrow(rows, keys, hashes, context={"_unused": 1})
            assert fast.equals(slow), res.name
            assert fast.schema == lay.arrow_schema


def test_values_that_do_not_fit_the_catalog_type_fall_back_per_column():
    lay = layout(catalog.get("contact"))
    rows = [
        {"ID": 1, "DeliveredCount": "", "Email": 5, "CreatedAt": 7},
        {"ID": "2", "IsExcludedFromCampaigns": 1},
    ]
    table = lay.to_arrow(rows, ["1", "2"], ["h", "h"])
    assert table.column("id").to_pylist() == [1, None]
    assert table.column("delivered_count").to_pylist() == [None, None]
    assert table.column("email").to_pylist() == ["5", None]
    assert table.column("created_at").to_pylist() == [None, None]


def test_page_keys_match_row_keys_with_context_merged():
    lay = layout(catalog.get("statcounters"), (("CounterSource", catalog.FieldType.STR),))
    rows = [{"SourceID": 4, "Timeslice": "2026-01-01T00:00:00Z"}, {"SourceID": 5, "Timeslice": ""}]
    context = {"CounterSource": "List"}
    assert lay.page_keys(rows, context) == [lay.row_key({**row, **context}) for row in rows]
    history = layout(catalog.get("messagehistory"), (("MessageID", catalog.FieldType.INT),))
    assert history.page_keys(rows[:1], {"MessageID": 9}, seq=3) == ["9|3"]
    secret = layout(catalog.get("apikey"))
    assert secret.row_hash({"ID": 1, "SecretKey": "s1"}) == secret.row_hash({"ID": 1, "SecretKey": "s2"})
