"""Account-wide and per-campaign summaries: messagestatistics, openstatistics, graphstatistics,
campaignoverview."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mailjet_connector.catalog import get
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.entities import lookup
from mailjet_connector.emulator.stats.facts import MessageFacts, facts
from mailjet_connector.emulator.stats.params import param_int, shown
from mailjet_connector.emulator.stats.rows import campaign_filter_mask, finish, group_counters, total_counters

TRANSACTIONAL = 1  # CampaignType / FromType code
SCALES = {"hour": "h", "day": "D", "week": "W", "month": "M", "year": "Y"}


def _mean(values: np.ndarray) -> float:
    return round(float(values.mean()), 2) if values.size else 0.0


def _selected(data: MessageFacts, params: Mapping[str, str], account: Account) -> np.ndarray:
    selected = campaign_filter_mask(data, params, account)
    contact = param_int(params, "ContactID")
    if contact is not None:
        selected &= data.contact == contact
    return selected


def messagestatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """One row: counters, open/click averages (delays in seconds to the first event) and totals."""
    data = facts(account)
    selected = _selected(data, params, account)
    columns = total_counters(data, selected)
    opened, clicked = selected & data.masks["opened"], selected & data.masks["clicked"]
    open_rows = selected[data.opens.msg] if data.opens.msg.size else np.zeros(0, dtype=bool)
    click_rows = selected[data.clicks.msg] if data.clicks.msg.size else np.zeros(0, dtype=bool)
    campaigns = get_campaign_types(account, data.campaign[selected])
    columns.update(
        AverageClickDelay=[_mean(data.first_click[clicked] - data.arrived[clicked])],
        AverageClickedCount=[_mean(data.click_count[clicked])],
        AverageOpenDelay=[_mean(data.first_open[opened] - data.arrived[opened])],
        AverageOpenedCount=[_mean(data.open_count[opened])],
        CampaignCount=[int(np.unique(data.campaign[selected & (data.campaign > 0)]).size)],
        TotalClicksCount=[int(np.count_nonzero(click_rows))],
        TotalOpensCount=[int(np.count_nonzero(open_rows))],
        TransactionalCount=[int(np.count_nonzero(campaigns == TRANSACTIONAL))],
    )
    return finish(get("messagestatistics"), columns, 1, params)


def get_campaign_types(account: Account, campaign_ids: np.ndarray) -> np.ndarray:
    """CampaignType of each given campaign ID (0 when unknown)."""
    table = account.tables.get("campaign")
    if table is None:
        return np.zeros(campaign_ids.size, dtype=np.int64)
    live = table.live()
    return lookup(table.column("ID")[live], campaign_ids, table.column("CampaignType")[live], 0)


def openstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """One row: processed and opened messages and the mean delay to the first open (seconds)."""
    data = facts(account)
    selected = campaign_filter_mask(data, params, account)
    opened = selected & data.masks["opened"]
    columns = {
        "OpenedCount": [int(np.count_nonzero(opened))],
        "OpenedDelay": [_mean(data.first_open[opened] - data.arrived[opened])],
        "ProcessedCount": [int(np.count_nonzero(selected))],
    }
    return finish(get("openstatistics"), columns, 1, params)


def graphstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Counters per calendar period (Scale hour|day|week|month|year, default day) of the send time."""
    scale = (params.get("scale") or "day").strip().lower()
    if scale not in SCALES:
        raise EmulatorError(
            400, f"Invalid value for Scale: {shown(scale)}; expected one of {', '.join(SCALES)}"
        )
    data = facts(account)
    selected = _selected(data, params, account)
    unit = SCALES[scale]
    starts = data.arrived.astype("datetime64[s]").astype(f"datetime64[{unit}]").astype("datetime64[s]")
    uniques, counters = group_counters(data, starts.astype(np.int64), selected)
    ref = np.datetime_as_string(uniques.astype("datetime64[s]"), unit="s")
    columns = {"SendtimeStart": uniques, "RefTimestamp": np.char.add(ref, "Z").astype(object), **counters}
    return finish(get("graphstatistics"), columns, uniques.size, params)


def campaignoverview(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """One row per stored campaign (IDType "Campaign") with its processed/delivered/opened/clicked counts.
    The All/Archived/Drafts/Programmed/Sent flags are accepted and ignored (only sent campaigns exist)."""
    data = facts(account)
    table = account.tables.get("campaign")
    if table is None:
        return []
    live = table.live()
    ids = table.column("ID")[live]
    uniques, counters = group_counters(data, data.campaign, data.campaign > 0)
    columns = {
        "ClickedCount": lookup(uniques, ids, counters["ClickedCount"], 0),
        "DeliveredCount": lookup(uniques, ids, counters["DeliveredCount"], 0),
        "EditMode": np.full(ids.size, "html2", dtype=object),
        "EditType": np.full(ids.size, "full", dtype=object),
        "ID": ids,
        "IDType": np.full(ids.size, "Campaign", dtype=object),
        "OpenedCount": lookup(uniques, ids, counters["OpenedCount"], 0),
        "ProcessedCount": lookup(uniques, ids, counters["ProcessedCount"], 0),
        "SendTimeStart": table.column("SendStartAt")[live],
        "Starred": table.column("IsStarred")[live],
        "Status": table.column("Status")[live],
        "Subject": table.column("Subject")[live],
        "Title": table.column("Subject")[live],
    }
    return finish(get("campaignoverview"), columns, ids.size, params)
