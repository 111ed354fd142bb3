"""What `Client` and `AsyncClient` share: base URLs, paths from the catalog, query parameters, decoding, errors."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from mailjet_connector import catalog
from mailjet_connector.catalog import Resource, Verb
from mailjet_connector.errors import APIError, ConfigError, error_class_for_status
from mailjet_connector.pagination import KeyFn, field_key, id_key
from mailjet_connector.redaction import redact_text, redact_url
from mailjet_connector.transport import DECODED

logger = logging.getLogger("mailjet_connector.client")

DEFAULT_BASE_URL = "https://api.mailjet.com"
REGIONS = {"eu": DEFAULT_BASE_URL, "us": "https://api.us.mailjet.com"}
Key = str | int | tuple[Any, ...]
# A base URL copied from Mailjet's docs often carries the version: the client adds it, so `/v3/v3/...` follows.
_API_VERSION_SUFFIX = re.compile(r"/v[0-9][0-9.]*(/(REST|DATA|send))?$|/(REST|DATA)$", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One listing page: its rows and the server's `Total` (the global count when countrecords=1)."""

    rows: list[dict[str, Any]]
    total: int


def resolve_base_url(base_url: str | None, region: str | None) -> str:
    """The API root: an explicit URL wins, else the region's host (default EU, `api.mailjet.com`).

    Raises:
        ConfigError: unknown region or a URL that is not http(s).
    """
    if base_url:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"base URL must start with http:// or https://, got {redact_url(base_url)!r}")
        root = base_url.rstrip("/")
        version = _API_VERSION_SUFFIX.search(root)
        if version:
            raise ConfigError(
                f"base URL {redact_url(root)!r} ends with {version.group(0)!r}: give the API root only, "
                f"e.g. {redact_url(root[: version.start()])!r} (the client adds /v3/REST/... itself)"
            )
        return root
    if region is None:
        return DEFAULT_BASE_URL
    if region.lower() not in REGIONS:
        raise ConfigError(f"unknown region {region!r}; use one of {', '.join(sorted(REGIONS))}")
    return REGIONS[region.lower()]


def resource(name: str) -> Resource:
    """The catalog entry `name`.

    Raises:
        UnknownResourceError: a caller's mistake (a `ConfigError`), not a server answer.
    """
    return catalog.get(name)


def quote_key(key: Key) -> str:
    """A URL path segment for an ID, a unique key (an email) or a composite key (joined with `|`)."""
    if isinstance(key, tuple):
        key = "|".join(str(k).lower() if isinstance(k, bool) else str(k) for k in key)
    return quote(str(key), safe="@|=:")


def resource_path(
    res: Resource, key: Key | None = None, action: str | None = None, action_id: Key | None = None
) -> str:
    """`/v3/REST/{resource}[/{key}][/{action}[/{action_id}]]` from the catalog.

    Raises:
        ConfigError: the resource has no such action.
    """
    path = res.path
    if key is not None:
        path += "/" + quote_key(key)
    if action is not None:
        found = res.action(action)
        if found is None:
            names = ", ".join(a.name for a in res.actions) or "none"
            raise ConfigError(f"{res.name} has no action {action!r} (actions: {names})")
        path += "/" + found.name
        if action_id is not None:
            path += "/" + quote_key(action_id)
    return path


def require_verb(res: Resource, verb: Verb) -> None:
    """Raises ConfigError when the catalog says the resource does not allow `verb`."""
    if verb not in res.verbs:
        allowed = ", ".join(v.value for v in res.verbs)
        raise ConfigError(f"{res.name} does not allow {verb.value} (allowed: {allowed})")


