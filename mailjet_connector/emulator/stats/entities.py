"""Legacy counter statistics per entity: contact, list recipient, sender, campaign, list, domain, API key.

Every counter comes from `rows.group_counters` over the message digest, so the figures of these
resources add up to the same totals as statcounters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mailjet_connector.catalog import get
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.facts import facts, recipient_domains
from mailjet_connector.emulator.stats.params import param_bool, param_int
from mailjet_connector.emulator.stats.rows import (
    Columns,
    campaign_filter_mask,
    campaigns_flagged,
    finish,
    group_counters,
    total_counters,
)


def _table_columns(account: Account, name: str, fields: tuple[str, ...]) -> tuple[np.ndarray, Columns]:
    """Live IDs and raw columns of a stored table (empty when the table does not exist)."""
    table = account.tables.get(name)
    if table is None:
        return np.zeros(0, dtype=np.int64), {f: np.zeros(0, dtype=np.int64) for f in fields}
    live = table.live()
    return table.column("ID")[live], {f: table.column(f)[live] for f in fields if f in table.types}


def lookup(ids: np.ndarray, keys: np.ndarray, values: np.ndarray, default: Any) -> np.ndarray:
    """`values[i]` where `ids[i] == key` for each key (ids ascending), `default` where no ID matches."""
    return _take(_match(ids, keys), values, default)


def _match(ids: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each key, its position in `ids` (ascending) and whether it is there at all."""
    if not ids.size:
        return np.zeros(keys.size, dtype=np.int64), np.zeros(keys.size, dtype=bool)
    pos = np.minimum(np.searchsorted(ids, keys), ids.size - 1)
    return pos, ids[pos] == keys


def _take(match: tuple[np.ndarray, np.ndarray], values: np.ndarray, default: Any) -> np.ndarray:
    pos, found = match
    out = np.full(pos.size, default, dtype=values.dtype if values.dtype.kind != "U" else object)
    out[found] = values[pos[found]]
    return out


def _counters_for(keys: np.ndarray, uniques: np.ndarray, counters: Columns) -> Columns:
    """Counter columns re-aligned on `keys` (zeros for keys with no messages)."""
    # One search for all counters: searching millions of keys is the expensive part.
    match = _match(uniques, keys)
    return {name: _take(match, values, 0) for name, values in counters.items()}


