"""Per-message computed resources: messagehistory, messageinformation and messagesentstatistics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mailjet_connector.catalog import get
from mailjet_connector.catalog.enums import MESSAGE_STATES
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.facts import MessageFacts, facts, message_column
from mailjet_connector.emulator.stats.params import param_bool, param_int
from mailjet_connector.emulator.stats.rows import campaign_filter_mask, finish

STATE_NAMES = {state.id: state.state for state in MESSAGE_STATES}
SPAM_FEEDBACK_SOURCE = "JMRPP"


def bounce_time(account: Account, data: MessageFacts, idx: int) -> int:
    """When message `idx` bounced or was blocked: the first bouncestatistics row of the same contact and
    campaign at or after its arrival (bounce rows carry no MessageID), else its arrival time."""
    table = account.tables.get("bouncestatistics")
    arrived = int(data.arrived[idx])
    if table is None or not len(table):
        return arrived
    live = table.live()
    when = table.column("BouncedAt")[live]
    same = (
        (table.column("ContactID")[live] == data.contact[idx])
        & (table.column("CampaignID")[live] == data.campaign[idx])
        & (when >= arrived)
    )
    return int(when[same].min()) if same.any() else arrived


_TIME_BITS = 34  # Unix seconds below 2**34 (year 2514) leave room for a group code in one int64


def bounce_times(account: Account, data: MessageFacts, idx: np.ndarray) -> np.ndarray:
    """`bounce_time` of many messages at once (a search in the sorted bounce rows, not a scan per message).

    Args:
        account: the account.
        data: its digest.
        idx: message positions in the digest.

    Returns:
        Unix seconds, aligned with `idx`.
    """
    index = _bounce_index(account, data)
    if index is None:
        return np.asarray([bounce_time(account, data, i) for i in idx.tolist()], dtype=np.int64)
    pairs, combined = index
    arrived = data.arrived[idx].astype(np.int64)
    wanted = data.contact[idx] * (1 << 32) + data.campaign[idx]
    group = np.minimum(np.searchsorted(pairs, wanted), max(pairs.size - 1, 0))
    known = pairs[group] == wanted if pairs.size else np.zeros(idx.size, dtype=bool)
    pos = np.searchsorted(combined, (group << _TIME_BITS) + np.maximum(arrived, 0))
    found = known & (pos < combined.size)
    hit = (
        combined[np.minimum(pos, max(combined.size - 1, 0))]
        if combined.size
        else np.zeros(idx.size, np.int64)
    )
    found &= (hit >> _TIME_BITS) == group
    return np.where(found, hit & ((1 << _TIME_BITS) - 1), arrived)


def _bounce_index(account: Account, data: MessageFacts) -> tuple[np.ndarray, np.ndarray] | None:
    """Bounce rows as (distinct contact/campaign pair keys, sorted group-code-and-time keys), memoised with
    the digest (which is rebuilt when bouncestatistics changes); None when the values do not pack."""
    if "bounce_index" not in data.memo:
        table = account.tables.get("bouncestatistics")
        live = table.live() if table is not None else np.zeros(0, dtype=np.int64)
        empty = np.zeros(0, dtype=np.int64)
        contact = table.column("ContactID")[live].astype(np.int64) if table is not None else empty
        campaign = table.column("CampaignID")[live].astype(np.int64) if table is not None else empty
        when = table.column("BouncedAt")[live].astype(np.int64) if table is not None else empty
        limits = ((contact, 31), (campaign, 31), (when, _TIME_BITS))
        limits += ((data.contact, 31), (data.campaign, 31), (data.arrived, _TIME_BITS))
        fits = all(v.size == 0 or (v.min() >= 0 and v.max() < 1 << bits) for v, bits in limits)
        if not fits:
            data.memo["bounce_index"] = None
        else:
            pairs, group = np.unique(contact * (1 << 32) + campaign, return_inverse=True)
            data.memo["bounce_index"] = (pairs, np.sort((group.astype(np.int64) << _TIME_BITS) + when))
    return data.memo["bounce_index"]


def _history_events(account: Account, data: MessageFacts, idx: int) -> list[tuple[int, str, str, str, int]]:
    """(EventAt, EventType, State/Comment, Useragent, UseragentID) for one message, unsorted."""
    masks = {name: bool(mask[idx]) for name, mask in data.masks.items()}
    events: list[tuple[int, str, str, str, int]] = []
    if masks["delivered"]:
        events.append((int(data.arrived[idx]), "sent", "", "", 0))
    for outcome, kind in (("bounced", "bounced"), ("blocked", "blocked")):
        if masks[outcome]:
            state = STATE_NAMES.get(int(data.state_id[idx]), "")
            events.append((bounce_time(account, data, idx), kind, state, "", 0))
    for rows, kind, text_field in ((data.opens, "opened", "UserAgentFull"), (data.clicks, "clicked", "Url")):
        for pos in np.flatnonzero(rows.msg == idx).tolist():
            agent = str(rows.extra[text_field][pos]) if kind == "opened" else ""
            comment = str(rows.extra[text_field][pos]) if kind == "clicked" else ""
            events.append(
                (int(rows.time[pos]), kind, comment, agent, int(rows.extra["UserAgentID"][pos] or 0))
            )
    for outcome in ("spam", "unsub"):
        if masks[outcome]:
            events.append((int(data.times[outcome][idx]), outcome, "", "", 0))
    return events


def messagehistory(state: EmulatorState, account: Account, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """Events of one message (`Message=` filter or the `/messagehistory/{id}` path id), oldest first.
    An unknown or missing message gives no rows (200 with empty Data, as Mailjet answers)."""
    message_id = param_int(params, "Message")
    if message_id is None:
        message_id = param_int(params, "ID")
    data = facts(account)
    idx = data.index(message_id) if message_id is not None else None
    if idx is None:
        return []
    events = sorted(_history_events(account, data, idx), key=lambda e: e[0])
    # messagehistory has a Comment field and a State field: clicks put their URL in Comment,
    # bounces and blocks their messagestate text in State.
    return [
        {
            "Comment": text if kind == "clicked" else "",
            "EventAt": at,
            "EventType": kind,
            "State": text if kind in ("bounced", "blocked") else "",
            "Useragent": agent,
            "UseragentID": agent_id,
        }
        for at, kind, text, agent, agent_id in events
    ]


def messageinformation(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """One row per message with its open/click counts and send outcome; CSF filters apply."""
    data = facts(account)
    keep = campaign_filter_mask(data, params, account)
    delivered = data.masks["delivered"]
    columns = {
        "CampaignID": data.campaign,
        "ClickTrackedCount": data.click_count,
        "ContactID": data.contact,
        "CreatedAt": data.arrived,
        "ID": data.ids,
        "MessageSize": message_column(account, "MessageSize"),
        "OpenTrackedCount": data.open_count,
        "QueuedCount": data.masks["queued"].astype(np.int64),
        "SendEndAt": np.where(delivered, data.arrived, 0),
        "SentCount": delivered.astype(np.int64),
        "SpamAssassinRules": [{"ALT": "", "ID": -1}] * data.size,
        "SpamAssassinScore": message_column(account, "SpamassassinScore", 0.0).astype(float),
    }
    return finish(get("messageinformation"), columns, data.size, params, keep)


def messagesentstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """One row per message (only the first message of each campaign unless AllMessages=true).
    BounceDate, BounceReason, FBLSource and ComplaintDate are filled only with ShowExtraData=true."""
    data = facts(account)
    keep = campaign_filter_mask(data, params, account)
    if not param_bool(params, "AllMessages"):
        first = np.zeros(data.size, dtype=bool)
        first[np.unique(data.campaign, return_index=True)[1]] = True
        keep &= first
    masks = data.masks
    # The display flag of the extra fields, named once in the catalog (Field.shown_by).
    extra = all(param_bool(params, flag) for flag in get("messagesentstatistics").show_flags)
    bounced = masks["bounced"] | masks["blocked"]
    bounce_dates = np.zeros(data.size, dtype=np.int64)
    reasons = np.full(data.size, "", dtype=object)
    if extra:
        shown = np.flatnonzero(bounced & keep)
        bounce_dates[shown] = bounce_times(account, data, shown)
        reasons[shown] = [STATE_NAMES.get(state_id, "") for state_id in data.state_id[shown].tolist()]
    columns = {
        "ArrivalTs": data.arrived,
        "Blocked": masks["blocked"],
        "Bounce": masks["bounced"],
        "BounceDate": bounce_dates,
        "BounceReason": reasons,
        "CampaignID": data.campaign,
        "Click": masks["clicked"],
        "CntRecipients": np.ones(data.size, dtype=np.int64),
        "ComplaintDate": np.where(masks["spam"] & extra, data.times["spam"], 0),
        "ContactID": data.contact,
        "FBLSource": np.where(masks["spam"] & extra, SPAM_FEEDBACK_SOURCE, "").astype(object),
        "MessageID": data.ids,
        "Open": masks["opened"],
        "Queued": masks["queued"],
        "Sent": masks["delivered"],
        "Spam": masks["spam"],
        "StateID": data.state_id,
        "StatePermanent": message_column(account, "StatePermanent").astype(bool),
        "Status": message_column(account, "Status", ""),
        "ToEmail": message_column(account, "ContactAlt", ""),
        "Unsub": masks["unsub"],
    }
    return finish(get("messagesentstatistics"), columns, data.size, params, keep)
