"""Fixtures for the REST tests: small hand-built emulator states and in-process clients."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    # starlette 0.52's testclient touches an anyio alias deprecated in anyio 4.12; harmless here.
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.state import Account, Clock, EmulatorState

NOW = 1_700_000_000  # 2023-11-14T22:13:20Z
MAIN = ("mainkey", "mainsecret")
OTHER = ("otherkey", "othersecret")


def build_state() -> EmulatorState:
    """Two accounts: `main` with a few contacts, lists, subscriptions, properties and messages; `other` empty."""
    state = EmulatorState(clock=Clock(NOW, frozen=True), seed=7)
    main = state.add_account(Account(MAIN[0], MAIN[1], key_id=1, name="main"))
    state.add_account(Account(OTHER[0], OTHER[1], key_id=2, name="other"))
    contacts = main.table("contact")
    for i, (email, name) in enumerate(
        [("alice@example.com", "Alice"), ("bob@example.com", "Bob"), ("carol@example.org", "Carol")]
    ):
        contacts.insert({"Email": email, "Name": name, "CreatedAt": NOW - 1000 + i, "DeliveredCount": 3 - i})
    lists = main.table("contactslist")
    lists.insert({"Name": "Newsletter", "Address": "abcdefghi", "CreatedAt": NOW - 500, "SubscriberCount": 2})
    lists.insert({"Name": "Promo", "Address": "jklmnopqr", "CreatedAt": NOW - 400, "SubscriberCount": 1})
    recipients = main.table("listrecipient")
    recipients.insert({"ContactID": 1, "ListID": 1, "ListName": "Newsletter", "SubscribedAt": NOW - 300})
    recipients.insert(
        {
            "ContactID": 2,
            "ListID": 1,
            "ListName": "Newsletter",
            "IsUnsubscribed": True,
            "SubscribedAt": NOW - 200,
        }
    )
    recipients.insert({"ContactID": 2, "ListID": 2, "ListName": "Promo", "SubscribedAt": NOW - 100})
    meta = main.table("contactmetadata")
    meta.insert({"Name": "age", "Datatype": "int", "NameSpace": "static"})
    meta.insert({"Name": "city", "Datatype": "str", "NameSpace": "static"})
    messages = main.table("message")
    statuses = ["sent", "opened", "clicked", "softbounced", "sent"]
    for i, status in enumerate(statuses):
        messages.insert(
            {
                "ArrivedAt": NOW - 3600 * (5 - i),
                "CampaignID": 10 if i < 3 else 11,
                "ContactID": 1 + i % 3,
                "ContactAlt": ["alice@example.com", "bob@example.com", "carol@example.org"][i % 3],
                "Subject": f"Subject {i}",
                "CustomID": f"custom-{i}",
                "Status": status,
            }
        )
    return state


@pytest.fixture
def state() -> EmulatorState:
    return build_state()


@pytest.fixture
def client(state: EmulatorState) -> Iterator[TestClient]:
    """An in-process client authenticated as the main account."""
    with TestClient(create_app(state)) as test_client:
        test_client.auth = MAIN
        yield test_client
