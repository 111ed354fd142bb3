"""Catalog entries for sent messages, their event history and the message-state reference table (§2.2)."""

from __future__ import annotations

from mailjet_connector.catalog.enums import (
    CAMPAIGN_TYPES,
    HISTORY_EVENT_TYPES,
    MESSAGE_STATUSES,
    codes_doc,
)
from mailjet_connector.catalog.model import Area, Cursor, Field, Filter, Op, Resource, Sort
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.resources_parts import campaign_stat_filters, id_field, ro

MESSAGE = Resource(
    name="message",
    mailjet_name="message",
    area=Area.STATISTICS,
    doc="One message sent to one recipient.",
    cursor=Cursor("ArrivedAt", "FromTS", "ToTS", from_inclusive=False),
    fields=(
        Field("ArrivedAt", T.TS, read_only=True),
        Field("AttachmentCount", T.INT, read_only=True),
        Field("AttemptCount", T.INT, read_only=True),
        Field("CampaignID", T.INT, read_only=True, link="campaign"),
        Field(
            "ContactAlt",
            T.STR,
            read_only=True,
            shown_by="ShowContactAlt",
            doc="The recipient's email; filled only with ShowContactAlt.",
        ),
        Field("ContactID", T.INT, read_only=True, link="contact"),
        Field(
            "CustomID",
            T.STR,
            read_only=True,
            shown_by="ShowCustomID",
            doc="Filled only with ShowCustomID=true.",
        ),
        Field("Delay", T.NUM, read_only=True, doc="Milliseconds."),
        Field("DestinationID", T.INT, read_only=True, doc="Recipient domain ID."),
        Field("FilterTime", T.INT, read_only=True, doc="Milliseconds."),
        Field("FromID", T.INT, read_only=True, link="sender"),
        id_field("Message ID (may exceed 2**53)."),
        Field("IsClickTracked", T.BOOL, read_only=True),
        Field("IsHTMLPartIncluded", T.BOOL, read_only=True),
        Field("IsOpenTracked", T.BOOL, read_only=True),
        Field("IsTextPartIncluded", T.BOOL, read_only=True),
        Field("IsUnsubTracked", T.BOOL, read_only=True),
        Field("MessageSize", T.INT, read_only=True),
        Field("SenderID", T.INT, read_only=True, link="sender"),
        Field("SpamassassinScore", T.NUM, read_only=True),
        Field("SpamassRules", T.STR, read_only=True),
        Field("StateID", T.INT, read_only=True, link="messagestate"),
        Field("StatePermanent", T.BOOL, read_only=True),
        Field("Status", T.STR, read_only=True, choices=MESSAGE_STATUSES),
        Field(
            "Subject", T.STR, read_only=True, shown_by="ShowSubject", doc="Filled only with ShowSubject=true."
        ),
        Field("UUID", T.STR, read_only=True),
    ),
    filters=(
        Filter("Campaign", T.INT, "CampaignID"),
        Filter("CampaignID", T.INT, "CampaignID"),
        Filter("Contact", T.INT, "ContactID"),
        Filter("ContactID", T.INT, "ContactID"),
        Filter("ContactAlt", T.EMAIL, op=Op.SPECIAL, doc="Recipient email."),
        Filter("CustomID", T.STR, "CustomID"),
        Filter("Destination", T.INT, "DestinationID"),
        Filter("From", T.STR, op=Op.SPECIAL, doc="Sender email."),
        Filter("FromDomain", T.STR, op=Op.SPECIAL, doc="Sender domain."),
        Filter("FromID", T.INT, "FromID"),
        Filter("FromTS", T.TS, "ArrivedAt", Op.GT),
        Filter("ToTS", T.TS, "ArrivedAt", Op.LE),
        Filter("FromType", T.INT, op=Op.SPECIAL, doc=f"Campaign type: {codes_doc(CAMPAIGN_TYPES)}."),
        Filter("MessageState", T.INT, "StateID"),
        Filter("MessageStatus", T.STR, op=Op.SPECIAL, doc="Status code list (§2.5), comma-separated."),
        Filter("PlanSubscription", T.INT, op=Op.SPECIAL),
        Filter("Sender", T.INT, "SenderID", doc="Deprecated: use SenderID."),
        Filter("SenderID", T.INT, "SenderID"),
        Filter("ShowContactAlt", T.BOOL, op=Op.SPECIAL),
        Filter("ShowCustomID", T.BOOL, op=Op.SPECIAL),
        Filter("ShowSubject", T.BOOL, op=Op.SPECIAL),
        Filter("BounceReason", T.STR, op=Op.SPECIAL),
    ),
    sort=(Sort("ID"), Sort("ArrivedAt")),
)

MESSAGEHISTORY = Resource(
    name="messagehistory",
    mailjet_name="messagehistory",
    area=Area.STATISTICS,
    primary_key=(),
    parent=("message", "Message"),
    computed=True,
    doc="The events of one message (sent, opened, clicked ...); read per message ID, repeats allowed.",
    cursor=Cursor("EventAt", doc="No server-side bound: read per message."),
    fields=(
        Field("Comment", T.STR, read_only=True),
        Field("EventAt", T.UNIX, read_only=True),
        Field("EventType", T.STR, read_only=True, choices=HISTORY_EVENT_TYPES),
        Field("State", T.STR, read_only=True),
        Field("Useragent", T.STR, read_only=True),
        Field("UseragentID", T.INT, read_only=True),
    ),
    filters=(Filter("Message", T.INT, op=Op.SPECIAL, doc="The message ID (also `/messagehistory/{id}`)."),),
)

