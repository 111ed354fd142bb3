"""Lists and property definitions kept from the last run: a run with nothing to do costs the sync's read alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailjet_connector.twoway.mailjet import refresh_copy
from tests.twoway.conftest import Harness

pytestmark = pytest.mark.slow  # a few runs each, ~1 s per run (the sync engine's loads)


def seed(h: Harness) -> None:
    h.sql("insert into customers (email, name, plan, news, events) values"
          " ('ann@crm.example', 'Ann', 'pro', true, false), ('bob@crm.example', 'Bob', 'free', false, true)")  # fmt: skip


def served(h: Harness) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in h.server.state.request_log]


def test_a_no_change_run_makes_exactly_the_sync_reads_calls(harness: Harness, tmp_path: Path) -> None:
    seed(harness)
    assert harness.run().ok
    start = len(served(harness))
    again = harness.run()
    run_calls = served(harness)[start:]
    assert (again.to_mailjet, again.to_database, again.api_calls) == (0, 0, len(run_calls))
    assert not any("contactmetadata" in c or "contactslist" in c for c in run_calls)
    # The sync engine's own whole read of the three resources, on the same data, in a fresh pipeline.
    start = len(served(harness))
    refresh_copy(harness.mapping, harness.settings, pipelines_dir=str(tmp_path / "peer"))
    assert len(run_calls) == len(served(harness)[start:])


def test_a_list_replaced_in_mailjet_gets_the_memberships_under_its_new_id(harness: Harness) -> None:
    seed(harness)
    assert harness.run().ok
    with harness.client() as client:
        old = next(iter(client.iter("contactslist", {"Name": "Newsletter"})))["ID"]
        # Replaced under the same name: the old list renamed away (the emulator, as Mailjet, keeps a deleted
        # list's name taken), a new one created: the name now resolves to another ID.
        client.update("contactslist", old, {"Name": "Newsletter (old)"})
        new = client.create("contactslist", {"Name": "Newsletter"})["ID"]
    assert new != old
    harness.sql("update customers set news = true where email = 'bob@crm.example'")
    report = harness.run()
    assert report.ok, report.failures
    bob = harness.mailjet("bob@crm.example")
    assert bob["lists"].get("Newsletter") is True
    with harness.client() as client:
        members = {r["ContactID"] for r in client.iter("listrecipient", {"ContactsList": new})}
    assert bob["id"] in members
    assert harness.verify() == []
    assert harness.run().to_mailjet == 0


def test_a_list_replaced_in_mailjet_is_read_under_its_new_id_even_with_nothing_else_changed(
    harness: Harness,
) -> None:
    seed(harness)
    assert harness.run().ok
    bob = harness.mailjet("bob@crm.example")
    with harness.client() as client:
        old = next(iter(client.iter("contactslist", {"Name": "Newsletter"})))["ID"]
        client.update("contactslist", old, {"Name": "Newsletter (old)"})
        new = client.create("contactslist", {"Name": "Newsletter"})["ID"]
        for contact in (harness.mailjet("ann@crm.example")["id"], bob["id"]):
            client.action("contact", "managecontactslists", contact,
                          data={"ContactsLists": [{"ListID": new, "Action": "addforce"}]})  # fmt: skip
    # The old list still holds Ann as before: only the synced subscriptions under the new ID tell.
    report = harness.run()
    assert report.ok and report.api_calls > report.sync["api_calls"]  # resolved again: the IDs moved
    rows = harness.rows()
    assert (rows["bob@crm.example"]["news"], rows["ann@crm.example"]["news"]) == (True, True)
    assert harness.verify() == []
