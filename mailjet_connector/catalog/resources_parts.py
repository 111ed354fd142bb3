"""Reusable parts of catalog entries: the ID field, counters, text-filter variants, CSF and ESF filter sets."""

from __future__ import annotations

from collections.abc import Mapping

from mailjet_connector.catalog.enums import CAMPAIGN_TYPES, PERIODS, codes_doc
from mailjet_connector.catalog.model import Field, Filter, Op, Verb
from mailjet_connector.catalog.model import FieldType as T

GET = (Verb.GET,)
GET_PUT = (Verb.GET, Verb.PUT)
GET_POST_PUT = (Verb.GET, Verb.POST, Verb.PUT)
GET_POST_DELETE = (Verb.GET, Verb.POST, Verb.DELETE)
CRUD = (Verb.GET, Verb.POST, Verb.PUT, Verb.DELETE)


def id_field(doc: str = "Unique numeric ID.") -> Field:
    """The read-only numeric `ID` every stored resource carries."""
    return Field("ID", T.INT, read_only=True, doc=doc)


def ro(*specs: tuple[str, T]) -> tuple[Field, ...]:
    """Read-only fields from (name, type) pairs, for resources whose every field Mailjet computes."""
    return tuple(Field(name, kind, read_only=True) for name, kind in specs)


# The "counters" of the legacy statistics resources (mailjet-api.md §2.3), in Mailjet's order.
COUNTER_NAMES: tuple[str, ...] = (
    "BlockedCount",
    "BouncedCount",
    "ClickedCount",
    "DeferredCount",
    "DeliveredCount",
    "HardBouncedCount",
    "OpenedCount",
    "PreQueuedCount",
    "ProcessedCount",
    "QueuedCount",
    "SoftBouncedCount",
    "SpamComplaintCount",
    "UnsubscribedCount",
    "WorkFlowExitedCount",
)


def counter_fields(*, spam: str = "SpamComplaintCount", omit: tuple[str, ...] = ()) -> tuple[Field, ...]:
    """The counter fields, read-only ints.

    Args:
        spam: the spelling of the spam counter (graphstatistics and apikeytotals say `SpamcomplaintCount`).
        omit: counters the resource lacks (META), by their standard name.

    Returns:
        One Field per counter.
    """
    names = [spam if n == "SpamComplaintCount" else n for n in COUNTER_NAMES if n not in omit]
    return tuple(Field(n, T.INT, read_only=True, default=0) for n in names)


def text_filters(name: str, field: str, *, exact_ci: bool = False) -> tuple[Filter, ...]:
    """The text-filter family of one field: `X`, `XCI`, `XLike`, `XLikeCI`, `XLLike`(CI), `XRLike`(CI).

    Args:
        name: the filter stem (`Email`, `Name`, `Key`).
        field: the row field compared.
        exact_ci: the bare `X` filter already ignores case (contact `Email`).

    Returns:
        The eight filters.
    """
    out = [Filter(name, T.STR, field, Op.EQ, ci=exact_ci), Filter(f"{name}CI", T.STR, field, Op.EQ, ci=True)]
    for suffix, op in (("Like", Op.CONTAINS), ("LLike", Op.STARTS), ("RLike", Op.ENDS)):
        out.append(Filter(f"{name}{suffix}", T.STR, field, op))
        out.append(Filter(f"{name}{suffix}CI", T.STR, field, op, ci=True))
    return tuple(out)


def range_filters(stem: str, field: str, kind: T = T.TS) -> tuple[Filter, ...]:
    """`Min<stem>` (>=) and `Max<stem>` (<) on one field."""
    return (
        Filter(f"Min{stem}", kind, field, Op.GE, doc=f"{field} >= value."),
        Filter(f"Max{stem}", kind, field, Op.LT, doc=f"{field} < value."),
    )


def event_window(field: str) -> tuple[Filter, ...]:
    """`EventFromTs` (exclusive) and `EventToTs` (inclusive) on an event row's own time field."""
    return (
        Filter("EventFromTs", T.TS, field, Op.GT, doc=f"{field} later than value."),
        Filter("EventToTs", T.TS, field, Op.LE, doc=f"{field} before or equal to value."),
    )


