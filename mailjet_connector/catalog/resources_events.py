"""Catalog entries for the new statistics (statcounters, statistics/*) and event-level stats (§2.3, §3)."""

from __future__ import annotations

from mailjet_connector.catalog.enums import (
    COUNTER_RESOLUTIONS,
    COUNTER_SOURCES,
    COUNTER_TIMINGS,
    USERAGENT_EVENTS,
)
from mailjet_connector.catalog.model import Area, Cursor, Field, Filter, Op, Resource, Sort
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.resources_parts import campaign_stat_filters, event_window, id_field, ro


def _ints(*names: str) -> tuple[Field, ...]:
    return ro(*((n, T.INT) for n in names))


def _nums(*names: str) -> tuple[Field, ...]:
    return ro(*((n, T.NUM) for n in names))


def _choice_filter(name: str, choices: tuple[str, ...], doc: str) -> Filter:
    return Filter(name, T.STR, op=Op.SPECIAL, required=True, doc=f"{doc} One of {'|'.join(choices)}.")


STATCOUNTERS = Resource(
    name="statcounters",
    mailjet_name="statcounters",
    area=Area.STATISTICS,
    primary_key=("APIKeyID", "SourceID", "Timeslice"),
    computed=True,
    doc="Message and event counters per API key, campaign, list or sender, per time slice (new stats).",
    cursor=Cursor("Timeslice", "FromTS", "ToTS", doc="Not with CounterResolution=Lifetime."),
    fields=(
        Field("APIKeyID", T.INT, read_only=True, link="apikey"),
        *_ints(
            "EventClickDelay",
            "EventClickedCount",
            "EventOpenDelay",
            "EventOpenedCount",
            "EventSpamCount",
            "EventUnsubscribedCount",
            "EventWorkflowExitedCount",
            "MessageBlockedCount",
            "MessageClickedCount",
            "MessageDeferredCount",
            "MessageHardBouncedCount",
            "MessageOpenedCount",
            "MessageQueuedCount",
            "MessageSentCount",
            "MessageSoftBouncedCount",
            "MessageSpamCount",
            "MessageUnsubscribedCount",
            "MessageWorkFlowExitedCount",
            "SourceID",
        ),
        Field("Timeslice", T.TS, read_only=True, doc='"" for Lifetime.'),
        Field("Total", T.INT, read_only=True, doc="Processed messages."),
    ),
    filters=(
        _choice_filter("CounterSource", COUNTER_SOURCES, "What is counted."),
        _choice_filter("CounterTiming", COUNTER_TIMINGS, "Count at send time or at event time."),
        _choice_filter("CounterResolution", COUNTER_RESOLUTIONS, "Time slice size."),
        Filter("SourceID", T.INT, op=Op.SPECIAL, doc="Campaign, list or sender ID; optional for APIKey."),
        Filter("SourceIDs", T.STR, op=Op.SPECIAL, doc="Comma list of source IDs."),
        Filter("CampaignID", T.INT, op=Op.SPECIAL, doc="Shortcut: CounterSource=Campaign, SourceID."),
        Filter("APIKeyID", T.INT, op=Op.SPECIAL, doc="Shortcut: CounterSource=APIKey, SourceID."),
        Filter("IdentityID", T.INT, op=Op.SPECIAL, doc="In META only; meaning unknown [U]."),
        Filter(
            "CounterType", T.STR, op=Op.SPECIAL, doc="Three letters: source C|A, timing E|M, res S|D|H|L."
        ),
        Filter("FromTS", T.TS, "Timeslice", Op.GT, doc="Later than value; refused with Lifetime."),
        Filter("ToTS", T.TS, "Timeslice", Op.LE, doc="Before or equal to value (default now)."),
    ),
    sort=(Sort("Timeslice"),),
)

