"""Catalog entries for the legacy aggregated statistics (counters per contact, list, sender, campaign ...)."""

from __future__ import annotations

from mailjet_connector.catalog.enums import CAMPAIGNGRAPH_RANGES, GRAPH_SCALES
from mailjet_connector.catalog.model import Area, Cursor, Field, Filter, Op, Resource, Sort
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.resources_parts import (
    by_name,
    campaign_stat_filters,
    counter_fields,
    entity_stat_filters,
    id_field,
    ro,
    text_filters,
)

_LAST_ACTIVITY = Field("LastActivityAt", T.TS, read_only=True)
_LAST_ACTIVITY_EQ = Filter("LastActivityAt", T.TS, "LastActivityAt", doc="Equality.")
_ACTIVITY_CURSOR = Cursor("LastActivityAt", "MinLastActivityAt", "MaxLastActivityAt", from_inclusive=True)


def _special(*names: str, kind: T = T.BOOL) -> tuple[Filter, ...]:
    return tuple(Filter(n, kind, op=Op.SPECIAL) for n in names)


CONTACTSTATISTICS = Resource(
    name="contactstatistics",
    mailjet_name="contactstatistics",
    area=Area.STATISTICS,
    primary_key=("ContactID",),
    unique_keys=(("Email",),),
    computed=True,
    doc="Message counters per contact; key Email resolves through ContactID.",
    cursor=_ACTIVITY_CURSOR,
    fields=by_name(
        *counter_fields(),
        Field("ContactID", T.INT, read_only=True, link="contact"),
        _LAST_ACTIVITY,
        *ro(("MarketingContacts", T.INT), ("UserMarketingContacts", T.INT)),
    ),
    filters=(*entity_stat_filters(), _LAST_ACTIVITY_EQ),
    sort=(Sort("ProcessedCount"),),
)

LISTRECIPIENTSTATISTICS = Resource(
    name="listrecipientstatistics",
    mailjet_name="listrecipientstatistics",
    area=Area.STATISTICS,
    primary_key=("ListRecipientID",),
    computed=True,
    doc="Message counters per list subscription.",
    cursor=_ACTIVITY_CURSOR,
    fields=by_name(
        *counter_fields(),
        Field("Data", T.KV, read_only=True, doc="Contact properties; filled with ShowExtraData=true."),
        _LAST_ACTIVITY,
        Field("ListRecipientID", T.INT, read_only=True, link="listrecipient"),
    ),
    filters=(
        *entity_stat_filters(),
        *_special("Contact", "ContactsList", kind=T.INT),
        *_special("DateFormat", kind=T.STR),
        *_special("IsActive", "IsExcludedFromCampaigns", "IsUnsubscribed"),
        _LAST_ACTIVITY_EQ,
        *_special("MinUnsubscribedAt", "MaxUnsubscribedAt", kind=T.TS),
        *_special("ShowExtraData"),
        *_special("TimeZone", kind=T.STR),
    ),
    sort=(Sort("ProcessedCount"),),
)

SENDERSTATISTICS = Resource(
    name="senderstatistics",
    mailjet_name="senderstatistics",
    area=Area.STATISTICS,
    primary_key=("SenderID",),
    unique_keys=(("Email",),),
    computed=True,
    doc="Message counters per sender address; key Email resolves through SenderID.",
    cursor=_ACTIVITY_CURSOR,
    fields=by_name(
        *counter_fields(), _LAST_ACTIVITY, Field("SenderID", T.INT, read_only=True, link="sender")
    ),
    filters=(
        *entity_stat_filters(),
        Filter("domain", T.STR, op=Op.SPECIAL, doc="Sender domain."),
        Filter("Email", T.EMAIL, op=Op.SPECIAL, doc="Sender email."),
        Filter("Sender", T.INT, "SenderID"),
        Filter("SenderID", T.INT, "SenderID"),
    ),
    sort=(Sort("ProcessedCount"),),
)

