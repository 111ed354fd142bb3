"""A per-account numpy digest of messages and their events, the single base of every computed statistic.

Definitions used by every statistic (so that all of them agree with each other and with the stored rows):
- processed: every message row; delivered: Status sent, opened, clicked, spam or unsub;
- opened / clicked: the message has at least one `openinformation` / `clickstatistics` row (by MessageID);
  its first such row gives the open / click time;
- blocked, queued, deferred: the message Status; bounced: Status bounce, hardbounced or softbounced, hard
  when `hardbounced` or (`bounce` and StatePermanent), soft otherwise;
- spam / unsub: the message Status. Mailjet stores no event rows for them, so their time is
  `derived_event_time` (arrival + a delay computed from the message ID), used everywhere.
The digest is cached in `account.extra` and rebuilt when any source table changes (table versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

from mailjet_connector.catalog.enums import MESSAGE_STATUSES
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.table import Table

SOURCE_TABLES = ("message", "openinformation", "clickstatistics", "bouncestatistics", "campaign")
_DELIVERED = ("sent", "opened", "clicked", "spam", "unsub")
_CACHE_KEY = "stats_facts"


def derived_event_time(arrived: np.ndarray, ids: np.ndarray, kind: str) -> np.ndarray:
    """When a spam report or unsubscription happened: arrival + 5 min .. ~2 days, fixed by the message ID.

    Args:
        arrived: ArrivedAt, Unix seconds.
        ids: message IDs (same length).
        kind: "spam" or "unsub" (they get different delays).

    Returns:
        Unix seconds, int64.
    """
    salt = 7 if kind == "spam" else 13
    # Reduce the 64-bit IDs first so the multiplication cannot overflow int64.
    delay = 300 + ((ids.astype(np.int64) % 1_000_003) * 2_654_435 + salt * 977) % 172_500
    return arrived.astype(np.int64) + delay


def status_codes(values: np.ndarray) -> np.ndarray:
    """Message Status strings -> index in `enums.MESSAGE_STATUSES` (0 = unknown for anything else)."""
    # A dict lookup per row beats sorting 2M strings for np.unique by an order of magnitude.
    codes = {name: index for index, name in enumerate(MESSAGE_STATUSES)}
    return np.fromiter(map(codes.get, values.tolist(), repeat(0)), dtype=np.int8, count=values.size)


def _code(name: str) -> int:
    return MESSAGE_STATUSES.index(name)


@dataclass
class EventRows:
    """Event rows joined to their message: `msg` indexes the message arrays (rows with unknown messages
    are dropped); `extra` holds the event table's other columns, aligned."""

    msg: np.ndarray
    time: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class MessageFacts:
    """Per-message arrays (live messages, ascending ID) plus the joined event rows."""

    ids: np.ndarray
    arrived: np.ndarray
    status: np.ndarray
    campaign: np.ndarray
    contact: np.ndarray
    sender: np.ndarray
    state_id: np.ndarray
    opens: EventRows
    clicks: EventRows
    first_open: np.ndarray  # 0 when never opened
    first_click: np.ndarray
    open_count: np.ndarray
    click_count: np.ndarray
    campaign_list: np.ndarray  # the message's campaign ListID (0 when none)
    campaign_start: np.ndarray  # the message's campaign SendStartAt (ArrivedAt when no campaign)
    masks: dict[str, np.ndarray]
    times: dict[str, np.ndarray]  # event time per outcome (same length as ids)
    # Each message's combination of outcomes as a small code, and per outcome which codes include it:
    # lets statcounters count every outcome of a time slice with one bincount.
    pattern: np.ndarray
    pattern_masks: dict[str, np.ndarray]
    # Derived arrays computed on first use (recipient domains...); dropped with the digest.
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def index(self, message_id: int) -> int | None:
        """Position of a message in these arrays, or None."""
        pos = int(np.searchsorted(self.ids, message_id))
        return pos if pos < self.ids.size and int(self.ids[pos]) == message_id else None

    def last_activity(self) -> np.ndarray:
        """Latest thing that happened to each message (arrival, last open/click, spam, unsub); memoised."""
        if "last_activity" not in self.memo:
            self.memo["last_activity"] = self._last_activity()
        return self.memo["last_activity"]

    def _last_activity(self) -> np.ndarray:
        latest = self.arrived.copy()
        for rows in (self.opens, self.clicks):
            if rows.msg.size:
                np.maximum.at(latest, rows.msg, rows.time)
        for outcome in ("spam", "unsub"):
            latest = np.where(self.masks[outcome], np.maximum(latest, self.times[outcome]), latest)
        return latest