_MESSAGEINFORMATION_FIELDS = (
    Field("CampaignID", T.INT, read_only=True, link="campaign"),
    Field("ClickTrackedCount", T.INT, read_only=True),
    Field("ContactID", T.INT, read_only=True, link="contact"),
    Field("CreatedAt", T.TS, read_only=True),
    id_field("The message ID."),
    Field("MessageSize", T.INT, read_only=True),
    Field("OpenTrackedCount", T.INT, read_only=True),
    Field("QueuedCount", T.INT, read_only=True),
    Field("SendEndAt", T.TS, read_only=True),
    Field("SentCount", T.INT, read_only=True),
    Field("SpamAssassinRules", T.JSON, read_only=True, doc='Seen {"ALT": "", "ID": -1}.'),
    Field("SpamAssassinScore", T.NUM, read_only=True),
)

MESSAGEINFORMATION = Resource(
    name="messageinformation",
    mailjet_name="messageinformation",
    area=Area.STATISTICS,
    computed=True,
    doc="Per-message delivery and tracking details (ID = message ID).",
    cursor=Cursor(
        "CreatedAt", doc="FromTS/ToTS bound the campaign SendStartAt, not CreatedAt: filter locally."
    ),
    fields=_MESSAGEINFORMATION_FIELDS,
    filters=campaign_stat_filters(_MESSAGEINFORMATION_FIELDS),
    sort=(Sort("ID"), Sort("CreatedAt")),
)


def _extra(*specs: tuple[str, T]) -> tuple[Field, ...]:
    """messagesentstatistics fields filled only with ShowExtraData=true."""
    return tuple(Field(name, kind, read_only=True, shown_by="ShowExtraData") for name, kind in specs)


_MESSAGESENTSTATISTICS_FIELDS = (
    *ro(("ArrivalTs", T.TS), ("Blocked", T.BOOL), ("Bounce", T.BOOL)),
    *_extra(("BounceDate", T.TS), ("BounceReason", T.STR)),
    Field("CampaignID", T.INT, read_only=True, link="campaign"),
    *ro(("Click", T.BOOL), ("CntRecipients", T.INT)),
    *_extra(("ComplaintDate", T.TS)),
    Field("ContactID", T.INT, read_only=True, link="contact"),
    *ro(("Details", T.STR)),
    *_extra(("FBLSource", T.STR)),
    Field("MessageID", T.INT, read_only=True, link="message"),
    *ro(("Open", T.BOOL), ("Queued", T.BOOL), ("Sent", T.BOOL), ("Spam", T.BOOL)),
    Field("StateID", T.INT, read_only=True, link="messagestate"),
    Field("StatePermanent", T.BOOL, read_only=True),
    Field("Status", T.STR, read_only=True, choices=MESSAGE_STATUSES),
    Field("ToEmail", T.EMAIL, read_only=True),
    Field("Unsub", T.BOOL, read_only=True),
    Field("WorkflowID", T.INT, read_only=True, link="workflow"),
)

MESSAGESENTSTATISTICS = Resource(
    name="messagesentstatistics",
    mailjet_name="messagesentstatistics",
    area=Area.STATISTICS,
    primary_key=("MessageID",),
    computed=True,
    doc="Legacy per-message outcome (sent, opened, bounced ...), one row per message.",
    cursor=Cursor(
        "ArrivalTs", doc="FromTS/ToTS bound the campaign SendStartAt, not ArrivalTs: filter locally."
    ),
    fields=_MESSAGESENTSTATISTICS_FIELDS,
    filters=(
        *campaign_stat_filters(_MESSAGESENTSTATISTICS_FIELDS),
        Filter("AllMessages", T.BOOL, op=Op.SPECIAL, doc="Default: only the first message of each campaign."),
        Filter("BounceEventFromTs", T.TS, "BounceDate", Op.GT),
        Filter("BounceEventToTs", T.TS, "BounceDate", Op.LE),
        Filter("SpamEventFromTs", T.TS, "ComplaintDate", Op.GT),
        Filter("SpamEventToTs", T.TS, "ComplaintDate", Op.LE),
        Filter("Contact", T.INT, "ContactID"),
        Filter("CustomID", T.STR, op=Op.SPECIAL),
        Filter("RawData", T.BOOL, op=Op.SPECIAL),
        Filter(
            "ShowExtraData", T.BOOL, op=Op.SPECIAL, doc="Fills BounceDate/Reason, FBLSource, ComplaintDate."
        ),
        Filter("WorkflowID", T.INT, "WorkflowID"),
    ),
    sort=(Sort("ArrivalTs"),),
)

MESSAGESTATE = Resource(
    name="messagestate",
    mailjet_name="messagestate",
    area=Area.STATISTICS,
    account_data=False,
    doc="Reference table of delivery failure states (ID, RelatedTo, State).",
    fields=(
        id_field(),
        Field("RelatedTo", T.STR, read_only=True),
        Field("State", T.STR, read_only=True),
    ),
    sort=(Sort("ID"),),
)

MESSAGE_RESOURCES: tuple[Resource, ...] = (
    MESSAGE,
    MESSAGEHISTORY,
    MESSAGEINFORMATION,
    MESSAGESENTSTATISTICS,
    MESSAGESTATE,
)
