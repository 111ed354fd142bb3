"""Conditions -> API filters: the largest narrowing the catalog's filters allow that never loses a row.

Every pushed filter returns a superset of the rows the SQL keeps; it is *exact* when it returns exactly
those rows, which is what lets a count or a LIMIT go to the API. The catalog says how each filter compares
(`Op`, `ci`); the differences from SQL handled here:

- text: SQL `=` and `LIKE` are case-sensitive; a case-insensitive filter (contact `Email`) is a superset;
- NULL: the synced dataset holds NULL for an empty timestamp, the API compares it as 0, so an upper bound
  alone keeps the empty rows (superset) and a lower bound of at least 1 s drops them as SQL does;
- rounding: timestamps are whole seconds on both sides, so `> '2024-01-01 00:00:00.5'` becomes `>= 00:00:01`;
  every bound is checked with DuckDB on the bound and its neighbour before it is used;
- `IN` on a filter that takes one value becomes one read per value (at most `MAX_SPLIT`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlglot import exp

from mailjet_connector.catalog import FieldType, Filter, Op
from mailjet_connector.livesql.conditions import Condition
from mailjet_connector.livesql.constants import INTEGRAL, Evaluator
from mailjet_connector.livesql.parse import TableRef
from mailjet_connector.livesql.tables import LiveColumn

__all__ = ["MAX_SPLIT", "Narrowing", "narrow", "render"]

MAX_SPLIT = 50  # values of an IN read one call each, when the filter takes one value
_TEXT = (FieldType.STR, FieldType.EMAIL)


@dataclass
class Narrowing:
    """What the API is asked for one table reference.

    Args:
        params: filter name -> value, sent with every call.
        splits: (filter name, values): one read per value, results united.
        dims: dimension column -> the values the query gives it.
        keys: IDs the query asks for (`id = 7`, `id IN (...)`): readable one call each by `/{resource}/{id}`.
        exact: the filters return exactly the rows the WHERE keeps (nothing left to filter locally).
        notes: what was pushed and what was not, for `--explain`.
    """

    params: dict[str, str] = field(default_factory=dict)
    splits: list[tuple[str, list[str]]] = field(default_factory=list)
    dims: dict[str, list[Any]] = field(default_factory=dict)
    keys: list[int] | None = None
    exact: bool = True
    notes: list[str] = field(default_factory=list)


def render(flt: Filter | FieldType, value: Any) -> str:
    """A value as the API parameter text for a filter (or a parameter of that type)."""
    kind = flt.type if isinstance(flt, Filter) else flt
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind is FieldType.TS:
        return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind in (FieldType.INT, FieldType.UNIX):
        return str(int(value))
    return str(value)


def narrow(ref: TableRef, ev: Evaluator) -> Narrowing:
    """The API narrowing of one table reference, from its conditions."""
    out = Narrowing(exact=not ref.residual)
    by_column: dict[str, list[Condition]] = {}
    for cond in ref.conditions:
        by_column.setdefault(cond.column.name, []).append(cond)
    for name, conds in by_column.items():
        column = conds[0].column
        facts = _Facts()
        for cond in conds:
            facts.add(cond, ev)
        before = len(out.notes)
        dim = ref.table.dimension(name)
        if dim is not None:
            _dimension(out, dim.column, facts)
        elif column.wire == "ID" and ref.table.keyed and not column.filters:
            _keys(out, facts)
        else:
            _Chooser(out, column, facts).run()
        if dim is not None and name in out.dims:
            out.notes.append(f"{name} = each of {len(out.dims[name])} value(s) -> {dim.filter}=value")
        if len(out.notes) == before:
            out.notes += [f"local only: {cond.text}" for cond in conds]
        out.exact &= not facts.lost
    return out


@dataclass
class _Facts:
    """What the conditions on one column say, in the column's value domain."""

    eq: list[Any] = field(default_factory=list)
    ins: list[list[Any]] = field(default_factory=list)
    lower: int | None = None  # column >= lower (integral columns)
    upper: int | None = None  # column <= upper
    likes: list[tuple[str, bool]] = field(default_factory=list)  # (pattern, case-insensitive)
    ieq: list[str] = field(default_factory=list)  # lower(column) = value
    null: bool = False
    notnull: bool = False
    lost: bool = False  # a condition that is not represented by any fact

    def add(self, cond: Condition, ev: Evaluator) -> bool:
        """Record `cond`; False (and `lost`) when it cannot be represented."""
        ok = self._add(cond, ev)
        self.lost |= not ok
        return ok

    def _add(self, cond: Condition, ev: Evaluator) -> bool:
        col, op, node = cond.column, cond.op, cond.node
        if op == "null":
            self.null = True
            return True
        if op == "notnull":
            self.notnull = True
            return True
        values = [ev.value(v, col) for v in cond.values]
        if any(v is None for v in values):
            return False
        if op in ("like", "ilike", "ieq"):
            if op == "ieq":
                self.ieq.append(values[0])
            else:
                self.likes.append((values[0], op == "ilike"))
            return True
        if op == "in":
            found = [x for v in values if (x := _point(col, node, v, ev)) is not None]
            self.ins.append(list(dict.fromkeys(found)))
            return True
        if op == "eq":
            point = _point(col, node, values[0], ev)
            if point is None:
                return False
            self.eq.append(point)
            if col.type in INTEGRAL:
                self._bound(point, point)
            return True
        if col.type not in INTEGRAL:
            return False
        return self._range(op, values, col, node, ev)

    def _range(
        self, op: str, values: list[Any], col: LiveColumn, node: exp.Expression, ev: Evaluator
    ) -> bool:
        lo = hi = None
        if op in ("gt", "ge", "between"):
            lo = math.floor(values[0]) + 1 if op == "gt" else math.ceil(values[0])
            if not (ev.holds(node, col, lo) and not ev.holds(node, col, lo - 1)):
                return False
        if op in ("lt", "le", "between"):
            v = values[-1]
            hi = math.ceil(v) - 1 if op == "lt" else math.floor(v)
            if not (ev.holds(node, col, hi) and not ev.holds(node, col, hi + 1)):
                return False
        self._bound(lo, hi)
        return True

    def _bound(self, lo: int | None, hi: int | None) -> None:
        if lo is not None:
            self.lower = lo if self.lower is None else max(self.lower, lo)
        if hi is not None:
            self.upper = hi if self.upper is None else min(self.upper, hi)


