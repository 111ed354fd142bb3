"""Two-way runs end to end: the emulator and a DuckDB table, both edited, then run and compared."""

from __future__ import annotations

import pytest

from tests.twoway.conftest import Crash, CrashAfter, Harness

pytestmark = pytest.mark.slow  # a few runs each, ~1 s per run (the sync engine's loads)


def seed(h: Harness) -> None:
    h.sql("insert into customers (email, name, plan, news, events) values"
          " ('ann@crm.example', 'Ann', 'pro', true, false), ('bob@crm.example', 'Bob', 'free', false, true)")  # fmt: skip


def test_first_run_copies_both_ways_then_a_rerun_writes_nothing(harness: Harness) -> None:
    seed(harness)
    first = harness.run()
    assert first.ok and first.actions == {"create_mailjet": 2, "insert_database": 6}
    ann = harness.mailjet("ann@crm.example")
    assert (ann["name"], ann["plan"], ann["lists"]) == ("Ann", "pro", {"Newsletter": True})
    assert len(harness.rows()) == 8  # the six seeded contacts came into the table
    assert harness.verify() == []
    again = harness.run()
    assert (again.to_mailjet, again.to_database, again.conflicts) == (0, 0, [])
    # No echo, and a no-change run costs the sync engine's reads plus the lists and definitions lookups.
    assert again.api_calls <= again.sync["api_calls"] + 1 + len(harness.mapping.lists)


def test_edits_on_each_side_reach_the_other(harness: Harness) -> None:
    seed(harness)
    harness.run()
    harness.sql("update customers set plan = 'team', events = true where email = 'bob@crm.example'")
    ann = harness.mailjet("ann@crm.example")
    with harness.client() as client:
        client.update("contact", ann["id"], {"Name": "Annie"})
        client.action("contact", "managecontactslists", ann["id"],
                      data={"ContactsLists": [{"ListID": 1, "Action": "unsub"}]})  # fmt: skip
    report = harness.run()
    assert report.ok and report.conflicts == []
    rows = harness.rows()
    assert (rows["ann@crm.example"]["name"], rows["ann@crm.example"]["news"]) == ("Annie", False)
    bob = harness.mailjet("bob@crm.example")
    assert bob["plan"] == "team" and bob["lists"]["Events"] is True
    assert harness.verify() == []
    assert harness.run().to_mailjet == 0


@pytest.mark.parametrize("rule", ["mailjet_wins", "database_wins"])
def test_a_conflict_is_settled_by_the_rule_and_the_loss_recorded(harness: Harness, rule: str) -> None:
    harness.remap(conflicts={"rule": rule})
    seed(harness)
    harness.run()
    harness.sql("update customers set name = 'Ann (db)' where email = 'ann@crm.example'")
    with harness.client() as client:
        client.update("contact", harness.mailjet("ann@crm.example")["id"], {"Name": "Ann (mj)"})
    report = harness.run()
    kept = "Ann (mj)" if rule == "mailjet_wins" else "Ann (db)"
    assert harness.rows()["ann@crm.example"]["name"] == kept == harness.mailjet("ann@crm.example")["name"]
    winner = "mailjet" if rule == "mailjet_wins" else "database"
    assert harness.conflicts() == [
        ("ann@crm.example", "field:Name", "Ann (db)", "Ann (mj)", winner, rule, "settled")
    ]
    assert [c.kept for c in report.conflicts] == [winner]
    assert harness.run().conflicts == []  # settled once, recorded once


def test_a_manual_conflict_waits_for_the_user(harness: Harness) -> None:
    harness.remap(conflicts={"rule": "manual"})
    seed(harness)
    harness.run()
    harness.sql("update customers set plan = 'db-plan' where email = 'ann@crm.example'")
    with harness.client() as client:
        client.update("contactdata", harness.mailjet("ann@crm.example")["id"],
                      {"Data": [{"Name": "plan", "Value": "mj-plan"}]})  # fmt: skip
    harness.run()
    harness.run()  # still open: recorded once, nothing written
    assert harness.rows()["ann@crm.example"]["plan"] == "db-plan"
    assert harness.mailjet("ann@crm.example")["plan"] == "mj-plan"
    assert [c[4:] for c in harness.conflicts()] == [(None, "manual", "open")]
    assert [d.value for d in harness.verify()] == ["property:plan"]
    harness.sql("update twoway_state.twoway_conflicts set settle = 'database'")
    harness.run()
    assert harness.mailjet("ann@crm.example")["plan"] == "db-plan"
    assert [c[4:] for c in harness.conflicts()] == [("database", "manual", "settled")]
    assert harness.verify() == []


