"""httpx transports that wrap the real one: `RetryTransport` (retries) and `RateLimitTransport` (pacing).

Stack them as `RetryTransport(RateLimitTransport(real))` so every attempt, retries included, is paced.
The retry transport also reads the body and validates JSON answers, so a truncated or corrupted 2xx body is
retried like a dropped connection; the decoded JSON is handed to the client in
`response.extensions[DECODED]` so it is parsed once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

from mailjet_connector.errors import (
    MailjetError,
    ResponseDecodeError,
    TransportError,
    error_class_for_status,
)
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.redaction import redact_url
from mailjet_connector.retry import DUPLICATE_SAFE, RetryPolicy, parse_retry_after

logger = logging.getLogger("mailjet_connector.client")

DECODED = "mailjet_connector.json"
ATTEMPTS = "mailjet_connector.attempts"  # response extension: how many times the request was sent
# Retry log records carry a dict under this attribute (method, path, attempt, max, delay, reason): the CLI
# renders them on one updating line.
RETRY_RECORD = "mailjet_retry"
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def transport_failure(exc: Exception, request: httpx.Request) -> TransportError:
    """Our `TransportError` for an httpx failure, saying whether the request can have reached the server."""
    reached = False if isinstance(exc, _NOT_SENT) else None
    # httpx messages can quote the URL; keep only the exception type and the redacted path.
    return TransportError(
        f"{type(exc).__name__}: {_describe(exc)}",
        method=request.method,
        path=request.url.path,
        reached_server=reached,
    )


def _describe(exc: Exception) -> str:
    text = str(exc) or "no details"
    return redact_url(text) if "://" in text else text


def check_response(response: httpx.Response, request: httpx.Request, now: float) -> MailjetError | None:
    """The retriable failure a fully read response represents, or None when it is usable as is.

    Also decodes JSON 2xx bodies into `response.extensions[DECODED]`.
    """
    status = response.status_code
    if status >= 400:
        failure = error_class_for_status(status)(status, "", method=request.method, path=request.url.path)
        if not failure.retriable:
            return None
        failure.retry_after = parse_retry_after(response.headers.get("retry-after"), now)  # type: ignore[attr-defined]
        return failure
    if not response.content or "json" not in response.headers.get("content-type", "json"):
        return None
    declared = response.headers.get("content-length", "")
    # Content-Length counts encoded bytes; only a plain body can be compared with it.
    plain = "content-encoding" not in response.headers
    if plain and declared.isdigit() and int(declared) != len(response.content):
        return ResponseDecodeError(
            f"body truncated ({len(response.content)} of {declared} bytes)",
            method=request.method,
            path=request.url.path,
            reached_server=True,
        )
    try:
        response.extensions[DECODED] = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return ResponseDecodeError(
            "answer is not valid JSON (truncated?)",
            method=request.method,
            path=request.url.path,
            reached_server=True,
        )
    return None


class _Attempts:
    """The state of one request's retry loop, shared by the sync and async transports."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request):
        self.policy = policy
        self.request = request
        self.attempt = 0
        self.spent = 0.0

    def next_delay(self, failure: MailjetError) -> float | None:
        """Seconds to wait before trying again, or None to stop."""
        duplicate_safe = bool(self.request.extensions.get(DUPLICATE_SAFE))
        if not self.policy.should_retry(
            failure,
            method=self.request.method,
            attempt=self.attempt,
            spent=self.spent,
            duplicate_safe=duplicate_safe,
        ):
            return None
        delay = self.policy.delay(self.attempt, getattr(failure, "retry_after", None))
        self.attempt += 1
        self.spent += delay
        logger.info(
            "retry %d in %.2fs after %s: %s %s",
            self.attempt,
            delay,
            type(failure).__name__,
            self.request.method,
            redact_url(str(self.request.url)),
            extra={
                RETRY_RECORD: {
                    "method": self.request.method,
                    "path": self.request.url.path,
                    "attempt": self.attempt,
                    "max": self.policy.max_retries,
                    "delay": delay,
                    "reason": str(failure),
                }
            },
        )
        return delay