def _point(col: LiveColumn, node: exp.Expression, value: Any, ev: Evaluator) -> Any:
    """The one column value an equality means (checked with DuckDB), or None."""
    if col.type is FieldType.BOOL:
        matches = [b for b in (True, False) if ev.holds(node, col, b)]
        return matches[0] if len(matches) == 1 else None
    if col.type in INTEGRAL:
        if isinstance(value, float | Decimal) and value != int(value):
            return None  # a fraction never equals a whole number: nothing to push
        value = int(value)
    return value if ev.holds(node, col, value) else None


def _dimension(out: Narrowing, column: str, facts: _Facts) -> None:
    values = facts.eq[:1] or (facts.ins[0] if facts.ins else None)
    if values is None or facts.likes or facts.ieq or facts.null or facts.notnull:
        facts.lost = True
        if values is None:
            return
    if len(set(facts.eq)) > 1 or (facts.eq and facts.ins):
        facts.lost = True
    out.dims[column] = list(values)


def _keys(out: Narrowing, facts: _Facts) -> None:
    """IDs an `id` column is pinned to: a keyed read can fetch exactly those rows."""
    sets = [set(facts.eq)] if facts.eq else []
    sets += [set(values) for values in facts.ins]
    if not sets or facts.likes or facts.ieq or facts.null or facts.notnull:
        facts.lost = True
        return
    wanted = set.intersection(*sets)
    if facts.lower is not None or facts.upper is not None:
        low = facts.lower if facts.lower is not None else min(wanted, default=0)
        high = facts.upper if facts.upper is not None else max(wanted, default=0)
        wanted = {k for k in wanted if low <= k <= high}
    if len(wanted) > MAX_SPLIT:
        facts.lost = True
        return
    out.keys = sorted(wanted)
    out.notes.append(f"id in {len(wanted)} values -> one call per ID")


