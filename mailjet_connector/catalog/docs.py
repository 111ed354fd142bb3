"""Render the catalog for people and machines: summary rows, plain JSON records and the docs/catalog.md page."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from mailjet_connector.catalog.model import Op, Resource

REGENERATE = "uv run mailjet-connector resources --markdown > docs/catalog.md"

SUMMARY_COLUMNS: tuple[str, ...] = (
    "name",
    "path",
    "verbs",
    "area",
    "keys",
    "cursor",
    "incremental",
    "actions",
)


def plain(value: Any) -> Any:
    """A JSON-ready copy of a catalog value: dataclasses as dicts, enums as strings, tuples as lists.

    Private dataclass fields (the Resource field index) are left out.

    Args:
        value: a Resource, Field, Filter ... or any nesting of them.

    Returns:
        Plain dicts, lists, strings, numbers, booleans and None.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name[0] != "_"}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def record(resource: Resource) -> dict[str, Any]:
    """Every attribute of a resource as plain JSON, plus its collection `path`."""
    return {**plain(resource), "path": resource.path}


def keys_text(resource: Resource) -> str:
    """Primary key then alternate keys, composite keys joined with `|` as in URLs."""
    keys = [resource.primary_key, *resource.unique_keys] if resource.primary_key else resource.unique_keys
    return ", ".join("|".join(key) for key in keys) or "-"


def cursor_text(resource: Resource) -> str:
    """The cursor field and its server-side window (`ArrivedAt > FromTS, <= ToTS`), or `-`."""
    cursor = resource.cursor
    if cursor is None:
        return "-"
    if cursor.from_filter is None:
        return f"{cursor.field} (local)"
    lower = ">=" if cursor.from_inclusive else ">"
    upper = f", <= {cursor.to_filter}" if cursor.to_filter else ""
    if cursor.to_filter and resource.filter(cursor.to_filter).op is Op.LT:
        upper = f", < {cursor.to_filter}"
    return f"{cursor.field} {lower} {cursor.from_filter}{upper}"


def is_incremental(resource: Resource) -> bool:
    """Whether the API can return only rows changed since a cursor value (a server-side lower bound)."""
    return resource.cursor is not None and resource.cursor.from_filter is not None


def actions_text(resource: Resource) -> str:
    """Sub-actions as `name (VERBS)`, collection-scoped ones prefixed with `/`."""
    parts = []
    for act in resource.actions:
        prefix = "/" if act.scope == "collection" else ""
        parts.append(f"{prefix}{act.name} ({','.join(v.value for v in act.verbs)})")
    return ", ".join(parts) or "-"


def summary(resource: Resource) -> dict[str, str]:
    """One row of the catalog table, keyed by SUMMARY_COLUMNS."""
    return {
        "name": resource.name,
        "path": resource.path,
        "verbs": ",".join(v.value for v in resource.verbs),
        "area": resource.area.value,
        "keys": keys_text(resource),
        "cursor": cursor_text(resource),
        "incremental": "yes" if is_incremental(resource) else "no",
        "actions": actions_text(resource),
    }


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _flags(resource: Resource) -> str:
    flags = [
        ("computed", resource.computed),
        ("reference data", not resource.account_data),
        ("today only without a window", resource.today_default),
    ]
    notes = [name for name, on in flags if on]
    if resource.parent:
        notes.append(f"read per {resource.parent[0]} (`{resource.parent[1]}=`)")
    return "; ".join(notes)


def _field_rows(resource: Resource) -> list[tuple[object, ...]]:
    rows = []
    for fld in resource.fields:
        marks = [m for m, on in (("ro", fld.read_only), ("req", fld.required), ("secret", fld.secret)) if on]
        notes = [f"-> {fld.link}" if fld.link else "", ", ".join(fld.choices), fld.doc]
        rows.append((f"`{fld.name}`", fld.type.value, " ".join(marks), "; ".join(n for n in notes if n)))
    return rows


def _filter_rows(resource: Resource) -> list[tuple[object, ...]]:
    rows = []
    for flt in resource.filters:
        target = "special" if flt.op is Op.SPECIAL else f"{flt.field} {flt.op.value}{' ci' if flt.ci else ''}"
        rows.append(
            (f"`{flt.name}`", flt.type.value, target, ("required. " if flt.required else "") + flt.doc)
        )
    return rows


def _section(resource: Resource) -> list[str]:
    lines = [f"### {resource.name}", "", resource.doc, ""]
    facts = _flags(resource)
    if facts:
        lines += [f"*{facts}*", ""]
    if resource.sort:
        sorts = ", ".join(f"`{s.field}`" + ("" if s.desc else " (asc only)") for s in resource.sort)
        lines += [f"Sort: {sorts}", ""]
    lines += [*_table(("field", "type", "flags", "notes"), _field_rows(resource)), ""]
    if resource.filters:
        lines += [*_table(("filter", "type", "compares", "notes"), _filter_rows(resource)), ""]
    return lines


def render_markdown(resources: tuple[Resource, ...]) -> str:
    """The docs/catalog.md page: a summary table, then fields and filters of every resource.

    Args:
        resources: the catalog, in catalog order.

    Returns:
        Markdown text ending with one newline.
    """
    lines = [
        "# Resource catalog",
        "",
        "<!-- Generated from mailjet_connector/catalog; do not edit by hand. -->",
        f"<!-- Regenerate with: {REGENERATE} -->",
        "",
        "Every Mailjet resource the toolkit knows, as recorded in the catalog (from Mailjet's API reference, dev.mailjet.com).",
        "*Incremental* means the API filters by the cursor on the server; `(local)` cursors are compared",
        "by the client after a full read. Actions prefixed with `/` act on the collection.",
        "*keys* lists the primary key, then the alternate keys usable in URLs instead of the ID; composite",
        "keys are joined with `|` (`eventcallbackurl/open|false`). A key naming a field the rows lack",
        "(contactdata `Email`) is a key of the linked resource (contact) and resolves through the link.",
        "Field flags: `ro` read-only, `req` required on create, `secret` never stored nor shown.",
        "",
        *_table(SUMMARY_COLUMNS, [tuple(summary(r).values()) for r in resources]),
        "",
        "## Resources",
        "",
    ]
    for resource in resources:
        lines += _section(resource)
    return "\n".join(lines).rstrip("\n") + "\n"
