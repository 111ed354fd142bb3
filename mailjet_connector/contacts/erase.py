"""Remove a person from the local stores the project writes: the webhook store, the synced dataset, the journal.

What counts as the person, in the synced dataset (derived from the catalog, so a new resource is covered
by its catalog entry):

- rows whose address columns name them: the EMAIL fields of `contact` and of every resource that links to
  a contact (`contactslistsignup.email`, `messagesentstatistics.to_email`...), and the webhook tables'
  `event.email`, `inbound_message.sender` / `from_header` (`webhooks.backend.PERSON_COLUMNS`);
- the rows of their contact ID in the contacts area (`contactdata`, `contacthistorydata`: property values);
- in the dataset's schema and in dlt's `<dataset>_staging` copy of the last merge load.

Rows that only carry the contact's numeric ID (messages, subscriptions, statistics) stay: Mailjet keeps
the ID on the anonymised contact, so it no longer names anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailjet_connector import catalog, duckdb_connect
from mailjet_connector.catalog import Area, FieldType
from mailjet_connector.dataset import DEFAULT_DATASET, DEFAULT_DUCKDB_PATH
from mailjet_connector.errors import MailjetError
from mailjet_connector.importer.columns import normal
from mailjet_connector.journal import Journal
from mailjet_connector.redaction import redact_url
from mailjet_connector.webhooks.backend import PERSON_COLUMNS, person_match, person_params

__all__ = ["EraseError", "Erased", "erase_dataset", "erase_journal", "erase_webhook_store"]


class EraseError(MailjetError):
    """A local store could not be cleaned: missing, in use by another process, or unreachable."""


@dataclass(frozen=True)
class Erased:
    """What was removed from one store.

    Args:
        store: "webhook store", "dataset" or "journal".
        location: where it is (passwords removed).
        rows: table -> rows deleted.
    """

    store: str
    location: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def address_columns() -> dict[str, set[str]]:
    """Dataset table -> the normalised names of its columns that hold a person's address."""
    found: dict[str, set[str]] = {t: {normal(c) for c in cs} for t, cs in PERSON_COLUMNS.items()}
    for res in catalog.all_resources():
        if res.name == "contact" or any(f.link == "contact" for f in res.fields):
            emails = {normal(f.name) for f in res.fields if f.type is FieldType.EMAIL}
            if emails:
                found.setdefault(res.name, set()).update(emails)
    return found


def contact_tables() -> set[str]:
    """Tables of the contacts area keyed to a contact (its property values): erased by contact ID."""
    return {
        res.name
        for res in catalog.all_resources()
        if res.area is Area.CONTACTS and any(f.link == "contact" for f in res.fields)
    }


def erase_webhook_store(url: str, emails: Iterable[str]) -> Erased:
    """Delete the person's events and inbound mails from the receiver's store (`webhooks.open_store`)."""
    from mailjet_connector.webhooks.store import open_store

    with open_store(url) as store:
        return Erased("webhook store", store.location, store.forget(emails))


def erase_journal(path: str | Path, emails: Iterable[str]) -> Erased:
    """Delete the journal records that name the person (`Journal.erase`)."""
    if not Path(path).is_file():
        raise EraseError(f"no journal at {path}")
    with Journal(path) as journal:
        return Erased("journal", str(path), {"entry": journal.erase(emails)})


def erase_dataset(
    url: str | None,
    emails: Iterable[str],
    *,
    dataset: str = DEFAULT_DATASET,
    contact_ids: Iterable[int] = (),
) -> Erased:
    """Delete the person's rows from the synced dataset (DuckDB file or PostgreSQL), in one transaction.

    Args:
        url: a DuckDB file (default `./mailjet.duckdb`) or a `postgresql://` URL.
        emails: the people's addresses.
        dataset: the dataset (schema) the sync wrote to; `<dataset>_staging` is cleaned too.
        contact_ids: their contact IDs when known (from Mailjet); the dataset's `contact` rows add theirs.

    Raises:
        EraseError: no dataset there, the file is in use (a sync running), or the server is unreachable.
    """
    target = url or DEFAULT_DUCKDB_PATH
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    if target.startswith(("postgresql://", "postgres://")):
        return Erased("dataset", redact_url(target), _postgres(target, dataset, wanted, set(contact_ids)))
    return Erased(
        "dataset", target, _duckdb(Path(target.removeprefix("duckdb:///")), dataset, wanted, set(contact_ids))
    )


