"""Bulk import through managemanycontacts jobs against the emulator: acceptance, re-runs, errors, retries."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.contacts import ImportReport, import_contacts
from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.state import Account
from mailjet_connector.importer import PlanError, read_rows, write_failures
from mailjet_connector.journal import Journal
from tests.contacts.conftest import contact_properties, live_records

COLUMNS = ["email", "Name", "age", "score", "vip", "joined", "city"]


def people(n: int, *, bad_every: int = 0) -> list[dict[str, str]]:
    """n rows; with `bad_every`, every bad_every-th row has an address Mailjet refuses."""
    rows = []
    for i in range(n):
        bad = bad_every and i % bad_every == 0
        rows.append(
            {
                "email": f"broken address {i}" if bad else f"user{i}@example.com",
                "Name": f"User {i}",
                "age": str(18 + i % 60),
                "score": f"{i / 7:.3f}",
                "vip": "true" if i % 3 == 0 else "false",
                "joined": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "city": ["Paris", "Lyon", "Nice"][i % 3],
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(client: Client, advance: Any, source: Any, **kwargs: Any) -> ImportReport:
    rows = read_rows(source) if isinstance(source, Path) else source
    kwargs.setdefault("list", "News")
    kwargs.setdefault("sleep", advance)
    return import_contacts(client, rows, **kwargs)


def test_ten_thousand_contacts_land_once_and_a_rerun_changes_nothing(
    client: Client, account: Account, advance: Any, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "people.csv", people(10_000))
    with Journal(tmp_path / "journal.sqlite") as journal:
        first = run(client, advance, source, journal=journal)
        state = {n: live_records(account, n) for n in ("contact", "listrecipient", "contactdata")}
        again = run(client, advance, source, journal=journal)
    assert first.ok and first.imported == 10_000 and len(first.submitted_jobs) == 2
    assert {d.name: d.datatype for d in first.defined} == {
        "score": "float",
        "vip": "bool",
        "joined": "datetime",
        "city": "str",
    }
    assert len(state["contact"]) == 10_000
    assert {r["ListID"] for r in state["listrecipient"]} == {1} and len(state["listrecipient"]) == 10_000
    props = contact_properties(account)
    assert props["user7@example.com"] == {
        "age": "25",
        "score": "1.0",
        "vip": "false",
        "joined": "2024-08-08T00:00:00Z",
        "city": "Lyon",
    }
    assert again.submitted_jobs == [] and again.skipped_batches == 2 and again.ok
    assert {n: live_records(account, n) for n in state} == state


def test_rerun_without_journal_creates_no_duplicates(client: Client, account: Account, advance: Any) -> None:
    rows = people(300)
    run(client, advance, rows)
    before = live_records(account, "contact")
    report = run(client, advance, rows)
    assert report.ok and len(report.submitted_jobs) == 1
    assert live_records(account, "contact") == before
    assert len(live_records(account, "listrecipient")) == 300


def test_bad_rows_go_to_the_errors_file_with_mailjets_reason(
    client: Client, account: Account, advance: Any, tmp_path: Path
) -> None:
    rows = people(2_000, bad_every=33)  # 61 bad rows: 3%
    rows[5]["age"] = "forty"  # refused before any call: age is an int property
    report = run(client, advance, write_csv(tmp_path / "p.csv", rows), batch_size=700)
    bad = {r["email"] for r in rows if " " in r["email"]} | {rows[5]["email"]}
    assert {e.key for e in report.errors} == bad and report.imported == 2_000 - len(bad)
    assert {r["Email"] for r in live_records(account, "contact")} == {r["email"] for r in rows} - bad
    path = write_failures(report.errors, tmp_path / "errors.csv") and tmp_path / "errors.csv"
    with path.open() as handle:
        written = list(csv.DictReader(handle))
    assert [w["email"] for w in written][:3] == ["broken address 0", "user5@example.com", "broken address 33"]
    assert written[0]["error"] == 'Invalid email address "broken address 0"'  # from the job's JSONError file
    assert written[1]["error"].startswith('Property "age": Property type does not match definition')
    assert written[0].keys() == {*COLUMNS, "error"}


def test_strict_mode_refuses_undefined_properties_before_any_job(
    client: Client, account: Account, advance: Any
) -> None:
    with pytest.raises(PlanError, match="city, joined, score, vip"):
        run(client, advance, people(5), properties="strict")
    assert live_records(account, "contact") == [] and jobs.registry(account) == {}


def test_dry_run_writes_nothing(client: Client, account: Account, advance: Any) -> None:
    report = run(client, advance, people(20), dry_run=True, list="Brand new", create_list=True)
    assert report.dry_run and report.plan["contacts"] == 20 and report.plan["properties_to_define"]
    assert (
        len(live_records(account, "contactslist")) == 2 and live_records(account, "contactmetadata")[1:] == []
    )


def test_a_crash_after_submitting_resumes_the_same_jobs(
    client: Client, account: Account, advance: Any, tmp_path: Path
) -> None:
    rows = people(1_000)

    def crash(seconds: float) -> None:
        raise KeyboardInterrupt  # the process dies while waiting for its first jobs

    with Journal(tmp_path / "j.sqlite") as journal:
        with pytest.raises(KeyboardInterrupt):
            run(client, crash, rows, journal=journal, batch_size=300, parallel_jobs=2)
        report = run(client, advance, rows, journal=journal, batch_size=300, parallel_jobs=2)
    assert report.resumed_jobs == [1, 2] and report.submitted_jobs == [3, 4] and report.ok
    assert sorted(jobs.registry(account)) == [1, 2, 3, 4]
    assert (
        len(live_records(account, "contact")) == 1_000
        and len(live_records(account, "listrecipient")) == 1_000
    )


def test_a_failed_job_is_retried_with_only_its_unprocessed_contacts(
    client: Client, account: Account, advance: Any, server: Any
) -> None:
    account.extra[jobs.SETTINGS_KEY] = jobs.JobSettings(per_second=100)
    aborted: list[int] = []

    def abort_first_then_advance(seconds: float) -> None:
        if not aborted:
            job = jobs.registry(account)[1]
            server.state.clock.set(job.requested_at + 3)  # 2 s queued + prepare, then 1 s = 100 contacts
            jobs.abort(server.state, account, job)
            aborted.append(job.done)
        advance(seconds)

    rows = people(250, bad_every=100)  # rows 0, 100 and 200 are bad
    report = run(client, advance, rows, list=["News", "Promo"], sleep=abort_first_then_advance)
    assert aborted == [100] and report.submitted_jobs == [1, 2]
    retried = jobs.registry(account)[2]
    assert retried.work.total == 250 - 1 and retried.status == "Completed"  # all but the bad row reported
    assert {e.key for e in report.errors} == {
        "broken address 0",
        "broken address 100",
        "broken address 200",
    }
    recipients = live_records(account, "listrecipient")
    assert len(recipients) == 2 * 247 and {r["ListID"] for r in recipients} == {1, 2}
