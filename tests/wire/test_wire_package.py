"""The wire package (#19 item 4): dependency-free, and the one spelling of Basic auth, URL masks and events."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import mailjet_connector.wire as wire
from mailjet_connector.catalog.enums import EVENT_TYPES as CATALOG_EVENT_TYPES
from mailjet_connector.emulator.lifecycle.events import probe_event
from mailjet_connector.webhooks.events import EVENT_FIELDS, parse_event
from mailjet_connector.wire.basic_auth import basic_header, parse_basic
from mailjet_connector.wire.events import EVENT_TYPES, payload_order
from mailjet_connector.wire.urls import mask_password


def test_imports_only_the_standard_library() -> None:
    for path in Path(wire.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.partition(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"


@given(st.text(alphabet=st.characters(blacklist_characters=":", blacklist_categories=("Cs",))), st.text())
def test_basic_round_trip(user: str, password: str) -> None:
    assert parse_basic(basic_header(user, password)) == (user, password)


def test_url_passwords_are_masked_the_same_everywhere() -> None:
    assert mask_password("https://u:pw@h.example.net:8443/x?a=1") == "https://u:***@h.example.net:8443/x?a=1"
    assert mask_password("https://h.example.net/x") == "https://h.example.net/x"
    assert mask_password("postgresql://me:s3cret@[::1]:5432/db") == "postgresql://me:***@[::1]:5432/db"
    assert mask_password("https://u:pw@[::1/x") == "https://***@[::1/x"  # unparsable: all user-info hidden


def test_event_types_are_one_list() -> None:
    assert CATALOG_EVENT_TYPES == EVENT_TYPES


def test_every_emulated_event_follows_the_schema_the_receiver_validates() -> None:
    known = {f.name for f in EVENT_FIELDS}
    for kind in EVENT_TYPES:
        payload = probe_event(kind, 1_700_000_000)
        assert tuple(payload) == payload_order(kind)
        assert set(payload) <= known
        parse_event(payload)  # raises PayloadError on a wrongly typed field
