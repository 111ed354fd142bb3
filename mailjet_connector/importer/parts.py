"""Sub-resource imports (`--part`): campaigndraft and template content, campaigndraft schedule.

A part is a sub-action of an object (`/{resource}/{id}/detailcontent`, `/{resource}/{id}/schedule`). Rows
name the object (ID or a unique key column) and carry the part's properties. Content is written with PUT,
which keeps the parts a row does not carry (POST would blank them, mailjet-api.md §8.17); a schedule with
POST `{"Date"}`. Rows whose part already holds the same values are `unchanged`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.importer.coerce import is_empty
from mailjet_connector.importer.columns import PlanError, choose_key, normal
from mailjet_connector.importer.model import BadRow, Existing, Kind, Mode, Plan, Write, record_key
from mailjet_connector.importer.rows import NOT_FOUND

__all__ = ["PARTS", "PartSpec", "part_spec", "plan_part"]


class PartSpec:
    """One importable part: the sub-action, its properties, the method that writes it."""

    def __init__(self, action: str, fields: tuple[str, ...], method: str, json_fields: tuple[str, ...] = ()):
        self.action, self.fields, self.method, self.json_fields = action, fields, method, json_fields


def _spec(action: str, method: str) -> PartSpec:
    # The body's fields come from the catalog (the same for drafts and templates).
    body = catalog.get("campaigndraft").action(action).fields  # type: ignore[union-attr]
    json_fields = tuple(f.name for f in body if f.type is FieldType.JSON)
    return PartSpec(action, tuple(f.name for f in body), method, json_fields)


PARTS: dict[str, PartSpec] = {"content": _spec("detailcontent", "PUT"), "schedule": _spec("schedule", "POST")}


def part_spec(res: Resource, part: str) -> PartSpec:
    """The spec of `part` for `res`.

    Raises:
        PlanError: an unknown part, or a resource without that sub-action.
    """
    spec = PARTS.get(part)
    if spec is None:
        raise PlanError(f"--part must be one of {', '.join(PARTS)}, not {part!r}")
    if res.action(spec.action) is None:
        having = [r for r in ("campaigndraft", "template") if r != res.name]
        raise PlanError(f"{res.name} has no {part} part (try {' or '.join(having)})")
    return spec


def plan_part(
    res: Resource,
    part: str,
    rows: Sequence[Mapping[str, Any]],
    mode: Mode,
    existing: Existing,
    current: Mapping[Any, Mapping[str, Any]],
    *,
    key: Sequence[str] = (),
) -> Plan:
    """Plan part writes (pure).

    Args:
        res: campaigndraft or template.
        part: "content" or "schedule".
        rows: source rows: a key column plus part properties.
        mode: update or upsert (a part always belongs to an existing object).
        existing: the objects, by key (`load.load_existing`).
        current: object ID -> the part as it is now (missing: none yet).
        key: match-key fields.

    Returns:
        One write per row; `body` is the part's JSON.

    Raises:
        PlanError: a bad part, mode or column.
    """
    spec = part_spec(res, part)
    if mode not in (Mode.UPDATE, Mode.UPSERT):
        raise PlanError(f"--part {part} takes --mode update or upsert (the object must exist)")
    columns = list(dict.fromkeys(c for r in rows for c in r))
    key_fields = choose_key(res, columns, key)
    if not key_fields:
        raise PlanError(f"--part {part} needs an ID column (or --key) naming the {res.name}")
    by_normal = {normal(f): f for f in spec.fields}
    key_normal = {normal(k) for k in key_fields}
    unknown = [c for c in columns if normal(c) not in by_normal and normal(c) not in key_normal]
    if unknown:
        raise PlanError(
            f"unknown column(s) for the {part} part: {', '.join(unknown)}; use {', '.join(spec.fields)}"
        )
    writes = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, BadRow):
            writes.append(row.failed(number))
            continue
        cells = {normal(c): v for c, v in row.items()}
        found = existing.records.get(record_key([cells.get(normal(k)) for k in key_fields]))
        label = "|".join(str(cells.get(normal(k))) for k in key_fields)
        if found is None:
            writes.append(Write(number, dict(row), Kind.ERROR, label, reason=NOT_FOUND))
            continue
        try:
            body = {
                f: _value(spec, f, cells[normal(f)])
                for f in spec.fields
                if not is_empty(cells.get(normal(f)))
            }
        except orjson.JSONDecodeError:
            writes.append(Write(number, dict(row), Kind.ERROR, label, reason="Headers: not a JSON object"))
            continue
        now = current.get(found["ID"], {})
        kind = Kind.UNCHANGED if all(now.get(f) == v for f, v in body.items()) else Kind.UPDATE
        writes.append(Write(number, dict(row), kind, label, target=found["ID"], body=body))
    return Plan(res.name, mode, key_fields, writes, part=part)


def _value(spec: PartSpec, name: str, cell: Any) -> Any:
    return orjson.loads(cell) if name in spec.json_fields and isinstance(cell, str) else cell
