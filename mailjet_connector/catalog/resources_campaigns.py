"""Catalog entries for campaigns, drafts (campaigndraft and legacy newsletter) and templates (§2.2, §2.4)."""

from __future__ import annotations

from mailjet_connector.catalog.enums import (
    CAMPAIGN_TYPES,
    CAMPAIGNDRAFT_EDIT_MODES,
    CAMPAIGNDRAFT_STATUSES,
    CAMPAIGNOVERVIEW_EDIT_MODES,
    CAMPAIGNOVERVIEW_EDIT_TYPES,
    CAMPAIGNOVERVIEW_ID_TYPES,
    DEFAULT_OR_NONE,
    NEWSLETTER_EDIT_MODES,
    NEWSLETTER_EDIT_TYPES,
    TEMPLATE_EDIT_MODES,
    TEMPLATE_OWNER_TYPES,
    TEMPLATE_PURPOSES,
    TEMPLATE_SELECTION_METHODS,
    codes_doc,
)
from mailjet_connector.catalog.model import Action, Area, Cursor, Field, Filter, Op, Resource, Sort
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.model import Verb as V
from mailjet_connector.catalog.resources_parts import (
    CRUD,
    GET_POST_PUT,
    GET_PUT,
    by_name,
    campaign_stat_filters,
    id_field,
)

_CAMPAIGN_FIELDS = (
    Field("CampaignType", T.INT, read_only=True, doc=codes_doc(CAMPAIGN_TYPES)),
    Field("ClickTracked", T.INT, read_only=True),
    Field("CreatedAt", T.TS, read_only=True),
    Field("CustomValue", T.STR, read_only=True, doc='"mj.nl=<newsletterId>" or the CustomCampaign name.'),
    Field("FirstMessageID", T.INT, read_only=True, link="message"),
    Field("FromEmail", T.EMAIL, read_only=True),
    Field("FromID", T.INT, read_only=True, link="sender"),
    Field("FromName", T.STR, read_only=True),
    Field("HasHtmlCount", T.INT, read_only=True),
    Field("HasTxtCount", T.INT, read_only=True),
    id_field(),
    Field("IsDeleted", T.BOOL, default=False),
    Field("IsStarred", T.BOOL, default=False),
    Field("ListID", T.INT, read_only=True, link="contactslist"),
    Field("NewsLetterID", T.INT, read_only=True, link="newsletter"),
    Field("OpenTracked", T.INT, read_only=True),
    Field("SegmentationID", T.INT, read_only=True, link="contactfilter"),
    Field("SendEndAt", T.TS, read_only=True),
    Field("SendStartAt", T.TS, read_only=True),
    Field("SpamassScore", T.NUM, read_only=True),
    Field("Status", T.INT, read_only=True),
    Field("Subject", T.STR, read_only=True),
    Field("UnsubscribeTrackedCount", T.INT, read_only=True),
    Field("WorkflowID", T.INT, read_only=True, link="workflow"),
)

CAMPAIGN = Resource(
    name="campaign",
    mailjet_name="campaign",
    area=Area.CAMPAIGNS,
    verbs=GET_PUT,
    unique_keys=(("CustomValue",),),
    doc="One newsletter send or transactional grouping, created by Mailjet; only IsDeleted/IsStarred writable.",
    cursor=Cursor(
        "SendStartAt", "FromTS", "ToTS", doc="CreatedAt differs from SendStartAt for scheduled sends."
    ),
    fields=_CAMPAIGN_FIELDS,
    filters=(
        *campaign_stat_filters(
            _CAMPAIGN_FIELDS,
            own={
                "CampaignID": "ID",
                "CampaignStatus": "Status",
                "ContactsList": "ListID",
                "ContactsListID": "ListID",
                "CustomCampaign": "CustomValue",
                "From": "FromEmail",
                "FromType": "CampaignType",
            },
            message_status=False,
        ),
        Filter("WorkflowID", T.INT, "WorkflowID"),
    ),
    sort=(Sort("ID"),),
)