def refused(exc: BaseException | None, answered: bool) -> bool:
    """A connection refused (or a host name that does not resolve) before this transport ever got an answer.

    Retrying that for a minute helps nobody: the host or port is wrong, or the service is down. Later in a
    run, the same failure is a blip worth retrying.
    """
    return not answered and isinstance(exc, httpx.ConnectError | ConnectionRefusedError)


class RetryTransport(httpx.BaseTransport):
    """Retries transport errors, 429, 5xx and bad JSON bodies per a `RetryPolicy`.

    Args:
        transport: the transport to wrap.
        policy: what to retry and how long to wait.
        sleep: blocking sleep (injectable so tests never wait).
        clock: wall time in Unix seconds (for Retry-After dates).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        self._transport = transport
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._answered = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        state = _Attempts(self._policy, request)
        while True:
            response: httpx.Response | None = None
            error: BaseException | None = None
            try:
                response = self._transport.handle_request(request)
                self._answered = True
                response.read()
                failure = check_response(response, request, self._clock())
            except (httpx.TransportError, OSError) as exc:
                error, failure = exc, transport_failure(exc, request)
            if failure is None:
                response.extensions[ATTEMPTS] = state.attempt + 1  # type: ignore[union-attr]
                return response  # type: ignore[return-value]
            delay = None if refused(error, self._answered) else state.next_delay(failure)
            if delay is None:
                return _give_up(response, failure)
            if response is not None:
                response.close()
            self._sleep(delay)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of `RetryTransport` (same policy, awaitable sleep)."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ):
        self._transport = transport
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._answered = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        state = _Attempts(self._policy, request)
        while True:
            response: httpx.Response | None = None
            error: BaseException | None = None
            try:
                response = await self._transport.handle_async_request(request)
                self._answered = True
                await response.aread()
                failure = check_response(response, request, self._clock())
            except (httpx.TransportError, OSError) as exc:
                error, failure = exc, transport_failure(exc, request)
            if failure is None:
                response.extensions[ATTEMPTS] = state.attempt + 1  # type: ignore[union-attr]
                return response  # type: ignore[return-value]
            delay = None if refused(error, self._answered) else state.next_delay(failure)
            if delay is None:
                return _give_up(response, failure)
            if response is not None:
                await response.aclose()
            await self._sleep(delay)

    async def aclose(self) -> None:
        await self._transport.aclose()


def _give_up(response: httpx.Response | None, failure: MailjetError) -> httpx.Response:
    # An error status goes back to the client, which builds the full APIError from the body;
    # a transport or decode failure has no usable response, so it is raised here.
    if response is not None and not isinstance(failure, TransportError):
        return response
    raise failure


class RateLimitTransport(httpx.BaseTransport):
    """Waits for the pacer before each request and tells it how the request went.

    Args:
        transport: the transport to wrap.
        pacer: the (usually shared) token bucket.
        sleep: blocking sleep, injectable.
    """

    def __init__(
        self, transport: httpx.BaseTransport, pacer: Pacer, *, sleep: Callable[[float], None] = time.sleep
    ):
        self._transport = transport
        self.pacer = pacer
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        wait = self.pacer.reserve()
        if wait > 0:
            self._sleep(wait)
        response = self._transport.handle_request(request)
        _report(self.pacer, response)
        return response

    def close(self) -> None:
        self._transport.close()


class AsyncRateLimitTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of `RateLimitTransport`."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        pacer: Pacer,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        self._transport = transport
        self.pacer = pacer
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        wait = self.pacer.reserve()
        if wait > 0:
            await self._sleep(wait)
        response = await self._transport.handle_async_request(request)
        _report(self.pacer, response)
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()


def _report(pacer: Pacer, response: httpx.Response) -> None:
    if response.status_code == 429:
        pacer.on_throttled()
    else:
        pacer.on_success()