def _count_per(ids: np.ndarray, keys: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """How many rows of `mask` have each ID of `ids` as key."""
    pos = np.searchsorted(ids, keys)
    found = (
        mask & (pos < ids.size) & (ids[np.minimum(pos, max(ids.size - 1, 0))] == keys)
        if ids.size
        else mask & False
    )
    return np.bincount(pos[found], minlength=ids.size).astype(np.int64)


def contactstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Counters per contact that received at least one message."""
    data = facts(account)
    uniques, counters = group_counters(data, data.contact, np.ones(data.size, dtype=bool))
    return finish(get("contactstatistics"), {"ContactID": uniques, **counters}, uniques.size, params)


def senderstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Counters per sender (message SenderID). The Email and domain filters are not supported."""
    data = facts(account)
    uniques, counters = group_counters(data, data.sender, data.sender > 0)
    return finish(get("senderstatistics"), {"SenderID": uniques, **counters}, uniques.size, params)


def listrecipientstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Counters per subscription: the contact's messages in campaigns sent to that list."""
    data = facts(account)
    ids, cols = _table_columns(
        account, "listrecipient", ("ContactID", "ListID", "IsActive", "IsUnsubscribed")
    )
    message_keys = data.campaign_list * (1 << 32) + data.contact
    uniques, counters = group_counters(data, message_keys, data.campaign_list > 0)
    aligned = _counters_for(cols["ListID"] * (1 << 32) + cols["ContactID"], uniques, counters)
    keep = np.ones(ids.size, dtype=bool)
    for param, column in (("Contact", "ContactID"), ("ContactsList", "ListID")):
        value = param_int(params, param)
        if value is not None:
            keep &= cols[column] == value
    for param, column in (("IsActive", "IsActive"), ("IsUnsubscribed", "IsUnsubscribed")):
        flag = param_bool(params, param)
        if flag is not None:
            keep &= cols[column].astype(bool) == flag
    columns = {"ListRecipientID": ids, **aligned}
    return finish(get("listrecipientstatistics"), columns, ids.size, params, keep)


def campaignstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Counters per stored campaign, with the campaign's own fields and its list's name."""
    data = facts(account)
    fields = ("IsStarred", "SendStartAt", "Subject", "NewsLetterID", "WorkflowID", "ListID")
    ids, cols = _table_columns(account, "campaign", fields)
    uniques, counters = group_counters(data, data.campaign, data.campaign > 0)
    list_ids, list_cols = _table_columns(account, "contactslist", ("Name",))
    list_of = cols.get("ListID", np.zeros(ids.size, dtype=np.int64))
    list_names = lookup(list_ids, list_of, list_cols.get("Name", np.zeros(0, dtype=object)), "")
    keep = np.ones(ids.size, dtype=bool)
    listed = param_int(params, "ContactsList")
    if listed is not None:
        keep &= list_of == listed
    flagged = campaigns_flagged(account, params)
    if flagged is not None:
        keep &= np.isin(ids, flagged)
    columns = {
        "CampaignID": ids,
        "CampaignIsStarred": cols.get("IsStarred", ids * 0).astype(bool),
        "CampaignSendStartAt": cols.get("SendStartAt", ids * 0),
        "CampaignSubject": cols.get("Subject", np.full(ids.size, "", dtype=object)),
        "ContactListName": list_names,
        "NewsLetterID": cols.get("NewsLetterID", ids * 0),
        "WorkflowID": cols.get("WorkflowID", ids * 0),
        **_counters_for(ids, uniques, counters),
    }
    positions = np.flatnonzero(keep)
    return finish(get("campaignstatistics"), {k: np.asarray(v)[positions] for k, v in columns.items()},
                  positions.size, params)  # fmt: skip


def liststatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Per contact list: its own fields, subscription counts and the counters of campaigns sent to it."""
    data = facts(account)
    ids, cols = _table_columns(account, "contactslist", ("Address", "CreatedAt", "IsDeleted", "Name"))
    _, subs = _table_columns(account, "listrecipient", ("ContactID", "ListID", "IsActive", "IsUnsubscribed"))
    contact_ids, contact_cols = _table_columns(account, "contact", ("IsExcludedFromCampaigns",))
    excluded_contacts = contact_ids[contact_cols.get("IsExcludedFromCampaigns", contact_ids * 0).astype(bool)]
    excluded = np.isin(subs["ContactID"], excluded_contacts)
    active, unsub = subs["IsActive"].astype(bool), subs["IsUnsubscribed"].astype(bool)

    def per_list(mask: np.ndarray) -> np.ndarray:
        return _count_per(ids, subs["ListID"], mask)

    uniques, counters = group_counters(data, data.campaign_list, data.campaign_list > 0)
    columns = {
        "ID": ids,
        **cols,
        "SubscriberCount": per_list(np.ones(subs["ListID"].size, dtype=bool)),
        "ActiveCount": per_list(active & ~unsub),
        "ActiveUnsubscribedCount": per_list(active & unsub),
        "ExcludedSubscriberCount": per_list(excluded),
        "ActiveExcludedSubscriberCount": per_list(active & excluded),
        **_counters_for(ids, uniques, counters),
    }
    return finish(get("liststatistics"), columns, ids.size, params)


def domainstatistics(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """Counters per recipient domain (from the message's recipient address); ID numbers the domains."""
    data = facts(account)
    selected = campaign_filter_mask(data, params, account)
    names, codes = recipient_domains(account)
    uniques, counters = group_counters(data, codes, selected)
    columns = {"Domain": names[uniques] if names.size else names, "ID": uniques + 1, **counters}
    return finish(get("domainstatistics"), columns, uniques.size, params)


def apikeytotals(state: EmulatorState, account: Account, params: Mapping[str, str]) -> Frame:
    """One row: the counters over every message of the account."""
    data = facts(account)
    return finish(get("apikeytotals"), total_counters(data, np.ones(data.size, dtype=bool)), 1, params)
