"""Provisioning verbs by email against the emulator: subscribe, unsubscribe, exclude, include, forget."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailjet_connector.client import Client
from mailjet_connector.contacts import (
    exclude,
    forget,
    include,
    read_emails,
    subscribe,
    unsubscribe,
)
from mailjet_connector.emulator.state import Account
from mailjet_connector.importer import SourceError
from tests.contacts.conftest import live_records


def subscriptions(account: Account) -> dict[tuple[str, int], bool]:
    """(email, list ID) -> unsubscribed."""
    emails = {r["ID"]: r["Email"] for r in live_records(account, "contact")}
    return {
        (emails[r["ContactID"]], r["ListID"]): r["IsUnsubscribed"]
        for r in live_records(account, "listrecipient")
    }


def test_subscribe_creates_missing_contacts_and_unsubscribe_marks_them(
    client: Client, account: Account
) -> None:
    client.create("contact", {"Email": "known@x.com"})
    outcomes = subscribe(client, ["known@x.com", "new@x.com", "known@x.com"], 1)
    assert [(o.email, o.detail) for o in outcomes] == [
        ("known@x.com", "subscribed"),
        ("new@x.com", "created and subscribed"),
    ]
    unsub = unsubscribe(client, ["new@x.com", "ghost@x.com"], 1)
    assert [o.ok for o in unsub] == [True, False] and "Object not found" in unsub[1].detail
    assert subscriptions(account) == {("known@x.com", 1): False, ("new@x.com", 1): True}
    subscribe(client, ["new@x.com"], 1, force=False)  # addnoforce keeps the unsubscription
    assert subscriptions(account)[("new@x.com", 1)] is True
    subscribe(client, ["new@x.com"], 1)
    assert subscriptions(account)[("new@x.com", 1)] is False


def test_exclude_and_include_report_unchanged_contacts(client: Client, account: Account) -> None:
    client.create("contact", {"Email": "a@x.com"})
    assert [o.detail for o in exclude(client, ["a@x.com"])] == ["excluded"]
    assert [o.detail for o in exclude(client, ["a@x.com"])] == ["already excluded"]  # 304 from Mailjet
    assert live_records(account, "contact")[0]["IsExcludedFromCampaigns"] is True
    assert [o.detail for o in include(client, ["a@x.com"])] == ["included"]
    assert not exclude(client, ["nobody@x.com"])[0].ok


def test_forget_anonymises_the_contact(client: Client, account: Account) -> None:
    subscribe(client, ["gone@x.com"], 2)
    outcomes = forget(client, ["gone@x.com", "never@x.com"])
    assert outcomes[0].ok and outcomes[0].detail.startswith("forgotten (contact 1")
    assert not outcomes[1].ok
    contact = live_records(account, "contact")[0]
    assert contact["Email"].endswith("@domain.invalid") and contact["Name"] == "Anonymized"
    assert live_records(account, "listrecipient") == []


def test_emails_come_from_text_or_table_files(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_text("# leavers\na@x.com\n\n b@x.com \n")
    (tmp_path / "e.csv").write_text("id,Email\n1,c@x.com\n2,\n")
    (tmp_path / "bad.csv").write_text("id,mail\n1,c@x.com\n")
    assert list(read_emails(tmp_path / "e.txt")) == ["a@x.com", "b@x.com"]
    assert list(read_emails(tmp_path / "e.csv")) == ["c@x.com"]
    with pytest.raises(SourceError, match="no Email column"):
        list(read_emails(tmp_path / "bad.csv"))
    with pytest.raises(SourceError, match="no such file"):
        list(read_emails(tmp_path / "missing.txt"))
