"""Imports against the emulator: bulk contacts, per-row resources, re-runs, links, journal resumes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer
from mailjet_connector.importer import (
    PlanError,
    apply,
    import_rows,
    plan_rows,
    prepare,
    read_rows,
    write_failures,
)
from mailjet_connector.importer.load import load_existing
from mailjet_connector.journal import DONE, PENDING, Journal


def write_contacts(path: Path, count: int, *, bad_every: int = 0) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "Name", "age", "firstname"])
        for i in range(count):
            bad = bad_every and i % bad_every == 0
            writer.writerow(
                [f"broken{i}@" if bad else f"imp{i}@example.org", f"N{i}", str(20 + i % 50), "Ann"]
            )


@pytest.mark.slow
def test_ten_thousand_contacts_land_once_with_properties_and_list(
    server: EmulatorServer, client: Client, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    write_contacts(path, 10_000)
    list_id = client.create("contactslist", {"Name": "Imported"})["ID"]  # type: ignore[index]
    journal = Journal(tmp_path / "journal.sqlite")
    first = import_rows(
        client,
        "contact",
        read_rows(path),
        "upsert",
        lists=["Imported"],
        journal=journal,
        sleep=server.state.clock.advance,
    )
    assert first.ok and first.done == {"create": 10_000}
    again = import_rows(
        client,
        "contact",
        read_rows(path),
        "upsert",
        lists=["Imported"],
        journal=journal,
        sleep=server.state.clock.advance,
    )
    assert again.plan.counts()["unchanged"] == 10_000 and again.done == {}
    emails = [c["Email"] for c in client.iter("contact") if c["Email"].startswith("imp")]
    assert len(emails) == len(set(emails)) == 10_000
    assert client.count("listrecipient", {"ContactsList": list_id}) == 10_000
    data = {d["Data"][0]["Name"]: d for d in [client.get("contactdata", "imp7@example.org")]}
    values = {i["Name"]: i["Value"] for i in next(iter(data.values()))["Data"]}
    assert values["age"] in ("27", 27) and values["firstname"] == "Ann"


def test_bad_rows_fail_with_mailjets_reason_and_good_rows_land(
    server: EmulatorServer, client: Client, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    write_contacts(path, 300, bad_every=33)  # 10 of 300 rows: 3 %
    result = import_rows(client, "contact", read_rows(path), "insert", sleep=server.state.clock.advance)
    assert result.done == {"create": 290} and len(result.failures) == 10
    assert result.failures[0].error == 'Invalid email address "broken0@"'
    errors = tmp_path / "errors.csv"
    assert write_failures(result.failures, errors) == 10
    with errors.open() as handle:
        first = next(csv.DictReader(handle))
    assert first == {
        "Email": "broken0@",
        "Name": "N0",
        "age": "20",
        "firstname": "Ann",
        "error": 'Invalid email address "broken0@"',
    }
    rerun = import_rows(client, "contact", read_rows(path), "insert", sleep=server.state.clock.advance)
    assert rerun.plan.counts()["skip"] == 290 and rerun.done == {}


def test_lists_upsert_by_name_then_soft_delete(client: Client) -> None:
    rows = [{"Name": "Newsletter", "IsDeleted": "false"}, {"Name": "Fresh"}]
    result = import_rows(client, "contactslist", rows, "upsert", key=["Name"])
    assert result.plan.counts()["create"] == 1 and result.plan.counts()["unchanged"] == 1
    assert result.done == {"create": 1}
    deleted = import_rows(client, "contactslist", [{"Name": "Fresh"}], "delete", key=["Name"])
    assert deleted.done == {"delete": 1}
    fresh = next(r for r in client.iter("contactslist") if r["Name"] == "Fresh")
    assert fresh["IsDeleted"] is True
    again = import_rows(client, "contactslist", [{"Name": "Fresh"}], "delete", key=["Name"])
    assert again.plan.counts()["unchanged"] == 1


def test_campaign_star_and_composite_key_update(client: Client) -> None:
    starred = import_rows(client, "campaign", [{"ID": "1", "IsStarred": "false"}], "update")
    assert starred.done == {"update": 1} and client.get("campaign", 1)["IsStarred"] is False
    hooks = [{"EventType": "open", "IsBackup": "false", "Url": "https://hooks.example.com/new"}]
    result = import_rows(client, "eventcallbackurl", hooks, "upsert")
    assert result.plan.key == ("EventType", "IsBackup") and result.done == {"update": 1}
    assert client.get("eventcallbackurl", ("open", "false"))["Url"] == "https://hooks.example.com/new"


def test_link_columns_accept_emails_and_list_names(client: Client) -> None:
    contact = client.create("contact", {"Email": "linked@example.org"})
    rows = [{"ContactID": "linked@example.org", "ListID": "Newsletter"}]
    result = import_rows(client, "listrecipient", rows, "insert")
    assert result.ok and result.done == {"create": 1}
    subs = list(client.iter("listrecipient", {"Contact": contact["ID"]}))  # type: ignore[index]
    assert [s["ListID"] for s in subs] == [1]


def test_mailjet_refusals_are_row_failures(client: Client) -> None:
    result = import_rows(client, "contactslist", [{"Name": "Newsletter"}, {"Name": "Brand new"}], "insert")
    assert result.done == {"create": 1}
    assert [f.number for f in result.failures] == [1] and "already exists" in result.failures[0].error


def test_rerun_skips_rows_done_and_flags_unverifiable_in_flight(client: Client, tmp_path: Path) -> None:
    rows = [{"Name": f"List {i}"} for i in range(4)]  # no key column: only the journal can tell
    journal = Journal(tmp_path / "journal.sqlite")
    planned = import_rows(client, "contactslist", rows, "insert", journal=journal, dry_run=True)
    journal.finish_many(planned.job, [("row:1", DONE, {"ID": 99}, None), ("row:2", PENDING, None, None)])
    result = import_rows(client, "contactslist", rows, "insert", journal=journal)
    assert result.resumed == 1 and result.done == {"create": 2}
    assert [f.number for f in result.failures] == [2] and "in flight" in result.failures[0].error
    names = [r["Name"] for r in client.iter("contactslist") if r["Name"].startswith("List ")]
    assert sorted(names) == ["List 2", "List 3"]


def test_content_part_keeps_parts_not_sent_and_detects_unchanged(client: Client) -> None:
    rows = [
        {
            "ID": "1",
            "Text-part": "Plain hello",
            "Headers": '{"Subject": "Hi", "From": "a@b.co", "Reply-To": ""}',
        }
    ]
    result = import_rows(client, "template", rows, "update", part="content")
    assert result.done == {"update": 1}
    content = client.action("template", "detailcontent", 1)[0]
    assert content["Text-part"] == "Plain hello" and content["Html-part"].startswith("<h1>Welcome")
    assert content["Headers"]["Subject"] == "Hi"
    again = import_rows(client, "template", rows, "update", part="content")
    assert again.plan.counts()["unchanged"] == 1 and again.done == {}


def test_part_errors_are_clear(client: Client) -> None:
    with pytest.raises(PlanError, match="contactslist has no content part"):
        import_rows(client, "contactslist", [{"ID": "1", "Html-part": "x"}], "update", part="content")
    missing = import_rows(
        client, "campaigndraft", [{"ID": "999", "Html-part": "<p>x</p>"}], "update", part="content"
    )
    assert missing.failures[0].error == "Object not found"


def test_schedule_part_programs_a_draft_once(client: Client) -> None:
    draft = client.create(
        "campaigndraft",
        {
            "Title": "t",
            "Subject": "s",
            "Locale": "en_US",
            "Sender": "News",
            "SenderEmail": "news@example.com",
            "ContactsListID": 1,
        },
    )
    draft_id = str(draft["ID"])  # type: ignore[index]
    import_rows(
        client, "campaigndraft", [{"ID": draft_id, "Html-part": "<p>hi</p>"}], "update", part="content"
    )
    rows = [{"ID": draft_id, "Date": "2030-01-01T10:00:00Z"}]
    assert import_rows(client, "campaigndraft", rows, "update", part="schedule").done == {"update": 1}
    assert client.action("campaigndraft", "schedule", draft_id)[0]["Status"] == "programmed"
    assert (
        import_rows(client, "campaigndraft", rows, "update", part="schedule").plan.counts()["unchanged"] == 1
    )


def test_prepare_reads_only_and_apply_writes_the_plan(client: Client) -> None:
    rows = [{"Name": "Alpha"}, {"Name": "Newsletter"}]
    plan = prepare(client, "contactslist", rows, "upsert", key=["Name"])
    assert plan.counts()["create"] == 1 and plan.counts()["unchanged"] == 1
    assert not [r for r in client.iter("contactslist") if r["Name"] == "Alpha"]  # nothing written yet
    assert apply(client, plan).done == {"create": 1}
    again = prepare(client, "contactslist", rows, "upsert", key=["Name"])
    assert again.counts()["unchanged"] == 2 and apply(client, again).done == {}


def test_a_blind_contact_plan_runs_as_bulk_jobs_with_its_list_action(
    server: EmulatorServer, client: Client
) -> None:
    # What two-way sync or SQL writes do: plan without reading contacts, let the bulk job resolve them.
    existing = load_existing(client, catalog.get("contact"), [], ("Email",), blind=True)
    rows = [{"Email": "blind1@example.org", "age": "41"}, {"Email": "blind2@example.org"}]
    plan = plan_rows(
        catalog.get("contact"), rows, "upsert", existing, key=["Email"], lists=[1], list_action="unsub"
    )
    assert plan.blind and plan.counts() == {"upsert": 2, "skip": 0, "error": 0}
    result = apply(client, plan, sleep=server.state.clock.advance)
    assert result.ok and result.done == {"upsert": 2}
    subscriptions = list(
        client.iter("listrecipient", {"ContactsList": 1, "ContactEmail": "blind1@example.org"})
    )
    assert [s["IsUnsubscribed"] for s in subscriptions] == [True]
    data = client.get("contactdata", "blind1@example.org")["Data"]
    assert {i["Name"]: str(i["Value"]) for i in data}["age"] == "41"


def test_the_same_rows_added_then_removed_with_one_journal_are_two_jobs(
    server: EmulatorServer, client: Client, tmp_path: Path
) -> None:
    # Regression (found by two-way sync): the journal's job id left out the list action, so a remove of the
    # rows an earlier add had written was taken for that add, "already done", and skipped.
    existing = load_existing(client, catalog.get("contact"), [], ("Email",), blind=True)
    rows = [{"Email": "twice@example.org"}]
    with Journal(tmp_path / "journal.sqlite") as journal:
        for action, expected in (("addforce", 1), ("remove", 0)):
            plan = plan_rows(catalog.get("contact"), rows, "upsert", existing, key=["Email"], lists=[1],
                             list_action=action)  # fmt: skip
            assert apply(client, plan, journal=journal, sleep=server.state.clock.advance).done == {
                "upsert": 1
            }
            found = client.iter("listrecipient", {"ContactsList": 1, "ContactEmail": "twice@example.org"})
            assert len(list(found)) == expected
