"""Webhook delivery (mailjet-api.md §6.1): route events to callback URLs, POST them, retry, dead and backup.

Each account has an `Outbox` (in `account.extra["event_outbox"]`) of delivery jobs. A job is one POST:
a single event object (Version 1), an array of the events of one emulator second for one URL (Version 2,
mixed types; posted once that second is over, so it is complete), one inbound mail (Parse API) or one test event. `deliver_due` attempts every job whose time
has come on the EMULATOR clock: a 2xx answer delivers it; anything else (other status, connection error,
timeout) is retried every 30 s of emulator time. 24 h after a job's first failure the callback URL's
`Status` becomes "dead" and its events go to the `IsBackup` URL of their type, if there is one.
Attempts happen only when `deliver_due` runs (worker thread or `/_emulator/deliveries/flush`): when the
clock jumps over several 30 s slots, one attempt is made, missed slots are not replayed.
"""

from __future__ import annotations

import functools
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx
import orjson

from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.wire.basic_auth import basic_header
from mailjet_connector.wire.urls import mask_password

RETRY_EVERY = 30
GIVE_UP_AFTER = 24 * 3600
POST_TIMEOUT = 5.0
LOG_SIZE = 10_000
USER_AGENT = "mailjet-connector-emulator (Mailjet Event API)"
# RFC 2606 / 6761 names never answer: fail at once instead of waiting for DNS (the seeded URLs use them).
RESERVED_SUFFIXES = (".example", ".invalid", ".test", "example.com", "example.net", "example.org")
_OUTBOX_KEY = "event_outbox"


@dataclass
class Job:
    """One POST to make. `target` is the URL as registered, credentials included: never shown."""

    id: int
    kind: str  # "event", "parse" or "test"
    target: str
    version: int  # 2 posts a JSON array; anything else a single object
    payloads: list[dict[str, Any]]
    created_at: int
    next_due: int
    callback_ids: set[int] = field(default_factory=set)
    route_id: int = 0  # parseroute ID for parse jobs
    first_failure: int | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    status: str = "pending"  # pending | delivered | dead | abandoned
    in_flight: bool = False

    def body(self) -> bytes:
        return orjson.dumps(self.payloads if self.version == 2 else self.payloads[0])

    def view(self) -> dict[str, Any]:
        """A JSON-ready summary for `/_emulator/deliveries` (URL password masked)."""
        return {
            "ID": self.id,
            "Kind": self.kind,
            "Url": mask_password(self.target),
            "Version": self.version,
            "CallbackIDs": sorted(self.callback_ids),
            "RouteID": self.route_id,
            "Status": self.status,
            "CreatedAt": self.created_at,
            "NextAttemptAt": self.next_due if self.status == "pending" else None,
            "FirstFailureAt": self.first_failure,
            "Attempts": list(self.attempts),
            "EventTypes": sorted({str(p.get("event", "")) for p in self.payloads if "event" in p}),
            "Body": self.payloads if self.version == 2 else self.payloads[0],
        }


@dataclass
class Outbox:
    """An account's delivery jobs. `guard` protects the data for short moments; `passes` serialises
    delivery passes (worker and flush) so that a job is never posted twice at once."""

    pending: dict[int, Job] = field(default_factory=dict)
    log: list[Job] = field(default_factory=list)
    next_id: int = 1
    dropped: int = 0  # events with no alive callback URL for their type
    earliest: int | None = None  # cache of next_due(); `stale` when jobs changed since
    stale: bool = False
    guard: threading.Lock = field(default_factory=threading.Lock, repr=False)
    passes: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, job_kind: str, target: str, version: int, payloads: list[dict[str, Any]], now: int) -> Job:
        job = Job(self.next_id, job_kind, target, version, payloads, created_at=now, next_due=now)
        self.next_id += 1
        self.pending[job.id] = job
        self.stale = True
        self.log.append(job)
        if len(self.log) > LOG_SIZE + LOG_SIZE // 10:
            del self.log[: len(self.log) - LOG_SIZE]  # trim in batches: appends stay O(1) amortised
        return job

    def next_due(self) -> int | None:
        """The earliest time a pending job wants an attempt, or None when nothing is pending.

        Cached: the app asks after every request, and a dead URL can keep thousands of jobs pending.
        """
        if self.stale:
            # list() copies in one step under the GIL: safe while another thread adds or removes jobs.
            self.earliest = min((job.next_due for job in list(self.pending.values())), default=None)
            self.stale = False
        return self.earliest


