"""Named code for the SPECIAL filters (joins, flags) and per-resource presentation of listed rows.

Filters marked `Op.SPECIAL` in the catalog have no single field to compare; each one that the emulator
understands is a small function: the resource-specific ones are listed here under (catalog name, lower-cased
filter name), the campaign filter set shared by many resources in `campaign_filters.CAMPAIGN_FILTERS`. A
resource's own function also overrides a generic filter of the same name when the semantics need context
(contact IsUnsubscribed within a list). SPECIAL filters without a function are ignored, as unknown
parameters are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource, enums
from mailjet_connector.emulator.rest.query import column_at, parse_bool, parse_int, parse_timestamp
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.table import Table


@dataclass(frozen=True, slots=True)
class FilterContext:
    """What a special filter may look at: the whole account and every parameter of the request."""

    state: EmulatorState
    account: Account
    resource: Resource
    table: Table
    params: Mapping[str, str]


# (ctx, candidate positions ascending, raw parameter value) -> matching positions ascending
SpecialFilter = Callable[[FilterContext, np.ndarray, str], np.ndarray]
# (rows of one page, lower-cased parameters) -> the rows to answer
Presenter = Callable[[list[dict[str, Any]], Mapping[str, str]], list[dict[str, Any]]]

SPECIAL_FILTERS: dict[tuple[str, str], SpecialFilter] = {}
PRESENTERS: dict[str, Presenter] = {}
# Resources whose public `ID` is another column: contactdata's ID is its contact's ID (§8.20).
ID_ALIASES: dict[str, str] = {"contactdata": "ContactID"}
# Parameters that open a time window on the today_default resources (§8.15).
TIME_WINDOW_PARAMS = ("fromts", "tots", "eventfromts", "eventtots", "period")


def special(resource: str, name: str) -> Callable[[SpecialFilter], SpecialFilter]:
    """List the decorated function in `SPECIAL_FILTERS` as the filter `name` of catalog resource `resource`."""

    def register(fn: SpecialFilter) -> SpecialFilter:
        SPECIAL_FILTERS[(resource, name.lower())] = fn
        return fn

    return register


def within(positions: np.ndarray, column: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The positions whose `column` value is one of `wanted`."""
    return positions[np.isin(column if positions.size == column.size else column[positions], wanted)]


def _linked(account: Account, name: str, key: str, where: str, value: Any) -> np.ndarray:
    """Values of column `key` in the live rows of table `name` whose `where` equals `value`."""
    table = account.table(name)
    live = table.live()
    return table.column(key)[live[table.column(where)[live] == value]]


# -- contact and the resources keyed by contact ------------------------------------------------------------

# The column holding the contact ID in each resource that takes contact-scoped filters.
CONTACT_COLUMN = {"contact": "ID", "contactdata": "ContactID", "listrecipient": "ContactID"}