# Fields shared by campaigndraft and the legacy newsletter.
_DRAFT_FIELDS = (
    Field("AXFraction", T.NUM, default=0.0),
    Field("AXFractionName", T.STR, default=""),
    Field("AXTestingID", T.INT, link="axtesting"),
    Field("CampaignID", T.INT, read_only=True, link="campaign"),
    Field("ContactsListID", T.INT, link="contactslist", doc="Needed to send."),
    Field("CreatedAt", T.TS, read_only=True),
    Field("DeliveredAt", T.TS, read_only=True),
    id_field(),
    Field("IsStarred", T.BOOL, default=False),
    Field("IsTextPartIncluded", T.BOOL, default=False),
    Field("Locale", T.STR, required=True, doc="e.g. en_US."),
    Field("ModifiedAt", T.TS, read_only=True),
    Field("ReplyEmail", T.EMAIL, default=""),
    Field("SegmentationID", T.INT, link="contactfilter"),
    Field("Sender", T.STR, required=True, doc="Sender ID or name."),
    Field("SenderEmail", T.EMAIL, required=True, doc="Must be an active sender to send."),
    Field("SenderName", T.STR, default=""),
    Field("Status", T.INT, read_only=True, default=0, doc=codes_doc(CAMPAIGNDRAFT_STATUSES)),
    Field("Subject", T.STR, required=True),
    Field("Title", T.STR, default=""),
    Field("Url", T.STR, default=""),
)

_DRAFT_FILTERS = (
    Filter("AXTesting", T.INT, "AXTestingID"),
    Filter("Campaign", T.INT, "CampaignID"),
    Filter("ContactsList", T.INT, "ContactsListID"),
    Filter("DeliveredAt", T.TS, "DeliveredAt", Op.GT, doc="Delivered after value."),
    Filter("EditMode", T.STR, "EditMode"),
    Filter("IsArchived", T.BOOL, op=Op.SPECIAL, doc="Status -1."),
    Filter("IsCampaign", T.BOOL, "CampaignID", Op.NOT_EMPTY, doc="Already sent as a campaign."),
    Filter("IsDeleted", T.BOOL, op=Op.SPECIAL, doc="Status -2."),
    Filter("IsHandled", T.BOOL, op=Op.SPECIAL),
    Filter("IsStarred", T.BOOL, "IsStarred"),
    Filter("Modified", T.TS, op=Op.SPECIAL, doc="Modified since value [U]."),
    Filter("NewsLetterTemplate", T.INT, op=Op.SPECIAL),
    Filter("Segmentation", T.INT, "SegmentationID"),
    Filter("Status", T.INT, "Status", Op.IN, doc="Status codes, comma-separated."),
    Filter("Subject", T.STR, "Subject"),
    Filter("Template", T.INT, "TemplateID"),
)


# The body of detailcontent (drafts, newsletters, templates): mailjet-api.md §2.2 and §2.4.
CONTENT_FIELDS = (
    Field("Html-part", T.STR),
    Field("Text-part", T.STR),
    Field("MJMLContent", T.STR),
    Field("Headers", T.JSON, doc="From, Subject, Reply-To (templates)."),
)


def _draft_actions(content_verbs: tuple[V, ...]) -> tuple[Action, ...]:
    """The sub-actions of a draft; sending ones belong to the `send` area for agent policies."""
    return (
        Action(
            "detailcontent",
            content_verbs,
            doc="Html-part, Text-part, MJMLContent, Headers; POST resets.",
            fields=CONTENT_FIELDS,
        ),
        Action("test", (V.POST,), area=Area.SEND, doc="Send a test to the given recipients."),
        Action("send", (V.POST,), area=Area.SEND, doc="Send now."),
        Action(
            "schedule",
            (V.GET, V.POST, V.PUT, V.DELETE),
            area=Area.SEND,
            doc="Schedule; DELETE cancels.",
            fields=(Field("Date", T.STR, doc='RFC 3339, or "NOW".'),),
        ),
        Action("status", (V.GET,), doc="Draft | Programmed | Sent ..."),
    )


