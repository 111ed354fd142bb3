"""Engagement breakdowns from open and click rows: links, user agents, countries, mailbox providers, and
the per-campaign event timeline (campaigngraphstatistics).

Assumed where Mailjet data has no source: the country of an open/click is a fixed function of the contact
ID (`country_of`), the mailbox provider of a message is derived from its recipient's domain (`esp_of`), and
the platform of a user agent is read from its text (`platform_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mailjet_connector.catalog import get
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.facts import EventRows, MessageFacts, facts, recipient_domains
from mailjet_connector.emulator.stats.params import param_bool, param_choice, param_int, shown
from mailjet_connector.emulator.stats.rows import campaign_filter_mask, finish

COUNTRIES = np.array(["FR", "US", "DE", "GB", "ES", "IT", "NL", "BE", "CA", "BR"], dtype=object)
ESP_DOMAINS = {
    "gmail.com": "Gmail",
    "googlemail.com": "Gmail",
    "yahoo.com": "Yahoo",
    "outlook.com": "Outlook.com",
    "hotmail.com": "Outlook.com",
    "live.com": "Outlook.com",
    "orange.fr": "Orange",
    "aol.com": "AOL",
    "icloud.com": "Apple",
}
PLATFORMS = (("android", "Android"), ("iphone", "iOS"), ("ipad", "iOS"), ("windows", "Windows"),
             ("mac os", "Mac OS"), ("linux", "Linux"))  # fmt: skip
GRAPH_RANGES = {"24h": (86_400, 900), "7d": (604_800, 1_800)}


def country_of(contact_ids: np.ndarray) -> np.ndarray:
    """The (assumed) country code of each contact: a fixed function of its ID."""
    return COUNTRIES[contact_ids.astype(np.int64) % COUNTRIES.size]


def esp_of(domains: np.ndarray) -> np.ndarray:
    """Mailbox provider name per recipient domain ("Others" for unknown domains)."""
    return np.array([ESP_DOMAINS.get(d, "Others") for d in domains.tolist()], dtype=object)


def platform_of(agent: str) -> str:
    lowered = agent.lower()
    return next((name for needle, name in PLATFORMS if needle in lowered), "Other")


def _kept_rows(rows: EventRows, selected: np.ndarray) -> np.ndarray:
    return np.flatnonzero(selected[rows.msg]) if rows.msg.size else np.zeros(0, dtype=np.int64)


def _url_groups(data: MessageFacts, selected: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct clicked URL (ordered by first click): URLs, click events, distinct clicked messages."""
    kept = _kept_rows(data.clicks, selected)
    urls = data.clicks.extra["Url"][kept].astype(str)
    names, first, inverse = np.unique(urls, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    events = np.bincount(inverse, minlength=names.size)
    pairs = (
        np.unique(np.stack([inverse, data.clicks.msg[kept]]), axis=1) if kept.size else np.zeros((2, 0), int)
    )
    messages = np.bincount(pairs[0], minlength=names.size)
    return names[order].astype(object), events[order], messages[order]


def _campaign_required(params: Mapping[str, str]) -> int:
    campaign = param_int(params, "CampaignID")
    if campaign is None:
        raise EmulatorError(400, "Missing required parameter CampaignID")
    return campaign


def statistics_link_click(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Clicks per link of one campaign; PositionIndex orders the links by first click (0-based)."""
    data = facts(account)
    urls, events, messages = _url_groups(data, data.campaign == _campaign_required(params))
    columns = {"URL": urls, "PositionIndex": np.arange(urls.size), "ClickedMessagesCount": messages,
               "ClickedEventsCount": events}  # fmt: skip
    return finish(get("statistics_link_click"), columns, urls.size, params)


def toplinkclicked(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Links by clicked messages (every click with ActualClicks=true), most clicked first."""
    data = facts(account)
    selected = campaign_filter_mask(data, params, account)
    for name, column in (("Contact", data.contact), ("Message", data.ids)):
        value = param_int(params, name)
        if value is not None:
            selected &= column == value
    urls, events, messages = _url_groups(data, selected)
    counts = events if param_bool(params, "ActualClicks") else messages
    order = np.argsort(-counts, kind="stable")
    columns = {"ClickedCount": counts[order], "LinkId": order + 1, "Url": urls[order]}
    return finish(get("toplinkclicked"), columns, urls.size, params)


def useragentstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Opens (Event=open, default) or clicks per user agent: events and distinct contacts."""
    data = facts(account)
    event = param_choice(params, "Event", ("open", "click")) or "open"
    rows = data.opens if event == "open" else data.clicks
    kept = _kept_rows(rows, campaign_filter_mask(data, params, account))
    agent_ids = rows.extra["UserAgentID"][kept].astype(np.int64)
    # Click rows carry only the agent ID: name it from the open rows that share the ID.
    open_agents, first = np.unique(data.opens.extra["UserAgentID"].astype(np.int64), return_index=True)
    names = dict(zip(open_agents.tolist(), data.opens.extra["UserAgentFull"][first].tolist(), strict=True))
    uniques, inverse = np.unique(agent_ids, return_inverse=True)
    contacts = data.contact[rows.msg[kept]]
    pairs = np.unique(np.stack([inverse, contacts]), axis=1) if kept.size else np.zeros((2, 0), int)
    agents = np.array([str(names.get(a, "") or f"User agent {a}") for a in uniques.tolist()], dtype=object)
    platforms = np.array([platform_of(a) for a in agents.tolist()], dtype=object)
    keep = np.ones(uniques.size, dtype=bool)
    excluded = params.get("excludeplatform")
    if excluded:
        keep &= platforms != excluded
    columns = {"Count": np.bincount(inverse, minlength=uniques.size),
               "DistinctCount": np.bincount(pairs[0], minlength=uniques.size),
               "Platform": platforms, "UserAgent": agents}  # fmt: skip
    positions = np.flatnonzero(keep)
    return finish(
        get("useragentstatistics"), {k: v[positions] for k, v in columns.items()}, positions.size, params
    )


def geostatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Opened and clicked messages per (assumed) recipient country."""
    data = facts(account)
    selected = campaign_filter_mask(data, params, account)
    countries = country_of(data.contact)
    names, inverse = np.unique(countries[selected].astype(str), return_inverse=True)
    opened = np.bincount(inverse, weights=data.masks["opened"][selected], minlength=names.size)
    clicked = np.bincount(inverse, weights=data.masks["clicked"][selected], minlength=names.size)
    keep = (opened + clicked) > 0
    columns = {"ClickedCount": clicked[keep].astype(np.int64), "Country": names[keep].astype(object),
               "OpenedCount": opened[keep].astype(np.int64)}  # fmt: skip
    return finish(get("geostatistics"), columns, int(keep.sum()), params)


def _rate(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.round(np.divide(part * 100.0, whole, out=np.zeros(part.size), where=whole > 0), 2)


def statistics_recipient_esp(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Per mailbox provider for one campaign; rates in percent of delivered (bounce and deferral rates in
    percent of attempted)."""
    data = facts(account)
    selected = data.campaign == _campaign_required(params)
    domains, codes = recipient_domains(account)
    esps = esp_of(domains)[codes[selected]] if domains.size else np.zeros(0, dtype=object)
    names, inverse = np.unique(esps.astype(str), return_inverse=True)

    def count(outcome: str) -> np.ndarray:
        return np.bincount(inverse, weights=data.masks[outcome][selected], minlength=names.size).astype(
            np.int64
        )

    attempted, delivered = count("processed"), count("delivered")
    counts = {"AttemptedMessagesCount": attempted, "DeliveredMessagesCount": delivered,
              "OpenedMessagesCount": count("opened"), "ClickedMessagesCount": count("clicked"),
              "DeferredMessagesCount": count("deferred"), "SoftBouncedMessagesCount": count("softbounced"),
              "HardBouncedMessagesCount": count("hardbounced"), "UnsubscribedMessagesCount": count("unsub"),
              "SpamReportsCount": count("spam")}  # fmt: skip
    rates = {"OpenRate": _rate(counts["OpenedMessagesCount"], delivered),
             "ClickThroughRate": _rate(counts["ClickedMessagesCount"], delivered),
             "SoftBouncedRate": _rate(counts["SoftBouncedMessagesCount"], attempted),
             "HardBouncedRate": _rate(counts["HardBouncedMessagesCount"], attempted),
             "UnsubscribedRate": _rate(counts["UnsubscribedMessagesCount"], delivered),
             "SpamReportsRate": _rate(counts["SpamReportsCount"], delivered),
             "DeferredRate": _rate(counts["DeferredMessagesCount"], attempted)}  # fmt: skip
    columns = {"ESPName": names.astype(object), **counts, **rates}
    return finish(get("statistics_recipient_esp"), columns, names.size, params)


def _requested_campaigns(params: Mapping[str, str], campaign_ids: np.ndarray) -> np.ndarray:
    """Which of `campaign_ids` the IDS parameter asks for (every real campaign when absent)."""
    raw = params.get("ids")
    if not raw:
        return campaign_ids > 0
    try:
        requested = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise EmulatorError(400, f"Invalid value for IDS: {shown(raw)}") from None
    return np.isin(campaign_ids, requested) & (campaign_ids > 0)


def campaigngraphstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Opens, clicks, spam and unsubs per tick after each campaign's first message (Range 24h: 15-minute
    ticks, 7d: 30-minute ticks); Tick is the tick's start in Unix seconds; only non-empty ticks appear."""
    span, tick = GRAPH_RANGES.get((params.get("range") or "24h").strip().lower(), GRAPH_RANGES["24h"])
    ticks_per_campaign = span // tick
    data = facts(account)
    campaign_ids, code = np.unique(data.campaign, return_inverse=True)
    wanted = _requested_campaigns(params, campaign_ids)
    start = np.full(campaign_ids.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(start, code, data.arrived)
    spam, unsub = np.flatnonzero(data.masks["spam"]), np.flatnonzero(data.masks["unsub"])
    series = {
        "Opencount": (data.opens.msg, data.opens.time),
        "Clickcount": (data.clicks.msg, data.clicks.time),
        "Spamcount": (spam, data.times["spam"][spam]),
        "Unsubcount": (unsub, data.times["unsub"][unsub]),
    }
    keys = {}
    for name, (msg, times) in series.items():
        event_code = code[msg]
        offset = times - start[event_code]
        keep = wanted[event_code] & (offset >= 0) & (offset < span)
        keys[name] = event_code[keep] * ticks_per_campaign + offset[keep] // tick
    slots = np.unique(np.concatenate(list(keys.values())))
    columns: dict[str, Any] = {
        name: np.bincount(np.searchsorted(slots, k), minlength=slots.size) for name, k in keys.items()
    }
    owner = slots // ticks_per_campaign
    columns.update(ID=campaign_ids[owner], Tick=start[owner] + (slots % ticks_per_campaign) * tick)
    return finish(get("campaigngraphstatistics"), columns, slots.size, params)
