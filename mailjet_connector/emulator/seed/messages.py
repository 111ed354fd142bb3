"""Seeded messages and their events (opens, clicks, bounces), and the contact/campaign counters they imply."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mailjet_connector.catalog import enums
from mailjet_connector.emulator.seed.context import SeedContext, store_frame
from mailjet_connector.emulator.seed.values import (
    concat,
    delays,
    filled,
    group_max,
    pick,
    pick_text,
    spread,
    uuids,
)

# Message Status codes used while generating; the strings come from catalog enums.
SENT, OPENED, CLICKED, BOUNCE, BLOCKED, SPAM, UNSUB = (
    enums.MESSAGE_STATUSES.index(s)
    for s in ("sent", "opened", "clicked", "bounce", "blocked", "spam", "unsub")
)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0 Thunderbird/115.0",
)
URLS = ("https://www.example.com/", "https://www.example.com/sale", "https://www.example.com/blog/news",
        "https://www.example.com/account", "https://www.example.com/unsubscribe-preferences")  # fmt: skip
OPENS_PER_OPENED, CLICKS_PER_CLICKED = 2.0, 1.5
SPAM_RATE, UNSUB_RATE = 0.003, 0.005


def seed_messages(ctx: SeedContext) -> None:
    """Messages of the campaigns to contacts that existed when the campaign started, in ArrivedAt order.

    Marketing messages arrive within about an hour of SendStartAt; transactional ones any time after it.
    The newest contact never gets a message. Then events decide each message's Status.
    """
    campaigns, contacts = ctx.frames["campaign"], ctx.frames["contact"]
    n_contacts, k = contacts["ID"].size, campaigns["ID"].size
    m = ctx.count("message") if n_contacts and k else 0
    rng = ctx.rng("message")
    weights = np.where(campaigns["_transactional"], 1.0, 2.0)
    camp = rng.choice(k, m, p=weights / weights.sum()) if m else np.empty(0, dtype=np.int64)
    start = campaigns["SendStartAt"][camp]
    arrived = np.where(
        campaigns["_transactional"][camp],
        start + (rng.random(m) * np.maximum(ctx.now - 120 - start, 1)).astype(np.int64),
        start + delays(rng, m, 900),
    )
    arrived = np.clip(arrived, start, np.maximum(ctx.now - 60, start))
    # contacts are in CreatedAt order, so those existing at send time are a prefix of the table
    eligible = np.searchsorted(contacts["CreatedAt"], campaigns["SendStartAt"], side="right")
    eligible = np.clip(eligible, 1, max(n_contacts - 1, 1))[camp]
    contact = (rng.random(m) * eligible).astype(np.int64)
    order = np.argsort(arrived, kind="stable")
    camp, arrived, contact = camp[order], arrived[order], contact[order]
    transactional = campaigns["_transactional"][camp]
    out = _outcomes(ctx, m)
    # Lazy columns: generated one at a time while the table is filled (see store_frame), in this order.
    ctx.frame(
        "message",
        {
            "ID": ctx.ids("message", m),
            "ArrivedAt": arrived,
            "AttachmentCount": lambda: (rng.random(m) < 0.05).astype(np.int8),
            "AttemptCount": lambda: np.ones(m, dtype=np.int8),
            "CampaignID": lambda: campaigns["ID"][camp],
            "ContactID": lambda: contacts["ID"][contact],
            "ContactAlt": lambda: contacts["Email"][contact],
            "CustomID": lambda: _custom_ids(campaigns, camp, transactional),
            "Delay": lambda: np.round(rng.exponential(800.0, m), 1),
            "DestinationID": lambda: rng.integers(1, 60, m, dtype=np.int16),
            "FilterTime": lambda: rng.integers(5, 120, m, dtype=np.int16),
            "FromID": lambda: campaigns["FromID"][camp],
            "SenderID": lambda: campaigns["FromID"][camp],
            "IsClickTracked": lambda: np.ones(m, dtype=np.bool_),
            "IsHTMLPartIncluded": lambda: np.ones(m, dtype=np.bool_),
            "IsOpenTracked": lambda: np.ones(m, dtype=np.bool_),
            "IsTextPartIncluded": lambda: rng.random(m) < 0.7,
            "IsUnsubTracked": lambda: ~transactional,
            "MessageSize": lambda: rng.integers(2_000, 80_000, m, dtype=np.int32),
            "SpamassassinScore": lambda: np.round(rng.random(m) * 3, 3),
            "SpamassRules": lambda: filled("", m),
            "StateID": lambda: out.state,
            "StatePermanent": lambda: out.permanent,
            "Status": lambda: pick(enums.MESSAGE_STATUSES, out.status),
            "Subject": lambda: campaigns["Subject"][camp],
            "UUID": lambda: uuids(rng, m),
            "_campaign": camp,
            "_contact": contact,
        },
    )
    store_frame(ctx, "message")
    event_rng = ctx.rng("event-times")
    _bounce_frame(ctx, event_rng, out)
    _event_frame(ctx, event_rng, "openinformation", "OpenedAt", out.opens, 6 * 3600)
    _event_frame(ctx, event_rng, "clickstatistics", "ClickedAt", out.clicks, 8 * 3600)
    _roll_up(ctx, out.status)


def _custom_ids(campaigns: dict[str, np.ndarray], camp: np.ndarray, transactional: np.ndarray) -> np.ndarray:
    """CustomID `<campaign name>-<n>` on transactional messages, "" on marketing ones."""
    out = filled("", camp.size)
    rows = np.flatnonzero(transactional)
    if rows.size:
        out[rows] = concat(pick_text(campaigns["CustomValue"].tolist(), camp[rows]), "-", rows + 1)
    return out


@dataclass
class Outcomes:
    """What happened to each message (positions in ArrivedAt order) and which events it produced."""

    status: np.ndarray  # index into enums.MESSAGE_STATUSES
    bounced: np.ndarray  # positions with a bounce row
    blocked: np.ndarray  # per bounce: a block rather than a bounce
    state: np.ndarray  # per message: messagestate ID (0 when delivered)
    permanent: np.ndarray  # per message: StatePermanent
    opens: np.ndarray  # message position of each open row
    clicks: np.ndarray  # message position of each click row


def _outcomes(ctx: SeedContext, m: int) -> Outcomes:
    """Decide bounces, opens and clicks (exact row counts from the preset) and each message's Status.

    Status follows the events: clicked if clicked, else opened if opened, bounce/blocked if bounced, else
    sent; then a few delivered messages are marked spam or unsub (those have no event table of their own).
    """
    rng = ctx.rng("events")
    status = np.full(m, SENT, dtype=np.int64)
    bounced = _choose(rng, np.arange(m), ctx.count("bouncestatistics"))
    pool = np.setdiff1d(np.arange(m), bounced, assume_unique=True)
    n_open, n_click = ctx.count("openinformation"), ctx.count("clickstatistics")
    opened = _choose(rng, pool, int(np.ceil(n_open / OPENS_PER_OPENED)) if n_open else 0)
    clicked = _choose(
        rng, opened if opened.size else pool, int(np.ceil(n_click / CLICKS_PER_CLICKED)) if n_click else 0
    )
    status[opened] = OPENED
    status[clicked] = CLICKED
    states = enums.MESSAGE_STATES
    block_ids = np.asarray([s.id for s in states if s.related_to in ("spam", "mailjet")], dtype=np.int64)
    bounce_ids = np.asarray([s.id for s in states if s.related_to not in ("spam", "mailjet")], dtype=np.int64)
    permanent_ids = np.asarray(
        [s.id for s in states if s.related_to in ("recipient", "domain")], dtype=np.int64
    )
    blocked = rng.random(bounced.size) < 0.25
    state = np.zeros(m, dtype=np.int64)
    state[bounced] = np.where(
        blocked,
        block_ids[rng.integers(0, block_ids.size, bounced.size)],
        bounce_ids[rng.integers(0, bounce_ids.size, bounced.size)],
    )
    status[bounced] = np.where(blocked, BLOCKED, BOUNCE)
    for code, rate in ((SPAM, SPAM_RATE), (UNSUB, UNSUB_RATE)):
        wanted = max(1, round(pool.size * rate)) if pool.size >= 20 else 0
        status[_choose(rng, pool[(status[pool] != SPAM) & (status[pool] != UNSUB)], wanted)] = code
    return Outcomes(
        status=status,
        bounced=bounced,
        blocked=blocked,
        state=state,
        permanent=np.isin(state, permanent_ids),
        opens=opened[spread(rng, n_open if opened.size else 0, opened.size)],
        clicks=clicked[spread(rng, n_click if clicked.size else 0, clicked.size)],
    )


def _choose(rng: np.random.Generator, candidates: np.ndarray, n: int) -> np.ndarray:
    n = min(n, candidates.size)
    return np.sort(rng.choice(candidates, n, replace=False)) if n else np.empty(0, dtype=np.int64)


def _bounce_frame(ctx: SeedContext, rng: np.random.Generator, out: Outcomes) -> None:
    """The bouncestatistics rows: one per bounced message, a minute or so after it arrived."""
    msg = ctx.frames["message"]
    n = out.bounced.size
    when = np.minimum(msg["ArrivedAt"][out.bounced] + delays(rng, n, 60), ctx.now)
    order = np.argsort(when, kind="stable")
    rows = out.bounced[order]
    ctx.frame(
        "bouncestatistics",
        {
            "ID": ctx.ids("bouncestatistics", n),
            "BouncedAt": when[order],
            "CampaignID": msg["CampaignID"][rows],
            "ContactID": msg["ContactID"][rows],
            "MessageID": msg["ID"][rows],
            "IsBlocked": out.blocked[order],
            "IsStatePermanent": out.permanent[rows],
            "StateID": out.state[rows],
            "_message": rows,
        },
    )
    store_frame(ctx, "bouncestatistics")


def _event_frame(
    ctx: SeedContext, rng: np.random.Generator, name: str, time_field: str, rows: np.ndarray, mean: float
) -> None:
    """Open or click rows for the message positions `rows`, in time order, never after `now`.

    Columns are lazy (see store_frame) so that only one of them exists outside the table at a time.
    """
    msg = ctx.frames["message"]
    n = rows.size
    when = np.minimum(msg["ArrivedAt"][rows] + delays(rng, n, mean), ctx.now)
    order = np.argsort(when, kind="stable")
    rows, when = rows[order], when[order]
    agent = rng.integers(0, len(USER_AGENTS), n).astype(np.int8)
    columns = {
        "ID": ctx.ids(name, n),
        time_field: when,
        "ArrivedAt": lambda: msg["ArrivedAt"][rows],
        "CampaignID": lambda: msg["CampaignID"][rows],
        "ContactID": lambda: msg["ContactID"][rows],
        "MessageID": lambda: msg["ID"][rows],
        "UserAgentID": lambda: agent + 1,
        "_message": rows,
    }
    if time_field == "OpenedAt":
        columns["UserAgentFull"] = lambda: pick(USER_AGENTS, agent)
    else:
        columns["ClickedDelay"] = lambda: when - msg["ArrivedAt"][rows]
        columns["Url"] = lambda: pick(URLS, rng.integers(0, len(URLS), n))
    ctx.frame(name, columns)
    store_frame(ctx, name)


def _roll_up(ctx: SeedContext, status: np.ndarray) -> None:
    """Contact and campaign columns that summarise the messages and events."""
    msg, contacts, campaigns = ctx.frames["message"], ctx.frames["contact"], ctx.frames["campaign"]
    n, k, contact = contacts["ID"].size, campaigns["ID"].size, msg["_contact"]
    delivered = (status != BOUNCE) & (status != BLOCKED)
    contacts["DeliveredCount"][:] = np.bincount(contact[delivered], minlength=n)
    last = group_max(contact, msg["ArrivedAt"], n)
    for name, field in (
        ("openinformation", "OpenedAt"),
        ("clickstatistics", "ClickedAt"),
        ("bouncestatistics", "BouncedAt"),
    ):
        rows = ctx.frames[name]["_message"]
        last = np.maximum(last, group_max(contact[rows], ctx.frames[name][field], n))
    contacts["LastActivityAt"][:] = last
    contacts["IsSpamComplaining"][np.unique(contact[status == SPAM])] = True
    unsub_rows = np.flatnonzero(status == UNSUB)
    unsub_at = group_max(contact[unsub_rows], msg["ArrivedAt"][unsub_rows] + 600, n)
    unsub_at = np.minimum(unsub_at, ctx.now)
    has_unsub = unsub_at > 0
    contacts["UnsubscribedAt"][has_unsub] = unsub_at[has_unsub]
    contacts["UnsubscribedBy"][has_unsub] = "user"
    contacts["LastUpdateAt"][:] = np.maximum(contacts["LastUpdateAt"], contacts["UnsubscribedAt"])
    camp = msg["_campaign"]
    counts = np.bincount(camp, minlength=k)
    campaigns["HasHtmlCount"][:] = counts
    campaigns["HasTxtCount"][:] = np.bincount(camp[msg["IsTextPartIncluded"]], minlength=k)
    campaigns["UnsubscribeTrackedCount"][:] = np.bincount(camp[msg["IsUnsubTracked"]], minlength=k)
    first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, camp, msg["ID"])
    campaigns["FirstMessageID"][:] = np.where(counts > 0, first, 0)
    campaigns["SendEndAt"][:] = np.maximum(campaigns["SendStartAt"], group_max(camp, msg["ArrivedAt"], k))