def test_deletions_mark_and_propagate(harness: Harness) -> None:
    harness.remap(deletions={"database": "propagate", "mailjet": "mark"})
    seed(harness)
    harness.run()
    harness.sql("delete from customers where email = 'bob@crm.example'")
    with harness.client() as client:
        ann = harness.mailjet("ann@crm.example")
        client.request("DELETE", f"/v4/contacts/{ann['id']}")  # a GDPR delete made in Mailjet
    report = harness.run()
    assert report.actions["forget_mailjet"] == 1 and report.actions["mark_database"] == 1
    assert harness.rows()["ann@crm.example"]["deleted_in_mailjet"] is True
    with harness.client() as client:
        assert not list(client.iter("contact", {"Email": "bob@crm.example"}))
    assert harness.verify() == []
    assert harness.run().to_database == 0  # the mark is remembered, not redone


def test_deleted_in_the_database_with_mark_leaves_the_lists(harness: Harness) -> None:
    seed(harness)
    harness.run()
    harness.sql("delete from customers where email = 'ann@crm.example'")
    harness.run()
    assert harness.mailjet("ann@crm.example")["lists"] == {}
    assert harness.run().actions.get("create_mailjet") is None  # not created again from Mailjet's side


def test_rows_mailjet_refuses_are_reported_and_the_rest_goes_through(harness: Harness) -> None:
    harness.remap(columns={"score": {"property": "score", "type": "int"}})
    harness.sql("alter table customers add column score text")
    harness.sql("insert into customers (email, name, score) values ('ok@crm.example', 'Ok', '3'),"
                " ('bad@crm.example', 'Bad', 'many')")  # fmt: skip
    report = harness.run()
    assert list(report.failures) == ["bad@crm.example"] and "many" in report.failures["bad@crm.example"]
    assert harness.mailjet("ok@crm.example")["name"] == "Ok"
    assert "bad@crm.example" in {d.email for d in harness.verify()}


def test_plan_writes_nothing(harness: Harness) -> None:
    seed(harness)
    with harness.client() as client:
        before = len(list(client.iter("contact")))
    report = harness.plan()
    assert report.dry_run and report.actions == {"create_mailjet": 2, "insert_database": 6}
    assert {d.key for d in report.decisions if d.action == "create_mailjet"} == {
        "ann@crm.example",
        "bob@crm.example",
    }
    with harness.client() as client:
        assert len(list(client.iter("contact"))) == before
    assert len(harness.rows()) == 2
    assert harness.sql(
        "select count(*) from information_schema.tables where table_name = 'twoway_state'"
    ) == [(0,)]


# The run below makes 12 calls: definitions, two list lookups, three sync pages, then two bulk jobs (submit,
# polls). Killed after the 12th answer, Mailjet holds every write and the table none.
@pytest.mark.parametrize("after", [1, 4, 6, 8, 10, 12])
def test_killed_at_any_call_then_rerun_converges(harness: Harness, after: int) -> None:
    seed(harness)
    harness.run()
    harness.sql("update customers set plan = 'team', news = true where email = 'bob@crm.example'")
    harness.sql("insert into customers (email, name) values ('new@crm.example', 'New')")
    with harness.client() as client:
        client.update("contact", harness.mailjet("ann@crm.example")["id"], {"Name": "Annie"})
    with pytest.raises(Crash):
        harness.run(transport=CrashAfter(after))
    harness.run()
    assert harness.verify() == []
    rows = harness.rows()
    assert rows["ann@crm.example"]["name"] == "Annie" and rows["bob@crm.example"]["plan"] == "team"
    assert harness.mailjet("bob@crm.example")["lists"]["Newsletter"] is True
    with harness.client() as client:
        emails = [c["Email"].lower() for c in client.iter("contact")]
    assert len(emails) == len(set(emails)) and "new@crm.example" in emails
    assert harness.run().to_mailjet == 0