STATISTICS_LINK_CLICK = Resource(
    name="statistics_link_click",
    mailjet_name="statistics/link-click",
    area=Area.STATISTICS,
    primary_key=("PositionIndex",),
    parent=("campaign", "CampaignID"),
    computed=True,
    doc="Clicks per link of one campaign (new stats, compact JSON).",
    fields=(
        Field("URL", T.STR, read_only=True),
        *_ints("PositionIndex", "ClickedMessagesCount", "ClickedEventsCount"),
    ),
    filters=(
        Filter("CampaignID", T.INT, op=Op.SPECIAL, required=True, doc="The campaign (also CampaignId)."),
    ),
)

STATISTICS_RECIPIENT_ESP = Resource(
    name="statistics_recipient_esp",
    mailjet_name="statistics/recipient-esp",
    area=Area.STATISTICS,
    primary_key=("ESPName",),
    parent=("campaign", "CampaignID"),
    computed=True,
    doc="Delivery and engagement per recipient mailbox provider for one campaign.",
    fields=(
        Field("ESPName", T.STR, read_only=True),
        *_ints(
            "AttemptedMessagesCount",
            "DeliveredMessagesCount",
            "OpenedMessagesCount",
            "ClickedMessagesCount",
            "DeferredMessagesCount",
            "SoftBouncedMessagesCount",
            "HardBouncedMessagesCount",
            "UnsubscribedMessagesCount",
            "SpamReportsCount",
        ),
        *_nums(
            "OpenRate",
            "ClickThroughRate",
            "SoftBouncedRate",
            "HardBouncedRate",
            "UnsubscribedRate",
            "SpamReportsRate",
            "DeferredRate",
        ),
    ),
    filters=(
        Filter("CampaignID", T.INT, op=Op.SPECIAL, required=True, doc="The campaign."),
        Filter("ESP_Name", T.STR, "ESPName"),
        Filter("EspNames", T.STR, "ESPName", Op.IN, doc="Comma list."),
    ),
)

_OPEN_FIELDS = (
    Field("ArrivedAt", T.TS, read_only=True),
    Field("CampaignID", T.INT, read_only=True, link="campaign"),
    Field("ContactID", T.INT, read_only=True, link="contact"),
    id_field(),
    Field("MessageID", T.INT, read_only=True, link="message"),
    Field("OpenedAt", T.TS, read_only=True),
    Field("UserAgentFull", T.STR, read_only=True),
    Field("UserAgentID", T.INT, read_only=True),
)

_MESSAGE_ID_FILTER = Filter("MessageID", T.INT, "MessageID")

OPENINFORMATION = Resource(
    name="openinformation",
    mailjet_name="openinformation",
    area=Area.STATISTICS,
    today_default=True,
    doc="One row per open event. Without a time window only today's rows are returned.",
    cursor=Cursor("OpenedAt", "EventFromTs", "EventToTs"),
    fields=_OPEN_FIELDS,
    filters=(*campaign_stat_filters(_OPEN_FIELDS), *event_window("OpenedAt"), _MESSAGE_ID_FILTER),
    sort=(Sort("ID"), Sort("OpenedAt")),
)

_CLICK_FIELDS = (
    Field("ClickedAt", T.TS, read_only=True),
    Field("ClickedDelay", T.INT, read_only=True, doc="Seconds from delivery to click."),
    Field("ContactID", T.INT, read_only=True, link="contact"),
    id_field(),
    Field("MessageID", T.INT, read_only=True, link="message"),
    Field("Url", T.STR, read_only=True),
    Field("UserAgentID", T.INT, read_only=True),
)

CLICKSTATISTICS = Resource(
    name="clickstatistics",
    mailjet_name="clickstatistics",
    area=Area.STATISTICS,
    today_default=True,
    doc="One row per click event. Without a time window only today's rows are returned.",
    cursor=Cursor("ClickedAt", "EventFromTs", "EventToTs"),
    fields=_CLICK_FIELDS,
    filters=(*campaign_stat_filters(_CLICK_FIELDS), *event_window("ClickedAt"), _MESSAGE_ID_FILTER),
    sort=(Sort("ID"), Sort("ClickedAt")),
)

