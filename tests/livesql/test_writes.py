"""INSERT, UPDATE ... WHERE and DELETE ... WHERE against the emulator, end to end, through the importer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.journal import Journal
from mailjet_connector.livesql import LiveSqlError
from mailjet_connector.livesql.writes import apply_live_write, plan_live_write
from tests.livesql.conftest import RATE, forget_requests, requests_made


@pytest.fixture
def server() -> Iterator[Any]:
    """A fresh emulator per test: these tests write."""
    from mailjet_connector.emulator import start_emulator

    with start_emulator(scale="tiny", seed=2, frozen=True) as running:
        yield running


@pytest.fixture
def client(server: Any) -> Iterator[Client]:
    with Client(server.api_key, server.api_secret, base_url=server.url, rate_limit=RATE) as mailjet:
        yield mailjet


def _clock(server: Any) -> Any:
    """Bulk contact jobs run on the emulator's clock: waiting for them moves it."""
    return lambda seconds: server.state.clock.advance(seconds)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite") as opened:
        yield opened


def test_insert_values_creates_the_rows(client: Client, journal: Journal) -> None:
    write = plan_live_write(client, "insert into contactslist (name) values ('Live A'), ('Live B')")
    assert write.plan.counts().get("create") == 2
    assert write.calls == ()  # VALUES need no read
    result = apply_live_write(client, write, journal=journal)
    assert result.ok and result.done.get("create") == 2
    names = {row["Name"] for row in client.iter("contactslist")}
    assert {"Live A", "Live B"} <= names


def test_planning_writes_nothing(server: Any, client: Client) -> None:
    forget_requests(server)
    plan_live_write(client, "update contactslist set name = name || ' (old)' where id in (1, 2)")
    plan_live_write(client, "delete from contactslist where name like 'Zz%'")
    assert {c["method"] for c in requests_made(server)} == {"GET"}


def test_update_where_changes_only_the_matching_rows(client: Client, journal: Journal) -> None:
    lists = list(client.iter("contactslist"))
    target = lists[0]
    write = plan_live_write(
        client, f"update contactslist set name = name || ' (old)' where id = {target['ID']}"
    )
    assert write.plan.counts().get("update") == 1
    assert write.calls == (f"GET /v3/REST/contactslist/{target['ID']}",)  # the WHERE went to the API
    assert apply_live_write(client, write, journal=journal).ok
    after = {row["ID"]: row["Name"] for row in client.iter("contactslist")}
    assert after[target["ID"]] == target["Name"] + " (old)"
    assert all(after[row["ID"]] == row["Name"] for row in lists[1:])


def test_update_of_contacts_by_email_pattern(server: Any, client: Client, journal: Journal) -> None:
    wanted = [c for c in client.iter("contact") if c["Email"].startswith("ada")]
    write = plan_live_write(
        client, "update contact set is_excluded_from_campaigns = true where email like 'ada%'"
    )
    assert all("EmailLLike=ada" in call for call in write.calls)
    result = apply_live_write(client, write, journal=journal, sleep=_clock(server))
    assert result.ok
    excluded = {c["ID"] for c in client.iter("contact", {"IsExcludedFromCampaigns": True})}
    assert {c["ID"] for c in wanted} <= excluded


def test_delete_where_soft_deletes_lists(client: Client, journal: Journal) -> None:
    apply_live_write(
        client, plan_live_write(client, "insert into contactslist (name) values ('Gone')"), journal=journal
    )
    write = plan_live_write(client, "delete from contactslist where name = 'Gone'")
    assert write.plan.counts().get("delete") == 1
    assert apply_live_write(client, write, journal=journal).ok
    (gone,) = [row for row in client.iter("contactslist") if row["Name"] == "Gone"]
    assert gone["IsDeleted"] is True  # Mailjet's DELETE of a list is a soft delete


def test_insert_select_copies_rows_read_live(client: Client, journal: Journal) -> None:
    sql = "insert into contactslist (name) select name || ' copy' from contactslist where not is_deleted"
    write = plan_live_write(client, sql)
    count = sum(1 for row in client.iter("contactslist") if not row["IsDeleted"])
    assert write.plan.counts().get("create") == count
    assert apply_live_write(client, write, journal=journal).ok


def test_contacts_go_through_the_bulk_path(server: Any, client: Client, journal: Journal) -> None:
    write = plan_live_write(client, "insert into contact (email, name) values ('new1@live.example', 'N1'), "
                                    "('new2@live.example', 'N2')")  # fmt: skip
    forget_requests(server)
    result = apply_live_write(client, write, journal=journal, sleep=_clock(server))
    assert result.ok and result.done.get("create") == 2
    assert any("managemanycontacts" in call["path"] for call in requests_made(server))
    assert client.get("contact", "new1@live.example")["Name"] == "N1"


def test_per_row_errors_and_the_journal(client: Client, journal: Journal) -> None:
    existing = next(iter(client.iter("contactslist")))["Name"]
    sql = f"insert into contactslist (name) values ('Fresh one'), ('{existing}')"
    first = apply_live_write(client, plan_live_write(client, sql), journal=journal)
    assert first.done.get("create") == 1
    assert len(first.failures) + first.plan.counts().get("skip", 0) == 1  # the duplicate name is refused
    again = apply_live_write(client, plan_live_write(client, "insert into contactslist (name) values ('Fresh two')"),
                             journal=journal)  # fmt: skip
    assert again.ok


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("update contactslist set name = 'x'", "UPDATE needs a WHERE"),
        ("delete from contactslist", "DELETE needs a WHERE"),
        ("insert into contactslist values ('x')", "name the columns"),
        ("update contactslist set subscriber_count = 3 where id = 1", "read-only"),
        ("update contactslist set nosuch = 3 where id = 1", "has no column 'nosuch'"),
        ("insert into nosuch (a) values (1)", "no live table 'nosuch'"),
        ("insert into contactslist (name) values ('a', 'b')", "each VALUES row needs 1 values"),
    ],
)
def test_refused_before_any_call(server: Any, client: Client, sql: str, message: str) -> None:
    forget_requests(server)
    with pytest.raises(LiveSqlError, match=message):
        plan_live_write(client, sql)
    assert requests_made(server) == []
