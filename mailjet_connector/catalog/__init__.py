"""The resource catalog: the single source of truth about Mailjet resources, and its lookups."""

from __future__ import annotations

from functools import cache

from mailjet_connector.catalog.model import (
    Action,
    Area,
    Cursor,
    Field,
    FieldType,
    Filter,
    Op,
    Resource,
    Sort,
    Verb,
)
from mailjet_connector.catalog.resources import RESOURCES
from mailjet_connector.errors import UnknownResourceError

__all__ = [
    "Action",
    "Area",
    "Cursor",
    "Field",
    "FieldType",
    "Filter",
    "Op",
    "Resource",
    "Sort",
    "UnknownResourceError",
    "Verb",
    "all_resources",
    "by_mailjet_name",
    "get",
    "readable",
    "writable",
]


@cache
def _index() -> tuple[dict[str, Resource], dict[str, Resource]]:
    by_name = {r.name: r for r in RESOURCES}
    by_mailjet = {r.mailjet_name.lower(): r for r in RESOURCES}
    return by_name, by_mailjet


def all_resources() -> tuple[Resource, ...]:
    """Every resource, in catalog order."""
    return RESOURCES


def get(name: str) -> Resource:
    """The resource with catalog name `name` (or its Mailjet name, case-insensitive).

    Raises:
        UnknownResourceError: no such resource.
    """
    by_name, by_mailjet = _index()
    found = by_name.get(name) or by_mailjet.get(name.lower())
    if found is None:
        raise UnknownResourceError(name, by_name)
    return found


def by_mailjet_name(name: str) -> Resource | None:
    """The resource whose URL name is `name` (case-insensitive), or None."""
    return _index()[1].get(name.lower())


def readable() -> tuple[Resource, ...]:
    return tuple(r for r in RESOURCES if r.readable)


def writable() -> tuple[Resource, ...]:
    return tuple(r for r in RESOURCES if r.writable)
