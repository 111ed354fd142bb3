"""Synced rows are complete: the sync asks every display flag the catalog knows (issue #17, item 2).

Mailjet leaves message `Subject`, `ContactAlt` and `CustomID` empty unless `ShowSubject`, `ShowContactAlt` and
`ShowCustomID` are true, and messagesentstatistics' bounce and complaint details unless `ShowExtraData` is;
the catalog says so once (`Field.shown_by`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.sync import run_sync
from tests.sync.conftest import dataset_rows, make_options


def test_synced_messages_carry_subject_recipient_and_custom_id(small_emulator, tmp_path):
    server = small_emulator
    options = make_options(server, tmp_path, resources=["message", "messagesentstatistics"])
    httpx.delete(f"{server.url}/_emulator/requests").raise_for_status()
    run_sync(options)
    entries = httpx.get(f"{server.url}/_emulator/requests").json()["Data"]
    for name in ("message", "messagesentstatistics"):
        asked = [dict(parse_qsl(e["query"])) for e in entries if e["path"].endswith(f"/{name}")]
        flags = catalog.get(name).show_flags
        assert asked and flags and all(all(p.get(f) == "true" for f in flags) for p in asked), name

    client = Client(server.api_key, server.api_secret, base_url=server.url, rate_limit="5000/s")
    truth = {
        row["ID"]: row
        for row in client.iter("message", {f: "true" for f in catalog.get("message").show_flags})
    }
    synced = {row["id"]: row for row in dataset_rows(options, "message").values()}
    assert set(synced) == set(truth)
    for message_id, row in synced.items():
        want = truth[message_id]
        assert (row["subject"], row["contact_alt"], row["custom_id"]) == (
            want["Subject"], want["ContactAlt"], want["CustomID"]
        )  # fmt: skip
    assert all(row["subject"] and row["contact_alt"] for row in synced.values())
    assert any(row["custom_id"] for row in synced.values())
    bounced = [
        r for r in dataset_rows(options, "messagesentstatistics").values() if r["bounce"] or r["blocked"]
    ]
    assert all(r["bounce_reason"] for r in bounced)


def test_the_emulator_fills_shown_fields_only_when_asked(small_emulator):
    server = small_emulator
    res = catalog.get("message")
    shown = [f.name for f in res.fields if f.shown_by]
    with Client(server.api_key, server.api_secret, base_url=server.url, rate_limit="5000/s") as client:
        plain = client.page("message", limit=1000).rows
        asked = {flag: client.page("message", {flag: "true"}, limit=1000).rows for flag in res.show_flags}
    assert shown and all(row[name] == "" for row in plain for name in shown)
    for flag, rows in asked.items():
        fields = [f.name for f in res.fields if f.shown_by == flag]
        assert all(any(row[name] for row in rows) for name in fields), flag
        assert all(row[f.name] == "" for row in rows for f in res.fields if f.shown_by not in (None, flag))
