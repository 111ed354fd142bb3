"""The HTTP gateway: the Mailjet REST and Send APIs with per-agent tokens, checked by the policy, audited.

An agent calls the gateway exactly as it would call Mailjet (any client: change base URL and credentials),
with Basic auth `agent name : agent token`. The gateway authenticates it, maps the URL to a catalog
resource/action and area (`gateway_paths`), applies the call budget and `policy.decide`, then forwards the
call with the real key over one pooled httpx transport. Denials never reach Mailjet. The real key never
reaches the agent: upstream auth headers are dropped, catalog fields marked secret are masked, and an
upstream 401 becomes a 502.
"""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mailjet_connector.agents import gateway_responses as answers
from mailjet_connector.agents import payloads
from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.gateway_paths import Target, classify
from mailjet_connector.agents.policy import AgentPolicy, Decision, Policy, Request, decide
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.basic_auth import parse_basic

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
FORWARDED_HEADERS = ("content-type", "accept", "accept-encoding", "accept-language", "user-agent")
BUFFER_LIMIT = 256 * 1024  # answers up to this size are relayed in one piece (fewer ASGI messages)
MASK = "***"
UPSTREAM_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
GROUP_COMMIT_SECONDS = 0.05  # default audit durability: on disk within 50 ms, no caller waits for fsync


@dataclass
class Call:
    """One call in flight, for its audit record."""

    agent: str
    operation: str
    started: float
    decision: Decision | None = None
    counts: dict[str, int] | None = None


class Gateway:
    """The gateway's request handler: holds the policy, audit log, budget and the upstream client."""

    def __init__(
        self,
        policy: Policy,
        base_url: str,
        upstream: httpx.AsyncBaseTransport,
        upstream_auth: str,
        audit: AuditLog,
        budget: CallBudget,
        buffer_limit: int = BUFFER_LIMIT,
    ) -> None:
        self.policy = policy
        self.base_url = base_url.rstrip("/")
        self.upstream = upstream
        self._auth = upstream_auth
        self.audit = audit
        self.budget = budget
        self.buffer_limit = buffer_limit

    def __repr__(self) -> str:  # the upstream credentials stay out of reprs
        return f"Gateway(upstream={self.base_url!r}, agents={sorted(self.policy.agents)})"

    async def handle(self, request: HttpRequest) -> Response:
        """Serve one agent call (any method, any path)."""
        method, path = request.method, request.url.path
        call = Call(agent="", operation=f"{method} {path}", started=time.perf_counter())
        target = classify(method, path)
        agent = self._authenticate(request)
        if agent is None:
            call.agent = _claimed_user(request)
            return self._finish(answers.unauthorized(target.send_version == "v3.1"), call, "bad credentials")
        call.agent = agent.name
        if not self.budget.allow(agent.name, agent.limits.calls_per_minute):
            return self._finish(answers.too_many_requests(), call, "calls_per_minute exceeded")
        body, parsed = await self._read_body(request, target, agent)
        call.decision = decide(agent, self._policy_request(method, target, parsed, call))
        if not call.decision.allowed:
            return self._finish(answers.error(403, call.decision.reason), call)
        return await self._forward(request, body, target, call)

    def _authenticate(self, request: HttpRequest) -> AgentPolicy | None:
        pair = parse_basic(request.headers.get("authorization", ""))
        if pair is None:
            return None
        agent = self.policy.agents.get(pair[0])
        return agent if agent is not None and agent.check_token(pair[1]) else None

    async def _read_body(
        self, request: HttpRequest, target: Target, agent: AgentPolicy
    ) -> tuple[bytes | None, Any]:
        """(raw body or None to stream it, parsed JSON when the policy needs to look inside)."""
        if request.method in ("GET", "HEAD", "DELETE", "OPTIONS"):
            return b"", None
        inspect = target.send_version is not None or agent.limits.allowed_lists is not None
        length = request.headers.get("content-length")
        if not inspect and (length is None or not length.isdigit() or int(length) > self.buffer_limit):
            return None, None  # a large upload (DATA CSV): streamed through untouched
        raw = await request.body()
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
        self, request: HttpRequest, body: bytes | None, target: Target, call: Call
    ) -> Response:
        headers = {name: value for name in FORWARDED_HEADERS if (value := request.headers.get(name))}
        headers["authorization"] = self._auth
        if body is None and (length := request.headers.get("content-length")):
            headers["content-length"] = length
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string", b"")
        url = raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        content = body if body is not None else request.stream()
        # Straight to the pooled transport: the client layer's cookies, redirects and auth are not wanted.
        timeout = {"timeout": UPSTREAM_TIMEOUT.as_dict()}
        outgoing = httpx.Request(
            request.method, self.base_url + url, headers=headers, content=content, extensions=timeout
        )
        try:
            upstream = await self.upstream.handle_async_request(outgoing)
        except httpx.HTTPError as exc:
            message = f"gateway: Mailjet unreachable ({type(exc).__name__})"
            return self._finish(answers.error(502, message), call, message)
        return await self._relay(upstream, target, call)

    async def _relay(self, upstream: httpx.Response, target: Target, call: Call) -> Response:
        if upstream.status_code == 401:
            await upstream.aclose()
            message = "gateway: Mailjet refused the gateway's own credentials"
            return self._finish(answers.error(502, message), call, message)
        length = upstream.headers.get("content-length")
        if target.secret_fields:
            content = _mask_secrets(await upstream.aread(), target.secret_fields)
            headers = answers.passed_headers(upstream.headers.multi_items(), keep_length=False)
            await upstream.aclose()
            return self._finish(Response(content, upstream.status_code, headers), call)
        headers = answers.passed_headers(upstream.headers.multi_items(), keep_length=True)
        if length is not None and length.isdigit() and int(length) <= self.buffer_limit:
            content = b"".join([chunk async for chunk in upstream.aiter_raw()])
            await upstream.aclose()
            return self._finish(Response(content, upstream.status_code, headers), call)
        return StreamingResponse(self._stream(upstream, call), upstream.status_code, headers)

    async def _stream(self, upstream: httpx.Response, call: Call) -> AsyncIterator[bytes]:
        """The upstream body as it comes; closing and auditing run even when the agent hangs up midway."""
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        finally:
            await upstream.aclose()
            if self.audit.fsync is True:
                await run_in_threadpool(self._record, call, upstream.status_code, "")
            else:
                self._record(call, upstream.status_code, "")

    def _finish(self, response: Response, call: Call, reason: str = "") -> Response:
        """Attach the call's audit record to `response`, written once the answer is sent.

        A per-record fsync blocks, so it runs in a worker thread; a group-committing log only writes to the
        page cache, cheaper inline than a thread hop.
        """
        write = self._record if self.audit.fsync is True else self._record_inline
        response.background = BackgroundTask(write, call, response.status_code, reason)
        return response

    async def _record_inline(self, call: Call, status: int, reason: str) -> None:
        self._record(call, status, reason)

    def _record(self, call: Call, status: int, reason: str) -> None:
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