def _contact_in_list(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    # With ContactsList, IsUnsubscribed means "unsubscribed from that list", not the global flag.
    recipients = ctx.account.table("listrecipient")
    live = recipients.live()
    keep = recipients.column("ListID")[live] == parse_int("ContactsList", value)
    if "isunsubscribed" in ctx.params:
        unsub = parse_bool("IsUnsubscribed", ctx.params["isunsubscribed"])
        keep &= recipients.column("IsUnsubscribed")[live] == unsub
    column = ctx.table.column(CONTACT_COLUMN[ctx.resource.name])
    return within(positions, column, recipients.column("ContactID")[live[keep]])


def _contact_in_campaign(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    contacts = _linked(ctx.account, "message", "ContactID", "CampaignID", parse_int("Campaign", value))
    return within(positions, ctx.table.column(CONTACT_COLUMN[ctx.resource.name]), np.unique(contacts))


def _contact_email(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    contacts = ctx.account.table("contact")
    pos = contacts.lookup(("Email",), (value.strip(),), ci=True)
    if pos is None:
        return positions[:0]
    contact_id = int(contacts.column("ID")[pos])
    return positions[column_at(ctx.table, CONTACT_COLUMN[ctx.resource.name], positions) == contact_id]


for _name in ("contact", "contactdata"):
    special(_name, "ContactsList")(_contact_in_list)
    special(_name, "Campaign")(_contact_in_campaign)
for _name in ("contactdata", "listrecipient"):
    special(_name, "ContactEmail")(_contact_email)


def _contact_attribute(
    name: str, field: str, parse: Callable[[str, str], Any], empty_test: bool = False
) -> SpecialFilter:
    """A filter on a contact column, for resources that carry a contact ID (listrecipient, contactdata)."""

    def run(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
        contacts = ctx.account.table("contact")
        live = contacts.live()
        column = contacts.column(field)[live]
        wanted = parse(name, value)
        keep = ((column != 0) == wanted) if empty_test else (column == wanted)
        chosen = contacts.column("ID")[live[keep]]
        return within(positions, ctx.table.column(CONTACT_COLUMN[ctx.resource.name]), chosen)

    return run


for _name in ("contactdata", "listrecipient"):
    special(_name, "IsExcludedFromCampaigns")(
        _contact_attribute("IsExcludedFromCampaigns", "IsExcludedFromCampaigns", parse_bool)
    )
    special(_name, "LastActivityAt")(_contact_attribute("LastActivityAt", "LastActivityAt", parse_timestamp))
special("contactdata", "IsUnsubscribed")(
    _contact_attribute("IsUnsubscribed", "UnsubscribedAt", parse_bool, empty_test=True)
)


@special("contact", "IsUnsubscribed")
def _contact_unsubscribed(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    if "contactslist" in ctx.params:
        return positions  # applied per list by the ContactsList filter
    unsub = parse_bool("IsUnsubscribed", value)
    is_set = column_at(ctx.table, "UnsubscribedAt", positions) != 0
    return positions[is_set if unsub else ~is_set]


# -- contactslist / listrecipient ------------------------------------------------------------------------


@special("contactslist", "ExcludeID")
def _list_exclude(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    return positions[column_at(ctx.table, "ID", positions) != parse_int("ExcludeID", value)]


@special("listrecipient", "IgnoreDeleted")
def _recipient_ignore_deleted(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    if not parse_bool("IgnoreDeleted", value):
        return positions
    deleted = _linked(ctx.account, "contactslist", "ID", "IsDeleted", True)
    return positions[~np.isin(column_at(ctx.table, "ListID", positions), deleted)]


# -- message ---------------------------------------------------------------------------------------------


def _no_op(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    return positions  # a display flag: see the message presenter


for _flag in catalog.get("message").show_flags:
    special("message", _flag)(_no_op)


def status_mask(statuses: np.ndarray, value: str) -> np.ndarray | None:
    """Which message `Status` values a `MessageStatus=` code list selects; None when it selects all.

    Raises:
        EmulatorError: 400 for a non-numeric code.
    """
    codes = [parse_int("MessageStatus", part) for part in value.split(",") if part.strip()]
    names = [enums.MESSAGE_STATUS_CODES.get(code) for code in codes]
    if "processed" in names:
        return None  # every message is processed
    # Codes name events ("softbounce"); message Status uses past participles for some ("softbounced").
    wanted = {s for name in names if name for s in (name, f"{name}d")}
    return np.fromiter((s in wanted for s in statuses), bool, statuses.size)


@special("message", "MessageStatus")
def _message_status(ctx: FilterContext, positions: np.ndarray, value: str) -> np.ndarray:
    mask = status_mask(column_at(ctx.table, "Status", positions), value)
    return positions if mask is None else positions[mask]


# (flag in lower case, field) of every field the listing leaves empty unless its flag is true (catalog shown_by).
_SHOW_FLAGS = tuple((f.shown_by.lower(), f.name) for f in catalog.get("message").fields if f.shown_by)


def _present_message(rows: list[dict[str, Any]], params: Mapping[str, str]) -> list[dict[str, Any]]:
    hidden = [field for flag, field in _SHOW_FLAGS if not _truthy(params.get(flag))]
    for row in rows:
        for field in hidden:
            row[field] = ""
    return rows


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("true", "1")


PRESENTERS["message"] = _present_message


# -- presentation and windows ----------------------------------------------------------------------------


def present(
    resource: Resource, rows: list[dict[str, Any]], params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Apply the resource's presenter and ID alias to the rows of one page."""
    alias = ID_ALIASES.get(resource.name)
    if alias:
        for row in rows:
            row["ID"] = row[alias]
    presenter = PRESENTERS.get(resource.name)
    return presenter(rows, params) if presenter else rows


def today_window(
    state: EmulatorState, table: Table, positions: np.ndarray, params: Mapping[str, str]
) -> np.ndarray:
    """For today_default resources without a time window: only the rows of the current emulator day (UTC)."""
    resource = table.resource
    if not resource.today_default or any(p in params for p in TIME_WINDOW_PARAMS):
        return positions
    field = resource.cursor.field if resource.cursor else None
    if field is None or table.types.get(field) not in (FieldType.TS, FieldType.UNIX):
        return positions
    now = state.clock.now()
    midnight = now - now % 86_400  # Unix time has no leap seconds: days are exact multiples
    return positions[column_at(table, field, positions) >= midnight]
