"""Live tables: every readable catalog resource as a SQL table with the synced dataset's columns and types.

A live table is described from two sources only: the catalog (which filters compare which field, which fields
sort) and the sync's table layout (`sync.schema.resource_layout`: column names as dlt normalises them, types,
context columns). Nothing here re-types a field.

*Dimensions* are columns whose values the API must be told rather than asked to filter on: the parent ID of a
per-parent resource (messagehistory is read per message) and the Counter* parameters of statcounters. The
query gives their values (`WHERE message_id = 7`, a join), or they are enumerated (every parent ID) when the
catalog says how.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyarrow as pa

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Filter, Op, Resource, Sort
from mailjet_connector.catalog.enums import COUNTER_RESOLUTIONS, COUNTER_SOURCES, COUNTER_TIMINGS
from mailjet_connector.errors import QueryError
from mailjet_connector.sync.schema import (
    COUNTER_CONTEXT,
    TableLayout,
    column_name,
    parent_column,
    resource_layout,
)
from mailjet_connector.sync.settings import COUNTER_SOURCE_PARENT

__all__ = [
    "SQL_TYPES",
    "Dimension",
    "LiveColumn",
    "LiveTable",
    "UnknownTableError",
    "live_table",
    "live_table_names",
]

# statcounters: the values each Counter* parameter takes (catalog enumerations).
_COUNTER_CHOICES = dict(
    zip(COUNTER_CONTEXT, (COUNTER_SOURCES, COUNTER_TIMINGS, COUNTER_RESOLUTIONS), strict=True)
)


# DuckDB's type for each catalog type: what the synced (arrow) columns become in DuckDB.
SQL_TYPES: dict[FieldType, str] = {
    FieldType.INT: "BIGINT",
    FieldType.NUM: "DOUBLE",
    FieldType.STR: "VARCHAR",
    FieldType.EMAIL: "VARCHAR",
    FieldType.BOOL: "BOOLEAN",
    FieldType.TS: "TIMESTAMPTZ",
    FieldType.UNIX: "TIMESTAMPTZ",
    FieldType.KV: "VARCHAR",
    FieldType.JSON: "VARCHAR",
}


class UnknownTableError(QueryError):
    """A table name that is not a readable catalog resource."""


@dataclass(frozen=True)
class LiveColumn:
    """One column of a live table.

    Args:
        name: the SQL column name (as in the synced dataset).
        wire: the API field name (or context parameter) it holds.
        type: the catalog type.
        filters: catalog filters that compare this field (SPECIAL ones excluded).
        sort: the catalog's sort option on this field, if any.
        context: the value comes from the request, not from the row (parent ID, Counter* parameters).
    """

    name: str
    wire: str
    type: FieldType
    filters: tuple[Filter, ...] = ()
    sort: Sort | None = None
    context: bool = False

    @property
    def nullable(self) -> bool:
        """Whether the synced column holds NULL for an empty API value (timestamps: "" or 0 become NULL)."""
        return self.type in (FieldType.TS, FieldType.UNIX)


@dataclass(frozen=True)
class Dimension:
    """A column whose value is a parameter of the read (see the module docstring).

    Args:
        column: the SQL column.
        filter: the API parameter carrying its value.
        type: the parameter's type.
        choices: the values it can take, when the catalog enumerates them (statcounters).
        parent: the resource whose IDs are its values, enumerated when the query leaves it open.
        required: the API refuses a read without it and it cannot be enumerated.
        injected: the rows do not carry it: it is added to every row read with it.
    """

    column: str
    filter: str
    type: FieldType
    choices: tuple[str, ...] = ()
    parent: str | None = None
    required: bool = False
    injected: bool = True


@dataclass(frozen=True)
class LiveTable:
    """A readable catalog resource seen as a SQL table."""

    name: str
    res: Resource
    layout: TableLayout
    columns: dict[str, LiveColumn]
    dimensions: tuple[Dimension, ...]

    @property
    def schema(self) -> pa.Schema:
        """The arrow schema of the table (the synced table's columns, dlt's own load columns aside)."""
        return self.layout.arrow_schema

    def column(self, name: str) -> LiveColumn | None:
        return self.columns.get(name)

    @property
    def keyed(self) -> bool:
        """Whether `/{resource}/{id}` reads exactly the listing's row with that ID.

        Not so where the object is addressed through another resource, i.e. a unique key that is not a field
        of its own (contactdata: `/contactdata/{contact id or email}` answers for any contact, listed or not).
        """
        res = self.res
        own = {f.name for f in res.fields}
        return res.primary_key == ("ID",) and all(set(key) <= own for key in res.unique_keys)

    def dimension(self, column: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.column == column), None)

    def parent_of(self, dim: Dimension, chosen: dict[str, str]) -> str | None:
        """The resource listing `dim`'s values, given the values already chosen for the other dimensions.

        statcounters' SourceID names a campaign, list or sender depending on CounterSource (the sync reads it
        per parent the same way, `sync.settings.COUNTER_SOURCE_PARENT`); for APIKey it is left out.
        """
        if self.name == "statcounters" and dim.filter == "SourceID":
            return COUNTER_SOURCE_PARENT.get(chosen.get("CounterSource", ""))
        return dim.parent


def live_table_names() -> tuple[str, ...]:
    """Every live table, in catalog order."""
    return tuple(r.name for r in catalog.readable())


@cache
def live_table(name: str) -> LiveTable:
    """The live table called `name` (a catalog name, as in the synced dataset).

    Raises:
        UnknownTableError: not a readable catalog resource.
    """
    try:
        res: Resource | None = catalog.get(name)
    except catalog.UnknownResourceError:
        res = None
    if res is None or not res.readable or res.name != name:
        raise UnknownTableError(
            f"no live table {name!r}: live tables are the readable catalog resources, named as in the "
            "synced dataset (`mailjet-connector resources` lists them)"
        )
    lay = resource_layout(res)
    sorts = {s.field: s for s in res.sort}
    context = {c.wire for c in lay.columns} - {f.name for f in res.fields}
    columns = {}
    for col in lay.columns:
        field = res.field(col.wire)
        ctx = col.wire in context
        if ctx or (field is not None and field.shown_by):
            # Context values are dimensions; a field a listing leaves empty (`shown_by`) is compared by the
            # API on its real value, which the rows (and the dataset) do not hold: neither is filtered.
            columns[col.name] = LiveColumn(col.name, col.wire, col.type, context=ctx)
            continue
        filters = tuple(f for f in res.filters if f.field == col.wire and f.op is not Op.SPECIAL)
        columns[col.name] = LiveColumn(col.name, col.wire, col.type, filters, sorts.get(col.wire))
    return LiveTable(res.name, res, lay, columns, _dimensions(res))


def _dimensions(res: Resource) -> tuple[Dimension, ...]:
    if res.name == "statcounters":
        counters = tuple(
            Dimension(column_name(name), name, FieldType.STR, choices=_COUNTER_CHOICES[name], required=True)
            for name in COUNTER_CONTEXT
        )
        # SourceID is a row field too (the rows carry it); its values come from the source's parent.
        return (*counters, Dimension("source_id", "SourceID", FieldType.INT, injected=False))
    if res.parent is not None:
        parent, flt = res.parent
        return (Dimension(column_name(parent_column(res)), flt, FieldType.INT, parent=parent),)
    return ()
