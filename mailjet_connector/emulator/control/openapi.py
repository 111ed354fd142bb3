"""An OpenAPI 3.0.3 document of the emulated REST API, generated from the catalog (never written by hand)."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.catalog import Action, Field, FieldType, Filter, Resource, Verb
from mailjet_connector.emulator.rest.hooks import ACTIONS

_ERROR = {"$ref": "#/components/responses/Error"}
_COMMON_RESPONSES = {
    "400": _ERROR,
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": _ERROR,
}


def _type_schema(ftype: FieldType) -> dict[str, Any]:
    """JSON schema of a value of `ftype` as it travels on the wire."""
    if ftype in (FieldType.INT, FieldType.UNIX):
        return {"type": "integer", "format": "int64"}
    if ftype is FieldType.NUM:
        return {"type": "number"}
    if ftype is FieldType.BOOL:
        return {"type": "boolean"}
    if ftype is FieldType.KV:
        pair = {"type": "object", "properties": {"Name": {"type": "string"}, "Value": {}}}
        return {"type": "array", "items": pair}
    if ftype is FieldType.JSON:
        return {}
    if ftype is FieldType.TS:
        return {"type": "string", "description": "RFC 3339 UTC timestamp, or empty"}
    return {"type": "string"}


def _field_schema(field: Field) -> dict[str, Any]:
    schema = _type_schema(field.type)
    if field.choices and schema.get("type") == "string":
        schema = {**schema, "enum": list(field.choices)}
    if field.doc:
        schema = {**schema, "description": field.doc}
    return schema


def _item_schema(resource: Resource) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in resource.fields},
    }


def _body_schema(resource: Resource, *, create: bool) -> dict[str, Any]:
    fields = resource.writable_fields
    schema: dict[str, Any] = {"type": "object", "properties": {f.name: _field_schema(f) for f in fields}}
    required = [f.name for f in fields if f.required] if create else []
    if required:
        schema["required"] = required
    return schema


def _filter_schema(resource: Resource, flt: Filter) -> dict[str, Any]:
    if flt.type in (FieldType.TS, FieldType.UNIX):
        return {"type": "string", "description": "Unix seconds or RFC 3339"}
    field = resource.field(flt.field) if flt.field else None
    if field is not None and field.choices and flt.type in (FieldType.STR, FieldType.EMAIL):
        return {"type": "string", "enum": list(field.choices)}
    return _type_schema(flt.type)


def _query(name: str, schema: dict[str, Any], doc: str = "", required: bool = False) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "schema": schema, "required": required}
    if doc:
        param["description"] = doc
    return param


def _listing_parameters(resource: Resource) -> list[dict[str, Any]]:
    params = [
        _query("Limit", {"type": "integer", "minimum": 0, "maximum": 1000}, "Page size (0 = 1000)."),
        _query("Offset", {"type": "integer", "minimum": 0}, "0-based index of the first row."),
        _query("countOnly", {"type": "integer", "enum": [0, 1]}, "1: only Count/Total, no Data."),
        _query("countrecords", {"type": "integer", "enum": [0, 1]}, "1: Total = all matching rows."),
    ]
    if resource.sort:
        orders = [s.field for s in resource.sort] + [f"{s.field} DESC" for s in resource.sort if s.desc]
        params.append(_query("Sort", {"type": "string", "enum": orders}, "Sort order."))
    taken = {p["name"].lower() for p in params}
    for flt in resource.filters:
        if flt.name.lower() not in taken:
            taken.add(flt.name.lower())
            params.append(_query(flt.name, _filter_schema(resource, flt), flt.doc, flt.required))
    return params


def _envelope(resource: Resource) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{_schema_name(resource)}Envelope"}


def _schema_name(resource: Resource) -> str:
    return "".join(part.capitalize() for part in resource.name.split("_"))


def _ok(status: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


def _operation(resource: Resource, op_id: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "operationId": op_id,
        "tags": [resource.area.value],
        "summary": resource.doc or resource.mailjet_name,
        "responses": {**responses, **_COMMON_RESPONSES},
        **extra,
    }


def _key_parameter(resource: Resource) -> dict[str, Any]:
    schema = (
        {"type": "string"} if resource.unique_keys else {"type": "integer", "format": "int64", "minimum": 1}
    )
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": schema,
        "description": "ID or unique key.",
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _resource_paths(
    resource: Resource, base: str, emulated: frozenset[tuple[str, str]]
) -> dict[str, dict[str, Any]]:
    """Collection, item and action paths of one resource (only the actions in `emulated`)."""
    name, envelope = resource.name, _envelope(resource)
    collection: dict[str, Any] = {}
    item: dict[str, Any] = {}
    if Verb.GET in resource.verbs:
        collection["get"] = _operation(
            resource,
            f"list_{name}",
            _ok("200", "The matching rows.", envelope),
            parameters=_listing_parameters(resource),
        )
        item["get"] = _operation(resource, f"get_{name}", _ok("200", "The row.", envelope))
    if Verb.POST in resource.verbs:
        collection["post"] = _operation(
            resource,
            f"create_{name}",
            _ok("201", "Created.", envelope),
            requestBody=_body(_body_schema(resource, create=True)),
        )
    if Verb.PUT in resource.verbs:
        responses = {**_ok("200", "Updated.", envelope), "304": {"description": "Nothing changed."}}
        item["put"] = _operation(
            resource, f"update_{name}", responses, requestBody=_body(_body_schema(resource, create=False))
        )
    if Verb.DELETE in resource.verbs:
        item["delete"] = _operation(resource, f"delete_{name}", {"204": {"description": "Deleted."}})
    paths: dict[str, dict[str, Any]] = {}
    if collection:
        paths[f"{base}/{resource.mailjet_name}"] = collection
    if item:
        paths[f"{base}/{resource.mailjet_name}/{{id}}"] = {"parameters": [_key_parameter(resource)], **item}
    for action in resource.actions:
        if (resource.name, action.name.lower()) in emulated:
            paths.update(_action_paths(resource, action, base))
    return paths


def _action_paths(resource: Resource, action: Action, base: str) -> dict[str, dict[str, Any]]:
    operations: dict[str, Any] = {}
    for verb in action.verbs:
        extra: dict[str, Any] = {}
        if verb in (Verb.POST, Verb.PUT):
            extra["requestBody"] = _body({"type": "object"})
        responses = _ok("201" if verb is Verb.POST else "200", action.doc or action.name, {"type": "object"})
        operations[verb.value.lower()] = _operation(
            resource, f"{verb.value.lower()}_{resource.name}_{action.name.lower()}", responses, **extra
        )
    if action.scope == "collection":
        return {f"{base}/{resource.mailjet_name}/{action.name}": operations}
    return {
        f"{base}/{resource.mailjet_name}/{{id}}/{action.name}": {
            "parameters": [_key_parameter(resource)],
            **operations,
        }
    }


def _components(resources: tuple[Resource, ...]) -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {"ErrorInfo": {}, "ErrorMessage": {}, "StatusCode": {"type": "integer"}},
        }
    }
    for resource in resources:
        item_name = _schema_name(resource)
        schemas[item_name] = _item_schema(resource)
        schemas[f"{item_name}Envelope"] = {
            "type": "object",
            "required": ["Count", "Data", "Total"],
            "properties": {
                "Count": {"type": "integer"},
                "Data": {"type": "array", "items": {"$ref": f"#/components/schemas/{item_name}"}},
                "Total": {"type": "integer"},
            },
        }
    return {
        "schemas": schemas,
        "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}},
        "responses": {
            "Error": {
                "description": "A classic Mailjet error.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "Unauthorized": {"description": "Bad or missing credentials (empty text/html body)."},
        },
    }


def emulated_actions() -> frozenset[tuple[str, str]]:
    """The (catalog resource name, lower-cased action name) pairs that have a handler (`rest.hooks.ACTIONS`)."""
    return frozenset(ACTIONS)


def openapi_document(
    base_path: str = "/v3/REST", emulated: Collection[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document of every catalog resource under `base_path`.

    Sub-actions the catalog lists but the emulator does not implement (they answer 501) are left out, so
    the document describes what the emulator serves.

    Args:
        base_path: prefix of the v3 REST paths (v4 resources keep their `/v4` path).
        emulated: the (resource name, lower-cased action name) pairs to document; None means every action
            with a registered handler (`emulated_actions()`).

    Returns:
        The document as a JSON-ready dict (cached per arguments: do not mutate).
    """
    chosen = emulated_actions() if emulated is None else emulated
    return _document(base_path, frozenset((r, a.lower()) for r, a in chosen))


@cache
def _document(base_path: str, emulated: frozenset[tuple[str, str]]) -> dict[str, Any]:
    resources = catalog.all_resources()
    paths: dict[str, Any] = {}
    for resource in resources:
        base = base_path if resource.api == "REST" else "/v4"
        paths.update(_resource_paths(resource, base, emulated))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Mailjet API (mailjet-connector emulator)",
            "version": "3",
            "description": "Generated from the mailjet-connector resource catalog.",
        },
        "servers": [{"url": "/"}],
        "security": [{"basicAuth": []}],
        "paths": paths,
        "components": _components(resources),
    }
