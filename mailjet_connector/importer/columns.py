"""What each source column means for a resource: a field, the match key, a contact property, or ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mailjet_connector.catalog import Field, Resource
from mailjet_connector.errors import PlanError

__all__ = ["ColumnMap", "PlanError", "choose_key", "map_columns", "normal"]


def normal(name: str) -> str:
    """A column name reduced for matching: `IsExcludedFromCampaigns`, `is_excluded_from_campaigns` match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class ColumnMap:
    """Source column -> catalog field, contact property columns, and columns ignored (with why)."""

    fields: dict[str, Field]
    properties: dict[str, str]  # column -> property name as defined (contact only)
    ignored: dict[str, str]  # column -> reason, shown as a warning


def map_columns(
    res: Resource,
    columns: Iterable[str],
    *,
    key: Sequence[str] = (),
    properties: Mapping[str, str] | None = None,
) -> ColumnMap:
    """Sort the source columns of an import into fields, properties and ignored columns.

    Read-only fields are ignored with a warning (so a file exported by `export` can be imported back),
    except the match-key fields. dlt's `_dlt_*` columns are ignored silently.

    Args:
        res: the resource written.
        columns: the source's column names.
        key: the match-key fields (kept even when read-only, e.g. ID).
        properties: for `contact`, defined property names by lower-cased name; other columns map to them.

    Returns:
        The column map.

    Raises:
        PlanError: a column that is neither a field nor (for contact) a defined property.
    """
    by_normal = {normal(f.name): f for f in res.fields}
    fields: dict[str, Field] = {}
    props: dict[str, str] = {}
    ignored: dict[str, str] = {}
    unknown: list[str] = []
    for column in columns:
        found = by_normal.get(normal(column))
        if column.startswith("_dlt_"):
            ignored[column] = "dlt bookkeeping"
        elif found is not None and (not found.read_only or found.name in key):
            fields[column] = found
        elif found is not None:
            ignored[column] = f"{found.name} is read-only (Mailjet computes it)"
        elif properties is not None and column.lower() in properties:
            props[column] = properties[column.lower()]
        else:
            unknown.append(column)
    if unknown:
        hint = " (contact properties must be defined first: import contactmetadata)" if properties else ""
        names = ", ".join(f.name for f in res.writable_fields)
        raise PlanError(f"unknown column(s) for {res.name}: {', '.join(unknown)}{hint}; fields: {names}")
    return ColumnMap(fields, props, ignored)


def choose_key(res: Resource, columns: Iterable[str], wanted: Sequence[str] = ()) -> tuple[str, ...]:
    """The fields that match source rows with existing objects.

    Default: `ID` when the source has it, else the first catalog unique key whose fields are all columns.

    Args:
        res: the resource.
        columns: the source's column names.
        wanted: fields named with `--key` (any fields, matched through one listing pass).

    Returns:
        Field names, or () when nothing can match (insert only).

    Raises:
        PlanError: a `--key` field the resource does not have.
    """
    present = {normal(c) for c in columns}
    if wanted:
        fields = [
            res.field(n) or next((f for f in res.fields if normal(f.name) == normal(n)), None) for n in wanted
        ]
        missing = [
            n for n, f in zip(wanted, fields, strict=True) if f is None or normal(f.name) not in present
        ]
        if missing:
            raise PlanError(f"--key {','.join(missing)}: not a {res.name} field present in the source")
        return tuple(f.name for f in fields if f is not None)
    for candidate in (tuple(res.primary_key), *res.unique_keys):
        if candidate and all(normal(name) in present for name in candidate):
            return candidate
    return ()