def outbox(account: Account) -> Outbox:
    """The account's outbox, created on first use."""
    found = account.extra.get(_OUTBOX_KEY)
    if found is None:
        found = account.extra.setdefault(_OUTBOX_KEY, Outbox())
    return found


# -- routing events ----------------------------------------------------------------------------------------


def callback_routes(account: Account) -> dict[str, tuple[int, str, int]]:
    """Event type -> (callback ID, Url, Version) of the URL its events go to now: the primary while it is
    alive, else the alive IsBackup URL; types with neither are absent."""
    table = account.tables.get("eventcallbackurl")
    if table is None or not len(table):
        return {}
    rows = table.records(table.live())
    routes: dict[str, tuple[int, str, int]] = {}
    for backup in (True, False):  # primaries last, so they win when alive
        for row in rows:
            if bool(row["IsBackup"]) == backup and row["Status"] != "dead" and row["Url"]:
                routes[str(row["EventType"])] = (int(row["ID"]), str(row["Url"]), int(row["Version"] or 1))
    return routes


def enqueue_events(account: Account, events: list[dict[str, Any]], now: int) -> int:
    """Queue event payloads for their callback URLs (grouped per URL and second for Version 2).

    Args:
        account: the owner of the events.
        events: payloads from `events.build_event`.
        now: emulator time (the jobs' first due time).

    Returns:
        How many events were queued (the others had no callback URL and are counted as dropped).
    """
    if not events:
        return 0
    routes = callback_routes(account)
    box = outbox(account)
    queued = 0
    with box.guard:
        open_groups = {
            (job.target, job.payloads[0]["time"]): job
            for job in box.pending.values()
            if job.kind == "event" and job.version == 2 and not job.attempts and not job.in_flight
        }
        for payload in events:
            route = routes.get(str(payload["event"]))
            if route is None:
                box.dropped += 1
                continue
            callback_id, url, version = route
            job = open_groups.get((url, payload["time"])) if version == 2 else None
            if job is None:
                job = box.add("event", url, version, [], now)
                if version == 2:
                    # A group holds "the events of the last second": it leaves once that second is over.
                    job.next_due = max(now, int(payload["time"]) + 1)
                    open_groups[(url, payload["time"])] = job
            job.payloads.append(payload)
            job.callback_ids.add(callback_id)
            queued += 1
        box.stale = True  # group due times were set after `add`
    return queued


def enqueue_post(account: Account, kind: str, url: str, payload: dict[str, Any], now: int, *,
                 version: int = 1, callback_id: int = 0, route_id: int = 0) -> Job:  # fmt: skip
    """Queue one POST that bypasses event routing: an inbound mail (`parse`) or a `test` event.

    Returns:
        The job (its `id` identifies it in `/_emulator/deliveries`).
    """
    box = outbox(account)
    with box.guard:
        job = box.add(kind, url, version, [payload], now)
        job.route_id = route_id
        if callback_id:
            job.callback_ids.add(callback_id)
    return job


# -- posting ---------------------------------------------------------------------------------------------


def deliver_due(state: EmulatorState, client: httpx.Client | None = None) -> dict[str, int]:
    """Attempt every job due at the emulator's current time, in every account.

    Args:
        state: the emulator.
        client: the HTTP client to post with (one with short timeouts is made when None).

    Returns:
        Counts: `attempted`, `delivered`, `failed`, `pending` (left for later).
    """
    counts = {"attempted": 0, "delivered": 0, "failed": 0, "pending": 0}
    own = client is None
    http = client or new_client()
    try:
        for account in list(state.accounts.values()):
            box = outbox(account)
            with box.passes:
                # Re-routed events (dead URL -> backup) are due at once: a few rounds deliver them too.
                for _ in range(3):
                    if not _deliver_round(state, account, box, http, counts):
                        break
            counts["pending"] += len(box.pending)
    finally:
        if own:
            http.close()
    return counts


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Built once: httpx's default (certifi) context costs ~0.2 s per client, and flushes make clients often.
    return ssl.create_default_context()


def new_client() -> httpx.Client:
    """The delivery HTTP client: short timeouts, no proxies from the environment (callbacks are often local)."""
    return httpx.Client(timeout=POST_TIMEOUT, trust_env=False, follow_redirects=False, verify=_tls_context())