def query_value(value: Any) -> str:
    """A filter value as Mailjet expects it: booleans as true/false, sequences comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(query_value(v) for v in value)
    return str(value)


def list_params(
    filters: dict[str, Any] | None, *, limit: int, offset: int, sort: str | None, count: bool
) -> dict[str, str]:
    """Query parameters of one listing page."""
    params = {k: query_value(v) for k, v in (filters or {}).items() if v is not None}
    params["Limit"] = str(limit)
    params["Offset"] = str(offset)
    if sort:
        params["Sort"] = sort
    if count:
        params["countrecords"] = "1"
    return params


def count_params(filters: dict[str, Any] | None) -> dict[str, str]:
    """Query parameters of a `countOnly=1` call."""
    return {**list_params(filters, limit=1, offset=0, sort=None, count=False), "countOnly": "1"}


def to_page(body: Any) -> Page:
    """A listing answer as a `Page`."""
    rows = envelope_rows(body)
    return Page(rows, int(body.get("Total", len(rows))) if isinstance(body, dict) else len(rows))


def total(body: Any) -> int:
    """`Total` of a countOnly answer."""
    return int(body.get("Total", 0)) if isinstance(body, dict) else 0


def walk_order(res: Resource, sort: str | None) -> tuple[str | None, KeyFn | None]:
    """The Sort parameter and walker key for an exact walk of `res`.

    Args:
        res: the resource.
        sort: the caller's sort field (ascending), or None for ID.

    Returns:
        (Sort value or None, key function or None for plain offset paging).

    Raises:
        ConfigError: a descending or non-sortable field.
    """
    sortable = {s.field.lower(): s.field for s in res.sort}
    if sort is None:
        if "id" in sortable and res.field("ID") is not None:
            return sortable["id"], id_key
        return None, None
    name, _, direction = sort.strip().partition(" ")
    if direction.strip().upper() == "DESC":
        raise ConfigError("exact paging walks ascending; sort ascending and reverse afterwards")
    field = sortable.get(name.lower())
    if field is None:
        raise ConfigError(
            f"{res.name} cannot be sorted by {name!r} (sortable: {', '.join(sortable.values())})"
        )
    return field, (id_key if field == "ID" else field_key(field))


def decode(response: httpx.Response) -> Any:
    """The body of a successful answer: JSON decoded (64-bit ints exact), text otherwise, None when empty.

    The transport's decoded body is taken out of the response: an httpx response sits in reference cycles,
    freed only by the cyclic garbage collector, and must not keep a page of decoded rows alive that long.
    """
    if DECODED in response.extensions:
        return response.extensions.pop(DECODED)
    if not response.content:
        return None
    if "json" in response.headers.get("content-type", "json"):
        return orjson.loads(response.content)
    return response.text


def api_error(response: httpx.Response, secrets: tuple[str, ...]) -> APIError:
    """The `APIError` subclass for an error answer, with Mailjet's error fields and a secret-free message."""
    request = response.request
    body: Any = None
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    fields = _error_fields(body)
    message = fields.pop("message") or _default_message(response)
    cls = error_class_for_status(response.status_code)
    return cls(
        response.status_code,
        redact_text(message, secrets),
        method=request.method,
        path=request.url.path,
        body=body,
        **fields,
    )


def _error_fields(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {"message": ""}
    source = body
    messages = body.get("Messages")
    if "ErrorMessage" not in body and isinstance(messages, list):
        # v3.1 send: per-message errors; report the first one.
        errors = [e for m in messages if isinstance(m, dict) for e in m.get("Errors") or ()]
        source = errors[0] if errors else body
    message = source.get("ErrorMessage", "")
    if not isinstance(message, str):
        message = orjson.dumps(message).decode()
    related = source.get("ErrorRelatedTo")
    return {
        "message": message,
        "info": source.get("ErrorInfo", ""),
        "code": source.get("ErrorCode"),
        "identifier": source.get("ErrorIdentifier"),
        "related_to": related if isinstance(related, list) else None,
    }


def _default_message(response: httpx.Response) -> str:
    if response.status_code == 401:
        return "authentication failed: check the API key and secret, and the region (EU or US)"
    if response.status_code == 429:
        return "too many requests"
    return response.reason_phrase or ""


def envelope_rows(body: Any) -> list[dict[str, Any]]:
    """`Data` of a REST envelope ([] when absent)."""
    if isinstance(body, dict):
        data = body.get("Data")
        return data if isinstance(data, list) else []
    return []


def log_response(response: httpx.Response) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %d",
            response.request.method,
            redact_url(str(response.request.url)),
            response.status_code,
        )
