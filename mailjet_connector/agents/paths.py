"""Mailjet URLs resolved strictly against the catalog's shapes into a `Route`: what the policy decides on and
what is forwarded (`Route.path()` and `canonical_query`, spelled from the catalog, never the agent's bytes).

Shapes (mailjet-api.md §1.1): `/v3/REST/{resource}[/{key}[/{action}[/{job}]]]`, collection actions
`/v3/REST/{resource}/{action}[/{job}]`, `/v3/DATA/{source}/{id}/{type}/{mime}[/{dataId}|/LAST]`,
`POST /v3/send`, `POST /v3.1/send`, `DELETE /v4/contacts/{id}` (`catalog.endpoints`).

400 (`PathError`): %-escapes that do not decode to UTF-8, a segment escaped twice (`%252e`: an upstream or
proxy that decodes again would read another path), dot segments (`.`, `..`, also encoded), slashes,
backslashes or control characters inside a segment, empty segments, extra segments, a key that does not fit
the resource's key type, a query string on a write or an unknown query parameter. 403: a path of no known
shape (unknown resource, action or API). Nothing refused here is ever forwarded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote_to_bytes

from mailjet_connector import catalog
from mailjet_connector.catalog import Action, Area, FieldType, Resource
from mailjet_connector.catalog.endpoints import (
    GDPR_AREA,
    GDPR_DELETE,
    PAGING_PARAMS,
    SEND_PATHS,
    DataEndpoint,
    data_endpoint,
)
from mailjet_connector.errors import InputError
from mailjet_connector.protocol import quote_key

__all__ = ["PathError", "Route", "canonical_query", "parse_key", "resolve_path", "route_for"]

LIST_RESOURCE = "contactslist"
MAX_KEY = 255
_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_ESCAPED = re.compile(r"%[0-9A-Fa-f]{2}")
_DIGITS = re.compile(r"[0-9]{1,20}")
_PARAM = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


class PathError(InputError):
    """The URL is refused before any decision: `status` 400 (malformed) or 403 (no such path); one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Route:
    """Where a call goes, as the catalog names it.

    Args:
        kind: "rest", "data", "send" or "gdpr".
        resource: the catalog resource (REST, and DATA's source), else None.
        key: the object's key, canonical (an ID without leading zeros, or unique-key parts joined by `|`).
        action: the sub-action (REST).
        job: an action's job ID, or DATA's data ID / `LAST`.
        data: the DATA endpoint.
        area: the area of send and gdpr paths (the catalog gives the others').
        send_version: "v3" or "v3.1" for Send API calls.
    """

    kind: Literal["rest", "data", "send", "gdpr"]
    resource: Resource | None = None
    key: str | None = None
    action: Action | None = None
    job: str | None = None
    data: DataEndpoint | None = None
    area: Area | None = None
    send_version: str | None = None

    def path(self) -> str:
        """The canonical path, percent-encoded."""
        if self.kind == "send":
            return SEND_PATHS[self.send_version or "v3.1"]
        if self.kind == "gdpr":
            return f"/{GDPR_DELETE[0]}/{GDPR_DELETE[1]}/{self.key}"
        assert self.resource is not None
        if self.kind == "data":
            assert self.data is not None
            tail = f"/{self.job}" if self.job else ""
            return f"/v3/DATA/{self.resource.mailjet_name}/{self.key}/{self.data.data_type}/{self.data.mime_type}{tail}"
        parts = [self.resource.path]
        if self.key is not None:
            parts.append(quote_key(self.key))
        if self.action is not None:
            parts.append(self.action.name)
        if self.job is not None:
            parts.append(self.job)
        return "/".join(parts)

    @property
    def list_key(self) -> str | None:
        """The contacts list the path itself names (`contactslist/{key}`, DATA `contactslist/{id}`), if any."""
        return self.key if self.resource is not None and self.resource.name == LIST_RESOURCE else None


def _segments(raw: bytes) -> list[str]:
    if not raw.startswith(b"/"):
        raise PathError(400, "the path must start with '/'")
    if raw == b"/":
        return []
    parts = raw[1:].split(b"/")
    if len(parts) > 1 and parts[-1] == b"":
        parts.pop()  # one trailing slash, as some clients send
    return [_segment(part) for part in parts]