# CSF filters and the row field each compares with when the row has it; the rest join the campaign.
_CSF: tuple[tuple[str, T, str | None, Op, str], ...] = (
    ("CampaignID", T.INT, "CampaignID", Op.EQ, "Rows of this campaign."),
    ("CampaignStatus", T.INT, None, Op.EQ, "Campaign status code."),
    ("ContactsList", T.INT, None, Op.EQ, "Campaigns sent to this list."),
    ("ContactsListID", T.INT, None, Op.EQ, "Campaigns sent to this list."),
    ("CustomCampaign", T.STR, None, Op.EQ, "Campaign CustomValue."),
    ("From", T.STR, None, Op.EQ, "Sender email of the campaign."),
    ("FromDomain", T.STR, None, Op.EQ, "Sender domain of the campaign."),
    ("FromID", T.INT, "FromID", Op.EQ, "Sender ID of the campaign."),
    ("FromTS", T.TS, "SendStartAt", Op.GT, "Campaign SendStartAt later than value."),
    ("FromType", T.INT, None, Op.EQ, f"Campaign type: {codes_doc(CAMPAIGN_TYPES)}."),
    ("IsDeleted", T.BOOL, "IsDeleted", Op.EQ, "Campaign deleted flag."),
    ("IsNewsletterTool", T.BOOL, None, Op.EQ, "Campaign made with the newsletter tool."),
    ("IsStarred", T.BOOL, "IsStarred", Op.EQ, "Campaign starred flag."),
    ("MessageStatus", T.STR, None, Op.SPECIAL, "Message status codes (§2.5), comma-separated, OR."),
    ("Period", T.STR, None, Op.SPECIAL, f"One of {'|'.join(PERIODS)}: FromTS/ToTS = current period."),
    ("ToTS", T.TS, "SendStartAt", Op.LE, "Campaign SendStartAt before or equal to value."),
)


def campaign_stat_filters(
    fields: tuple[Field, ...],
    *,
    own: Mapping[str, str] | None = None,
    message_status: bool = True,
) -> tuple[Filter, ...]:
    """The CSF filter set (mailjet-api.md §2 legend) for a resource with `fields`.

    A filter compares a row field directly when the row carries the campaign attribute it names (or `own`
    maps it to one); otherwise it is SPECIAL, i.e. the emulator joins the row's campaign.

    Args:
        fields: the resource's fields.
        own: filter name -> row field, for rows that are campaigns themselves (`CampaignID` -> `ID`).
        message_status: include `MessageStatus` (campaign and some legacy statistics lack it).

    Returns:
        The filters, in CSF order.
    """
    names = {f.name for f in fields}
    bind = {name: field for name, _, field, _, _ in _CSF if field} | dict(own or {})
    out = []
    for name, kind, _, op, doc in _CSF:
        if name == "MessageStatus" and not message_status:
            continue
        field = bind.get(name)
        if op is not Op.SPECIAL and field in names:
            out.append(Filter(name, kind, field, op, doc=doc))
        else:
            out.append(Filter(name, kind, op=Op.SPECIAL, doc=f"{doc} (joins the campaign)"))
    return tuple(out)


# ESF flags: filter -> the counter it tests (> 0 when true, == 0 when false).
_ESF: tuple[tuple[str, str], ...] = (
    ("Blocked", "BlockedCount"),
    ("Bounced", "BouncedCount"),
    ("Click", "ClickedCount"),
    ("HardBounced", "HardBouncedCount"),
    ("SoftBounced", "SoftBouncedCount"),
    ("Open", "OpenedCount"),
    ("Queued", "QueuedCount"),
    ("Sent", "DeliveredCount"),
    ("Spam", "SpamComplaintCount"),
    ("Unsubscribed", "UnsubscribedCount"),
)


def entity_stat_filters() -> tuple[Filter, ...]:
    """The ESF filter set: the count flags plus `MinLastActivityAt` / `MaxLastActivityAt`."""
    flags = tuple(
        Filter(name, T.BOOL, counter, Op.POSITIVE, doc=f"true: {counter} > 0; false: {counter} = 0.")
        for name, counter in _ESF
    )
    return flags + range_filters("LastActivityAt", "LastActivityAt")


def by_name(*fields: Field) -> tuple[Field, ...]:
    """Fields in Mailjet's order (sorted by JSON name), for entries assembled from shared parts."""
    return tuple(sorted(fields, key=lambda f: f.name))
