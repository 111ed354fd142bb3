"""docs/catalog.md is generated from the catalog and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from mailjet_connector import catalog
from mailjet_connector.catalog.docs import REGENERATE, cursor_text, keys_text, plain, render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"


def test_docs_page_matches_the_catalog() -> None:
    # On failure, regenerate: see REGENERATE (also written at the top of the page).
    assert DOCS.read_text(encoding="utf-8") == render_markdown(catalog.all_resources()), REGENERATE


def test_page_tells_how_to_regenerate_it() -> None:
    assert REGENERATE in render_markdown(catalog.all_resources())


def test_composite_keys_are_joined_like_urls() -> None:
    assert keys_text(catalog.get("eventcallbackurl")) == "ID, EventType|IsBackup"
    assert keys_text(catalog.get("messagehistory")) == "-"


def test_cursor_text_shows_the_server_window() -> None:
    assert cursor_text(catalog.get("openinformation")) == "OpenedAt > EventFromTs, <= EventToTs"
    assert cursor_text(catalog.get("contactstatistics")) == (
        "LastActivityAt >= MinLastActivityAt, < MaxLastActivityAt"
    )
    assert cursor_text(catalog.get("messagehistory")) == "EventAt (local)"
    assert cursor_text(catalog.get("contact")) == "-"


def test_plain_turns_records_into_json_values() -> None:
    field = plain(catalog.get("contactmetadata").field("NameSpace"))
    assert field["type"] == "str"
    assert field["choices"] == ["static", "historic"]
