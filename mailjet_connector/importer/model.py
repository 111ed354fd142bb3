"""The planner's records: what a plan is made of (modes, kinds of write, writes, what exists, the plan)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from mailjet_connector.importer.properties import Definition

__all__ = [
    "BLIND_KINDS",
    "DIFF_KINDS",
    "WRITING",
    "BadRow",
    "Existing",
    "Kind",
    "Mode",
    "Plan",
    "Write",
    "materialise",
    "record_key",
]


class Mode(StrEnum):
    INSERT = "insert"  # create new objects; rows matching an existing one are skipped
    UPDATE = "update"  # change existing objects; rows matching none fail with Mailjet's 404 reason
    UPSERT = "upsert"  # update when the key matches, else create
    DELETE = "delete"  # delete the matching objects (contactslist: soft delete)


class Kind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DELETE = "delete"
    UPSERT = "upsert"  # create or update, decided by Mailjet: a blind plan's contact for a bulk job
    SKIP = "skip"
    ERROR = "error"


WRITING = (Kind.CREATE, Kind.UPDATE, Kind.DELETE, Kind.UPSERT)
# The kinds a plan reports (every one, 0 when none): a diff against the account, or a blind plan.
DIFF_KINDS = (Kind.CREATE, Kind.UPDATE, Kind.UNCHANGED, Kind.DELETE, Kind.SKIP, Kind.ERROR)
BLIND_KINDS = (Kind.UPSERT, Kind.SKIP, Kind.ERROR)


@dataclass(frozen=True)
class Write:
    """The planned outcome of one source row.

    Args:
        number: 1-based row position in the source.
        row: the original row.
        kind: what will be done.
        key: the journal key (the match-key value, or `row:N` without a key).
        target: ID of the object to PUT/DELETE.
        body: the JSON to POST/PUT (only changed fields for updates).
        properties: contact rows: property values to write (changed ones for updates).
        lists: contact rows: list IDs the plan's list action applies to for this contact.
        reason: why a row is an error or skipped (Mailjet's words where it has some).
    """

    number: int
    row: dict[str, Any]
    kind: Kind
    key: str
    target: int | str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    lists: tuple[int, ...] = ()
    reason: str = ""


class BadRow(dict[str, Any]):
    """A source line that is no row (more cells than columns, not a JSON object): it fails alone.

    Holds the cells that could be read, for the errors file. The planner turns it into an `error` write
    whose reason names the line, so every good row of the file still lands.

    Args:
        cells: the cells that could be read (none for a line that is not JSON).
        line: the line number in the source file.
        problem: what is wrong with it.
    """

    def __init__(self, cells: Mapping[str, Any], line: int, problem: str) -> None:
        super().__init__(cells)
        self.line, self.problem = line, problem

    @property
    def reason(self) -> str:
        return f"line {self.line}: {self.problem}"

    def failed(self, number: int) -> Write:
        """The row's `error` write at source position `number`."""
        return Write(number, dict(self), Kind.ERROR, f"row:{number}", reason=self.reason)


def materialise(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows as a list of dicts (each a copy), a `BadRow` kept as it is so the planner can fail it."""
    return [r if isinstance(r, BadRow) else dict(r) for r in rows]


@dataclass(frozen=True)
class Existing:
    """What the account holds, as far as the plan needs it (read by `load.load_existing`).

    Args:
        records: match-key value (see `record_key`) -> the object as the API returns it; None when the
            account was not read (a blind plan: every valid contact row becomes an `upsert` that a bulk
            job resolves by email).
        properties: contact ID -> property name (lower-cased) -> value text, for contact imports.
        subscribed: list ID -> IDs of contacts subscribed to it, for contact imports with lists.
        definitions: contact property name (lower-cased) -> its Definition (name as defined, Datatype).
        links: linked resource -> lower-cased alternate key (email, name...) -> ID, for link columns.
        emails: contact ID -> current email, for contact rows carrying an ID that is not the match key.
    """

    records: Mapping[tuple[str, ...], Mapping[str, Any]] | None = field(default_factory=dict)
    properties: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    subscribed: Mapping[int, frozenset[int]] = field(default_factory=dict)
    definitions: Mapping[str, Definition] = field(default_factory=dict)
    links: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    emails: Mapping[int, str] = field(default_factory=dict)


@dataclass
class Plan:
    """Every row's planned write, plus the import-wide facts shown by `--dry-run`.

    Args:
        resource: the catalog name written.
        mode: insert, update, upsert or delete.
        key: the match-key fields.
        writes: one per source row, in source order.
        lists: contact: the list IDs of the list action.
        list_action: contact: managemanycontacts' action on `lists` (addforce, addnoforce, remove, unsub).
        blind: the account was not read (see `Existing.records`).
        part: the sub-resource written (`parts.py`), or None.
        properties: contact: property column -> Datatype (defined, or inferred for a new one).
        to_define: contact: new property name -> inferred Datatype, to create before any job.
        ignored: column -> why it is ignored.
        warnings: one line per ignored column worth telling.
    """

    resource: str
    mode: Mode
    key: tuple[str, ...]
    writes: list[Write]
    lists: tuple[int, ...] = ()
    list_action: str = "addforce"
    blind: bool = False
    part: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    to_define: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per kind, every kind this plan can hold present (0 when none)."""
        found = Counter(w.kind for w in self.writes)
        return {kind.value: found.get(kind, 0) for kind in (BLIND_KINDS if self.blind else DIFF_KINDS)}

    def pending(self) -> list[Write]:
        """The writes that call the API."""
        return [w for w in self.writes if w.kind in WRITING]

    def digest(self) -> str:
        """A digest of the source rows: the same rows give the same digest (a re-run finds its journal)."""
        rows = [w.row for w in self.writes]
        try:
            data = orjson.dumps(rows, default=str)
        except TypeError:  # an integer beyond 64 bits, a lone surrogate: any stable text will do
            data = repr(rows).encode("utf-8", "replace")
        return hashlib.sha256(data).hexdigest()


def record_key(values: Sequence[Any]) -> tuple[str, ...]:
    """The comparable form of a key value: text, case-folded (Mailjet matches emails and names that way)."""
    return tuple(str(v).strip().lower() for v in values)