_DRAFT_CURSOR = Cursor(
    "ModifiedAt", doc="No server-side bound on ModifiedAt (DeliveredAt filter: sent only)."
)

CAMPAIGNDRAFT = Resource(
    name="campaigndraft",
    mailjet_name="campaigndraft",
    area=Area.CAMPAIGNS,
    verbs=GET_POST_PUT,
    doc="A campaign being prepared: content, sender, list; test, schedule and send it.",
    cursor=_DRAFT_CURSOR,
    fields=by_name(
        *_DRAFT_FIELDS,
        Field("Current", T.INT, default=0),
        Field("EditMode", T.STR, default="html2", choices=CAMPAIGNDRAFT_EDIT_MODES),
        Field("Preset", T.STR, default=""),
        Field("TemplateID", T.INT, link="template"),
        Field("Used", T.BOOL, default=False),
    ),
    filters=_DRAFT_FILTERS,
    sort=(Sort("ID"),),
    actions=_draft_actions((V.GET, V.POST, V.PUT)),
)

NEWSLETTER = Resource(
    name="newsletter",
    mailjet_name="newsletter",
    area=Area.CAMPAIGNS,
    verbs=GET_POST_PUT,
    doc="Legacy campaign draft (cannot see campaigndraft drafts and vice versa).",
    cursor=_DRAFT_CURSOR,
    fields=by_name(
        *_DRAFT_FIELDS,
        Field("Callback", T.STR, default=""),
        Field("EditMode", T.STR, default="tool", choices=NEWSLETTER_EDIT_MODES),
        Field("EditType", T.STR, default="full", choices=NEWSLETTER_EDIT_TYPES),
        Field("Footer", T.STR, default="default", choices=DEFAULT_OR_NONE),
        Field("FooterAddress", T.STR, default=""),
        Field("FooterWYSIWYGType", T.INT, default=0),
        Field("HeaderFilename", T.STR, default=""),
        Field("HeaderLink", T.STR, default=""),
        Field("HeaderText", T.STR, default=""),
        Field("HeaderUrl", T.STR, default=""),
        Field("Ip", T.STR, default=""),
        Field("IsHandled", T.BOOL, read_only=True, default=False),
        Field("Permalink", T.STR, default="default", choices=DEFAULT_OR_NONE),
        Field("PermalinkHost", T.STR, default=""),
        Field("PermalinkWYSIWYGType", T.INT, default=0),
        Field("PolitenessMode", T.INT, default=0),
        Field("TemplateID", T.INT, link="newslettertemplate"),
        Field("TestAddress", T.EMAIL, default=""),
    ),
    filters=_DRAFT_FILTERS,
    sort=(Sort("ID"),),
    actions=_draft_actions((V.GET, V.POST, V.PUT, V.DELETE)),
)

CAMPAIGNOVERVIEW = Resource(
    name="campaignoverview",
    mailjet_name="campaignoverview",
    area=Area.CAMPAIGNS,
    primary_key=("IDType", "ID"),
    unique_keys=(("IDType", "ID"),),
    computed=True,
    doc="One row per campaign, A/B test or draft, with headline counts (the dashboard list).",
    fields=(
        Field("ClickedCount", T.INT, read_only=True),
        Field("DeliveredCount", T.INT, read_only=True),
        Field("EditMode", T.STR, read_only=True, choices=CAMPAIGNOVERVIEW_EDIT_MODES),
        Field("EditType", T.STR, read_only=True, choices=CAMPAIGNOVERVIEW_EDIT_TYPES),
        Field("ID", T.INT, read_only=True, doc="ID of the campaign, A/B test or newsletter (see IDType)."),
        Field("IDType", T.STR, read_only=True, choices=CAMPAIGNOVERVIEW_ID_TYPES),
        Field("OpenedCount", T.INT, read_only=True),
        Field("ProcessedCount", T.INT, read_only=True),
        Field("SendTimeStart", T.UNIX, read_only=True),
        Field("Starred", T.BOOL, read_only=True),
        Field("Status", T.INT, read_only=True),
        Field("Subject", T.STR, read_only=True),
        Field("Title", T.STR, read_only=True),
    ),
    filters=(
        Filter("All", T.BOOL, op=Op.SPECIAL, doc="All kinds (else sent campaigns only) [U]."),
        Filter("Archived", T.BOOL, op=Op.SPECIAL),
        Filter("Drafts", T.BOOL, op=Op.SPECIAL),
        Filter("ID", T.INT, "ID"),
        Filter("IDType", T.STR, "IDType"),
        Filter("Programmed", T.BOOL, op=Op.SPECIAL),
        Filter("Sent", T.BOOL, op=Op.SPECIAL),
        Filter("Starred", T.BOOL, "Starred"),
        Filter("Subject", T.STR, "Subject"),
    ),
    sort=(Sort("ID"), Sort("SendTimeStart")),
)