class _Eraser:
    """The dialect-free part: which tables and columns, which statements, in which order."""

    def __init__(self, placeholder: str, contains: str, run: Any, fetch: Any, database: str = "") -> None:
        self.p, self.contains, self.run, self.fetch = placeholder, contains, run, fetch
        # DuckDB names the file's catalog like the file: qualify with it so a schema of that name is fine.
        self.prefix = f'"{database}".' if database else ""

    def erase(self, schemas: Sequence[str], emails: Sequence[str], ids: set[int]) -> dict[str, int]:
        layout = self._layout(schemas)
        ids = ids | self._contact_ids(layout, emails)
        deleted: dict[str, int] = {}
        addresses, by_contact = address_columns(), contact_tables()
        for (schema, table), columns in sorted(layout.items()):
            label = table if schema == schemas[0] else f"{schema}.{table}"
            names = [c for c in columns if normal(c) in addresses.get(table, ())]
            if names and emails:
                where = person_match(names, self.p, self.contains)
                params = [v for e in emails for v in person_params(names, e)]
                where = " OR ".join([f"({where})"] * len(emails))
                deleted[label] = self.run(
                    f'DELETE FROM {self.prefix}"{schema}"."{table}" WHERE {where}', params
                )
            key = next((c for c in columns if normal(c) == "contactid"), None)
            if table in by_contact and key and ids:
                marks = ", ".join([self.p] * len(ids))
                sql = f'DELETE FROM {self.prefix}"{schema}"."{table}" WHERE "{key}" IN ({marks})'
                deleted[label] = deleted.get(label, 0) + self.run(sql, sorted(ids))
        return deleted

    def _layout(self, schemas: Sequence[str]) -> dict[tuple[str, str], list[str]]:
        marks = ", ".join([self.p] * len(schemas))
        rows = self.fetch(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
            f" WHERE table_schema IN ({marks})",
            list(schemas),
        )
        layout: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in rows:
            layout.setdefault((schema, table), []).append(column)
        return layout

    def _contact_ids(self, layout: Mapping[tuple[str, str], list[str]], emails: Sequence[str]) -> set[int]:
        found: set[int] = set()
        for (schema, table), columns in layout.items():
            if table != "contact" or "id" not in columns or "email" not in columns or not emails:
                continue
            marks = ", ".join([self.p] * len(emails))
            sql = f'SELECT "id" FROM {self.prefix}"{schema}"."contact" WHERE lower("email") IN ({marks})'
            found.update(int(row[0]) for row in self.fetch(sql, list(emails)))
        return found


def _duckdb(path: Path, dataset: str, emails: Sequence[str], ids: set[int]) -> dict[str, int]:
    try:
        import duckdb
    except ImportError:
        raise EraseError(
            "cleaning a DuckDB dataset needs DuckDB: pip install 'mailjet-connector[sync]'"
        ) from None
    if not path.is_file():
        raise EraseError(f"no dataset at {path}: check --dataset-url")
    try:
        conn = duckdb_connect.connect(str(path))
    except duckdb.Error as exc:
        raise EraseError(f"cannot open {path} for writing (is a sync running?): {_first_line(exc)}") from None
    with conn:
        database = conn.execute("select current_database()").fetchone()[0]  # type: ignore[index]

        def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
            return conn.execute(sql, params).fetchall()

        def run(sql: str, params: list[Any]) -> int:
            return int(conn.execute(sql, params).fetchall()[0][0])

        conn.execute("BEGIN TRANSACTION")
        try:
            eraser = _Eraser("?", "instr", run, fetch, database)
            deleted = eraser.erase([dataset, f"{dataset}_staging"], emails, ids)
        except duckdb.Error as exc:
            conn.execute("ROLLBACK")
            raise EraseError(f"{path}: {_first_line(exc)}") from None
        conn.execute("COMMIT")
    return deleted


def _postgres(url: str, dataset: str, emails: Sequence[str], ids: set[int]) -> dict[str, int]:
    try:
        import psycopg
    except ImportError:
        raise EraseError(
            "cleaning a PostgreSQL dataset needs psycopg: pip install 'psycopg[binary]'"
        ) from None
    try:
        with psycopg.connect(url, connect_timeout=10) as conn, conn.transaction(), conn.cursor() as cur:

            def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
                return cur.execute(sql, params).fetchall()  # type: ignore[arg-type]

            def run(sql: str, params: list[Any]) -> int:
                cur.execute(sql, params)  # type: ignore[arg-type]
                return max(cur.rowcount, 0)

            return _Eraser("%s", "strpos", run, fetch).erase([dataset, f"{dataset}_staging"], emails, ids)
    except psycopg.Error as exc:
        raise EraseError(f"{redact_url(url)}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
