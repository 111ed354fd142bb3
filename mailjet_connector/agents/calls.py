"""One canonical call, built by both faces before anything is decided: the HTTP gateway from a raw request
(`Call.from_http`), the MCP tools from their arguments (`Call.from_parts`).

A `Call` is the route (`paths`), the canonical query, the strictly parsed body (`strict_json`) and its facts
(`bodies`). The policy decides on `call.request()`; what goes upstream is `call.target()` and
`call.body_bytes()`, the serialisation of that same model, never the bytes the agent sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from mailjet_connector.agents.bodies import BodyFacts, read_body
from mailjet_connector.agents.lookups import Resolved, Steps, resolve_lists
from mailjet_connector.agents.paths import PathError, Route, canonical_query, resolve_path, route_for
from mailjet_connector.agents.policy import Request
from mailjet_connector.agents.strict_json import BodyError, dumps, loads
from mailjet_connector.catalog.endpoints import SEND_PATHS

__all__ = ["METHODS", "BodyError", "Call", "PathError"]

METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})
BODYLESS = frozenset({"GET", "DELETE"})
_MEDIA_TYPE = re.compile(rb"[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+( *; *charset=[A-Za-z0-9_-]+)?")


@dataclass
class Call:
    """A call as decided and forwarded.

    Args:
        method: GET, POST, PUT or DELETE.
        route: where it goes.
        query: the canonical query string ("" for none).
        body: the parsed JSON body (changed in place to its canonical form), the raw bytes of a DATA upload,
            or None.
        facts: what the body tells the policy.
        content_type: the media type forwarded with a DATA upload.
    """

    method: str
    route: Route
    query: str = ""
    body: Any = None
    facts: BodyFacts = field(default_factory=BodyFacts)
    content_type: bytes = b"application/json"
    resolved: Resolved | None = None

    @classmethod
    def from_http(
        cls, method: str, raw_path: bytes, raw_query: bytes, raw_body: bytes, content_type: bytes = b""
    ) -> Call:
        """The call an HTTP request makes.

        Raises:
            PathError: 400/403 for the path or query string; 405 for another method.
            BodyError: 400 for a body that cannot be read one way only.
        """
        if method not in METHODS:
            raise PathError(405, f"{method} is not a Mailjet API method: use GET, POST, PUT or DELETE")
        route = resolve_path(method, raw_path)
        query = canonical_query(route, method, raw_query)
        if method in BODYLESS:
            if raw_body.strip():
                raise BodyError(f"a {method} call takes no body")
            return cls(method, route, query, facts=read_body(route, None))
        if route.kind == "data":
            if not _MEDIA_TYPE.fullmatch(content_type or b"text/plain"):
                raise BodyError("Content-Type of a DATA upload must be a plain media type (text/plain)")
            return cls(method, route, query, raw_body, BodyFacts(), content_type or b"text/plain")
        body = loads(raw_body) if raw_body.strip() else None
        return cls(method, route, query, body, read_body(route, body))

    @classmethod
    def from_parts(
        cls,
        method: str,
        resource: str,
        key: str | int | None = None,
        action: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> Call:
        """The call an MCP tool makes on a catalog resource; the key is validated by the catalog's key type
        and escaped, the data read like an HTTP body (a copy: the caller's dict is not changed).

        Raises:
            PathError, BodyError: as `from_http`.
        """
        route = route_for(method, resource, key, action)
        body = loads(dumps(data)) if data is not None else None
        return cls(method, route, "", body, read_body(route, body))

    @classmethod
    def from_send(cls, version: str, payload: dict[str, Any]) -> Call:
        """The Send API call an MCP tool makes with `payload` (read like an HTTP body, a copy).

        Raises:
            BodyError: as `from_http`.
        """
        route = resolve_path("POST", SEND_PATHS[version].encode("ascii"))
        body = loads(dumps(payload))
        return cls("POST", route, "", body, read_body(route, body))

    def request(self) -> Request:
        """The call as the policy sees it (with the looked-up lists once `resolved` is set)."""
        route, resolved = self.route, self.resolved
        lists: list[int] = []
        if resolved is not None:
            lists = resolved.list_ids
        else:
            if route.list_key is not None and route.list_key.isdigit():
                lists.append(int(route.list_key))
            lists += [ref.list_id for ref in self.facts.lists if ref.list_id is not None]
        return Request(
            route.resource.name if route.resource is not None else None,
            self.method,
            route.action.name if route.action is not None else None,
            route.area,
            self.facts.send,
            tuple(lists),
            data_type=route.data.data_type if route.data is not None else None,
            lists_problem=resolved.problem if resolved is not None else None,
        )

    def lookups(self) -> Steps:
        """The lookups that tell which lists the call touches (`lookups.resolve_lists`)."""
        return resolve_lists(self.route, self.method, self.facts)

    def settle(self, resolved: Resolved) -> None:
        """Take the looked-up lists in; a list named by Address in the path is forwarded by its ID."""
        self.resolved = resolved
        if resolved.path_list_id is not None and self.route.key != str(resolved.path_list_id):
            self.route = replace(self.route, key=str(resolved.path_list_id))

    def target(self) -> bytes:
        """Path and query string to forward."""
        path = self.route.path()
        return (f"{path}?{self.query}" if self.query else path).encode("ascii")

    def body_bytes(self) -> bytes:
        """The body to forward: the canonical JSON, the DATA upload as received, or nothing."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return dumps(self.body)
