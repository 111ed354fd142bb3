"""`Client` and `AsyncClient`: generic verbs over the catalog, on httpx; only the sending differs between them.

Retries and pacing live in the transports (`transport.py`), paging maths in `pagination.py`, request
building and response handling in `protocol.py`. Both clients are context managers.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from mailjet_connector import __version__
from mailjet_connector.catalog import Resource, Verb
from mailjet_connector.errors import ConfigError, InvalidRequestError, NotFoundError
from mailjet_connector.pagination import MAX_LIMIT, Walker
from mailjet_connector.protocol import (
    Key,
    Page,
    api_error,
    count_params,
    decode,
    envelope_rows,
    list_params,
    log_response,
    require_verb,
    resolve_base_url,
    resource,
    resource_path,
    to_page,
    total,
    walk_order,
)
from mailjet_connector.proxies import proxy_mounts
from mailjet_connector.ratelimit import Pacer, parse_rate, shared_pacer
from mailjet_connector.redaction import mask_key, secret_forms
from mailjet_connector.retry import DUPLICATE_SAFE, RetryPolicy
from mailjet_connector.transport import (
    ATTEMPTS,
    AsyncRateLimitTransport,
    AsyncRetryTransport,
    RateLimitTransport,
    RetryTransport,
)

__all__ = ["AsyncClient", "Client", "Page"]

logger = logging.getLogger("mailjet_connector.client")
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_CONCURRENCY = 4
Params = dict[str, Any]


class _BaseClient:
    """Configuration and response handling shared by both clients."""

    def __init__(
        self,
        api_key: str | None,
        api_secret: str | None,
        *,
        base_url: str | None,
        region: str | None,
        rate_limit: str | float | None,
        retry: RetryPolicy | None,
        concurrency: int,
        pacer: Pacer | None,
    ):
        if not api_key or not api_secret:
            raise ConfigError(
                "missing credentials: pass api_key and api_secret, or set MJ_APIKEY_PUBLIC and MJ_APIKEY_PRIVATE"
            )
        self.base_url = resolve_base_url(base_url, region)
        self.api_key = api_key
        self._secrets = secret_forms(api_secret, api_key)
        self.retry = retry or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self.pacer = pacer or shared_pacer(f"{self.base_url} {api_key}", parse_rate(rate_limit))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key={mask_key(self.api_key)!r})"

    def _headers(self) -> dict[str, str]:
        return {"User-Agent": f"mailjet-connector/{__version__}", "Accept": "application/json"}

    def _result(self, response: httpx.Response) -> Any:
        log_response(response)
        if response.status_code >= 400:
            raise api_error(response, self._secrets)
        return decode(response)

    @staticmethod
    def _create_request(res: Resource, data: dict[str, Any]) -> dict[str, Any]:
        # A create whose duplicate shows up as MJ18 can be resolved by a lookup on the unique key, so it is
        # safe to retry even after a reset or a 5xx (mailjet-api.md §8.3).
        safe = any(all(k in data for k in keys) for keys in res.unique_keys)
        return {"extensions": {DUPLICATE_SAFE: True}} if safe else {}

    @staticmethod
    def _duplicate_key(res: Resource, data: dict[str, Any], error: InvalidRequestError, attempts: int) -> Any:
        """The unique key to look up when MJ18 answers a create we may already have performed."""
        if not error.is_duplicate or attempts < 2:
            return None
        for keys in res.unique_keys:
            if all(k in data for k in keys):
                return data[keys[0]] if len(keys) == 1 else tuple(data[k] for k in keys)
        return None

    @staticmethod
    def _first(body: Any) -> dict[str, Any] | None:
        rows = envelope_rows(body)
        return rows[0] if rows else None


class Client(_BaseClient):
    """Synchronous Mailjet client.

    Args:
        api_key: the public API key.
        api_secret: the secret key (never logged, never in reprs or errors).
        base_url: API root; default `https://api.mailjet.com`, or the emulator's URL.
        region: "eu" (default) or "us" (`api.us.mailjet.com`) when no base_url is given.
        rate_limit: e.g. "300/min"; None adapts to 429s.
        retry: retry policy (default: 8 retries, capped exponential backoff with full jitter).
        timeout: httpx timeout.
        concurrency: pages fetched at once by `iter` when the total is known.
        transport: the httpx transport to wrap (default: a real HTTP transport).
        pacer: the token bucket (default: shared by every client of this key in the process).
        sleep / clock: injectable time, so tests never wait.

    Raises:
        ConfigError: missing credentials, bad base URL, region or rate-limit spelling.
    """

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        base_url: str | None = None,
        region: str | None = None,
        rate_limit: str | float | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        transport: httpx.BaseTransport | None = None,
        pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(
            api_key,
            api_secret,
            base_url=base_url,
            region=region,
            rate_limit=rate_limit,
            retry=retry,
            concurrency=concurrency,
            pacer=pacer,
        )

        def stack(real: httpx.BaseTransport) -> httpx.BaseTransport:
            paced = RateLimitTransport(real, self.pacer, sleep=sleep)
            return RetryTransport(paced, self.retry, sleep=sleep, clock=clock)

        # A transport given (the emulator in-process) is used as is; otherwise the environment's proxies count.
        mounts = (
            {} if transport is not None else proxy_mounts(lambda url: stack(httpx.HTTPTransport(proxy=url)))
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=(api_key or "", api_secret or ""),
            transport=stack(transport or httpx.HTTPTransport()),
            mounts=mounts,
            timeout=timeout,
            headers=self._headers(),
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close connections and the paging thread pool."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    def request(self, method: str, path: str, *, params: Params | None = None, **kwargs: Any) -> Any:
        """Send any request (send API, DATA API, v4) and return the decoded body.

        Args:
            method: HTTP method.
            path: path under the base URL, e.g. `/v3.1/send` or `/v3/DATA/contactslist/1/CSVData/text:plain`.
            params: query parameters.
            **kwargs: `json=`, `content=`, `headers=`, `extensions=` as httpx takes them.

        Raises:
            APIError: an error status (the subclass says which).
            TransportError: no usable answer after the retries.
        """
        response = self._http.request(method, path, params=params, **kwargs)
        return self._result(response)

    def _raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._http.request(method, path, **kwargs)

    def get(self, name: str, key: Key) -> dict[str, Any]:
        """One object by ID or unique key (`client.get("contact", "a@b.c")`).

        Raises:
            NotFoundError: no such object.
        """
        res = resource(name)
        row = self._first(self.request("GET", resource_path(res, key)))
        if row is None:
            raise NotFoundError(404, "Object not found", method="GET", path=resource_path(res, key))
        return row

    def page(
        self,
        name: str,
        filters: Params | None = None,
        *,
        limit: int = MAX_LIMIT,
        offset: int = 0,
        sort: str | None = None,
        count: bool = True,
    ) -> Page:
        """One listing page (countrecords=1, so `total` is the global count)."""
        params = list_params(filters, limit=limit, offset=offset, sort=sort, count=count)
        return to_page(self.request("GET", resource(name).path, params=params))

    def iter_pages(
        self, name: str, filters: Params | None = None, *, sort: str | None = None, limit: int = MAX_LIMIT
    ) -> Iterator[list[dict[str, Any]]]:
        """Every row of a listing, one list per page, exactly once (see `pagination` for the guarantee).

        Args:
            name: catalog name.
            filters: query filters (booleans and lists are spelt as Mailjet wants).
            sort: an ascending sortable field (default ID).
            limit: rows per page (max 1000).
        """
        res = resource(name)
        sort_field, key = walk_order(res, sort)
        walker = Walker(limit=limit, key=key, concurrency=self.concurrency)
        while offsets := walker.plan():
            pages = self.fetch_pages(name, filters, offsets, limit=walker.limit, sort=sort_field)
            for offset, page in zip(offsets, pages, strict=True):
                fresh, stop = walker.feed(offset, page.rows, page.total if offset == offsets[0] else None)
                if fresh:
                    yield fresh
                if stop:
                    break

    def fetch_pages(self, name: str, filters: Params | None, offsets: list[int], **kw: Any) -> list[Page]:
        """The pages at `offsets`, fetched at once (`concurrency` threads); the first one counts the total.

        Args:
            name: catalog name.
            filters: query filters.
            offsets: page offsets (a `Walker.plan()`).
            **kw: `limit` and `sort`, as for `page`.
        """
        if len(offsets) == 1:
            return [self.page(name, filters, offset=offsets[0], count=True, **kw)]
        with self._pool_lock:  # several threads may page at once (the sync's readers)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="mailjet-page")
        futures = [
            self._pool.submit(self.page, name, filters, offset=o, count=i == 0, **kw)
            for i, o in enumerate(offsets)
        ]
        return [f.result() for f in futures]

    def iter(
        self, name: str, filters: Params | None = None, *, sort: str | None = None, limit: int = MAX_LIMIT
    ) -> Iterator[dict[str, Any]]:
        """Every row of a listing, exactly once; `iter_pages` flattened."""
        for rows in self.iter_pages(name, filters, sort=sort, limit=limit):
            yield from rows

    def count(self, name: str, filters: Params | None = None) -> int:
        """How many rows match (countOnly=1: one cheap call)."""
        return total(self.request("GET", resource(name).path, params=count_params(filters)))

    def create(self, name: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """POST a new object and return it.

        A create retried after a reset or 5xx that then meets MJ18 (duplicate unique key) returns the
        existing object, found by its unique key: it is our own first attempt.

        Raises:
            InvalidRequestError: validation failed, or a genuine duplicate (`is_duplicate`).
        """
        res = resource(name)
        require_verb(res, Verb.POST)
        response = self._raw("POST", res.path, json=data, **self._create_request(res, data))
        try:
            return self._first(self._result(response))
        except InvalidRequestError as error:
            key = self._duplicate_key(res, data, error, response.extensions.get(ATTEMPTS, 1))
            if key is None:
                raise
            logger.info("create of %s retried into MJ18: returning the existing object", res.name)
            return self.get(name, key)

    def update(self, name: str, key: Key, data: dict[str, Any]) -> dict[str, Any] | None:
        """PUT (Mailjet's PUT is a PATCH); returns the object, or None when nothing changed (304)."""
        res = resource(name)
        require_verb(res, Verb.PUT)
        return self._first(self.request("PUT", resource_path(res, key), json=data))

    def delete(self, name: str, key: Key) -> None:
        """DELETE one object (contactslist: soft delete)."""
        res = resource(name)
        require_verb(res, Verb.DELETE)
        self.request("DELETE", resource_path(res, key))

    def action(
        self,
        name: str,
        action: str,
        key: Key | None = None,
        *,
        data: Any = None,
        method: str | None = None,
        action_id: Key | None = None,
        params: Params | None = None,
    ) -> Any:
        """Call a sub-action (`contact/{id}/managecontactslists`, `contact/managemanycontacts/{job}` ...).

        Returns:
            The envelope's `Data` rows, or the raw body when the answer is not an envelope.
        """
        path = resource_path(resource(name), key, action, action_id)
        body = self.request(method or ("GET" if data is None else "POST"), path, params=params, json=data)
        return body.get("Data") if isinstance(body, dict) and "Data" in body else body


class AsyncClient(_BaseClient):
    """Asynchronous Mailjet client: the same verbs as `Client`, awaitable; `iter` is an async iterator.

    Takes the same arguments as `Client`, with an `httpx.AsyncBaseTransport` and an awaitable `sleep`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        base_url: str | None = None,
        region: str | None = None,
        rate_limit: str | float | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        transport: httpx.AsyncBaseTransport | None = None,
        pacer: Pacer | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(
            api_key,
            api_secret,
            base_url=base_url,
            region=region,
            rate_limit=rate_limit,
            retry=retry,
            concurrency=concurrency,
            pacer=pacer,
        )

        def stack(real: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
            paced = AsyncRateLimitTransport(real, self.pacer, sleep=sleep)
            return AsyncRetryTransport(paced, self.retry, sleep=sleep, clock=clock)

        mounts = (
            {}
            if transport is not None
            else proxy_mounts(lambda url: stack(httpx.AsyncHTTPTransport(proxy=url)))
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=(api_key or "", api_secret or ""),
            transport=stack(transport or httpx.AsyncHTTPTransport()),
            mounts=mounts,
            timeout=timeout,
            headers=self._headers(),
        )

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(self, method: str, path: str, *, params: Params | None = None, **kwargs: Any) -> Any:
        """See `Client.request`."""
        response = await self._http.request(method, path, params=params, **kwargs)
        return self._result(response)

    async def get(self, name: str, key: Key) -> dict[str, Any]:
        """See `Client.get`."""
        res = resource(name)
        row = self._first(await self.request("GET", resource_path(res, key)))
        if row is None:
            raise NotFoundError(404, "Object not found", method="GET", path=resource_path(res, key))
        return row

    async def page(
        self,
        name: str,
        filters: Params | None = None,
        *,
        limit: int = MAX_LIMIT,
        offset: int = 0,
        sort: str | None = None,
        count: bool = True,
    ) -> Page:
        """See `Client.page`."""
        params = list_params(filters, limit=limit, offset=offset, sort=sort, count=count)
        return to_page(await self.request("GET", resource(name).path, params=params))

    async def iter_pages(
        self, name: str, filters: Params | None = None, *, sort: str | None = None, limit: int = MAX_LIMIT
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """See `Client.iter_pages`; the batch's pages are fetched concurrently with asyncio."""
        res = resource(name)
        sort_field, key = walk_order(res, sort)
        walker = Walker(limit=limit, key=key, concurrency=self.concurrency)
        while offsets := walker.plan():
            pages = await asyncio.gather(
                *(
                    self.page(name, filters, offset=o, limit=walker.limit, sort=sort_field, count=i == 0)
                    for i, o in enumerate(offsets)
                )
            )
            for offset, page in zip(offsets, pages, strict=True):
                fresh, stop = walker.feed(offset, page.rows, page.total if offset == offsets[0] else None)
                if fresh:
                    yield fresh
                if stop:
                    break

    async def iter(
        self, name: str, filters: Params | None = None, *, sort: str | None = None, limit: int = MAX_LIMIT
    ) -> AsyncIterator[dict[str, Any]]:
        """See `Client.iter`."""
        async for rows in self.iter_pages(name, filters, sort=sort, limit=limit):
            for row in rows:
                yield row

    async def count(self, name: str, filters: Params | None = None) -> int:
        """See `Client.count`."""
        return total(await self.request("GET", resource(name).path, params=count_params(filters)))

    async def create(self, name: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """See `Client.create`."""
        res = resource(name)
        require_verb(res, Verb.POST)
        response = await self._http.request("POST", res.path, json=data, **self._create_request(res, data))
        try:
            return self._first(self._result(response))
        except InvalidRequestError as error:
            key = self._duplicate_key(res, data, error, response.extensions.get(ATTEMPTS, 1))
            if key is None:
                raise
            logger.info("create of %s retried into MJ18: returning the existing object", res.name)
            return await self.get(name, key)

    async def update(self, name: str, key: Key, data: dict[str, Any]) -> dict[str, Any] | None:
        """See `Client.update`."""
        res = resource(name)
        require_verb(res, Verb.PUT)
        return self._first(await self.request("PUT", resource_path(res, key), json=data))

    async def delete(self, name: str, key: Key) -> None:
        """See `Client.delete`."""
        res = resource(name)
        require_verb(res, Verb.DELETE)
        await self.request("DELETE", resource_path(res, key))

    async def action(
        self,
        name: str,
        action: str,
        key: Key | None = None,
        *,
        data: Any = None,
        method: str | None = None,
        action_id: Key | None = None,
        params: Params | None = None,
    ) -> Any:
        """See `Client.action`."""
        path = resource_path(resource(name), key, action, action_id)
        body = await self.request(
            method or ("GET" if data is None else "POST"), path, params=params, json=data
        )
        return body.get("Data") if isinstance(body, dict) and "Data" in body else body