CAMPAIGNSTATISTICS = Resource(
    name="campaignstatistics",
    mailjet_name="campaignstatistics",
    area=Area.STATISTICS,
    primary_key=("CampaignID",),
    unique_keys=(("CustomValue",),),
    computed=True,
    doc="Legacy message counters per campaign; key CustomValue resolves through CampaignID.",
    cursor=_ACTIVITY_CURSOR,
    fields=by_name(
        *counter_fields(),
        Field("AXTestingID", T.INT, read_only=True, link="axtesting"),
        Field("CampaignID", T.INT, read_only=True, link="campaign"),
        *ro(
            ("CampaignIsStarred", T.BOOL),
            ("CampaignSendStartAt", T.TS),
            ("CampaignSubject", T.STR),
            ("ContactListName", T.STR),
        ),
        _LAST_ACTIVITY,
        Field("NewsLetterID", T.INT, read_only=True, link="newsletter"),
        Field("SegmentName", T.STR, read_only=True),
        Field("WorkflowID", T.INT, read_only=True, link="workflow"),
    ),
    filters=(
        *entity_stat_filters(),
        Filter("AXTesting", T.INT, "AXTestingID"),
        *_special("CampaignStatus", "ContactsList", kind=T.INT),
        Filter("FromTS", T.TS, "CampaignSendStartAt", Op.GT),
        Filter("ToTS", T.TS, "CampaignSendStartAt", Op.LE),
        *_special("FromType", kind=T.INT),
        *_special("GroupAX", "IsDeleted"),
        Filter("IsStarred", T.BOOL, "CampaignIsStarred"),
        _LAST_ACTIVITY_EQ,
        Filter("NewsLetter", T.INT, "NewsLetterID"),
        *_special("Segmentation", "Sender", kind=T.INT),
        *_special("ShowExtraData"),
        Filter("Subject", T.STR, "CampaignSubject", Op.CONTAINS),
        Filter("WorkflowID", T.INT, "WorkflowID"),
    ),
    sort=(Sort("ProcessedCount"),),
)

LISTSTATISTICS = Resource(
    name="liststatistics",
    mailjet_name="liststatistics",
    area=Area.STATISTICS,
    computed=True,
    doc="Legacy subscriber and message counters per contact list.",
    fields=by_name(
        *counter_fields(),
        *ro(
            ("ActiveCount", T.INT),
            ("ActiveExcludedSubscriberCount", T.INT),
            ("ActiveUnsubscribedCount", T.INT),
            ("Address", T.STR),
            ("CreatedAt", T.TS),
            ("ExcludedSubscriberCount", T.INT),
        ),
        id_field("The contact list ID."),
        Field("IsDeleted", T.BOOL, read_only=True),
        _LAST_ACTIVITY,
        *ro(("Name", T.STR), ("SubscriberCount", T.INT)),
    ),
    filters=(
        *entity_stat_filters(),
        Filter("Address", T.STR, "Address"),
        *_special("CalcActive", "CalcActiveExcludedSubscriber", "CalcActiveUnsub", "CalcExcludedSubscriber"),
        Filter("ContactsListID", T.INT, "ID"),
        *_special("ExcludeID", kind=T.INT),
        Filter("IsDeleted", T.BOOL, "IsDeleted"),
        *text_filters("Name", "Name"),
    ),
    sort=(Sort("ID"), Sort("ProcessedCount"), Sort("IsDeleted"), Sort("Name")),
)

_MESSAGESTATISTICS_FIELDS = by_name(
    *counter_fields(),
    *ro(
        ("AverageClickDelay", T.NUM),
        ("AverageClickedCount", T.NUM),
        ("AverageOpenDelay", T.NUM),
        ("AverageOpenedCount", T.NUM),
        ("CampaignCount", T.INT),
        ("TotalClicksCount", T.INT),
        ("TotalOpensCount", T.INT),
        ("TransactionalCount", T.INT),
    ),
)

MESSAGESTATISTICS = Resource(
    name="messagestatistics",
    mailjet_name="messagestatistics",
    area=Area.STATISTICS,
    primary_key=(),
    computed=True,
    doc="Legacy totals and averages over the matching messages (one row).",
    fields=_MESSAGESTATISTICS_FIELDS,
    filters=(
        *campaign_stat_filters(_MESSAGESTATISTICS_FIELDS),
        *_special("ContactEmail", kind=T.EMAIL),
        *_special("ContactID", "ContactListID", kind=T.INT),
        *_special("ProcessTotalClicksCount", "ProcessTotalOpensCount"),
    ),
)

