"""The HTTP gateway: the Mailjet REST and Send APIs with per-agent tokens, checked by the policy, audited.

An agent calls the gateway exactly as it would call Mailjet (any client: change base URL and credentials),
with Basic auth `agent name : agent token`. The gateway authenticates it, maps the URL to a catalog
resource/action and area (`gateway_paths`), applies the call budget and `policy.decide`, then forwards the
call with the real key over a pool of keep-alive connections (`upstream`). Denials never reach Mailjet.
The real key never reaches the agent: upstream auth headers are dropped, catalog fields marked secret are
masked, and an upstream 401 becomes a 502. Every call gets an audit record, written once its answer is sent.

The gateway is a plain ASGI application (no framework): each call is one short path through `handle`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson

from mailjet_connector.agents import gateway_responses as answers
from mailjet_connector.agents import payloads
from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.gateway_paths import Target, classify
from mailjet_connector.agents.gateway_responses import Headers, Send
from mailjet_connector.agents.policy import AgentPolicy, Decision, Policy, Request, decide
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.agents.upstream import Timeouts, UpstreamError, UpstreamPool, UpstreamResponse
from mailjet_connector.wire.basic_auth import basic_token, parse_basic

Receive = Any  # ASGI receive callable
Body = bytes | AsyncIterator[bytes]

FORWARDED_HEADERS = frozenset(
    {b"content-type", b"accept", b"accept-encoding", b"accept-language", b"user-agent"}
)
BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
BUFFER_LIMIT = 256 * 1024  # answers up to this size are relayed in one piece (fewer ASGI messages)
MASK = "***"
GROUP_COMMIT_SECONDS = 0.05  # default audit durability: on disk within 50 ms, no caller waits for fsync


class AgentDisconnected(Exception):
    """The agent hung up while its request body was being read."""


@dataclass
class Call:
    """One call in flight, for its audit record."""

    agent: str
    operation: str
    started: float
    decision: Decision | None = None
    counts: dict[str, int] | None = None


class Gateway:
    """The gateway as an ASGI app: holds the policy, audit log, budget and the upstream pool.

    Build it with `create_gateway_app`. Its lifespan closes the pool and the audit log.
    """

    def __init__(
        self,
        policy: Policy,
        upstream: UpstreamPool,
        upstream_auth: str,
        audit: AuditLog,
        budget: CallBudget,
        buffer_limit: int = BUFFER_LIMIT,
    ) -> None:
        self.policy = policy
        self.upstream = upstream
        self._auth = upstream_auth.encode("latin-1")
        self.audit = audit
        self.budget = budget
        self.buffer_limit = buffer_limit

    def __repr__(self) -> str:  # the upstream credentials stay out of reprs
        return f"Gateway(upstream={self.upstream!r}, agents={sorted(self.policy.agents)})"

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def aclose(self) -> None:
        """Close the idle upstream connections and the audit log."""
        await self.upstream.aclose()
        self.audit.close()

    async def handle(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """Serve one agent call (any method, any path), then write its audit record."""
        call = Call(agent="", operation=f"{scope['method']} {scope['path']}", started=time.perf_counter())
        status: int | None
        try:
            status, reason = await self._serve(scope, receive, send, call)
        except AgentDisconnected:
            status, reason = None, "agent disconnected"
        except Exception:  # recorded, then left to the server (a 500 and its log)
            await self._audit(call, 500, "gateway error")
            raise
        await self._audit(call, status, reason)

    async def _serve(
        self, scope: dict[str, Any], receive: Receive, send: Send, call: Call
    ) -> tuple[int, str]:
        """Answer the call; returns (status, reason) for its audit record."""
        method, headers = scope["method"], scope["headers"]
        target = classify(method, scope["path"])
        agent = self._authenticate(headers)
        if agent is None:
            call.agent = _claimed_user(headers)
            return await _answer(send, answers.unauthorized(target.send_version == "v3.1"), "bad credentials")
        call.agent = agent.name
        if not self.budget.allow(agent.name, agent.limits.calls_per_minute):
            return await _answer(send, answers.too_many_requests(), "calls_per_minute exceeded")
        body, parsed = await self._read_body(method, headers, receive, target, agent)
        call.decision = decide(agent, self._policy_request(method, target, parsed, call))
        if not call.decision.allowed:
            return await _answer(send, answers.error(403, call.decision.reason))
        return await self._forward(scope, body, target, send)

    def _authenticate(self, headers: Headers) -> AgentPolicy | None:
        pair = parse_basic(_header(headers, b"authorization").decode("latin-1"))
        if pair is None:
            return None
        agent = self.policy.agents.get(pair[0])
        return agent if agent is not None and agent.check_token(pair[1]) else None

    async def _read_body(
        self, method: str, headers: Headers, receive: Receive, target: Target, agent: AgentPolicy
    ) -> tuple[Body, Any]:
        """(the body: bytes, or an iterator to stream it; parsed JSON when the policy needs to look inside)."""
        if method in BODYLESS_METHODS:
            return b"", None
        inspect = target.send_version is not None or agent.limits.allowed_lists is not None
        length = _header(headers, b"content-length")
        if not inspect and not (length.isdigit() and int(length) <= self.buffer_limit):
            return _iter_body(receive), None  # a large upload (DATA CSV): streamed through untouched
        raw = b"".join([piece async for piece in _iter_body(receive)])
        if not inspect:
            return raw, None
        try:
            return raw, orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            return raw, None

    @staticmethod
    def _policy_request(method: str, target: Target, parsed: Any, call: Call) -> Request:
        send = None
        if target.send_version is not None:
            send = payloads.send_info(parsed, version=target.send_version)
            call.counts = {"recipients": send.recipients}
        lists = target.list_ids + (payloads.list_ids(parsed) if parsed is not None else ())
        return Request(target.resource, method, target.action, target.area, send, lists)

    async def _forward(
        self, scope: dict[str, Any], body: Body, target: Target, send: Send
    ) -> tuple[int, str]:
        headers = [(name, value) for name, value in scope["headers"] if name in FORWARDED_HEADERS]
        headers.append((b"authorization", self._auth))
        if not isinstance(body, bytes) and (length := _header(scope["headers"], b"content-length")):
            headers.append((b"content-length", length))
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        try:
            upstream = await self.upstream.request(
                scope["method"], path + b"?" + query if query else path, headers, body
            )
        except UpstreamError as exc:
            message = f"gateway: Mailjet unreachable ({type(exc).__name__})"
            return await _answer(send, answers.error(502, message), message)
        return await self._relay(upstream, target, send)

    async def _relay(self, upstream: UpstreamResponse, target: Target, send: Send) -> tuple[int, str]:
        status, length = upstream.status, upstream.content_length
        if status == 401:
            await upstream.aclose()
            message = "gateway: Mailjet refused the gateway's own credentials"
            return await _answer(send, answers.error(502, message), message)
        if not target.secret_fields and (length is None or length > self.buffer_limit):
            return await _stream(upstream, send)
        try:
            content = await upstream.read()
        except UpstreamError as exc:  # nothing sent to the agent yet: a clean 502
            message = f"gateway: Mailjet answer incomplete ({type(exc).__name__})"
            return await _answer(send, answers.error(502, message), message)
        if target.secret_fields:
            headers = answers.passed_headers(upstream.headers, keep_length=False)
            made = answers.answer(status, _mask_secrets(content, target.secret_fields), headers)
        else:
            made = answers.Answer(status, answers.passed_headers(upstream.headers, keep_length=True), content)
        return await _answer(send, made)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _audit(self, call: Call, status: int | None, reason: str) -> None:
        """Write the call's record: inline for a group-committing log (a page-cache write), else in a thread
        (a per-record fsync blocks)."""
        if self.audit.fsync is True:
            await asyncio.to_thread(self._record, call, status, reason)
        else:
            self._record(call, status, reason)

    def _record(self, call: Call, status: int | None, reason: str) -> None:
        decision = call.decision
        allowed = decision is not None and decision.allowed
        self.audit.record(
            agent=call.agent,
            operation=call.operation,
            area=decision.area if decision is not None else None,
            decision="allow" if allowed else "deny",
            reason=reason or (decision.reason if decision is not None else ""),
            status=status,
            duration_ms=(time.perf_counter() - call.started) * 1000,
            counts=call.counts,
        )


async def _answer(send: Send, made: answers.Answer, reason: str = "") -> tuple[int, str]:
    """Send a complete answer; returns (status, reason) for the audit record."""
    await answers.reply(send, made)
    return made.status, reason


async def _stream(upstream: UpstreamResponse, send: Send) -> tuple[int, str]:
    """Relay a large or unsized answer as it comes; returns (status, reason) for the audit record.

    If Mailjet fails midway, the answer has started: the app returns without finishing it, so the server
    drops the agent's connection (a truncated answer, never a silently short one).
    """
    headers = answers.passed_headers(upstream.headers, keep_length=True)
    await send({"type": "http.response.start", "status": upstream.status, "headers": headers})
    try:
        async for piece in upstream.iter_raw():
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


def _mask_secrets(content: bytes, secret_fields: tuple[str, ...]) -> bytes:
    """The answer with every secret field of its `Data` rows masked (non-JSON answers pass unchanged)."""
    try:
        payload = orjson.loads(content)
    except orjson.JSONDecodeError:
        return content
    rows = payload.get("Data") if isinstance(payload, dict) else None
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict):
            row.update({name: MASK for name in secret_fields if row.get(name)})
    return orjson.dumps(payload)


def create_gateway_app(
    policy: Policy,
    upstream_base_url: str,
    api_key: str,
    api_secret: str,
    *,
    audit: AuditLog | None = None,
    budget: CallBudget | None = None,
    buffer_limit: int = BUFFER_LIMIT,
    timeouts: Timeouts | None = None,
) -> Gateway:
    """The gateway, an ASGI app for any ASGI server (uvicorn in `agents gateway`).

    Args:
        policy: the loaded policy (agents and audit settings).
        upstream_base_url: Mailjet's API root (or the emulator's URL), `http://` or `https://`.
        api_key / api_secret: the real credentials, used only towards upstream.
        audit: the audit log (default: `policy.audit_path`, the policy's redaction setting, group commit
            within 50 ms).
        budget: the per-agent call budget (default: a fresh one on the monotonic clock).
        buffer_limit: bodies up to this many bytes are read whole; larger ones are streamed through.
        timeouts: upstream connect and network timeouts (default 10 s and 60 s).

    Returns:
        The app; its lifespan closes the upstream connections and the audit log.
    """
    token = basic_token(api_key, api_secret)
    return Gateway(
        policy,
        UpstreamPool(upstream_base_url, timeouts=timeouts),
        f"Basic {token}",
        audit or AuditLog(policy.audit_path, redact_emails=policy.redact_emails, fsync=GROUP_COMMIT_SECONDS),
        budget or CallBudget(),
        buffer_limit,
    )
