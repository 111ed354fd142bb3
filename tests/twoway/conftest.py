"""Two-way test harness: a small emulator, a DuckDB (or PostgreSQL) table, and helpers to edit both sides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from mailjet_connector.client import Client
from mailjet_connector.config import Settings
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.twoway import Mapping, parse_mapping, plan, run, verify
from mailjet_connector.twoway.database import open_database, quote

TABLE_SQL = (
    "create table {t} (email text primary key, name text, plan text, news boolean, events boolean,"
    " updated_at timestamp with time zone default current_timestamp, deleted_in_mailjet boolean)"
)


def mapping_data(url: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "database": {"url": url, "table": "customers", "state_schema": "twoway_state"},
        "columns": {"name": {"field": "Name"}, "plan": {"property": "plan"}},
        "lists": {"flags": {"news": "Newsletter", "events": "Events"}},
        "conflicts": {"rule": "mailjet_wins"},
    }
    for section, values in changes.items():
        data[section] = {**data.get(section, {}), **values}
    return data


class Crash(BaseException):
    """A process killed mid-run: nothing catches it (it is not an Exception)."""


class CrashAfter(httpx.BaseTransport):
    """Forward requests to the emulator; after the `after`-th one has been answered, the process "dies"."""

    def __init__(self, after: int) -> None:
        self.inner, self.after, self.count = httpx.HTTPTransport(), after, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.count += 1
        if self.count >= self.after:
            response.read()
            raise Crash(f"killed after call {self.count}")
        return response


@dataclass
class Harness:
    """One emulator account and one table, with the mapping that joins them."""

    server: EmulatorServer
    root: Path
    url: str
    mapping: Mapping

    @property
    def settings(self) -> Settings:
        return Settings(api_key=SecretStr(self.server.api_key), api_secret=SecretStr(self.server.api_secret),
                        base_url=self.server.url, rate_limit="5000/s")  # fmt: skip

    def kwargs(self, **extra: Any) -> dict[str, Any]:
        return {"journal": self.root / "journal.sqlite", "pipelines_dir": str(self.root / "pipelines"),
                "sleep": self.server.state.clock.advance, **extra}  # fmt: skip

    def remap(self, **changes: Any) -> None:
        self.mapping = parse_mapping(mapping_data(self.url, **changes))

    def run(self, **extra: Any) -> Any:
        return run(self.mapping, self.settings, **self.kwargs(**extra))

    def plan(self) -> Any:
        return plan(self.mapping, self.settings, **self.kwargs())

    def verify(self) -> list[Any]:
        kw = self.kwargs()
        return verify(self.mapping, self.settings, pipelines_dir=kw["pipelines_dir"])

    def client(self) -> Client:
        return Client(self.server.api_key, self.server.api_secret, base_url=self.server.url, pacer=Pacer(1e6))

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with open_database(self.url) as db:
            if statement.lstrip().lower().startswith("select"):
                return db.query(statement, params)
            db.execute(statement, params)
            return []

    def rows(self) -> dict[str, dict[str, Any]]:
        names = ("email", "name", "plan", "news", "events", "deleted_in_mailjet")
        found = self.sql(f"select {', '.join(names)} from customers")
        return {r[0].lower(): dict(zip(names, r, strict=True)) for r in found}

    def conflicts(self) -> list[tuple[Any, ...]]:
        return self.sql(
            "select key, target, database_value, mailjet_value, kept, rule, status from"
            f" {quote('twoway_state.twoway_conflicts')} order by key, target"
        )

    def mailjet(self, email: str) -> dict[str, Any]:
        """Name, plan and memberships of a contact, read straight from the API (not through the sync)."""
        with self.client() as client:
            contact = client.get("contact", email)
            data = client.get("contactdata", contact["ID"])
            props = {d["Name"]: d["Value"] for d in data.get("Data") or []}
            lists = {r["ListName"]: not r["IsUnsubscribed"]
                     for r in client.iter("listrecipient", {"Contact": contact["ID"]})}  # fmt: skip
        return {"name": contact["Name"], "plan": props.get("plan"), "lists": lists, "id": contact["ID"]}


def new_harness(server: EmulatorServer, root: Path, url: str, **changes: Any) -> Harness:
    with open_database(url) as db:
        db.execute(TABLE_SQL.format(t="customers"))
    return Harness(server, root, url, parse_mapping(mapping_data(url, **changes)))


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=7, overrides={"contact": 6}) as running:
        yield running


@pytest.fixture
def harness(server: EmulatorServer, tmp_path: Path) -> Harness:
    return new_harness(server, tmp_path, str(tmp_path / "crm.duckdb"))
