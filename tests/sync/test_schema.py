"""Catalog -> arrow: types from the catalog, empty timestamps as null, 64-bit IDs exact, secrets dropped."""

from __future__ import annotations

import pyarrow as pa

from mailjet_connector import catalog
from mailjet_connector.sync.schema import layout


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
