"""Shared machinery of computed resources: counters per group, the campaign filter set, column filters, rows.

Computed rows are built as raw numpy columns (timestamps as Unix seconds) and filtered with the
resource's generic catalog filters while still columns; the answer is a `frame.Frame`, which the listing
layer sorts and pages before turning only the page into JSON-ready dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mailjet_connector.catalog import FieldType, Filter, Op, Resource
from mailjet_connector.catalog.enums import MESSAGE_STATUS_CODES
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.stats.facts import MessageFacts
from mailjet_connector.emulator.stats.params import param_bool, param_int, param_time, parse_timestamp, shown

Columns = dict[str, Any]

# Legacy counter name -> outcome mask of `facts` (spelling variants included).
COUNTER_OUTCOMES: dict[str, str] = {
    "BlockedCount": "blocked",
    "BouncedCount": "bounced",
    "ClickedCount": "clicked",
    "DeferredCount": "deferred",
    "DeliveredCount": "delivered",
    "HardBouncedCount": "hardbounced",
    "OpenedCount": "opened",
    "ProcessedCount": "processed",
    "QueuedCount": "queued",
    "SoftBouncedCount": "softbounced",
    "SpamComplaintCount": "spam",
    "SpamcomplaintCount": "spam",
    "UnsubscribedCount": "unsub",
}
ZERO_COUNTERS = ("PreQueuedCount", "WorkFlowExitedCount")

# MessageStatus filter names -> outcome masks ("processed" selects everything).
_STATUS_FILTER_OUTCOMES = {
    "processed": "processed",
    "queued": "queued",
    "sent": "delivered",
    "opened": "opened",
    "clicked": "clicked",
    "bounce": "bounced",
    "spam": "spam",
    "unsub": "unsub",
    "blocked": "blocked",
    "softbounce": "softbounced",
    "hardbounce": "hardbounced",
    "deferred": "deferred",
}


def group_counters(facts: MessageFacts, keys: np.ndarray, selected: np.ndarray) -> tuple[np.ndarray, Columns]:
    """Legacy counters and LastActivityAt per distinct key over the selected messages.

    Args:
        facts: the account digest.
        keys: one int64 group key per message (contact ID, sender ID, ...).
        selected: boolean mask of the messages to count.

    Returns:
        (distinct keys ascending, columns: counter name -> int64 array aligned with the keys).
    """
    uniques, inverse = np.unique(keys[selected], return_inverse=True)
    columns: Columns = {}
    for name, outcome in COUNTER_OUTCOMES.items():
        weights = facts.masks[outcome][selected].astype(np.int64)
        columns[name] = np.bincount(inverse, weights=weights, minlength=uniques.size).astype(np.int64)
    for name in ZERO_COUNTERS:
        columns[name] = np.zeros(uniques.size, dtype=np.int64)
    latest = np.zeros(uniques.size, dtype=np.int64)
    if uniques.size:
        np.maximum.at(latest, inverse, facts.last_activity()[selected])
    columns["LastActivityAt"] = columns["LastActivity"] = latest
    return uniques, columns


def total_counters(facts: MessageFacts, selected: np.ndarray) -> Columns:
    """The counters over all selected messages, as a one-row column set (always one row)."""
    _, columns = group_counters(facts, np.zeros(facts.size, dtype=np.int64), selected)
    if not columns["ProcessedCount"].size:
        columns = {name: np.zeros(1, dtype=np.int64) for name in columns}
    return columns


def _status_mask(facts: MessageFacts, raw: str) -> np.ndarray:
    mask = np.zeros(facts.size, dtype=bool)
    for part in raw.split(","):
        try:
            name = MESSAGE_STATUS_CODES[int(part)]
        except (ValueError, KeyError):
            raise EmulatorError(
                400, f"Invalid value for MessageStatus: {shown(part)} is not a status code"
            ) from None
        mask |= facts.masks[_STATUS_FILTER_OUTCOMES[name]]
    return mask


def campaign_filter_mask(
    facts: MessageFacts, params: Mapping[str, str], account: Account | None = None
) -> np.ndarray:
    """Messages kept by the campaign/stat filter set (CSF): CampaignID, ContactsList(ID), FromID,
    MessageStatus, FromTS (exclusive) / ToTS (inclusive) on the campaign's SendStartAt, and with `account`
    the campaign flags IsDeleted, IsStarred and IsNewsletterTool (NewsLetterID set).
    The other CSF members (CampaignStatus, CustomCampaign, From, FromDomain, FromType, Period) are accepted
    and ignored."""
    mask = np.ones(facts.size, dtype=bool)
    if account is not None:
        chosen = campaigns_flagged(account, params)
        if chosen is not None:
            mask &= np.isin(facts.campaign, chosen)
    campaign = param_int(params, "CampaignID")
    if campaign is not None:
        mask &= facts.campaign == campaign
    for name in ("ContactsList", "ContactsListID"):
        listed = param_int(params, name)
        if listed is not None:
            mask &= facts.campaign_list == listed
    sender = param_int(params, "FromID")
    if sender is not None:
        mask &= facts.sender == sender
    start, end = param_time(params, "FromTS"), param_time(params, "ToTS")
    if start is not None:
        mask &= facts.campaign_start > start
    if end is not None:
        mask &= facts.campaign_start <= end
    status = params.get("messagestatus")
    if status:
        mask &= _status_mask(facts, status)
    return mask


def campaigns_flagged(account: Account, params: Mapping[str, str]) -> np.ndarray | None:
    """IDs of the stored campaigns passing the IsDeleted / IsStarred / IsNewsletterTool parameters given
    (None when none is given)."""
    wanted = {name: param_bool(params, name) for name in ("IsDeleted", "IsStarred", "IsNewsletterTool")}
    if all(value is None for value in wanted.values()):
        return None
    table = account.tables.get("campaign")
    if table is None:
        return np.zeros(0, dtype=np.int64)
    live = table.live()
    keep = np.ones(live.size, dtype=bool)
    for name, field in (("IsDeleted", "IsDeleted"), ("IsStarred", "IsStarred")):
        if wanted[name] is not None:
            keep &= table.column(field)[live].astype(bool) == wanted[name]
    if wanted["IsNewsletterTool"] is not None:
        keep &= (table.column("NewsLetterID")[live] != 0) == wanted["IsNewsletterTool"]
    return table.column("ID")[live][keep]


def _filter_value(flt: Filter, raw: str) -> Any:
    try:
        if flt.type in (FieldType.TS, FieldType.UNIX):
            return parse_timestamp(raw)
        if flt.type is FieldType.INT:
            return int(raw)
        if flt.type is FieldType.NUM:
            return float(raw)
        if flt.type is FieldType.BOOL:
            lowered = raw.strip().lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError("expected true or false")
            return lowered in ("true", "1")
    except ValueError as exc:
        raise EmulatorError(400, f"Invalid value for {flt.name}: {shown(raw)} ({exc})") from None
    return raw


def _text(column: np.ndarray, ci: bool) -> np.ndarray:
    text = column.astype(str)
    return np.char.lower(text) if ci else text


def _filter_mask(flt: Filter, column: np.ndarray, value: Any, raw: str) -> np.ndarray:
    if flt.op is Op.POSITIVE:
        return column > 0 if value else column == 0
    if flt.op is Op.NOT_EMPTY:
        empty = (column == 0) if column.dtype.kind in "iub" else (column.astype(str) == "")
        return ~empty if value else empty
    if flt.op in (Op.GT, Op.GE, Op.LT, Op.LE):
        compare = {Op.GT: np.greater, Op.GE: np.greater_equal, Op.LT: np.less, Op.LE: np.less_equal}[flt.op]
        return compare(column, value)
    if flt.op is Op.IN:
        values = [_filter_value(flt, part) for part in raw.split(",")]
        return np.isin(column, values)
    if column.dtype.kind == "O" or isinstance(value, str):
        text, needle = _text(column, flt.ci), str(value).lower() if flt.ci else str(value)
        if flt.op is Op.CONTAINS:
            return np.char.find(text, needle) >= 0
        if flt.op is Op.STARTS:
            return np.char.startswith(text, needle)
        if flt.op is Op.ENDS:
            return np.char.endswith(text, needle)
        return text == needle
    return column == value


def apply_filters(resource: Resource, columns: Columns, size: int, params: Mapping[str, str]) -> np.ndarray:
    """Positions (into the columns) kept by the resource's generic (non-SPECIAL) catalog filters."""
    mask = np.ones(size, dtype=bool)
    for flt in resource.filters:
        raw = params.get(flt.name.lower())
        if flt.op is Op.SPECIAL or raw is None or raw == "" or flt.field not in columns:
            continue
        column = np.asarray(columns[flt.field])
        value = None if flt.op is Op.IN else _filter_value(flt, raw)  # IN parses each listed value
        mask &= _filter_mask(flt, column, value, raw)
    return np.flatnonzero(mask)


def finish(
    resource: Resource,
    columns: Columns,
    size: int,
    params: Mapping[str, str],
    keep: np.ndarray | None = None,
) -> Frame:
    """The computed answer: the columns filtered by the resource's generic filters (and `keep`, a boolean
    mask of the positions the statistic itself selected), as a frame the listing layer sorts and pages."""
    positions = apply_filters(resource, columns, size, params)
    if keep is not None:
        positions = positions[keep[positions]]
    return Frame(resource, columns, positions)
