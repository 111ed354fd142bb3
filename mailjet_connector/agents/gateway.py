"""The HTTP gateway: the Mailjet REST and Send APIs with per-agent tokens, checked by the policy, audited.

An agent calls the gateway exactly as it would call Mailjet (any client: change base URL and credentials),
with Basic auth `agent name : agent token`. The gateway authenticates it, applies the call budget, reads the
body (at most `max_body_bytes`: 413 beyond, before buffering more), builds the canonical `Call` (`calls`:
the path resolved against the catalog, the query and the body read strictly; 400/403/405 otherwise), looks
up the lists a write touches when the agent's lists are limited (`lookups`), asks `policy.decide`, and
forwards the canonical call (`call.target()`, `call.body_bytes()`: never the agent's bytes) with the real key
over a pool of keep-alive connections (`upstream`). Denials never reach Mailjet. The real key never reaches
the agent: upstream auth headers are dropped, the answer is asked for without compression, catalog fields
marked secret are masked (an answer that cannot be masked is a 502), and an upstream 401 becomes a 502.
Every call gets an audit record, written once its answer is sent.

The gateway is a plain ASGI application (no framework): each call is one short path through `handle`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from mailjet_connector.agents import gateway_responses as answers
from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.calls import BodyError, Call, PathError
from mailjet_connector.agents.gateway_responses import Headers, Send
from mailjet_connector.agents.lookups import Lookup, drive_async
from mailjet_connector.agents.masking import StreamScanner, mask_secrets, mentions_secret
from mailjet_connector.agents.policy import AgentPolicy, Decision, Policy, decide, needs_lists
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.agents.upstream import Timeouts, UpstreamError, UpstreamPool, UpstreamResponse
from mailjet_connector.errors import InputError, PolicyError
from mailjet_connector.wire.basic_auth import basic_token, parse_basic

Receive = Any  # ASGI receive callable

FORWARDED_HEADERS = frozenset({b"accept", b"accept-language", b"user-agent"})
BUFFER_LIMIT = 256 * 1024  # answers up to this size are relayed in one piece (fewer ASGI messages)
GROUP_COMMIT_SECONDS = 0.05  # default audit durability: on disk within 50 ms, no caller waits for fsync


class BodyTooLarge(InputError):
    """The agent's body is larger than the gateway accepts."""


class LookupFailed(UpstreamError):
    """Mailjet did not answer a lookup the decision needs (neither the object nor a 404)."""


class AgentDisconnected(Exception):
    """The agent hung up while its request body was being read."""


@dataclass
class Record:
    """One call in flight, for its audit record."""

    agent: str
    operation: str
    started: float
    decision: Decision | None = None
    counts: dict[str, int] | None = None


@dataclass(frozen=True)
class Route:
    """Where an agent's calls go: a pool to Mailjet (or the emulator) and the Basic auth of the real key."""

    pool: UpstreamPool
    auth: bytes

    def __repr__(self) -> str:  # the credentials stay out of reprs
        return f"Route({self.pool!r})"