def _segment(part: bytes) -> str:
    if not part:
        raise PathError(400, "empty path segment ('//'): remove it")
    if _ESCAPE.search(part):
        raise PathError(400, "malformed %-escape in the path")
    try:
        text = unquote_to_bytes(part).decode("utf-8")
    except UnicodeDecodeError:
        raise PathError(400, "the path does not decode to UTF-8") from None
    if text in (".", ".."):
        raise PathError(400, "dot segments ('.', '..') are not allowed in the path")
    if _ESCAPED.search(text):
        raise PathError(400, "a path segment is %-escaped twice: send it escaped once")
    if "/" in text or "\\" in text or not text.isprintable():
        raise PathError(400, "a path segment holds a slash, a backslash or a control character")
    return text


def resolve_path(method: str, raw_path: bytes) -> Route:
    """The route of `method raw_path` (the path as sent, without the query string).

    Raises:
        PathError: 400 for a malformed path, 403 for one of no known shape.
    """
    segments = _segments(raw_path)
    if len(segments) < 2:
        raise PathError(403, "unknown API path")
    version, api = segments[0].lower(), segments[1].lower()
    if version in SEND_PATHS and api == "send" and len(segments) == 2:
        if method != "POST":
            raise PathError(403, f"{method} is not allowed on /{version}/send (POST only)")
        return Route("send", area=Area.SEND, send_version=version)
    if (version, api) == GDPR_DELETE and len(segments) == 3 and method == "DELETE":
        return Route("gdpr", key=_id(segments[2], "contact ID"), area=GDPR_AREA)
    if version == "v3" and api == "rest" and len(segments) >= 3:
        return _rest(segments[2:])
    if version == "v3" and api == "data" and len(segments) >= 6:
        return _data(segments[2:])
    raise PathError(403, "unknown API path")


def _rest(parts: list[str]) -> Route:
    resource, rest = _resource(parts)
    if not rest:
        return Route("rest", resource)
    collection = resource.action(rest[0])
    if collection is not None and collection.scope == "collection":
        return Route("rest", resource, action=collection, job=_job(rest[1:], 1))
    key = parse_key(resource, rest[0])
    if len(rest) == 1:
        return Route("rest", resource, key=key)
    action = resource.action(rest[1])
    if action is None or action.scope != "item":
        raise PathError(403, f"unknown action {rest[1]!r} on {resource.mailjet_name}")
    return Route("rest", resource, key=key, action=action, job=_job(rest[2:], 1))


def _resource(parts: list[str]) -> tuple[Resource, list[str]]:
    if len(parts) >= 2:
        found = catalog.by_mailjet_name(f"{parts[0]}/{parts[1]}")
        if found is not None and found.api == "REST":
            return found, parts[2:]
    found = catalog.by_mailjet_name(parts[0])
    if found is None or found.api != "REST":
        raise PathError(403, f"unknown resource {parts[0]!r}")
    return found, parts[1:]


def _job(rest: list[str], most: int) -> str | None:
    if len(rest) > most:
        raise PathError(400, "extra path segments after the action: remove them")
    return _id(rest[0], "job ID") if rest else None


def _id(text: str, what: str) -> str:
    if not _DIGITS.fullmatch(text):
        raise PathError(400, f"{what} must be a number, not {text[:40]!r}")
    return str(int(text))


def _data(parts: list[str]) -> Route:
    source = catalog.by_mailjet_name(parts[0])
    endpoint = data_endpoint(source.name, parts[2]) if source is not None else None
    if source is None or endpoint is None or endpoint.mime_type.lower() != parts[3].lower():
        raise PathError(403, "unknown DATA path")
    if len(parts) > 5 or (len(parts) == 5 and not endpoint.data_id):
        raise PathError(400, "extra path segments in a DATA path: remove them")
    data_id = None
    if len(parts) == 5:
        data_id = "LAST" if parts[4].upper() == "LAST" else _id(parts[4], "data ID")
    return Route("data", source, key=_id(parts[1], f"{source.mailjet_name} ID"), data=endpoint, job=data_id)


