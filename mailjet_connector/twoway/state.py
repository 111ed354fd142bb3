"""Our tables in the user's database (schema `state_schema`): what both sides last agreed on, conflicts, runs.

```
<state_schema>.twoway_state      key (lower-cased email), agreed (JSON: target -> value), db_hash, mj_hash,
                                 db_updated (the row's updated_at when last seen), deleted (a marked or
                                 ignored deletion: "database" or "mailjet")
<state_schema>.twoway_conflicts  one row per lost edit or open (manual) conflict: key, target, base, the two
                                 values, kept ("database", "mailjet", or NULL while open), rule, status
                                 ("settled" or "open"), settle (set it to "database" or "mailjet" to settle an
                                 open one), run, recorded_at
<state_schema>.twoway_runs       run, started, finished, summary (JSON)
```

Several mappings over one database keep apart by their `state_schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

from mailjet_connector.twoway.database import Database, quote
from mailjet_connector.twoway.mapping import Mapping
from mailjet_connector.twoway.reconcile import Conflict, Known

__all__ = ["StateStore"]

STATE, CONFLICTS, RUNS = "twoway_state", "twoway_conflicts", "twoway_runs"


class StateStore:
    """Read and write our tables for one mapping."""

    def __init__(self, db: Database, mapping: Mapping) -> None:
        self.db, self.schema = db, mapping.state_schema

    def _t(self, name: str) -> str:
        return quote(f"{self.schema}.{name}")

    def exists(self) -> bool:
        return bool(self.db.columns(f"{self.schema}.{STATE}"))

    def create(self) -> None:
        """Create the schema and tables when missing."""
        self.db.execute(f"create schema if not exists {quote(self.schema)}")
        self.db.execute(
            f"create table if not exists {self._t(STATE)} (key text primary key, agreed text not null,"
            " db_hash text, mj_hash text, db_updated text, deleted text)"
        )
        self.db.execute(
            f"create table if not exists {self._t(CONFLICTS)} (id text primary key, run text, recorded_at text,"
            " key text, target text, base text, database_value text, mailjet_value text, kept text,"
            " rule text, status text, settle text)"
        )
        self.db.execute(
            f"create table if not exists {self._t(RUNS)} (run text primary key, started text, finished text,"
            " summary text)"
        )

    def load(self) -> dict[str, Known]:
        """Key -> what the last run left (empty before the first run)."""
        if not self.exists():
            return {}
        rows = self.db.query(
            f"select key, agreed, db_hash, mj_hash, db_updated, deleted from {self._t(STATE)}"
        )
        return {k: Known(orjson.loads(a), dh, mh, du, de) for k, a, dh, mh, du, de in rows}

    def settled(self) -> dict[str, dict[str, str]]:
        """Open conflicts the user settled: key -> target -> "database" or "mailjet"."""
        if not self.exists():
            return {}
        rows = self.db.query(
            f"select key, target, settle from {self._t(CONFLICTS)} where status = 'open'"
            " and settle in ('database', 'mailjet')"
        )
        found: dict[str, dict[str, str]] = {}
        for key, target, settle in rows:
            found.setdefault(key, {})[target] = settle
        return found

    def open_conflicts(self) -> list[tuple[Any, ...]]:
        if not self.exists():
            return []
        return self.db.query(
            f"select key, target, database_value, mailjet_value from {self._t(CONFLICTS)}"
            " where status = 'open' order by key, target"
        )

    def record_conflicts(self, run: str, conflicts: Iterable[Conflict]) -> int:
        """Record conflicts before any write (a crash after a write must not lose the record); idempotent."""
        now = _now()
        rows = []
        for c in conflicts:
            status = "open" if c.kept is None else "settled"
            rows.append(
                (c.id, run, now, c.key, c.target, c.base, c.database, c.mailjet, c.kept, c.rule, status)
            )
        if not rows:
            return 0
        existing = {r[0] for r in self.db.query(f"select id from {self._t(CONFLICTS)}")}
        fresh = [r for r in rows if r[0] not in existing]
        with self.db.transaction():
            # A user-settled conflict is closed by the record of how it was settled.
            for row in rows:
                if row[9] == "settled by the user":
                    self.db.execute(
                        f"update {self._t(CONFLICTS)} set status = 'settled', kept = %s"
                        " where key = %s and target = %s and status = 'open'",
                        (row[8], row[3], row[4]),
                    )
            self.db.executemany(
                f"insert into {self._t(CONFLICTS)} (id, run, recorded_at, key, target, base, database_value,"
                " mailjet_value, kept, rule, status) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [r for r in fresh if r[9] != "settled by the user"],
            )
        return len(fresh)

    def close_agreed(self, agreeing: Callable[[str, str], bool]) -> None:
        """Open conflicts whose two sides now agree (the user settled them by editing) are closed.

        Args:
            agreeing: (key, target) -> whether both sides now hold the same value.
        """
        pairs = [(k, t) for k, t, _, _ in self.open_conflicts() if agreeing(k, t)]
        self.db.executemany(
            f"update {self._t(CONFLICTS)} set status = 'settled', kept = 'both' where key = %s and target = %s"
            " and status = 'open'",
            pairs,
        )

    def save(self, entries: dict[str, Known | None]) -> None:
        """Replace the entries of these keys (None: forget the key). Call inside the run's transaction."""
        if not entries:
            return
        keys = list(entries)
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            self.db.execute(f"delete from {self._t(STATE)} where key in ({marks})", chunk)
        self.db.insert_many(
            f"{self.schema}.{STATE}",
            ("key", "agreed", "db_hash", "mj_hash", "db_updated", "deleted"),
            [
                (k, orjson.dumps(e.agreed, option=orjson.OPT_SORT_KEYS).decode(), e.db_hash, e.mj_hash,
                 e.db_updated, e.deleted)
                for k, e in entries.items()
                if e is not None
            ],
        )  # fmt: skip

    def begin_run(self, run: str) -> None:
        self.db.execute(f"insert into {self._t(RUNS)} (run, started) values (%s, %s)", (run, _now()))

    def finish_run(self, run: str, summary: dict[str, Any]) -> None:
        self.db.execute(
            f"update {self._t(RUNS)} set finished = %s, summary = %s where run = %s",
            (_now(), orjson.dumps(summary).decode(), run),
        )

    def status(self) -> dict[str, Any]:
        """Keys tracked, deletions marked, conflicts (open, settled), the last runs."""
        if not self.exists():
            return {"tracked": 0, "deleted": {}, "conflicts": {}, "runs": []}
        tracked = self.db.query(f"select count(*) from {self._t(STATE)}")[0][0]
        deleted = dict(
            self.db.query(
                f"select deleted, count(*) from {self._t(STATE)} where deleted is not null group by 1"
            )
        )
        conflicts = dict(self.db.query(f"select status, count(*) from {self._t(CONFLICTS)} group by 1"))
        runs = self.db.query(
            f"select run, started, finished, summary from {self._t(RUNS)} order by started desc limit 5"
        )
        return {
            "tracked": int(tracked),
            "deleted": {str(k): int(v) for k, v in deleted.items()},
            "conflicts": {str(k): int(v) for k, v in conflicts.items()},
            "runs": [
                {"run": r, "started": s, "finished": f, "summary": orjson.loads(m) if m else None}
                for r, s, f, m in runs
            ],
        }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
