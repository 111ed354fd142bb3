"""The mapped table: its rows as mapped values (with change detection), and a run's writes into it.

Change detection: a row changed since the last run when the hash of its mapped values differs from the
state's, or (with `database.updated_at`) when its `updated_at` moved. Rows outside `database.filter` do not
take part; a key that left the filter but is still in the table is neither created nor deleted anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector.errors import MappingError
from mailjet_connector.twoway.database import Database, db_value, kind_sql, quote
from mailjet_connector.twoway.mapping import Mapping
from mailjet_connector.twoway.reconcile import Known, Side
from mailjet_connector.twoway.values import canonical, row_hash

__all__ = ["DatabaseRows", "MappedTable"]


@dataclass
class DatabaseRows:
    """The table as a run sees it.

    Args:
        sides: key -> the row's mapped values (rows inside the filter).
        hashes: key -> the hash of those values.
        updated: key -> `updated_at` as text (None without the column).
        raw: key -> the row's list column text (the list-column form keeps names it does not map).
        outside: keys in the table but outside the filter.
        duplicates: keys held by more than one row (reported; the first row is used).
    """

    sides: dict[str, Side] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    updated: dict[str, str | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    outside: set[str] = field(default_factory=set)
    duplicates: list[str] = field(default_factory=list)


class MappedTable:
    """The table a mapping names, in an open database."""

    def __init__(self, db: Database, mapping: Mapping) -> None:
        self.db, self.mapping = db, mapping
        self.name = quote(mapping.table)
        self.types = db.columns(mapping.table)

    @property
    def exists(self) -> bool:
        return bool(self.types)

    def check(self) -> None:
        """Every mapped column is in the table.

        Raises:
            MappingError: a column is missing (named, with the table's columns).
        """
        m = self.mapping
        wanted = [m.key, *(c.column for c in m.columns)]
        wanted += [m.list_column] if m.list_column else [c.column for c in m.lists]
        wanted += [c for c in (m.updated_at, m.mark_column) if c]
        missing = [c for c in wanted if c.lower() not in self.types]
        if missing:
            have = ", ".join(sorted(self.types)) or "none"
            raise MappingError(
                f"{m.source}: column {missing[0]!r} is not in {m.table} (its columns: {have}); add it or change"
                " the mapping"
            )

    def create(self) -> None:
        """Create the table from the mapping (`database.create_table`)."""
        m = self.mapping
        columns = [f"{quote(m.key)} TEXT PRIMARY KEY"]
        columns += [f"{quote(c.column)} {kind_sql(c.kind)}" for c in m.columns]
        if m.list_column:
            columns.append(f"{quote(m.list_column)} TEXT")
        else:
            columns += [f"{quote(c.column)} BOOLEAN" for c in m.lists]
        if m.mark_column:
            columns.append(f"{quote(m.mark_column)} BOOLEAN")
        if m.updated_at:
            columns.append(f"{quote(m.updated_at)} TIMESTAMP WITH TIME ZONE DEFAULT current_timestamp")
        if "." in m.table:
            self.db.execute(f"create schema if not exists {quote(m.table.split('.')[0])}")
        self.db.execute(f"create table if not exists {self.name} ({', '.join(columns)})")
        self.types = self.db.columns(m.table)

    def read(self, state: dict[str, Known]) -> DatabaseRows:
        """Every row inside the filter as mapped values, and whether it changed since the last run."""
        m = self.mapping
        if not self.exists:
            return DatabaseRows()
        picked = [m.key, *(c.column for c in m.columns)]
        picked += [m.list_column] if m.list_column else [c.column for c in m.lists]
        if m.updated_at:
            picked.append(m.updated_at)
        select = ", ".join(quote(c) for c in dict.fromkeys(picked))
        where = f" where ({m.filter})" if m.filter else ""
        out = DatabaseRows()
        positions = {c: i for i, c in enumerate(dict.fromkeys(picked))}
        for row in self.db.query(f"select {select} from {self.name}{where}"):
            email = row[positions[m.key]]
            if email is None or not str(email).strip():
                continue
            key = str(email).strip().lower()
            if key in out.sides:
                out.duplicates.append(key)
                continue
            values = {c.target: canonical(row[positions[c.column]], c.kind) for c in m.columns}
            values.update(self._lists(row, positions, out.raw, key))
            updated = row[positions[m.updated_at]] if m.updated_at else None
            stamp = canonical(updated, "datetime") if updated is not None else None
            digest = row_hash(values)
            known = state.get(key)
            changed = (
                known is None
                or known.db_hash != digest
                or (m.updated_at is not None and stamp != known.db_updated)
            )
            out.sides[key] = Side(values, changed, updated, email=str(email).strip())
            out.hashes[key], out.updated[key] = digest, stamp
        if m.filter:
            every = {
                str(r[0]).strip().lower()
                for r in self.db.query(f"select {quote(m.key)} from {self.name}")
                if r[0]
            }
            out.outside = every - set(out.sides)
        return out

    def _lists(
        self, row: tuple[Any, ...], positions: dict[str, int], raw: dict[str, Any], key: str
    ) -> dict[str, str]:
        m = self.mapping
        if m.list_column:
            text = row[positions[m.list_column]]
            raw[key] = text
            names = _names(text)
            return {c.target: "true" if c.name in names else "false" for c in m.lists}
        return {c.target: canonical(row[positions[c.column]], "bool") or "false" for c in m.lists}

    def write(
        self,
        updates: dict[str, dict[str, str | None]],
        inserts: dict[str, dict[str, str | None]],
        deletes: Iterable[str],
        marks: Iterable[str],
        raw: dict[str, Any],
        spelled: dict[str, str] | None = None,
    ) -> None:
        """Apply a run's writes (call inside the run's transaction).

        Args:
            updates: key -> target -> new value.
            inserts: email (as Mailjet spells it) -> target -> value.
            deletes / marks: keys whose row is deleted, or marked gone from Mailjet.
            raw: key -> current list-column text (list-column form).
            spelled: key -> the key column's value as the row holds it (matched exactly, so the column's
                index serves); keys without one are matched case-insensitively.
        """
        m = self.mapping
        spelled = spelled or {}

        def match(key: str) -> tuple[str, str]:
            if key in spelled:
                return f"{quote(m.key)} = %s", spelled[key]
            return f"lower(trim({quote(m.key)})) = %s", key

        for key, changes in updates.items():
            columns = self._columns(changes, raw.get(key))
            if columns:
                sets = ", ".join(f"{quote(c)} = %s" for c in columns)
                where, value = match(key)
                self.db.execute(f"update {self.name} set {sets} where {where}", [*columns.values(), value])
        grouped: dict[tuple[str, ...], list[list[Any]]] = {}  # one executemany per column set
        for email, values in inserts.items():
            columns = {m.key: email, **self._columns(values, None)}
            grouped.setdefault(tuple(columns), []).append(list(columns.values()))
        for names, rows in grouped.items():
            self.db.insert_many(self.mapping.table, names, rows)
        for key in deletes:
            where, value = match(key)
            self.db.execute(f"delete from {self.name} where {where}", [value])
        for key in marks if m.mark_column else ():
            where, value = match(key)
            self.db.execute(
                f"update {self.name} set {quote(m.mark_column)} = %s where {where}", [True, value]
            )

    def _columns(self, changes: dict[str, str | None], list_text: Any) -> dict[str, Any]:
        """Target -> value changes as column -> database value."""
        m = self.mapping
        out: dict[str, Any] = {}
        for column in m.columns:
            if column.target in changes:
                out[column.column] = db_value(
                    changes[column.target], self.types.get(column.column.lower(), "")
                )
        listed = [c for c in m.lists if c.target in changes]
        if listed and m.list_column:
            names = _names(list_text)
            for column in listed:
                (names.add if changes[column.target] == "true" else names.discard)(column.name)
            order = [c.name for c in m.lists]
            ordered = [n for n in order if n in names] + sorted(n for n in names if n not in order)
            out[m.list_column] = ", ".join(ordered) or None
        else:
            for column in listed:
                out[column.column] = changes[column.target] == "true"
        return out

    def reread(self, keys: Iterable[str], state: dict[str, Known]) -> DatabaseRows:
        """The rows of these keys as they are now (after this run's writes: their hash and updated_at)."""
        wanted = set(keys)
        if not wanted:
            return DatabaseRows()
        rows = self.read(state)
        return DatabaseRows({k: v for k, v in rows.sides.items() if k in wanted},
                            {k: v for k, v in rows.hashes.items() if k in wanted},
                            {k: v for k, v in rows.updated.items() if k in wanted})  # fmt: skip


def _names(text: Any) -> set[str]:
    return {t.strip() for t in str(text or "").split(",") if t.strip()}