def parse_key(resource: Resource, value: str | int) -> str:
    """The canonical key of one `resource` object: an ID (digits), or one of its unique keys checked against
    the catalog's field types (a composite key's parts joined by `|`).

    Raises:
        PathError: 400 when the key fits no key of the resource (`"../contact"` for a message).
    """
    if isinstance(value, bool) or (isinstance(value, int) and value < 0):
        raise PathError(400, f"{resource.name} key must be an ID or a unique key, not {value!r}")
    text = str(value)
    if _DIGITS.fullmatch(text):
        return str(int(text))
    parts = text.split("|")
    for fields in resource.unique_keys:
        if len(fields) == len(parts) and all(
            _fits(resource, f, p) for f, p in zip(fields, parts, strict=True)
        ):
            return "|".join(
                p.lower() if _type(resource, f) is FieldType.BOOL else p
                for f, p in zip(fields, parts, strict=True)
            )
    keys = " or ".join("|".join(k) for k in resource.unique_keys)
    named = f"its ID (a number){' or ' + keys if keys else ''}"
    raise PathError(400, f"{resource.name} is named by {named}; {text[:60]!r} is neither")


def _type(resource: Resource, name: str) -> FieldType:
    found = resource.field(name)
    return found.type if found is not None else FieldType.STR


def _fits(resource: Resource, name: str, part: str) -> bool:
    if not part or part != part.strip() or len(part) > MAX_KEY or not part.isprintable():
        return False
    if part in (".", "..") or "/" in part or "\\" in part:
        return False
    kind = _type(resource, name)
    if kind is FieldType.INT:
        return bool(_DIGITS.fullmatch(part))
    if kind is FieldType.BOOL:
        return part.lower() in ("true", "false")
    if kind is FieldType.EMAIL:
        return "@" in part
    return True


def route_for(method: str, resource: str, key: str | int | None = None, action: str | None = None) -> Route:
    """The route of a call named by parts (the MCP tools), through the same strict resolution as a URL.

    Raises:
        PathError: as `resolve_path`; a key is escaped first, so `"../contact"` is a key, never a path.
    """
    found = catalog.by_mailjet_name(resource)
    if found is None:
        try:
            found = catalog.get(resource)
        except catalog.UnknownResourceError:
            raise PathError(403, f"unknown resource {resource!r}") from None
    path = found.path
    if key is not None:
        path += "/" + quote(str(key), safe="")
    if action is not None:
        path += "/" + quote(action, safe="")
    return resolve_path(method, path.encode("ascii"))


def canonical_query(route: Route, method: str, raw_query: bytes) -> str:
    """The query string to forward: parameters the catalog knows for the resource, decoded strictly, the first
    of a repeated name kept (as Mailjet does), re-encoded in the catalog's spelling.

    Raises:
        PathError: 400 for a query string on a write or outside REST, a malformed value, or an unknown name.
    """
    if not raw_query:
        return ""
    if method != "GET" or route.kind != "rest" or route.resource is None:
        raise PathError(400, "a query string is only accepted on REST reads: put the values in the body")
    names = _known_params(route.resource)
    kept: dict[str, str] = {}
    for piece in raw_query.split(b"&"):
        if not piece:
            continue
        raw_name, _, raw_value = piece.partition(b"=")
        name, value = _param(raw_name), _param(raw_value)
        spelled = names.get(name.lower())
        if spelled is None or not _PARAM.fullmatch(name):
            raise PathError(400, f"unknown parameter {name[:40]!r} on {route.resource.name}: see its filters")
        kept.setdefault(spelled, value)
    return "&".join(f"{name}={quote(value, safe='')}" for name, value in kept.items())


def _known_params(resource: Resource) -> dict[str, str]:
    names = {f.name.lower(): f.name for f in resource.filters}
    names.update({p.lower(): p for p in PAGING_PARAMS})
    if resource.parent is not None:
        names.setdefault(resource.parent[1].lower(), resource.parent[1])
    return names


def _param(raw: bytes) -> str:
    if _ESCAPE.search(raw):
        raise PathError(400, "malformed %-escape in the query string")
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise PathError(400, "the query string does not decode to UTF-8") from None
    if not text.isprintable():
        raise PathError(400, "a control character in the query string")
    return text