class Gateway:
    """The gateway as an ASGI app: holds the policy, audit log, budget and the upstream pools.

    Build it with `create_gateway_app`. Its lifespan closes the pools and the audit log. Every agent's calls
    go to the default upstream, or to its own (`routes`: the account an agent names in the policy).
    """

    def __init__(
        self,
        policy: Policy,
        upstream: UpstreamPool | None,
        upstream_auth: str | None,
        audit: AuditLog,
        budget: CallBudget,
        buffer_limit: int = BUFFER_LIMIT,
        routes: dict[str, Route] | None = None,
    ) -> None:
        self.policy = policy
        self.upstream = upstream
        self.default = (
            Route(upstream, upstream_auth.encode("latin-1")) if upstream and upstream_auth else None
        )
        self.routes = dict(routes or {})
        self.audit = audit
        self.budget = budget
        self.buffer_limit = buffer_limit
        self.max_body = policy.max_body_bytes

    def __repr__(self) -> str:  # the upstream credentials stay out of reprs
        return f"Gateway(upstream={self.upstream!r}, agents={sorted(self.policy.agents)})"

    def route(self, agent: str) -> Route:
        """The upstream of `agent`'s calls: its own, else the default."""
        found = self.routes.get(agent, self.default)
        if found is None:  # create_gateway_app refuses such a gateway: never reached
            raise RuntimeError(f"no upstream for agent {agent!r}")
        return found

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def aclose(self) -> None:
        """Close the idle upstream connections and the audit log."""
        pools = {id(route.pool): route.pool for route in [*self.routes.values(), self.default] if route}
        for pool in pools.values():
            await pool.aclose()
        self.audit.close()

    async def handle(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """Serve one agent call (any method, any path), then write its audit record."""
        record = Record(agent="", operation=f"{scope['method']} {scope['path']}", started=time.perf_counter())
        status: int | None
        try:
            status, reason = await self._serve(scope, receive, send, record)
        except AgentDisconnected:
            status, reason = None, "agent disconnected"
        except Exception:  # recorded, then left to the server (a 500 and its log)
            await self._audit(record, 500, "gateway error")
            raise
        await self._audit(record, status, reason)

    async def _serve(
        self, scope: dict[str, Any], receive: Receive, send: Send, record: Record
    ) -> tuple[int, str]:
        """Answer the call; returns (status, reason) for its audit record."""
        method, headers = scope["method"], scope["headers"]
        agent = self._authenticate(headers)
        if agent is None:
            record.agent = _claimed_user(headers)
            v31 = scope["path"].rstrip("/").lower() == "/v3.1/send"
            return await _answer(send, answers.unauthorized(v31), "bad credentials")
        record.agent = agent.name
        if not self.budget.allow(agent.name, agent.limits.calls_per_minute):
            return await _answer(send, answers.too_many_requests(), "calls_per_minute exceeded")
        try:
            raw = await self._read_body(headers, receive)
            call = Call.from_http(
                method,
                scope.get("raw_path") or scope["path"].encode("utf-8"),
                scope.get("query_string", b""),
                raw,
                _header(headers, b"content-type"),
            )
        except BodyTooLarge:
            message = f"gateway: the body is larger than {self.max_body} bytes (max_body_bytes)"
            return await _answer(send, answers.error(413, message), message)
        except PathError as exc:
            return await _answer(send, answers.error(exc.status, str(exc)), str(exc))
        except BodyError as exc:
            return await _answer(send, answers.error(400, f"gateway: {exc}"), str(exc))
        record.decision = await self._decide(agent, call, record)
        if not record.decision.allowed:
            return await _answer(send, answers.error(403, record.decision.reason))
        return await self._forward(call, headers, send, self.route(agent.name))

    async def _decide(self, agent: AgentPolicy, call: Call, record: Record) -> Decision:
        """The policy's verdict, with the lists the call touches looked up first when that matters."""
        request = call.request()
        if call.facts.send is not None:
            record.counts = {"recipients": call.facts.send.recipients}
        decision = decide(agent, request, lists_known=False)
        if not decision.allowed or not needs_lists(agent, request):
            return decision
        try:
            route = self.route(agent.name)
            resolved = await drive_async(call.lookups(), lambda lookup: self._lookup(lookup, route))
        except UpstreamError as exc:  # LookupFailed included
            return Decision(
                False, f"gateway: the lists this call touches could not be looked up ({exc})", decision.area
            )
        call.settle(resolved)
        record.counts = {**(record.counts or {}), "lookups": resolved.lookups}
        return decide(agent, call.request())

    async def _lookup(self, lookup: Lookup, route: Route) -> dict[str, Any] | None:
        """One object read with the real key for a decision: its row, or None when Mailjet has none (404)."""
        headers = [(b"accept-encoding", b"identity"), (b"authorization", route.auth)]
        upstream = await route.pool.request("GET", lookup.path.encode("ascii"), headers)
        content = await upstream.read()
        if upstream.status == 404:
            return None
        if upstream.status != 200 or upstream.header(b"content-encoding") not in (None, b"identity"):
            raise LookupFailed(f"GET {lookup.resource.mailjet_name} answered {upstream.status}")
        try:
            rows = orjson.loads(content).get("Data")
        except (orjson.JSONDecodeError, AttributeError):
            raise LookupFailed(f"GET {lookup.resource.mailjet_name} answered no JSON") from None
        return rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else None

    def _authenticate(self, headers: Headers) -> AgentPolicy | None:
        pair = parse_basic(_header(headers, b"authorization").decode("latin-1"))
        if pair is None:
            return None
        agent = self.policy.agents.get(pair[0])
        return agent if agent is not None and agent.check_token(pair[1]) else None

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes:
        """The whole body, refused (`BodyTooLarge`) as soon as it is known to exceed `max_body`: from its
        Content-Length before reading anything, else while it arrives."""
        length = _header(headers, b"content-length")
        if length.isdigit() and int(length) > self.max_body:
            raise BodyTooLarge
        pieces, size = [], 0
        async for piece in _iter_body(receive):
            size += len(piece)
            if size > self.max_body:
                raise BodyTooLarge
            pieces.append(piece)
        return b"".join(pieces)

    async def _forward(self, call: Call, agent_headers: Headers, send: Send, route: Route) -> tuple[int, str]:
        headers = [(name, value) for name, value in agent_headers if name in FORWARDED_HEADERS]
        body = call.body_bytes()
        if body:
            headers.append((b"content-type", call.content_type))
        headers += [(b"accept-encoding", b"identity"), (b"authorization", route.auth)]
        try:
            upstream = await route.pool.request(call.method, call.target(), headers, body)
        except UpstreamError as exc:
            message = f"gateway: Mailjet unreachable ({type(exc).__name__})"
            return await _answer(send, answers.error(502, message), message)
        return await self._relay(upstream, call, send)

    async def _relay(self, upstream: UpstreamResponse, call: Call, send: Send) -> tuple[int, str]:
        status, length = upstream.status, upstream.content_length
        secret = call.route.resource is not None and any(f.secret for f in call.route.resource.fields)
        if status == 401:
            await upstream.aclose()
            message = "gateway: Mailjet refused the gateway's own credentials"
            return await _answer(send, answers.error(502, message), message)
        if upstream.header(b"content-encoding") not in (None, b"identity"):
            await upstream.aclose()  # asked for identity: an encoded answer cannot be checked for secrets
            message = "gateway: Mailjet answered compressed; the answer cannot be checked for secrets"
            return await _answer(send, answers.error(502, message), message)
        if not secret and (length is None or length > self.buffer_limit):
            return await _stream(upstream, send)
        try:
            content = await upstream.read()
        except UpstreamError as exc:  # nothing sent to the agent yet: a clean 502
            message = f"gateway: Mailjet answer incomplete ({type(exc).__name__})"
            return await _answer(send, answers.error(502, message), message)
        if not secret and not mentions_secret(content):
            headers = answers.passed_headers(upstream.headers, keep_length=True)
            return await _answer(send, answers.Answer(status, headers, content))
        masked = mask_secrets(content)
        if masked is None:
            message = "gateway: Mailjet's answer is not JSON; it cannot be masked"
            return await _answer(send, answers.error(502, message), message)
        headers = answers.passed_headers(upstream.headers, keep_length=False)
        return await _answer(send, answers.answer(status, masked, headers))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _audit(self, record: Record, status: int | None, reason: str) -> None:
        """Write the call's record: inline for a group-committing log (a page-cache write), else in a thread
        (a per-record fsync blocks)."""
        if self.audit.fsync is True:
            await asyncio.to_thread(self._record, record, status, reason)
        else:
            self._record(record, status, reason)

    def _record(self, record: Record, status: int | None, reason: str) -> None:
        decision = record.decision
        allowed = decision is not None and decision.allowed
        self.audit.record(
            agent=record.agent,
            operation=record.operation,
            area=decision.area if decision is not None else None,
            decision="allow" if allowed else "deny",
            reason=reason or (decision.reason if decision is not None else ""),
            status=status,
            duration_ms=(time.perf_counter() - record.started) * 1000,
            counts=record.counts,
        )


async def _answer(send: Send, made: answers.Answer, reason: str = "") -> tuple[int, str]:
    """Send a complete answer; returns (status, reason) for the audit record."""
    await answers.reply(send, made)
    return made.status, reason


async def _stream(upstream: UpstreamResponse, send: Send) -> tuple[int, str]:
    """Relay a large or unsized answer as it comes; returns (status, reason) for the audit record.

    If Mailjet fails midway, or a piece names a secret field (a streamed answer cannot be masked), the answer
    has started: the app returns without finishing it, so the server drops the agent's connection (a truncated
    answer, never a silently short one, and never the secret).
    """
    headers = answers.passed_headers(upstream.headers, keep_length=True)
    await send({"type": "http.response.start", "status": upstream.status, "headers": headers})
    scanner = StreamScanner()
    try:
        async for piece in upstream.iter_raw():
            if scanner.holds_secret(piece):
                return upstream.status, "gateway: a streamed answer names a secret field; cut before it"
            await send({"type": "http.response.body", "body": piece, "more_body": True})
    except UpstreamError as exc:
        return upstream.status, f"gateway: Mailjet answer cut short ({type(exc).__name__})"
    finally:
        await upstream.aclose()
    await send({"type": "http.response.body", "body": b""})
    return upstream.status, ""


async def _iter_body(receive: Receive) -> AsyncIterator[bytes]:
    """The agent's request body as it arrives.

    Raises:
        AgentDisconnected: the agent hung up first.
    """
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise AgentDisconnected
        if piece := message.get("body"):
            yield piece
        if not message.get("more_body"):
            return


def _header(headers: Headers, name: bytes) -> bytes:
    """The first value of request header `name` (lowercase), or b""."""
    for key, value in headers:
        if key == name:
            return value
    return b""


def _claimed_user(headers: Headers) -> str:
    """The Basic-auth user name a refused caller gave (never its token), for the audit log."""
    pair = parse_basic(_header(headers, b"authorization").decode("latin-1"))
    return pair[0][:64] if pair else ""


def create_gateway_app(
    policy: Policy,
    upstream_base_url: str | None,
    api_key: str | None,
    api_secret: str | None,
    *,
    audit: AuditLog | None = None,
    budget: CallBudget | None = None,
    buffer_limit: int = BUFFER_LIMIT,
    timeouts: Timeouts | None = None,
    audit_key: bytes | None = None,
    agent_upstreams: Mapping[str, tuple[str, str, str]] | None = None,
) -> Gateway:
    """The gateway, an ASGI app for any ASGI server (uvicorn in `agents gateway`).

    Args:
        policy: the loaded policy (agents and audit settings).
        upstream_base_url: Mailjet's API root (or the emulator's URL), `http://` or `https://`.
        api_key / api_secret: the real credentials, used only towards upstream.
        audit: the audit log (default: `policy.audit_path`, the policy's redaction setting, group commit
            within 50 ms).
        budget: the per-agent call budget (default: a fresh one on the monotonic clock).
        buffer_limit: answers up to this many bytes are relayed in one piece; larger ones are streamed.
        timeouts: upstream connect and network timeouts (default 10 s and 60 s).
        audit_key: the HMAC key of a keyed audit chain (`audit_key.read_audit_key`), for the default log.
        agent_upstreams: agent name -> (API root, API key, secret) of the account its calls go to (the
            accounts file); the other agents use `upstream_base_url` with `api_key`/`api_secret`, which may
            then be None when every agent has its own.

    Returns:
        The app; its lifespan closes the upstream connections and the audit log.

    Raises:
        PolicyError: an agent has no upstream (no default and none of its own).
    """
    pools: dict[str, UpstreamPool] = {}

    def pool(url: str) -> UpstreamPool:  # one pool per origin, shared by the agents that go there
        return pools.setdefault(url, UpstreamPool(url, timeouts=timeouts))

    routes = {
        agent: Route(pool(url), f"Basic {basic_token(key, secret)}".encode("latin-1"))
        for agent, (url, key, secret) in (agent_upstreams or {}).items()
    }
    has_default = upstream_base_url is not None and api_key is not None and api_secret is not None
    orphans = sorted(set(policy.agents) - set(routes)) if not has_default else []
    if orphans:
        raise PolicyError(f"agents.{orphans[0]}: no upstream: name its account, or give the gateway a key")
    return Gateway(
        policy,
        pool(upstream_base_url) if has_default and upstream_base_url else None,
        f"Basic {basic_token(api_key, api_secret)}" if has_default and api_key and api_secret else None,
        audit
        or AuditLog(
            policy.audit_path, redact_emails=policy.redact_emails, fsync=GROUP_COMMIT_SECONDS, key=audit_key
        ),
        budget or CallBudget(),
        buffer_limit,
        routes,
    )
