"""Generic agent tools over any catalog resource: resources, list, get, count, create, update, delete."""

from __future__ import annotations

from typing import Any

from mailjet_connector import catalog
from mailjet_connector.agents.calls import Call
from mailjet_connector.agents.policy import Access, AgentPolicy, Request
from mailjet_connector.agents.tools import Result, ToolContext, ToolError
from mailjet_connector.catalog import Resource, Verb

__all__ = ["TOOLS", "count", "create", "delete", "get", "list_rows", "resources", "visible_resources"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100  # an agent reads pages, not tables: the `query` tool is for whole datasets


def visible_resources(agent: AgentPolicy) -> list[Resource]:
    """The catalog resources `agent` may at least read, in catalog order."""
    return [r for r in catalog.readable() if agent.access(r.area) is not Access.OFF]


def _allowed_verbs(agent: AgentPolicy, res: Resource) -> list[str]:
    access = agent.access(res.area)
    if access is Access.OFF:
        return []
    return [v.value for v in res.verbs if v is Verb.GET or access is Access.WRITE]


def _resource(name: str) -> Resource:
    try:
        return catalog.get(name)
    except catalog.UnknownResourceError as exc:
        raise ToolError(str(exc).replace("`mailjet-connector resources`", "the `resources` tool")) from None


def _filters(res: Resource) -> list[Result]:
    """The resource's filters, plus the parent filter a scoped listing needs (messagehistory's Message)."""
    found = [
        {"name": f.name, "type": f.type.value, "required": f.required, "doc": f.doc} for f in res.filters
    ]
    if res.parent and res.filter(res.parent[1]) is None:
        found.append(
            {"name": res.parent[1], "type": "int", "required": True, "doc": f"the {res.parent[0]} ID"}
        )
    return found


def _describe(agent: AgentPolicy, res: Resource) -> Result:
    return {
        "name": res.name,
        "area": res.area.value,
        "doc": res.doc,
        "verbs": _allowed_verbs(agent, res),
        "keys": [list(res.primary_key), *(list(k) for k in res.unique_keys)],
        "fields": [
            {
                "name": f.name,
                "type": f.type.value,
                "read_only": f.read_only,
                "required": f.required,
                "doc": f.doc,
            }
            for f in res.fields
            if not f.secret
        ],
        "filters": _filters(res),
        "sort": [s.field + (" (DESC allowed)" if s.desc else "") for s in res.sort],
        "actions": [a.name for a in res.actions],
    }


def resources(ctx: ToolContext, name: str | None = None) -> Result:
    """What you can reach: without `name`, every resource you may read (name, area, your verbs, doc);
    with `name`, that resource's keys, fields, filters, sort fields and actions.

    Args:
        name: a resource name from the overview, e.g. "contact".
    """
    if name is None:

        def overview() -> Result:
            found = visible_resources(ctx.agent)
            rows = [
                {"name": r.name, "area": r.area.value, "verbs": _allowed_verbs(ctx.agent, r), "doc": r.doc}
                for r in found
            ]
            return {"count": len(rows), "resources": rows}

        return ctx.run("resources", [], overview)
    return ctx.run(
        f"resources {name}", [Request(name, Verb.GET)], lambda: _describe(ctx.agent, _resource(name))
    )


def _check_filters(res: Resource, filters: dict[str, Any] | None) -> dict[str, Any]:
    filters = dict(filters or {})
    parent = res.parent[1].lower() if res.parent else None
    for key in filters:
        if res.filter(key) is None and key.lower() != parent:
            names = ", ".join(f.name for f in res.filters) or "none"
            raise ToolError(f"{res.name} has no filter {key!r}; its filters: {names}")
    given = {k.lower() for k in filters}
    needed = [f.name for f in res.filters if f.required] + ([res.parent[1]] if res.parent else [])
    missing = [n for n in needed if n.lower() not in given]
    if missing:
        raise ToolError(f"{res.name} needs the filter {missing[0]!r}")
    return filters


def _check_fields(res: Resource, fields: list[str] | None) -> list[str] | None:
    for name in fields or []:
        found = res.field(name)
        if found is None or found.secret:
            raise ToolError(f"{res.name} has no field {name!r}; the `resources` tool lists them")
    return fields or None


def _check_sort(res: Resource, sort: str | None) -> str | None:
    if not sort:
        return None
    field, _, order = sort.strip().partition(" ")
    match = next((s for s in res.sort if s.field.lower() == field.lower()), None)
    if (
        match is None
        or order.strip().upper() not in ("", "ASC", "DESC")
        or (order.strip() and not match.desc)
    ):
        allowed = ", ".join(s.field for s in res.sort) or "none"
        raise ToolError(
            f"cannot sort {res.name} by {sort!r}; sortable fields: {allowed} (add ' DESC' to reverse)"
        )
    return f"{match.field} {order.strip().upper()}".strip()


def _shape(res: Resource, row: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """The row with secret fields dropped, projected on `fields` when given."""
    secret = {f.name for f in res.fields if f.secret}
    keep = fields or [k for k in row if k not in secret]
    return {k: row.get(k) for k in keep}


def list_rows(
    ctx: ToolContext,
    resource: str,
    filters: dict[str, Any] | None = None,
    fields: list[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    sort: str | None = None,
) -> Result:
    """Search a resource: one page of rows matching `filters`, with the total and the next offset.

    Args:
        resource: resource name (see the `resources` tool).
        filters: filter name -> value, e.g. {"IsExcludedFromCampaigns": true}; names from `resources`.
        fields: only these fields of each row (default: all).
        limit: rows per page, 1-100 (default 20).
        offset: rows to skip; pass the previous answer's `next_offset` for the next page.
        sort: a sortable field, optionally followed by " DESC".
    """

    def body() -> Result:
        res = _resource(resource)
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise ToolError(f"limit must be 1-{MAX_LIMIT} and offset >= 0")
        query, keep, order = _check_filters(res, filters), _check_fields(res, fields), _check_sort(res, sort)
        page = ctx.client.page(res.name, query, limit=limit, offset=offset, sort=order)
        rows = [_shape(res, row, keep) for row in page.rows]
        following = offset + len(rows)
        more = bool(rows) and following < page.total
        return {
            "resource": res.name,
            "total": page.total,
            "count": len(rows),
            "offset": offset,
            "next_offset": following if more else None,
            "rows": rows,
        }

    return ctx.run(f"list {resource}", [Request(resource, Verb.GET)], body)


def get(ctx: ToolContext, resource: str, key: str | int, fields: list[str] | None = None) -> Result:
    """One object by ID or unique key (a contact by email, a list by Address; composite keys as "a|b").

    Args:
        resource: resource name.
        key: the ID or a unique key.
        fields: only these fields (default: all).
    """
    operation = f"get {resource}/{key}"
    call = ctx.prepare(operation, lambda: Call.from_parts("GET", resource, key))

    def body() -> Result:
        res = _resource(resource)
        keep = _check_fields(res, fields)
        return {"resource": res.name, "row": _shape(res, ctx.client.get(res.name, _key(call)), keep)}

    return ctx.run(operation, [], body, calls=[call])


def _key(call: Call) -> str:
    assert call.route.key is not None  # from_parts with a key always gives one
    return call.route.key


def count(ctx: ToolContext, resource: str, filters: dict[str, Any] | None = None) -> Result:
    """How many rows of a resource match `filters` (one cheap call).

    Args:
        resource: resource name.
        filters: as for `list`.
    """

    def body() -> Result:
        res = _resource(resource)
        return {"resource": res.name, "total": ctx.client.count(res.name, _check_filters(res, filters))}

    return ctx.run(f"count {resource}", [Request(resource, Verb.GET)], body)


def _check_data(res: Resource, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    if not data:
        raise ToolError("no data: give the fields to write")
    for name in data:
        found = res.field(name)
        if found is None or found.secret:
            raise ToolError(f"{res.name} has no field {name!r}; the `resources` tool lists them")
        if found.read_only:
            raise ToolError(f"{res.name}.{name} is read-only")
    missing = [f.name for f in res.fields if creating and f.required and f.name not in data]
    if missing:
        raise ToolError(f"{res.name} needs {missing[0]!r} to be created")
    return data


def create(ctx: ToolContext, resource: str, data: dict[str, Any]) -> Result:
    """Create an object (needs write access to the resource's area).

    Args:
        resource: resource name.
        data: field -> value; writable fields only (see `resources`).
    """
    operation = f"create {resource}"
    call = ctx.prepare(operation, lambda: Call.from_parts("POST", resource, data=dict(data or {})))

    def body() -> Result:
        res = _resource(resource)
        _check_data(res, data, creating=True)  # the names as the agent gave them: the catalog's only
        row = ctx.client.create(res.name, call.body or {})
        return {"resource": res.name, "created": _shape(res, row or {}, None)}

    return ctx.run(operation, [], body, calls=[call])


def update(ctx: ToolContext, resource: str, key: str | int, data: dict[str, Any]) -> Result:
    """Change fields of one object (Mailjet's PUT: fields not given keep their value).

    Args:
        resource: resource name.
        key: the ID or a unique key.
        data: field -> new value.
    """
    operation = f"update {resource}/{key}"
    call = ctx.prepare(operation, lambda: Call.from_parts("PUT", resource, key, data=dict(data or {})))

    def body() -> Result:
        res = _resource(resource)
        _check_data(res, data, creating=False)  # the names as the agent gave them: the catalog's only
        row = ctx.client.update(res.name, _key(call), call.body or {})
        return {"resource": res.name, "changed": row is not None, "row": _shape(res, row or {}, None)}

    return ctx.run(operation, [], body, calls=[call])


def delete(ctx: ToolContext, resource: str, key: str | int, confirm: str | None = None) -> Result:
    """Delete one object, in two steps: without `confirm` nothing is deleted and you get the object and a
    confirmation token; call again with the same arguments and `confirm` set to that token to delete.

    Args:
        resource: resource name.
        key: the ID or a unique key.
        confirm: the token from the first call.
    """
    operation = f"delete {resource}/{key}"
    call = ctx.prepare(operation, lambda: Call.from_parts("DELETE", resource, key))

    def body() -> Result:
        res = _resource(resource)
        if Verb.DELETE not in res.verbs:
            raise ToolError(f"{res.name} cannot be deleted")
        args = {"resource": res.name, "key": _key(call)}
        preview = ctx.confirm(
            "delete",
            args,
            confirm,
            lambda: {"would_delete": _shape(res, ctx.client.get(res.name, _key(call)), None)},
        )
        if preview is not None:
            return preview
        ctx.client.delete(res.name, _key(call))
        return {"resource": res.name, "deleted": _key(call)}

    return ctx.run(operation, [], body, calls=[call])


TOOLS = {
    "resources": resources,
    "list": list_rows,
    "get": get,
    "count": count,
    "create": create,
    "update": update,
    "delete": delete,
}