def _claimed_user(request: HttpRequest) -> str:
    """The Basic-auth user name a refused caller gave (never its token), for the audit log."""
    pair = parse_basic(request.headers.get("authorization", ""))
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
    transport: httpx.AsyncBaseTransport | None = None,
    audit: AuditLog | None = None,
    budget: CallBudget | None = None,
    buffer_limit: int = BUFFER_LIMIT,
) -> Starlette:
    """The gateway as a Starlette app.

    Args:
        policy: the loaded policy (agents and audit settings).
        upstream_base_url: Mailjet's API root (or the emulator's URL).
        api_key / api_secret: the real credentials, used only towards upstream.
        transport: httpx transport to upstream (e.g. `httpx.ASGITransport(emulator_app)`); default a pooled
            `httpx.AsyncHTTPTransport`.
        audit: the audit log (default: `policy.audit_path`, the policy's redaction setting, group commit
            within 50 ms).
        budget: the per-agent call budget (default: a fresh one on the monotonic clock).
        buffer_limit: bodies up to this many bytes are read whole; larger ones are streamed through.

    Returns:
        The app; its lifespan closes the upstream connection pool.
    """
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
    pool = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    upstream = transport or httpx.AsyncHTTPTransport(limits=pool)
    gateway = Gateway(
        policy,
        upstream_base_url,
        upstream,
        f"Basic {token}",
        audit or AuditLog(policy.audit_path, redact_emails=policy.redact_emails, fsync=GROUP_COMMIT_SECONDS),
        budget or CallBudget(),
        buffer_limit,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await upstream.aclose()
        gateway.audit.close()

    app = Starlette(routes=[Route("/{path:path}", gateway.handle, methods=ALL_METHODS)], lifespan=lifespan)
    app.state.gateway = gateway
    return app