def _deliver_round(
    state: EmulatorState, account: Account, box: Outbox, http: httpx.Client, counts: dict[str, int]
) -> bool:
    now = state.clock.now()
    with box.guard:
        due = sorted((j for j in box.pending.values() if j.next_due <= now), key=lambda j: (j.next_due, j.id))
        for job in due:
            job.in_flight = True
    for job in due:
        outcome = post(http, job)
        counts["attempted"] += 1
        with box.guard:
            box.stale = True
            job.in_flight = False
            job.attempts.append({"At": now, **outcome})
            if outcome.get("StatusCode", 0) // 100 == 2:
                job.status = "delivered"
                del box.pending[job.id]
                counts["delivered"] += 1
                continue
            counts["failed"] += 1
            job.first_failure = job.first_failure if job.first_failure is not None else now
            job.next_due = now + RETRY_EVERY
            if now - job.first_failure < GIVE_UP_AFTER:
                continue
            del box.pending[job.id]
            job.status = "dead" if job.kind == "event" else "abandoned"
        if job.kind == "event":
            _declare_dead(account, job, now)
    return bool(due)


def _declare_dead(account: Account, job: Job, now: int) -> None:
    """The URL failed for 24 h: its callback rows become dead and its events go to their backup URLs."""
    with account.lock:
        table = account.table("eventcallbackurl")
        for callback_id in job.callback_ids:
            pos = table.position(callback_id)
            if pos is not None:
                table.update(pos, {"Status": "dead"})
        enqueue_events(account, job.payloads, now)


def post(http: httpx.Client, job: Job) -> dict[str, Any]:
    """POST a job's body once.

    Returns:
        `{"StatusCode": n}` when the receiver answered, `{"Error": "<one line>"}` otherwise.
    """
    try:
        url, headers = _request_target(job.target)
    except ValueError as exc:  # a malformed URL (bad port, bad IPv6 literal...)
        return {"Error": f"invalid URL: {exc}"[:200]}
    if url is None:
        return {"Error": f"connection error: {headers['Host']} is a reserved name, not contacted"}
    try:
        response = http.post(url, content=job.body(), headers=headers)
    except (httpx.HTTPError, ValueError) as exc:
        return {"Error": f"{type(exc).__name__}: {exc}"[:200]}
    return {"StatusCode": response.status_code}


def _reserved(host: str) -> bool:
    return any(
        host == suffix.lstrip(".") or host.endswith("." + suffix.lstrip(".")) for suffix in RESERVED_SUFFIXES
    )


def _request_target(target: str) -> tuple[str | None, dict[str, str]]:
    """(URL without credentials, headers with Basic auth from the URL's credentials); the URL is None
    for a reserved host name (then `Host` names it).

    Raises:
        ValueError: the URL cannot be parsed.
    """
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    port = parts.port  # raises ValueError on a bad port
    if not host or _reserved(host):
        return None, {"Host": host or "no host"}
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if parts.username is not None or parts.password is not None:
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        headers["Authorization"] = basic_header(user, password)
    netloc = (host if ":" not in host else f"[{host}]") + (f":{port}" if port else "")
    return urlunsplit(parts._replace(netloc=netloc)), headers


# -- views -----------------------------------------------------------------------------------------------


def deliveries_view(account: Account, status: str | None = None, kind: str | None = None) -> list[dict]:
    """The account's delivery log (oldest first), optionally filtered by job status and kind."""
    box = outbox(account)
    with box.guard:
        jobs = list(box.log)
    return [
        j.view() for j in jobs if (status is None or j.status == status) and (kind is None or j.kind == kind)
    ]


def has_due(state: EmulatorState) -> bool:
    """Whether any account has a job due now (cheap: a scan of pending jobs only)."""
    now = state.clock.now()
    for account in list(state.accounts.values()):
        box = account.extra.get(_OUTBOX_KEY)
        if box is not None and box.pending and (box.next_due() or now + 1) <= now:
            return True
    return False


def next_due(state: EmulatorState) -> int | None:
    """The earliest due time over all accounts, or None when nothing is pending."""
    times = [
        t
        for account in list(state.accounts.values())
        if (box := account.extra.get(_OUTBOX_KEY)) is not None and (t := box.next_due()) is not None
    ]
    return min(times, default=None)
