"""The campaign filter set (CSF) on event and statistics rows: conditions on the row's campaign or message.

In CSF resources FromTS/ToTS/Period bound the campaign's SendStartAt, not the row's own date, and the
other CSF parameters (CampaignStatus, IsStarred, FromType ...) are campaign attributes (mailjet-api.md §2).
A row reaches its campaign through its CampaignID column, or through its MessageID and that message's
CampaignID. `CAMPAIGN_FILTERS` serves every resource that declares one of these filters SPECIAL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from mailjet_connector.catalog import enums
from mailjet_connector.emulator.rest.query import bad_value, column_at, parse_bool, parse_int, parse_timestamp
from mailjet_connector.emulator.rest.special import FilterContext, SpecialFilter, status_mask


def _message_rows(ctx: FilterContext, positions: np.ndarray) -> np.ndarray:
    """For each row, the position of its message in the message table (-1 when unknown)."""
    messages = ctx.account.table("message")
    ids = messages.column("ID")
    wanted = column_at(ctx.table, "MessageID", positions)
    found = np.searchsorted(ids, wanted)
    found[found >= ids.size] = 0
    hit = (ids[found] == wanted) if ids.size else np.zeros(wanted.size, dtype=np.bool_)
    return np.where(hit, found, -1)


def row_campaigns(ctx: FilterContext, positions: np.ndarray) -> np.ndarray | None:
    """The campaign ID of each row at `positions` (0 when unknown), or None when rows carry no campaign."""
    if ctx.resource.name == "campaign":
        return column_at(ctx.table, "ID", positions)
    if "CampaignID" in ctx.table.types:
        return column_at(ctx.table, "CampaignID", positions)
    if "MessageID" in ctx.table.types:
        rows = _message_rows(ctx, positions)
        campaigns = ctx.account.table("message").column("CampaignID")
        return np.where(rows >= 0, campaigns[np.maximum(rows, 0)] if campaigns.size else 0, 0)
    return None


def _keep_campaigns(
    ctx: FilterContext, positions: np.ndarray, test: Callable[[Any], np.ndarray]
) -> np.ndarray:
    # `test` maps the campaign table's live-row values to a mask; rows keep when their campaign passes.
    mine = row_campaigns(ctx, positions)
    if mine is None:
        return positions
    campaigns = ctx.account.table("campaign")
    live = campaigns.live()
    chosen = campaigns.column("ID")[live[test(lambda field: campaigns.column(field)[live])]]
    return positions[np.isin(mine, chosen)]


def _window(ctx: FilterContext, positions: np.ndarray, low: int | None, high: int | None) -> np.ndarray:
    def test(column: Callable[[str], np.ndarray]) -> np.ndarray:
        start = column("SendStartAt")
        keep = np.ones(start.size, dtype=np.bool_)
        if low is not None:
            keep &= start > low  # FromTS: later than
        if high is not None:
            keep &= start <= high  # ToTS: before or equal
        return keep

    return _keep_campaigns(ctx, positions, test)


def _from(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    return _window(ctx, positions, parse_timestamp("FromTS", value), None)


def _to(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    return _window(ctx, positions, None, parse_timestamp("ToTS", value))


def _period(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    now = ctx.state.clock.now()
    return _window(ctx, positions, period_start(now, value), now)


def period_start(now: int, period: str) -> int:
    """Start (Unix seconds, UTC) of the current Day, Week (from Monday), Month or Year.

    Raises:
        EmulatorError: 400 for another period name.
    """
    name = next((p for p in enums.PERIODS if p.lower() == period.strip().lower()), None)
    if name is None:
        raise bad_value("Period", period, " or ".join(enums.PERIODS))
    day = datetime.fromtimestamp(now - now % 86_400, tz=UTC)
    if name == "Week":
        day -= timedelta(days=day.weekday())
    elif name == "Month":
        day = day.replace(day=1)
    elif name == "Year":
        day = day.replace(month=1, day=1)
    return int(day.timestamp())


def _attribute(name: str, field: str, parse: Callable[[str, str], Any], ci: bool = False) -> SpecialFilter:
    """A CSF filter comparing one campaign column with the parameter's value."""

    def run(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
        wanted = parse(name, value)
        if ci:
            lowered = str(wanted).lower()
            return _keep_campaigns(
                ctx, positions, lambda c: np.fromiter((str(v).lower() == lowered for v in c(field)), bool)
            )
        return _keep_campaigns(ctx, positions, lambda c: c(field) == wanted)

    return run


def _text(name: str, value: str) -> str:
    return value


_ATTRIBUTES = {
    "CampaignID": ("ID", parse_int, False),
    "CampaignStatus": ("Status", parse_int, False),
    "ContactsList": ("ListID", parse_int, False),
    "ContactsListID": ("ListID", parse_int, False),
    "CustomCampaign": ("CustomValue", _text, False),
    "From": ("FromEmail", _text, True),
    "FromID": ("FromID", parse_int, False),
    "FromType": ("CampaignType", parse_int, False),
    "IsDeleted": ("IsDeleted", parse_bool, False),
    "IsStarred": ("IsStarred", parse_bool, False),
}


def _message_status(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    # On event rows the code list applies to the status of the row's message.
    if "MessageID" not in ctx.table.types:
        return positions
    rows = _message_rows(ctx, positions)
    statuses = ctx.account.table("message").column("Status")
    mine = np.array([statuses[r] if r >= 0 else "" for r in rows.tolist()], dtype=object)
    mask = status_mask(mine, value)
    return positions if mask is None else positions[mask]


def _newsletter_tool(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    # A campaign made with the (legacy) newsletter tool has its newsletter: NewsLetterID is set.
    wanted = parse_bool("IsNewsletterTool", value)
    return _keep_campaigns(ctx, positions, lambda c: (c("NewsLetterID") != 0) == wanted)


# Lower-cased filter name -> function, for every resource that declares the filter SPECIAL.
CAMPAIGN_FILTERS: dict[str, SpecialFilter] = {
    "fromts": _from,
    "tots": _to,
    "period": _period,
    "messagestatus": _message_status,
    "isnewslettertool": _newsletter_tool,
    **{name.lower(): _attribute(name, f, parse, ci) for name, (f, parse, ci) in _ATTRIBUTES.items()},
}
