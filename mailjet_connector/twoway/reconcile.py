"""Decide, per contact, what each side gets (pure: no I/O): a three-way merge against the last agreed values.

For one key (the lower-cased email) the inputs are the database row's values, the Mailjet contact's values
and what the last run left both sides agreeing on (the state). Per mapped value:

- both sides equal: nothing to do;
- one side changed since the last run: it goes to the other side (unless the direction forbids it: then
  the edit is undone, and recorded as a loss);
- both changed (or the pair meets for the first time and differs): a conflict, settled by the rule
  (mailjet_wins, database_wins, newest by the row's `updated_at` against the contact's LastUpdateAt) or
  left open (manual) until the user settles it. Every value a rule throws away is a `Conflict` record.

Rows and contacts that exist on one side only are created on the other, or, when the state says they
existed on both, the deletion is handled as the mapping says (propagate, mark or ignore).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mailjet_connector.twoway.mapping import Column, Mapping

__all__ = ["Conflict", "Decision", "Known", "Side", "decide"]

DATABASE, MAILJET = "database", "mailjet"


@dataclass(frozen=True)
class Side:
    """One key's mapped values on one side.

    Args:
        values: target (`field:Name`, `property:plan`, `list:News`) -> canonical text.
        changed: the side changed since the last run (row hash or updated_at; the contact's mapped hash).
        updated: the row's `updated_at`, or the contact's LastUpdateAt (for the `newest` rule).
        unsubscribed: Mailjet: lists the contact unsubscribed from (never resubscribed by a run).
        email: the key as that side spells it.
    """

    values: dict[str, str | None]
    changed: bool = True
    updated: datetime | None = None
    unsubscribed: frozenset[str] = frozenset()
    email: str = ""


@dataclass(frozen=True)
class Known:
    """What the last run left for a key: the values both sides agreed on, and the sides' hashes."""

    agreed: dict[str, str | None]
    db_hash: str | None = None
    mj_hash: str | None = None
    db_updated: str | None = None
    deleted: str | None = None  # a deletion that was marked or ignored: "database" or "mailjet"


@dataclass(frozen=True)
class Conflict:
    """A value one side lost, or (manual rule) a disagreement left for the user.

    Args:
        key: the contact's email (lower-cased).
        target: the mapped value.
        base: the value both sides agreed on before (None: they never agreed on one).
        database / mailjet: each side's value.
        kept: "database" or "mailjet"; None while a manual conflict is open.
        rule: why (the conflict rule, "direction", "unsubscribed in Mailjet", "Mailjet keeps values",
            "deleted in the database"...).
    """

    key: str
    target: str
    base: str | None
    database: str | None
    mailjet: str | None
    kept: str | None
    rule: str

    @property
    def id(self) -> str:
        """The same disagreement gives the same id (a re-run after a crash records it once)."""
        parts = "\x1f".join(str(p) for p in (self.key, self.target, self.base, self.database, self.mailjet))
        return hashlib.sha256(parts.encode()).hexdigest()[:24]


@dataclass
class Decision:
    """What one key needs.

    Args:
        key: the lower-cased email.
        action: "keep", "update", "create_mailjet", "insert_database", "delete_database", "mark_database",
            "forget_mailjet", "unlist_mailjet", "forget" (drop the state only), "ignore".
        to_mailjet / to_database: target -> value to write on that side.
        agreed: the values both sides agree on after this run (None: drop the key from the state).
        deleted: the state's deletion mark after this run.
        conflicts: losses and open conflicts.
        why: one line for `plan`.
    """

    key: str
    action: str
    to_mailjet: dict[str, str | None] = field(default_factory=dict)
    to_database: dict[str, str | None] = field(default_factory=dict)
    agreed: dict[str, str | None] | None = None
    deleted: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    why: str = ""
    email: str = ""

    @property
    def writes(self) -> bool:
        return bool(self.to_mailjet or self.to_database) or self.action not in ("keep", "update", "ignore")


def decide(
    key: str,
    db: Side | None,
    mj: Side | None,
    known: Known | None,
    mapping: Mapping,
    settled: MappingType[str, str] | None = None,
) -> Decision:
    """The decision for one key.

    Args:
        key: the lower-cased email.
        db / mj: the key's values on each side (None: absent there).
        known: the state (None: never synced).
        mapping: the mapping (directions, deletion meanings, the rule).
        settled: target -> "database" or "mailjet": manual conflicts the user settled.
    """
    settled = settled or {}
    if db is None and mj is None:
        return Decision(key, "forget", why="gone from both sides")
    if known is None or (known.deleted and db is not None and mj is not None):
        if db is not None and mj is not None:
            return _merge(key, db, mj, known, mapping, settled)
        if db is not None:
            return _one_side(key, db, mapping, to=MAILJET)
        assert mj is not None
        return _one_side(key, mj, mapping, to=DATABASE)
    if db is not None and mj is not None:
        return _merge(key, db, mj, known, mapping, settled)
    if db is None:
        assert mj is not None
        return _deleted_in_database(key, mj, known, mapping)
    return _deleted_in_mailjet(key, db, known, mapping)


def _one_side(key: str, side: Side, mapping: Mapping, *, to: str) -> Decision:
    """A key new on one side: the other side gets a whole copy of its mapped values."""
    agreed = {c.target: side.values.get(c.target) for c in mapping.values}
    if to == MAILJET:
        values = {c.target: agreed[c.target] for c in mapping.values if c.writable}
        values = {t: v for t, v in values.items() if v is not None and v != "false"}
        return Decision(key, "create_mailjet", to_mailjet=values, agreed=agreed, why="new in the database",
                        email=side.email)  # fmt: skip
    return Decision(key, "insert_database", to_database=dict(agreed), agreed=agreed, why="new in Mailjet",
                    email=side.email)  # fmt: skip


def _deleted_in_database(key: str, mj: Side, known: Known, mapping: Mapping) -> Decision:
    if known.deleted == DATABASE:
        return Decision(
            key, "ignore", agreed=known.agreed, deleted=DATABASE, why="deleted in the database before"
        )
    meaning = mapping.database_deletion
    lost = _losses(key, known, mj, mapping, "deleted in the database") if mj.changed else []
    if meaning == "propagate":
        return Decision(key, "forget_mailjet", conflicts=lost, why="deleted in the database: GDPR delete",
                        email=mj.email)  # fmt: skip
    if meaning == "mark":
        members = [c.target for c in mapping.lists if mj.values.get(c.target) == "true"]
        agreed = {**known.agreed, **dict.fromkeys(members, "false")}
        # A subscription made in Mailjet meanwhile is undone: recorded.
        undone = [c for c in lost if c.target in members]
        return Decision(key, "unlist_mailjet", to_mailjet=dict.fromkeys(members, "false"), agreed=agreed,
                        conflicts=undone,
                        deleted=DATABASE, why="deleted in the database: removed from the mapped lists",
                        email=mj.email)  # fmt: skip
    return Decision(
        key, "ignore", agreed=known.agreed, deleted=DATABASE, why="deleted in the database: ignored"
    )


def _deleted_in_mailjet(key: str, db: Side, known: Known, mapping: Mapping) -> Decision:
    if known.deleted == MAILJET:
        return Decision(key, "ignore", agreed=known.agreed, deleted=MAILJET, why="gone from Mailjet before")
    meaning = mapping.mailjet_deletion
    lost = _losses(key, known, db, mapping, "deleted in Mailjet", name=DATABASE) if db.changed else []
    if meaning == "propagate":
        return Decision(key, "delete_database", conflicts=lost, why="gone from Mailjet: row deleted")
    if meaning == "mark":
        return Decision(key, "mark_database", agreed=known.agreed, deleted=MAILJET,
                        why="gone from Mailjet: row marked")  # fmt: skip
    return Decision(key, "ignore", agreed=known.agreed, deleted=MAILJET, why="gone from Mailjet: ignored")


def _losses(
    key: str, known: Known, side: Side, mapping: Mapping, rule: str, *, name: str = MAILJET
) -> list[Conflict]:
    """The edits of a side whose key is deleted on the other: each one lost, recorded."""
    out = []
    for column in mapping.values:
        base, value = known.agreed.get(column.target), side.values.get(column.target)
        if value != base:
            db_value, mj_value = (value, None) if name == DATABASE else (None, value)
            kept = MAILJET if name == DATABASE else DATABASE  # the side whose deletion won
            out.append(Conflict(key, column.target, base, db_value, mj_value, kept, rule))
    return out


def _merge(
    key: str, db: Side, mj: Side, known: Known | None, mapping: Mapping, settled: MappingType[str, str]
) -> Decision:
    decision = Decision(key, "update", agreed={}, email=db.email or mj.email)
    reasons = []
    for column in mapping.values:
        target = column.target
        d, m = db.values.get(target), mj.values.get(target)
        has_base = known is not None and target in known.agreed
        base = known.agreed.get(target) if known is not None else None
        final, conflict = _value(key, column, d, m, base, has_base, db, mj, mapping, settled)
        if conflict is not None:
            decision.conflicts.append(conflict)
        if final is _OPEN:
            decision.agreed[target] = base  # type: ignore[index]
            continue
        if column.kind == "bool" and final == "true" and m != "true" and column.name in mj.unsubscribed:
            # Consent: a run never resubscribes someone who unsubscribed in Mailjet.
            if d == "true":
                decision.conflicts.append(
                    Conflict(key, target, base, d, m, MAILJET, "unsubscribed in Mailjet")
                )
            final = m
        if final is None and m is not None and column.to_mailjet and d is None and column.kind != "bool":
            # The importer writes no empty cell: Mailjet keeps its value, which comes back to the row.
            decision.conflicts.append(Conflict(key, target, base, d, m, MAILJET, "Mailjet keeps values"))
            final = m
        decision.agreed[target] = final  # type: ignore[index]
        if final != m:
            decision.to_mailjet[target] = final  # type: ignore[assignment]
            reasons.append(f"{target} -> Mailjet")
        if final != d:
            decision.to_database[target] = final  # type: ignore[assignment]
            reasons.append(f"{target} -> database")
    if not decision.to_mailjet and not decision.to_database:
        decision.action = "keep"
    decision.why = ", ".join(reasons) or ("open conflict" if decision.conflicts else "in step")
    if known is not None and known.deleted:
        decision.why = f"back on both sides; {decision.why}"
    return decision


_OPEN = object()


def _value(
    key: str,
    column: Column,
    d: str | None,
    m: str | None,
    base: str | None,
    has_base: bool,
    db: Side,
    mj: Side,
    mapping: Mapping,
    settled: MappingType[str, str],
) -> tuple[object, Conflict | None]:
    """The value both sides end with (or _OPEN), and the conflict record when a side loses an edit."""
    if d == m:
        return d, None
    db_edit = not has_base or d != base
    mj_edit = not has_base or m != base
    if db_edit and not mj_edit:
        if column.to_mailjet:
            return d, None
        return m, Conflict(key, column.target, base, d, m, MAILJET, "direction")
    if mj_edit and not db_edit:
        if column.from_mailjet:
            return m, None
        return d, Conflict(key, column.target, base, d, m, DATABASE, "direction")
    # Both edited (or never agreed): the direction decides one-way values, the rule the others.
    if column.direction != "both":
        winner = DATABASE if column.direction == "to_mailjet" else MAILJET
        return (d if winner == DATABASE else m), (
            Conflict(key, column.target, base, d, m, winner, "direction") if has_base else None
        )
    winner = settled.get(column.target) or _rule_winner(mapping.rule, db, mj)
    if winner is None:
        return _OPEN, Conflict(key, column.target, base, d, m, None, "manual")
    rule = "settled by the user" if column.target in settled else mapping.rule
    return (d if winner == DATABASE else m), Conflict(key, column.target, base, d, m, winner, rule)


def _rule_winner(rule: str, db: Side, mj: Side) -> str | None:
    if rule == "mailjet_wins":
        return MAILJET
    if rule == "database_wins":
        return DATABASE
    if rule == "newest":
        if db.updated is None:
            return MAILJET
        if mj.updated is None:
            return DATABASE
        return DATABASE if _utc(db.updated) >= _utc(mj.updated) else MAILJET
    return None


def _utc(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