TEMPLATE = Resource(
    name="template",
    mailjet_name="template",
    area=Area.TEMPLATES,
    verbs=CRUD,
    unique_keys=(("OwnerType", "Name"),),
    doc="A reusable email template; content lives in the detailcontent sub-action.",
    fields=(
        Field("Author", T.STR, default=""),
        Field("Categories", T.JSON, default=(), doc="List of strings."),
        Field("Copyright", T.STR, default=""),
        Field("CreatedAt", T.TS, read_only=True),
        Field("Description", T.STR, default=""),
        Field("EditMode", T.INT, default=2, doc=codes_doc(TEMPLATE_EDIT_MODES)),
        id_field(),
        Field("IsStarred", T.BOOL, default=False),
        Field("IsTextPartGenerationEnabled", T.BOOL, default=False),
        Field("LastUpdatedAt", T.TS, read_only=True),
        Field("Locale", T.STR, default="en_US"),
        Field("LocaleList", T.JSON, default=()),
        Field("Name", T.STR, required=True, doc="Unique per OwnerType."),
        Field("OwnerId", T.INT, read_only=True),
        Field("OwnerType", T.STR, default="apikey", choices=TEMPLATE_OWNER_TYPES),
        Field("Presets", T.STR, default=""),
        Field("Previews", T.JSON, read_only=True, default=(), doc="List of ints."),
        Field("Purposes", T.JSON, default=(), doc=" | ".join(TEMPLATE_PURPOSES) + "."),
    ),
    filters=(
        Filter("APIKey", T.INT, op=Op.SPECIAL),
        Filter("Categories", T.STR, op=Op.SPECIAL, doc="Comma list, see CategoriesSelectionMethod."),
        Filter("CategoriesSelectionMethod", T.STR, op=Op.SPECIAL, doc="|".join(TEMPLATE_SELECTION_METHODS)),
        Filter("EditMode", T.INT, "EditMode"),
        Filter("Name", T.STR, "Name"),
        Filter("OwnerType", T.STR, "OwnerType"),
        Filter("Purposes", T.STR, op=Op.SPECIAL, doc="Comma list, see PurposesSelectionMethod."),
        Filter("PurposesSelectionMethod", T.STR, op=Op.SPECIAL, doc="|".join(TEMPLATE_SELECTION_METHODS)),
        Filter("User", T.INT, op=Op.SPECIAL),
    ),
    sort=(Sort("ID"), Sort("Name")),
    actions=(
        Action(
            "detailcontent",
            (V.GET, V.POST, V.PUT),
            doc="Html-part, Text-part, MJMLContent, Headers.",
            fields=CONTENT_FIELDS,
        ),
        Action("detailpreviews", (V.POST, V.PUT, V.DELETE), doc="Upload a preview image (Mime, Image)."),
        Action("displaypreview", (V.GET,), doc="The preview image."),
        Action("detailthumbnail", (V.POST, V.PUT, V.DELETE), doc="Upload a thumbnail (Mime, Image)."),
        Action("displaythumbnail", (V.GET,), doc="The thumbnail image."),
    ),
)

CAMPAIGN_RESOURCES: tuple[Resource, ...] = (
    CAMPAIGN,
    CAMPAIGNDRAFT,
    NEWSLETTER,
    CAMPAIGNOVERVIEW,
    TEMPLATE,
)