# META: domainstatistics lacks these counters; graphstatistics lacks the first and last.
_DOMAIN_OMITS = (
    "DeferredCount",
    "HardBouncedCount",
    "PreQueuedCount",
    "SoftBouncedCount",
    "WorkFlowExitedCount",
)
_DOMAIN_FIELDS = by_name(
    *counter_fields(omit=_DOMAIN_OMITS), Field("Domain", T.STR, read_only=True), id_field("Seen -1.")
)

DOMAINSTATISTICS = Resource(
    name="domainstatistics",
    mailjet_name="domainstatistics",
    area=Area.STATISTICS,
    primary_key=("Domain",),
    computed=True,
    doc="Legacy message counters per recipient domain.",
    fields=_DOMAIN_FIELDS,
    filters=campaign_stat_filters(_DOMAIN_FIELDS),
)

_GRAPH_FIELDS = by_name(
    *counter_fields(spam="SpamcomplaintCount", omit=("PreQueuedCount", "WorkFlowExitedCount")),
    Field("RefTimestamp", T.STR, read_only=True),
    Field("SendtimeStart", T.UNIX, read_only=True),
)

GRAPHSTATISTICS = Resource(
    name="graphstatistics",
    mailjet_name="graphstatistics",
    area=Area.STATISTICS,
    primary_key=("RefTimestamp",),
    computed=True,
    doc="Legacy message counters per time bucket (Scale).",
    fields=_GRAPH_FIELDS,
    filters=(
        *campaign_stat_filters(_GRAPH_FIELDS),
        *_special("Contact", kind=T.INT),
        *_special("RefTimeStampOldFormat"),
        Filter("Scale", T.STR, op=Op.SPECIAL, doc=f"{'|'.join(GRAPH_SCALES)}."),
        *_special("TimeShift", "WorkflowID", kind=T.INT),
    ),
)

_OPEN_FIELDS = ro(("OpenedCount", T.INT), ("OpenedDelay", T.NUM), ("ProcessedCount", T.INT))

OPENSTATISTICS = Resource(
    name="openstatistics",
    mailjet_name="openstatistics",
    area=Area.STATISTICS,
    primary_key=(),
    computed=True,
    doc="Legacy open totals and average open delay (one row).",
    fields=_OPEN_FIELDS,
    filters=campaign_stat_filters(_OPEN_FIELDS),
)

APIKEYTOTALS = Resource(
    name="apikeytotals",
    mailjet_name="apikeytotals",
    area=Area.STATISTICS,
    primary_key=(),
    computed=True,
    doc="Legacy lifetime counters of the API key (one row).",
    fields=by_name(
        *counter_fields(spam="SpamcomplaintCount", omit=("QueuedCount",)),
        Field("LastActivity", T.UNIX, read_only=True, doc="Unix seconds [assumed]."),
    ),
)

CAMPAIGNGRAPHSTATISTICS = Resource(
    name="campaigngraphstatistics",
    mailjet_name="campaigngraphstatistics",
    area=Area.STATISTICS,
    primary_key=("ID", "Tick"),
    computed=True,
    doc="Legacy per-campaign event counts per tick (15 min over 24h, 30 min over 7d).",
    fields=(
        Field("Clickcount", T.INT, read_only=True),
        Field("ID", T.INT, read_only=True, link="campaign", doc="The campaign ID."),
        *ro(("Opencount", T.INT), ("Spamcount", T.INT), ("Tick", T.UNIX), ("Unsubcount", T.INT)),
    ),
    filters=(
        *_special("Click"),
        Filter("IDS", T.INT, "ID", Op.IN, doc="Campaign IDs, comma-separated."),
        *_special("Open"),
        Filter("Range", T.STR, op=Op.SPECIAL, doc=f"{'|'.join(CAMPAIGNGRAPH_RANGES)}."),
        *_special("Spam", "Unsub"),
    ),
)

STAT_RESOURCES: tuple[Resource, ...] = (
    CONTACTSTATISTICS,
    LISTRECIPIENTSTATISTICS,
    SENDERSTATISTICS,
    CAMPAIGNSTATISTICS,
    LISTSTATISTICS,
    MESSAGESTATISTICS,
    DOMAINSTATISTICS,
    GRAPHSTATISTICS,
    OPENSTATISTICS,
    APIKEYTOTALS,
    CAMPAIGNGRAPHSTATISTICS,
)