_BOUNCE_FIELDS = (
    Field("BouncedAt", T.TS, read_only=True),
    Field("CampaignID", T.INT, read_only=True, link="campaign"),
    Field("ContactID", T.INT, read_only=True, link="contact"),
    id_field(),
    Field("IsBlocked", T.BOOL, read_only=True),
    Field("IsStatePermanent", T.BOOL, read_only=True),
    Field("StateID", T.INT, read_only=True, link="messagestate"),
)

BOUNCESTATISTICS = Resource(
    name="bouncestatistics",
    mailjet_name="bouncestatistics",
    area=Area.STATISTICS,
    today_default=True,
    doc="One row per bounce or block. Without a time window only today's rows are returned.",
    cursor=Cursor("BouncedAt", "EventFromTs", "EventToTs"),
    fields=_BOUNCE_FIELDS,
    filters=(*campaign_stat_filters(_BOUNCE_FIELDS), *event_window("BouncedAt")),
    sort=(Sort("ID"), Sort("BouncedAt")),
)

_GEO_FIELDS = (*_ints("ClickedCount"), Field("Country", T.STR, read_only=True), *_ints("OpenedCount"))

GEOSTATISTICS = Resource(
    name="geostatistics",
    mailjet_name="geostatistics",
    area=Area.STATISTICS,
    primary_key=("Country",),
    unique_keys=(("Country",),),
    computed=True,
    doc="Opens and clicks per country.",
    fields=_GEO_FIELDS,
    filters=campaign_stat_filters(_GEO_FIELDS),
)

_TOPLINK_FIELDS = (*_ints("ClickedCount", "LinkId"), Field("Url", T.STR, read_only=True))

TOPLINKCLICKED = Resource(
    name="toplinkclicked",
    mailjet_name="toplinkclicked",
    area=Area.STATISTICS,
    primary_key=("LinkId",),
    computed=True,
    doc="Most clicked links.",
    fields=_TOPLINK_FIELDS,
    filters=(
        *campaign_stat_filters(_TOPLINK_FIELDS, message_status=False),
        Filter("ActualClicks", T.BOOL, op=Op.SPECIAL, doc="Count every click, not distinct ones."),
        Filter("Contact", T.INT, op=Op.SPECIAL),
        Filter("Message", T.INT, op=Op.SPECIAL),
    ),
    sort=(Sort("ClickedCount"),),
)

_USERAGENT_FIELDS = (
    *_ints("Count", "DistinctCount"),
    Field("Platform", T.STR, read_only=True),
    Field("UserAgent", T.STR, read_only=True),
)

USERAGENTSTATISTICS = Resource(
    name="useragentstatistics",
    mailjet_name="useragentstatistics",
    area=Area.STATISTICS,
    primary_key=("Platform", "UserAgent"),
    computed=True,
    doc="Opens or clicks per user agent and platform.",
    fields=_USERAGENT_FIELDS,
    filters=(
        *campaign_stat_filters(_USERAGENT_FIELDS, message_status=False),
        Filter("Event", T.STR, op=Op.SPECIAL, doc=f"{'|'.join(USERAGENT_EVENTS)}."),
        Filter("ExcludePlatform", T.STR, op=Op.SPECIAL),
        Filter("Platform", T.STR, "Platform"),
    ),
)

EVENT_RESOURCES: tuple[Resource, ...] = (
    STATCOUNTERS,
    STATISTICS_LINK_CLICK,
    STATISTICS_RECIPIENT_ESP,
    OPENINFORMATION,
    CLICKSTATISTICS,
    BOUNCESTATISTICS,
    GEOSTATISTICS,
    TOPLINKCLICKED,
    USERAGENTSTATISTICS,
)
