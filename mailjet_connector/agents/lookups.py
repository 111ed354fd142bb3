"""What only Mailjet knows, looked up before a write is decided for an agent whose lists are limited: the list
an Alt value (`ListAlt`, a list by Address in the path) names, and the list an object written by key belongs
to now (`PUT listrecipient/991`, `PUT widgetcustomvalue/3`, `DELETE campaigndraft/7/schedule`).

Written once, without I/O, as a generator of `Lookup`s that receives each object's row (or None when Mailjet
has no such object); the gateway drives it over its upstream pool, the MCP tools over the client
(`drive`, `drive_async`). Each object is fetched at most once per call; the count goes to the audit record.
Anything that cannot be told is a denial reason (`Resolved.problem`), never a guess.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.agents.bodies import LIST, BodyFacts
from mailjet_connector.agents.paths import PathError, Route, parse_key
from mailjet_connector.catalog import Resource
from mailjet_connector.catalog.links import MAX_OWNER_DEPTH, owner_links
from mailjet_connector.protocol import resource_path

__all__ = ["MAX_LOOKUPS", "Lookup", "Resolved", "drive", "drive_async", "resolve_lists"]

Row = dict[str, Any] | None
MAX_LOOKUPS = 20  # objects named in one call: more is refused, so one call cannot fan out into many reads


@dataclass(frozen=True)
class Lookup:
    """One object to read: `GET {path}` with the real key."""

    resource: Resource
    key: str

    @property
    def path(self) -> str:
        return resource_path(self.resource, self.key)


@dataclass
class Resolved:
    """The lists a call touches, once looked up; `problem` (a denial reason) when one cannot be told."""

    list_ids: list[int] = field(default_factory=list)
    problem: str | None = None
    lookups: int = 0
    path_list_id: int | None = None  # the list a path names by Address, as an ID


Steps = Generator[Lookup, Row, Resolved]


class _Session:
    """One call's lookups: each object fetched once."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Row] = {}

    def get(self, resource: Resource, key: str) -> Generator[Lookup, Row, Row]:
        wanted = (resource.name, key)
        if wanted not in self.rows:
            self.rows[wanted] = yield Lookup(resource, key)
        return self.rows[wanted]

    def lists_of(
        self, resource: Resource, key: str, depth: int = 0
    ) -> Generator[Lookup, Row, list[int] | str]:
        """The lists an existing object belongs to (following `owner_links`), or why they cannot be told."""
        row = yield from self.get(resource, key)
        if row is None:
            return f"{resource.name} {key} not found: its contacts list cannot be told"
        found: list[int] = []
        for link in owner_links(LIST).get(resource.name, ()):
            if link.name not in row:  # the answer lacks the link: the list cannot be told, never assumed
                return f"{resource.name} {key} came back without {link.name}"
            value = row[link.name]
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                continue  # no list (0 or empty): the object touches none through this link
            if link.link == LIST:
                found.append(value)
            elif depth < MAX_OWNER_DEPTH:
                deeper = yield from self.lists_of(catalog.get(str(link.link)), str(value), depth + 1)
                if isinstance(deeper, str):
                    return deeper
                found += deeper
        return found


def writes_by_key(route: Route, method: str) -> bool:
    """Whether the call writes to an existing object named in its path (PUT, DELETE, or an item action)."""
    return (
        route.kind == "rest"
        and route.key is not None
        and (method in ("PUT", "DELETE") or route.action is not None)
    )


def resolve_lists(route: Route, method: str, facts: BodyFacts) -> Steps:
    """Every contacts list the call touches, with IDs for Alt forms (and the body rewritten to them).

    Yields:
        The objects to read; send back each row, or None when Mailjet answers 404.

    Returns:
        The lists, or the reason they cannot be told.
    """
    session = _Session()
    done = Resolved()
    named = {ref.alt for ref in facts.lists if ref.alt is not None} | {
        (o.resource, o.key) for o in facts.owned
    }
    if len(named) > MAX_LOOKUPS:
        return _problem(
            done, session, f"the call names {len(named)} lists or objects to look up; at most {MAX_LOOKUPS}"
        )
    lists_resource = catalog.get(LIST)
    if route.list_key is not None:
        if route.list_key.isdigit():
            done.path_list_id = int(route.list_key)
        else:
            row = yield from session.get(lists_resource, route.list_key)
            if row is None:
                return _problem(done, session, f"no contacts list with Address {route.list_key!r}")
            done.path_list_id = _row_id(row)
        done.list_ids.append(done.path_list_id)
    for ref in facts.lists:
        if ref.alt is not None:
            try:
                address = parse_key(lists_resource, ref.alt)  # a key, never a path: no '/', no dot segment
            except PathError:
                return _problem(
                    done, session, f"{ref.spelling.alt_name} {ref.alt[:40]!r} is not a list Address"
                )
            row = yield from session.get(lists_resource, address)
            if row is None:
                reason = f"{ref.spelling.alt_name} {ref.alt!r} names no contacts list by Address: use {ref.spelling.id_name}"
                return _problem(done, session, reason)
            ref.resolve(_row_id(row))
        if ref.list_id is not None:
            done.list_ids.append(ref.list_id)
    if facts.alt_refs:
        return _problem(
            done, session, f"{facts.alt_refs[0]}: name the object by its ID (this agent's lists are limited)"
        )
    owned = [(catalog.get(o.resource), o.key) for o in facts.owned]
    if (
        route.resource is not None
        and writes_by_key(route, method)
        and route.resource.name in owner_links(LIST)
    ):
        owned.insert(0, (route.resource, route.key or ""))
    for resource, key in owned:
        found = yield from session.lists_of(resource, key)
        if isinstance(found, str):
            return _problem(done, session, found)
        done.list_ids += found
    done.lookups = len(session.rows)
    return done


def _row_id(row: dict[str, Any]) -> int:
    value = row.get("ID")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0  # 0: no list is allowed


def _problem(done: Resolved, session: _Session, reason: str) -> Resolved:
    done.problem, done.lookups = reason, len(session.rows)
    return done


def drive(steps: Steps, fetch: Callable[[Lookup], Row]) -> Resolved:
    """Run `resolve_lists` with a blocking `fetch` (the client)."""
    try:
        lookup = next(steps)
        while True:
            lookup = steps.send(fetch(lookup))
    except StopIteration as stop:
        return stop.value


async def drive_async(steps: Steps, fetch: Callable[[Lookup], Awaitable[Row]]) -> Resolved:
    """Run `resolve_lists` with an async `fetch` (the gateway's upstream pool)."""
    try:
        lookup = next(steps)
        while True:
            lookup = steps.send(await fetch(lookup))
    except StopIteration as stop:
        return stop.value
