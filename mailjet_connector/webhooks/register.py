"""Point Mailjet at the receiver: eventcallbackurl and parseroute rows, created or fixed idempotently.

`register_events` makes one primary (and optionally one backup) callback per selected event type point at
the given URL with the given Version; rows already right are left alone, so running it twice changes
nothing. A dead (suspended) primary is revived (Status alive). `register_inbound` does the same for the
API key's parse route. `remove` deletes what points at the receiver. Everything goes through `Client`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mailjet_connector.catalog.enums import EVENT_TYPES
from mailjet_connector.client import Client
from mailjet_connector.wire.urls import mask_password

Action = Literal["created", "updated", "unchanged", "deleted"]
VERSION_SINGLE, VERSION_GROUPED = 1, 2


@dataclass(frozen=True)
class Change:
    """One row looked at: what kind (`event` or `parse`), which type, and what happened to it."""

    kind: str
    event_type: str
    backup: bool
    action: Action
    id: int
    url: str  # password masked
    version: int | None = None
    status: str = ""


def parse_event_types(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """`all` (or None) -> the seven types; else a comma-separated selection, checked.

    Raises:
        ValueError: an unknown type name.
    """
    if spec is None:
        return EVENT_TYPES
    parts = [p.strip().lower() for p in (spec.split(",") if isinstance(spec, str) else spec) if p.strip()]
    if not parts or parts == ["all"]:
        return EVENT_TYPES
    unknown = [p for p in parts if p not in EVENT_TYPES]
    if unknown:
        raise ValueError(
            f"unknown event type(s) {', '.join(unknown)}: choose among all, {', '.join(EVENT_TYPES)}"
        )
    return tuple(t for t in EVENT_TYPES if t in parts)


def _change(kind: str, row: dict[str, Any], action: Action) -> Change:
    return Change(
        kind=kind,
        event_type=str(row.get("EventType", "")) if kind == "event" else str(row.get("Email", "")),
        backup=bool(row.get("IsBackup", False)),
        action=action,
        id=int(row.get("ID") or 0),
        url=mask_password(str(row.get("Url", ""))),
        version=int(row["Version"]) if kind == "event" and row.get("Version") is not None else None,
        status=str(row.get("Status", "")),
    )


def list_hooks(client: Client) -> list[Change]:
    """Every event callback URL and parse route of the key (action `unchanged`)."""
    found = [_change("event", row, "unchanged") for row in client.iter("eventcallbackurl")]
    found += [_change("parse", row, "unchanged") for row in client.iter("parseroute")]
    return found


def _ensure(client: Client, existing: dict[str, Any] | None, wanted: dict[str, Any]) -> Change:
    if existing is None:
        row = client.create("eventcallbackurl", wanted) or wanted
        return _change("event", row, "created")
    changes = {k: v for k, v in wanted.items() if k in ("Url", "Version") and existing.get(k) != v}
    if existing.get("Status") == "dead" and "Url" not in changes:
        changes["Status"] = "alive"  # a new Url revives by itself; the same Url needs an explicit revival
    if not changes:
        return _change("event", existing, "unchanged")
    row = client.update("eventcallbackurl", int(existing["ID"]), changes) or {**existing, **changes}
    return _change("event", row, "updated")


def register_events(
    client: Client,
    url: str,
    event_types: Sequence[str] = EVENT_TYPES,
    *,
    grouped: bool = False,
    backup_url: str | None = None,
) -> list[Change]:
    """Make the selected event types post to `url` (and `backup_url` while the primary is suspended).

    Args:
        client: a client for the API key whose events to receive.
        url: the receiver's events URL, Basic credentials included (`https://user:pass@host/events`).
        event_types: types to register (see `parse_event_types`).
        grouped: Version 2 (one array per second) instead of Version 1 (one request per event).
        backup_url: the IsBackup URL, if any.

    Returns:
        One change per row looked at.

    Raises:
        APIError: the API refused a write (e.g. a URL it considers invalid).
    """
    version = VERSION_GROUPED if grouped else VERSION_SINGLE
    rows = list(client.iter("eventcallbackurl"))
    by_key = {(str(r.get("EventType")), bool(r.get("IsBackup"))): r for r in rows}
    changes = []
    targets = [(False, url)] + ([(True, backup_url)] if backup_url else [])
    for event_type in event_types:
        for is_backup, target in targets:
            wanted = {"EventType": event_type, "Url": target, "Version": version, "IsBackup": is_backup}
            changes.append(_ensure(client, by_key.get((event_type, is_backup)), wanted))
    return changes


def register_inbound(client: Client, url: str) -> Change:
    """Make the key's parse route post inbound mail to `url` (creating the route, and its generated
    address, when the key has none).

    Returns:
        The change; its `event_type` holds the route's Email (the address to send mail to).
    """
    routes = list(client.iter("parseroute"))
    for row in routes:
        if row.get("Url") == url:
            return _change("parse", row, "unchanged")
    if routes:
        first = routes[0]
        row = client.update("parseroute", int(first["ID"]), {"Url": url}) or {**first, "Url": url}
        return _change("parse", row, "updated")
    return _change("parse", client.create("parseroute", {"Url": url}) or {"Url": url}, "created")


def remove(
    client: Client,
    event_types: Sequence[str] = EVENT_TYPES,
    *,
    url: str | None = None,
    inbound: bool = False,
    inbound_url: str | None = None,
) -> list[Change]:
    """Delete the callbacks of the selected types (primary and backup) and, with `inbound`, parse routes.

    Args:
        client: a client for the API key.
        event_types: types whose callbacks go.
        url: only callbacks pointing at this URL (None = whatever they point at).
        inbound: also delete parse routes (only those pointing at `inbound_url` when given).
        inbound_url: see `inbound`.

    Returns:
        One `deleted` change per row removed (an empty list when there was nothing to remove).
    """
    changes = []
    for row in list(client.iter("eventcallbackurl")):
        if str(row.get("EventType")) in event_types and (url is None or row.get("Url") == url):
            client.delete("eventcallbackurl", int(row["ID"]))
            changes.append(_change("event", row, "deleted"))
    if inbound:
        for row in list(client.iter("parseroute")):
            if inbound_url is None or row.get("Url") == inbound_url:
                client.delete("parseroute", int(row["ID"]))
                changes.append(_change("parse", row, "deleted"))
    return changes