class _Chooser:
    """Picks the catalog filters of one column for its facts, and whether they are exact."""

    def __init__(self, out: Narrowing, column: LiveColumn, facts: _Facts) -> None:
        self.out, self.col, self.facts = out, column, facts
        self.filters = column.filters
        self.text = column.type in _TEXT

    def run(self) -> None:
        facts = self.facts
        done_eq = self._equality()
        if not done_eq:
            self._in_lists()
        elif facts.ins:
            facts.lost |= any(facts.eq[0] not in values for values in facts.ins)
        if not done_eq and (facts.lower is not None or facts.upper is not None):
            self._range()
        for pattern, ci in facts.likes:
            self._like(pattern, ci)
        for value in facts.ieq:
            self._ieq(value)
        if facts.null or facts.notnull:
            self._emptiness()

    # -- helpers ---------------------------------------------------------------------------------------

    def _pick(self, *ops: Op, ci: bool | None = None) -> Filter | None:
        """The filter for `ops`: the case-sensitive one first for text (SQL is), then the one named after the
        field, then catalog order; `ci` forces case-insensitivity one way or the other."""
        found = [
            f
            for f in self.filters
            if f.op in ops and (ci is None or f.ci == ci) and f.name not in self.out.params
        ]
        found.sort(key=lambda f: (self.text and f.ci, f.name != self.col.wire))
        return found[0] if found else None

    def _push(self, flt: Filter, value: Any, exact: bool, what: str) -> None:
        self.out.params[flt.name] = value if isinstance(value, str) else render(flt, value)
        self.facts.lost |= not exact
        note = "" if exact else " (a superset: re-checked locally)"
        self.out.notes.append(f"{what} -> {flt.name}={self.out.params[flt.name]}{note}")

    def _same_case(self, flt: Filter) -> bool:
        return not (self.text and flt.ci)

    # -- facts -----------------------------------------------------------------------------------------

    def _equality(self) -> bool:
        facts = self.facts
        if not facts.eq:
            return False
        value = facts.eq[0]
        if len(set(facts.eq)) > 1:
            facts.lost = True  # contradictory equalities: any one of them is a superset of nothing
        what = f"{self.col.name} = {value!r}"
        flt = self._pick(Op.EQ) or self._pick(Op.IN)
        if flt is not None:
            exact = self._same_case(flt) and not (self.col.nullable and int(value) < 1)
            self._push(flt, value, exact, what)
            return True
        contains = self._pick(Op.CONTAINS) if self.text else None
        if contains is not None:
            self._push(contains, value, False, what)
            return True
        if self.col.type not in INTEGRAL:
            facts.lost = True  # integral equalities go on as a range [value, value]
        return False

    def _in_lists(self) -> None:
        facts = self.facts
        for i, values in enumerate(facts.ins):
            what = f"{self.col.name} IN {len(values)} values"
            flt = self._pick(Op.IN)
            if i > 0 or not values:
                facts.lost = True
            elif flt is not None:
                self._push(flt, ",".join(render(flt, v) for v in values), self._same_case(flt), what)
            elif (flt := self._pick(Op.EQ)) is not None and len(values) <= MAX_SPLIT:
                self.out.splits.append((flt.name, [render(flt, v) for v in values]))
                facts.lost |= not self._same_case(flt) or (self.col.nullable and min(values) < 1)
                self.out.notes.append(f"{what} -> one read per value of {flt.name}")
            else:
                facts.lost = True
                if self.col.type in INTEGRAL:  # a superset: the range the values span
                    facts.lower = min(values) if facts.lower is None else max(facts.lower, min(values))
                    facts.upper = max(values) if facts.upper is None else min(facts.upper, max(values))

    def _range(self) -> None:
        facts, name = self.facts, self.col.name
        lo, hi = facts.lower, facts.upper
        got_lo = got_hi = False
        if lo is not None:
            if (flt := self._pick(Op.GE)) is not None:
                self._push(flt, lo, True, f"{name} >= {lo}")
                got_lo = True
            elif (flt := self._pick(Op.GT)) is not None:
                self._push(flt, lo - 1, True, f"{name} >= {lo}")
                got_lo = True
        if hi is not None:
            if (flt := self._pick(Op.LE)) is not None:
                self._push(flt, hi, True, f"{name} <= {hi}")
                got_hi = True
            elif (flt := self._pick(Op.LT)) is not None:
                self._push(flt, hi + 1, True, f"{name} <= {hi}")
                got_hi = True
        if (lo is not None and not got_lo) or (hi is not None and not got_hi):
            facts.lost |= not self._counter(lo, hi)
        # The API compares an empty timestamp as 0: only a lower bound of at least 1 s drops it, as SQL does.
        if self.col.nullable and not (got_lo and lo is not None and lo >= 1):
            facts.lost = True

    def _counter(self, lo: int | None, hi: int | None) -> bool:
        """Counter flags (`Blocked=true`: BlockedCount > 0); True when they say exactly what the bounds say."""
        flt = self._pick(Op.POSITIVE)
        if flt is None or self.col.type is not FieldType.INT:
            return False
        if lo is not None and lo >= 1:
            exact = lo == 1 and hi is None
            self._push(flt, True, exact, f"{self.col.name} >= {lo}")
            return exact
        if lo == 0 and hi == 0:
            self._push(flt, False, True, f"{self.col.name} = 0")
            return True
        return False

    def _like(self, pattern: str, ci: bool) -> None:
        what = f"{self.col.name} {'ILIKE' if ci else 'LIKE'} {pattern!r}"
        if "_" in pattern or "\\" in pattern or not self.text:
            self.facts.lost = True
            return
        parts = pattern.split("%")
        ops: tuple[Op, ...]
        if len(parts) == 1:  # no wildcard: an equality
            ops, text, exact_shape = (Op.EQ, Op.IN), pattern, True
        elif parts[0]:
            ops, text, exact_shape = (Op.STARTS,), parts[0], len(parts) == 2 and not parts[1]
        elif parts[-1]:
            ops, text, exact_shape = (Op.ENDS,), parts[-1], len(parts) == 2
        else:
            ops, text = (Op.CONTAINS,), max(parts, key=len)
            exact_shape = len(parts) == 3
        flt = None
        if text:
            flt = (
                self._pick(*ops, ci=True) if ci else (self._pick(*ops, ci=False) or self._pick(*ops, ci=True))
            )
        if flt is None:
            self.facts.lost = True
            return
        self._push(flt, text, exact_shape and not ci and not flt.ci, what)

    def _ieq(self, value: str) -> None:
        flt = self._pick(Op.EQ, ci=True)
        if flt is None or value != value.lower():
            self.facts.lost = True
            return
        self._push(flt, value, False, f"lower({self.col.name}) = {value!r}")

    def _emptiness(self) -> None:
        flt = self._pick(Op.NOT_EMPTY)
        facts = self.facts
        if flt is None or (facts.null and facts.notnull):
            facts.lost = True
            return
        if facts.null:
            # "" stays "" in a text column but is empty to the API: IS NULL pushed is a superset there.
            self._push(flt, False, self.col.nullable, f"{self.col.name} IS NULL")
        elif self.col.nullable:
            self._push(flt, True, True, f"{self.col.name} IS NOT NULL")
        else:
            facts.lost = True
