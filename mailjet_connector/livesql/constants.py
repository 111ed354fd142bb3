"""Constants of a query evaluated by DuckDB itself, so that what is pushed to the API means what the SQL means.

A condition compares a column with a constant expression (`'2024-01-01'`, `now() - interval 7 day`, `7.5`).
Instead of re-implementing DuckDB's casts, the constant is evaluated in the very connection and transaction
the query runs in (so `now()` is the same value), and every bound derived from it is checked by evaluating
the original predicate on the bound itself and on its neighbour.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlglot import exp

from mailjet_connector.catalog import FieldType
from mailjet_connector.livesql.local import Sandbox
from mailjet_connector.livesql.tables import SQL_TYPES, LiveColumn

__all__ = ["INTEGRAL", "Evaluator"]

DIALECT = "duckdb"
# Column types whose values are whole numbers: integers, and timestamps (whole seconds on the wire).
INTEGRAL = (FieldType.INT, FieldType.TS, FieldType.UNIX)


class Evaluator:
    """Evaluates constants and predicates in one DuckDB connection (inside the query's transaction).

    Args:
        box: the query's sandbox (statements are tried on its probe, then run in its transaction).
    """

    def __init__(self, box: Sandbox) -> None:
        self.box = box

    def value(self, node: exp.Expression, column: LiveColumn) -> Any:
        """The constant `node` as a value of `column`'s domain, or None when it has none.

        Integral columns give an int, float or Decimal (Unix seconds for timestamps, which may be fractional);
        text columns a str; booleans a bool; NUM a float.
        """
        kind, value = self.scalar(node)
        if value is None:
            return None
        ftype = column.type
        if ftype in (FieldType.TS, FieldType.UNIX):
            if not isinstance(value, datetime):
                _, value = self.scalar(node, "TIMESTAMPTZ")
            return _seconds(value) if isinstance(value, datetime) else None
        if ftype is FieldType.INT:
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                _, value = self.scalar(node, "DOUBLE")
            return value if isinstance(value, int | float | Decimal) and _finite(value) else None
        if ftype is FieldType.NUM:
            return (
                float(value)
                if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
                else None
            )
        if ftype is FieldType.BOOL:
            if not isinstance(value, bool):
                _, value = self.scalar(node, "BOOLEAN")
            return value if isinstance(value, bool) else None
        return value if isinstance(value, str) and kind == "VARCHAR" else None

    def holds(self, predicate: exp.Expression, column: LiveColumn, value: Any) -> bool:
        """Whether `predicate` (a conjunct on `column`) is TRUE for a row whose column holds `value`."""
        placeholder = exp.cast(exp.Placeholder(this="1"), SQL_TYPES[column.type])
        node = predicate.copy().transform(lambda n: placeholder.copy() if isinstance(n, exp.Column) else n)
        if column.type in (FieldType.TS, FieldType.UNIX):
            value = datetime.fromtimestamp(value, UTC)
        rows = self.box.try_query(f"SELECT ({node.sql(DIALECT)}) IS TRUE", [value])
        return bool(rows and rows[0][0])

    def scalar(self, node: exp.Expression, cast: str | None = None) -> tuple[str | None, Any]:
        """(DuckDB type name, value) of a constant expression, optionally TRY_CAST; (None, None) on failure."""
        sql = node.sql(DIALECT)
        if cast:
            sql = f"TRY_CAST(({sql}) AS {cast})"
        rows = self.box.try_query(f"SELECT typeof(v), v FROM (SELECT {sql} AS v)")
        return rows[0] if rows else (None, None)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _seconds(moment: datetime) -> Decimal:
    """Exact Unix seconds of an aware datetime (fractions kept: bounds round them the safe way)."""
    delta = moment - _EPOCH
    return Decimal(delta.days * 86_400 + delta.seconds) + Decimal(delta.microseconds) / Decimal(1_000_000)


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)
