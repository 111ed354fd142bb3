"""What a durable event store is: the `Store` contract every backend implements, the records it takes
(`Batch`, `Row`, `WriteResult`) and the table layout.

Two tables, named after the dataset resources they feed: `event` (the seven Event API types) and
`inbound_message` (Parse API mails). Each row: `seq` (ascending in commit order, never reused: the
incremental cursor), `dedupe_key` (unique, see `dedupe`), `received_at` (receiver clock, Unix seconds),
one typed column per documented field (`events.EVENT_FIELDS` / `INBOUND_FIELDS`) and `raw`, the payload
as received (JSON text, unknown fields included).

Backends: `SQLiteStore` (embedded default: WAL, synchronous=FULL) and `PostgresStore` (server option), each
importing only this module; `store.open_store(url)` picks one. `write` is called by one thread at a time
(the `commit.GroupCommitter`): it stores several request batches in ONE transaction and returns only once
that transaction is durable.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mailjet_connector.webhooks.events import EVENT_FIELDS, INBOUND_FIELDS, Field

Kind = Literal["event", "inbound"]
TABLES: dict[str, tuple[str, tuple[Field, ...]]] = {
    "event": ("event", EVENT_FIELDS),
    "inbound": ("inbound_message", INBOUND_FIELDS),
}
META_COLUMNS = ("seq", "dedupe_key", "received_at")
# Where a person's address sits: an event's recipient; an inbound mail's sender (the envelope address, or
# the From header, `Name <address>`). `Store.forget` and `contacts forget --dataset-url` match on these.
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("email",),
    "inbound_message": ("sender", "from_header"),
}


def person_match(columns: Sequence[str], placeholder: str, contains: str) -> str:
    """SQL true for a row naming a person: a column equal to the address, or holding `<address>`.

    The parameters, per column: the address, then `<address>` (see `person_params`).
    """
    tests = [
        f'(lower("{c}") = {placeholder} OR {contains}(lower(coalesce("{c}", \'\')), {placeholder}) > 0)'
        for c in columns
    ]
    return " OR ".join(tests)


def person_params(columns: Sequence[str], email: str) -> tuple[str, ...]:
    """The parameters of `person_match` for one (lower-case) address."""
    return (email, f"<{email}>") * len(columns)


@dataclass(frozen=True, slots=True)
class Row:
    """One record ready to store: its dedupe key, typed values (field-table order) and raw JSON text."""

    key: str
    values: tuple[Any, ...]
    raw: str


@dataclass(frozen=True, slots=True)
class Batch:
    """The records of one request, stored together or not at all."""

    kind: Kind
    rows: Sequence[Row]
    received_at: float


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a batch became: rows newly stored and rows already present (re-deliveries)."""

    stored: int
    duplicates: int


def columns(kind: Kind) -> tuple[str, ...]:
    """Every column of a kind's table, in order: `seq`, `dedupe_key`, `received_at`, typed fields, `raw`."""
    return (*META_COLUMNS, *(f.column for f in TABLES[kind][1]), "raw")


class Store(abc.ABC):
    """A durable home for events and inbound mails.

    Thread-safety contract: `write` is called from one thread at a time; `read`, `count` and `last_seq`
    may be called from any thread, concurrently with `write`.
    """

    #: the store location with any password removed (safe to print)
    location: str = ""

    @abc.abstractmethod
    def write(self, batches: Sequence[Batch]) -> list[WriteResult]:
        """Store every batch in one transaction and return once it is durable.

        Returns:
            One result per batch, in order.

        Raises:
            Exception: the transaction failed; nothing of it is stored.
        """

    @abc.abstractmethod
    def read(self, kind: Kind, after_seq: int, limit: int) -> list[dict[str, Any]]:
        """Rows with `seq > after_seq`, ascending, at most `limit` (column -> value, `raw` as JSON text)."""

    @abc.abstractmethod
    def count(self, kind: Kind) -> int:
        """How many rows the kind's table holds."""

    @abc.abstractmethod
    def last_seq(self, kind: Kind) -> int:
        """The newest `seq` of the kind's table (0 when empty)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections (idempotent)."""

    #: the backend's query placeholder and substring function (`instr` / `strpos`, haystack first)
    placeholder: str = "?"
    contains: str = "instr"

    def forget(self, emails: Iterable[str]) -> dict[str, int]:
        """Delete every stored event and inbound mail of these people, in one transaction.

        An event matches on its recipient (`email`), an inbound mail on its sender (`Sender`, or the
        address in `From`); case is ignored. `seq` values are never reused, so `sync` cursors stay valid.

        Args:
            emails: the people's addresses.

        Returns:
            table -> rows deleted.
        """
        statements = []
        for email in sorted({e.strip().lower() for e in emails if e.strip()}):
            for table, names in PERSON_COLUMNS.items():
                where = person_match(names, self.placeholder, self.contains)
                statements.append(
                    (table, f'DELETE FROM "{table}" WHERE {where}', person_params(names, email))
                )
        return self._delete(statements)

    def _delete(self, statements: Sequence[tuple[str, str, tuple[Any, ...]]]) -> dict[str, int]:
        """Run `(table, DELETE ..., params)` statements in one durable transaction; rows deleted per table."""
        raise NotImplementedError(f"{type(self).__name__} cannot delete rows")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"