def _col(table: Table | None, name: str, live: np.ndarray, default: Any = 0) -> np.ndarray:
    if table is None or name not in table.types:
        return np.full(live.size, default, dtype=np.int64 if isinstance(default, int) else object)
    return table.column(name)[live]


def _events(table: Table | None, ids: np.ndarray, time_field: str, extra: tuple[str, ...]) -> EventRows:
    if table is None or "MessageID" not in table.types:
        return EventRows(np.zeros(0, np.int64), np.zeros(0, np.int64), {n: np.zeros(0) for n in extra})
    live = table.live()
    msg_ids = table.column("MessageID")[live]
    pos = np.searchsorted(ids, msg_ids)
    pos_clipped = np.minimum(pos, max(ids.size - 1, 0))
    known = (pos < ids.size) & (ids[pos_clipped] == msg_ids) if ids.size else np.zeros(live.size, bool)
    return EventRows(
        msg=pos_clipped[known].astype(np.int64),
        time=table.column(time_field)[live][known].astype(np.int64),
        extra={n: _col(table, n, live, "")[known] for n in extra},
    )


def _first_times(rows: EventRows, size: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(rows.msg, minlength=size).astype(np.int64)
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    if rows.msg.size:
        np.minimum.at(first, rows.msg, rows.time)
    first[counts == 0] = 0
    return first, counts


def _campaign_columns(account: Account, campaign: np.ndarray, arrived: np.ndarray) -> tuple[np.ndarray, ...]:
    table = account.tables.get("campaign")
    lists = np.zeros(campaign.size, dtype=np.int64)
    starts = arrived.copy()
    if table is None or not len(table):
        return lists, starts
    live = table.live()
    ids = table.column("ID")[live]
    pos = np.minimum(np.searchsorted(ids, campaign), ids.size - 1)
    known = ids[pos] == campaign
    lists[known] = _col(table, "ListID", live)[pos[known]]
    start = _col(table, "SendStartAt", live)[pos[known]]
    starts[known] = np.where(start > 0, start, arrived[known])
    return lists, starts


def _outcomes(status: np.ndarray, permanent: np.ndarray, opened: np.ndarray, clicked: np.ndarray) -> dict:
    is_ = {name: status == _code(name) for name in MESSAGE_STATUSES}
    generic_bounce = is_["bounce"]
    hard = is_["hardbounced"] | (generic_bounce & permanent)
    soft = is_["softbounced"] | (generic_bounce & ~permanent)
    delivered = np.isin(status, [_code(s) for s in _DELIVERED])
    return {
        "processed": np.ones(status.size, dtype=bool),
        "delivered": delivered,
        "opened": opened,
        "clicked": clicked,
        "blocked": is_["blocked"],
        "bounced": hard | soft,
        "hardbounced": hard,
        "softbounced": soft,
        "queued": is_["queued"],
        "deferred": is_["deferred"],
        "spam": is_["spam"],
        "unsub": is_["unsub"],
    }


def _patterns(masks: dict[str, np.ndarray]) -> dict[str, Any]:
    names = list(masks)
    bits = np.zeros(next(iter(masks.values())).size, dtype=np.int64)
    for bit, name in enumerate(names):
        bits |= masks[name].astype(np.int64) << bit
    codes, pattern = np.unique(bits, return_inverse=True)
    pattern_masks = {name: ((codes >> bit) & 1).astype(np.int64) for bit, name in enumerate(names)}
    return {"pattern": pattern.astype(np.int64), "pattern_masks": pattern_masks}


def build_facts(account: Account) -> MessageFacts:
    """Digest the account's message and event tables (uncached; use `facts`)."""
    messages = account.tables.get("message")
    live = messages.live() if messages is not None else np.zeros(0, dtype=np.int64)
    ids = _col(messages, "ID", live).astype(np.int64)
    arrived = _col(messages, "ArrivedAt", live).astype(np.int64)
    status = status_codes(_col(messages, "Status", live, ""))
    permanent = _col(messages, "StatePermanent", live).astype(bool)
    opens = _events(account.tables.get("openinformation"), ids, "OpenedAt", ("UserAgentFull", "UserAgentID"))
    clicks = _events(account.tables.get("clickstatistics"), ids, "ClickedAt", ("Url", "UserAgentID"))
    first_open, open_count = _first_times(opens, ids.size)
    first_click, click_count = _first_times(clicks, ids.size)
    campaign = _col(messages, "CampaignID", live).astype(np.int64)
    campaign_list, campaign_start = _campaign_columns(account, campaign, arrived)
    masks = _outcomes(status, permanent, open_count > 0, click_count > 0)
    times = {name: arrived for name in masks}
    # Event times of messages without that event fall back to arrival: always a valid time, and the
    # outcome masks keep them out of every count.
    times.update(
        opened=np.where(open_count > 0, first_open, arrived),
        clicked=np.where(click_count > 0, first_click, arrived),
        spam=derived_event_time(arrived, ids, "spam"),
        unsub=derived_event_time(arrived, ids, "unsub"),
    )
    return MessageFacts(
        ids=ids,
        arrived=arrived,
        status=status,
        campaign=campaign,
        contact=_col(messages, "ContactID", live).astype(np.int64),
        sender=_col(messages, "SenderID", live).astype(np.int64),
        state_id=_col(messages, "StateID", live).astype(np.int64),
        opens=opens,
        clicks=clicks,
        first_open=first_open,
        first_click=first_click,
        open_count=open_count,
        click_count=click_count,
        campaign_list=campaign_list,
        campaign_start=campaign_start,
        masks=masks,
        times=times,
        **_patterns(masks),
    )


def facts(account: Account) -> MessageFacts:
    """The account's digest, rebuilt only when one of its source tables changed."""
    key = tuple(
        (id(t), t.version, t.n) if (t := account.tables.get(name)) is not None else None
        for name in SOURCE_TABLES
    )
    with account.lock:
        cached = account.extra.get(_CACHE_KEY)
        if cached is not None and cached[0] == key:
            return cached[1]
        built = build_facts(account)
        account.extra[_CACHE_KEY] = (key, built)
        return built


def recipient_domains(account: Account) -> tuple[np.ndarray, np.ndarray]:
    """The recipient domains of the messages (from ContactAlt, lower-cased), memoised with the digest.

    Returns:
        (distinct domains in order of first appearance, per-message index into them).
    """
    data = facts(account)
    if "domains" not in data.memo:
        emails = message_column(account, "ContactAlt", "").tolist()
        index: dict[str, int] = {}
        # A dict per row beats numpy's string functions on millions of short strings.
        codes = np.fromiter(
            (index.setdefault(str(e).rpartition("@")[2].lower(), len(index)) for e in emails),
            dtype=np.int64,
            count=len(emails),
        )
        data.memo["domains"] = (np.array(list(index), dtype=object), codes)
    return data.memo["domains"]


def message_column(account: Account, name: str, default: Any = 0) -> np.ndarray:
    """A raw message column aligned with `facts(account)` arrays (live rows, ascending ID)."""
    table = account.tables.get("message")
    live = table.live() if table is not None else np.zeros(0, dtype=np.int64)
    return _col(table, name, live, default)
