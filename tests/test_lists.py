"""The one list resolver (#19 item 3): by ID or exact name, live lists only, ambiguity refused, create."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.lists import ListNotFoundError, resolve_list
from mailjet_connector.ratelimit import Pacer


@pytest.fixture
def client(emulator: Any) -> Iterator[Client]:
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url, pacer=Pacer(1e6)) as connected:
        yield connected


def add_list(emulator: Any, name: str, *, deleted: bool = False) -> int:
    """A list written straight into the emulator's store (the API refuses a duplicate name)."""
    table = emulator.state.accounts[emulator.api_key].table("contactslist")
    position = table.insert({"Name": name, "Address": f"a{len(table.live())}x", "IsDeleted": deleted})
    return int(table.records([position])[0]["ID"])


def test_an_id_or_an_exact_name_finds_the_list(client: Client) -> None:
    first = next(client.iter("contactslist"))
    assert resolve_list(client, str(first["ID"])) == first["ID"] == resolve_list(client, first["ID"])
    assert resolve_list(client, f"  {first['Name']} ") == first["ID"]
    with pytest.raises(ListNotFoundError, match="ID 999999"):
        resolve_list(client, 999_999)
    with pytest.raises(ListNotFoundError, match="no contacts list named"):
        resolve_list(client, str(first["Name"]).upper())  # names are matched exactly


def test_a_deleted_list_is_not_found_by_name(client: Client, emulator: Any) -> None:
    add_list(emulator, "Old news", deleted=True)
    with pytest.raises(ListNotFoundError, match="no contacts list named 'Old news'"):
        resolve_list(client, "Old news")
    live = add_list(emulator, "Old news")
    assert resolve_list(client, "Old news") == live


def test_two_live_lists_with_one_name_are_refused_with_their_ids(client: Client, emulator: Any) -> None:
    ids = [add_list(emulator, "Twins"), add_list(emulator, "Twins")]
    with pytest.raises(
        ListNotFoundError, match=rf"several contacts lists are named 'Twins' \(IDs {ids[0]}, {ids[1]}\)"
    ):
        resolve_list(client, "Twins")
    assert resolve_list(client, str(ids[1])) == ids[1]


def test_create_makes_a_missing_list_once(client: Client) -> None:
    with pytest.raises(ListNotFoundError, match="no contacts list named 'Fresh'"):
        resolve_list(client, "Fresh")
    created = resolve_list(client, "Fresh", create=True)
    assert resolve_list(client, "Fresh", create=True) == created == resolve_list(client, "Fresh")
