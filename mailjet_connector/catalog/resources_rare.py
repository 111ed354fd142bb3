"""Catalog entries for the rarely needed META resources (§2.4): A/B tests, workflows, widgets, tokens, metadata.

Fields, filters, keys and verbs come from the recorded `GET /v3/REST/metadata` (META, 2021); link properties
carry their `ID` suffix as everywhere else. None of these is computed: the emulator stores them (empty unless
seeded).
"""

from __future__ import annotations

from mailjet_connector.catalog.enums import (
    APITOKEN_ACCESS,
    APITOKEN_TYPES,
    AXTEST_MODES,
    AXTEST_WINNER_METHODS,
    DEFAULT_OR_NONE,
    TEMPLATE_OWNER_TYPES,
    WORKFLOW_STATUSES,
)
from mailjet_connector.catalog.model import Action, Area, Field, Filter, Op, Resource, Sort
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.model import Verb as V
from mailjet_connector.catalog.resources_parts import (
    CRUD,
    GET_POST_PUT,
    id_field,
    ro,
    text_filters,
)

_ID_SORT = (Sort("ID"),)


def _special(*names: str, kind: T = T.INT) -> tuple[Filter, ...]:
    return tuple(Filter(n, kind, op=Op.SPECIAL) for n in names)


AXTESTING = Resource(
    name="axtesting",
    mailjet_name="axtesting",
    area=Area.CAMPAIGNS,
    verbs=CRUD,
    doc="An A/B test between campaign draft variants, with its winner rule.",
    fields=(
        Field("ContactListID", T.INT, link="contactslist"),
        Field("CreatedAt", T.TS),
        Field("Deleted", T.BOOL, default=False),
        id_field(),
        Field("Mode", T.STR, default="automatic", choices=AXTEST_MODES),
        Field("Name", T.STR, default=""),
        Field("Percentage", T.NUM, default=0.0),
        Field("RemainderAt", T.TS),
        Field("SegmentationID", T.INT, link="contactfilter"),
        Field("Starred", T.BOOL, default=False),
        Field("StartAt", T.TS),
        Field("Status", T.STR, default=""),
        Field("StatusCode", T.INT, read_only=True),
        Field("StatusString", T.STR, read_only=True),
        Field("WinnerClickRate", T.NUM, default=0.0),
        Field("WinnerID", T.INT, default=0),
        Field("WinnerMethod", T.STR, default="OpenRate", choices=AXTEST_WINNER_METHODS),
        Field("WinnerOpenRate", T.NUM, default=0.0),
        Field("WinnerSpamRate", T.NUM, default=0.0),
        Field("WinnerUnsubRate", T.NUM, default=0.0),
    ),
    filters=(
        Filter("ContactsList", T.INT, "ContactListID"),
        Filter("IsDeleted", T.BOOL, "Deleted"),
        Filter("IsStarred", T.BOOL, "Starred"),
        Filter("Segmentation", T.INT, "SegmentationID"),
    ),
    sort=_ID_SORT,
)

CAMPAIGNAGGREGATE = Resource(
    name="campaignaggregate",
    mailjet_name="campaignaggregate",
    area=Area.CAMPAIGNS,
    verbs=CRUD,
    doc="A saved group of campaigns (by IDs, list, segment, sender, keyword, dates) for combined stats.",
    fields=(
        Field("CampaignIDS", T.STR, default="", doc="Comma-separated campaign IDs."),
        Field("ContactFilterID", T.INT, link="contactfilter"),
        Field("ContactsListID", T.INT, link="contactslist"),
        Field("Final", T.BOOL, read_only=True, default=False),
        Field("FromDate", T.TS),
        id_field(),
        Field("Keyword", T.STR, default=""),
        Field("Name", T.STR, default=""),
        Field("SenderID", T.INT, link="sender"),
        Field("ToDate", T.TS),
    ),
    filters=(
        Filter("ContactFilter", T.INT, "ContactFilterID"),
        Filter("ContactsList", T.INT, "ContactsListID"),
        Filter("Sender", T.INT, "SenderID"),
    ),
    sort=_ID_SORT,
)

_AGGREGATE_METRICS = ("Blocked", "Bounced", "Clicked", "Opened", "Sent", "SpamComplaint", "Unsubscribed")

AGGREGATEGRAPHSTATISTICS = Resource(
    name="aggregategraphstatistics",
    mailjet_name="aggregategraphstatistics",
    area=Area.STATISTICS,
    primary_key=("CampaignAggregateID", "RefTimestamp"),
    doc="Average counts (and standard deviations) per time bucket over a campaign aggregate.",
    fields=(
        *ro(*((f"{m}Count", T.NUM) for m in _AGGREGATE_METRICS)),
        # META spells the spam deviation with a lower-case c, unlike the count.
        *ro(
            *(
                (f"{m}StdDev" if m != "SpamComplaint" else "SpamcomplaintStdDev", T.NUM)
                for m in _AGGREGATE_METRICS
            )
        ),
        Field("CampaignAggregateID", T.INT, read_only=True, link="campaignaggregate"),
        Field("RefTimestamp", T.UNIX, read_only=True),
    ),
    filters=(
        Filter("CampaignAggregateID", T.INT, "CampaignAggregateID"),
        Filter("Range", T.STR, op=Op.SPECIAL, doc="Time range of the buckets."),
    ),
)

APIKEYACCESS = Resource(
    name="apikeyaccess",
    mailjet_name="apikeyaccess",
    area=Area.ACCOUNT,
    verbs=CRUD,
    doc="Access granted to another user on an API key (sub-account sharing).",
    fields=(
        Field("AllowedAccess", T.STR, default=""),
        Field("APIKeyID", T.INT, required=True, link="apikey"),
        Field("CreatedAt", T.TS),
        Field("CustomName", T.STR, default=""),
        id_field(),
        Field("IsActive", T.BOOL, default=False),
        Field("LastActivityAt", T.TS),
        Field("RealUserID", T.INT, link="user"),
        Field("SubaccountID", T.INT),
        Field("UserID", T.INT, required=True, link="user"),
    ),
    filters=(
        Filter("APIKey", T.INT, "APIKeyID"),
        Filter("Email", T.EMAIL, op=Op.SPECIAL, doc="Email of the user granted access."),
        Filter("IsActive", T.BOOL, "IsActive"),
        Filter("RealUser", T.INT, "RealUserID"),
        Filter("SubAccount", T.INT, "SubaccountID"),
        Filter("Token", T.STR, op=Op.SPECIAL),
        Filter("User", T.INT, "UserID"),
    ),
    sort=_ID_SORT,
)

APIKEYACCESSGRANTOR = Resource(
    name="apikeyaccessgrantor",
    mailjet_name="apikeyaccessgrantor",
    area=Area.ACCOUNT,
    # One row per grant: APIKeyID alone repeats (issue #17: three grants collapsed into one row).
    primary_key=("APIKeyID", "Name"),
    doc="API keys whose owners granted the caller access.",
    fields=(
        Field("APIKeyID", T.INT, read_only=True, link="apikey"),
        *ro(("IsMaster", T.BOOL), ("IsQuarantined", T.BOOL), ("Name", T.STR), ("Senders", T.STR)),
    ),
    filters=(
        Filter("APIKey", T.INT, "APIKeyID"),
        Filter("Name", T.STR, "Name"),
        *_special("RealUserID", "SubAccountID"),
    ),
)

APITOKEN = Resource(
    name="apitoken",
    mailjet_name="apitoken",
    area=Area.ACCOUNT,
    verbs=CRUD,
    unique_keys=(("Token",),),
    doc="A scoped access token (iframe, URL or page) for embedding Mailjet views.",
    fields=(
        Field("ACL", T.STR, default=""),
        Field("AllowedAccess", T.STR, required=True, doc=f"Comma list of: {', '.join(APITOKEN_ACCESS)}."),
        Field("APIKeyID", T.INT, required=True, link="apikey"),
        Field("CatchedIp", T.STR, default=""),
        Field("CreatedAt", T.TS),
        Field("FirstUsedAt", T.TS),
        id_field(),
        Field("IsActive", T.BOOL, default=False),
        Field("Lang", T.STR, default=""),
        Field("LastUsedAt", T.TS),
        Field("SentData", T.STR, default=""),
        Field("Timezone", T.STR, default=""),
        Field("Token", T.STR, secret=True, doc="Generated when not given; a credential."),
        Field("TokenType", T.STR, required=True, default="url", choices=APITOKEN_TYPES),
        Field("ValidFor", T.INT, default=0, doc="Seconds."),
    ),
    filters=(
        Filter("APIKey", T.INT, "APIKeyID"),
        Filter("CatchedIp", T.STR, "CatchedIp"),
        Filter("IsActive", T.BOOL, "IsActive"),
        Filter("IsAPIKeyActive", T.BOOL, op=Op.SPECIAL),
        Filter("Token", T.STR, "Token"),
    ),
    sort=_ID_SORT,
)

APPPREFERENCES = Resource(
    name="apppreferences",
    mailjet_name="apppreferences",
    area=Area.ACCOUNT,
    doc="Application preferences of an API key (key/value).",
    fields=(
        Field("APIKeyID", T.INT, read_only=True, link="apikey"),
        id_field(),
        Field("PrefKey", T.STR, read_only=True),
        Field("PrefValue", T.STR, read_only=True),
    ),
    # Not in META 2021; OAS lists the `Key` text-filter family (mailjet-api.md §1.6) [L].
    filters=text_filters("Key", "PrefKey"),
    sort=_ID_SORT,
)

METADATA = Resource(
    name="metadata",
    mailjet_name="metadata",
    area=Area.ACCOUNT,
    primary_key=("Name",),
    unique_keys=(("Name",),),
    account_data=False,
    doc="The API's own description of every resource (ignores Limit).",
    fields=(
        Field("Actions", T.JSON, read_only=True),
        Field("APIVersion", T.STR, read_only=True),
        Field("Description", T.STR, read_only=True),
        Field("Filters", T.JSON, read_only=True),
        Field("IsReadOnly", T.BOOL, read_only=True),
        Field("Name", T.STR, read_only=True),
        Field("PrivateOperations", T.STR, read_only=True),
        Field("Properties", T.JSON, read_only=True),
        Field("PublicOperations", T.STR, read_only=True),
        Field("SortInfo", T.JSON, read_only=True),
        Field("UniqueKey", T.STR, read_only=True),
    ),
    filters=(
        *_special("PublicResources", "ReadOnlyResources", kind=T.BOOL),
        Filter("ResourceName", T.STR, "Name", ci=True),
    ),
)

_NEWSLETTER_LAYOUT = (
    Field("Footer", T.STR, default="default", choices=DEFAULT_OR_NONE),
    Field("FooterAddress", T.STR, default=""),
    Field("FooterWYSIWYGType", T.INT, default=0),
    *(Field(n, T.STR, default="") for n in ("HeaderFilename", "HeaderLink", "HeaderText", "HeaderUrl")),
)

NEWSLETTERTEMPLATE = Resource(
    name="newslettertemplate",
    mailjet_name="newslettertemplate",
    area=Area.TEMPLATES,
    verbs=GET_POST_PUT,
    doc="Legacy newsletter template (layout for the legacy newsletter tool).",
    fields=(
        Field("CategoryID", T.INT, link="newslettertemplatecategory"),
        Field("CreatedAt", T.TS),
        *_NEWSLETTER_LAYOUT,
        id_field(),
        Field("Locale", T.STR, required=True),
        Field("Name", T.STR, default=""),
        Field("Permalink", T.STR, default="default", choices=DEFAULT_OR_NONE),
        Field("PermalinkWYSIWYGType", T.INT, default=0),
        Field("SourceNewsLetterID", T.INT, link="newsletter"),
        Field("Status", T.INT, default=0),
    ),
    filters=(
        Filter("IsPublic", T.BOOL, op=Op.SPECIAL),
        Filter("NewsLetterTemplateCategory", T.INT, "CategoryID"),
    ),
    sort=_ID_SORT,
)

NEWSLETTERTEMPLATECATEGORY = Resource(
    name="newslettertemplatecategory",
    mailjet_name="newslettertemplatecategory",
    area=Area.TEMPLATES,
    account_data=False,
    doc="Reference tree of legacy newsletter template categories.",
    fields=(
        Field("Description", T.STR, read_only=True),
        id_field(),
        Field("Locale", T.STR, read_only=True),
        Field("ParentCategoryID", T.INT, read_only=True, link="newslettertemplatecategory"),
        Field("Value", T.STR, read_only=True),
    ),
    filters=(Filter("Locale", T.STR, "Locale"),),
    sort=_ID_SORT,
)

PRESET = Resource(
    name="preset",
    mailjet_name="preset",
    area=Area.TEMPLATES,
    verbs=CRUD,
    unique_keys=(("OwnerType", "Name"),),
    doc="A saved style preset for the template editor.",
    fields=(
        Field("Author", T.STR, default=""),
        Field("Copyright", T.STR, default=""),
        Field("Description", T.STR, default=""),
        id_field(),
        Field("Name", T.STR, default=""),
        Field("OwnerID", T.INT, read_only=True),
        Field("OwnerType", T.STR, default="apikey", choices=TEMPLATE_OWNER_TYPES),
        Field("Preset", T.STR, default="", doc="The preset definition (JSON text)."),
    ),
    filters=(
        *_special("APIKey"),
        Filter("Name", T.STR, "Name"),
        Filter("OwnerType", T.STR, "OwnerType"),
        *_special("User"),
    ),
    sort=_ID_SORT,
)

USERACTIVITY = Resource(
    name="useractivity",
    mailjet_name="useractivity",
    area=Area.ACCOUNT,
    primary_key=("uid", "ts"),
    doc="Usage samples of the user (timestamp, user ID, usage).",
    fields=(Field("ts", T.TS, read_only=True), *ro(("uid", T.INT), ("use", T.INT))),
    filters=(Filter("ts", T.TS, "ts"), Filter("uid", T.INT, "uid")),
)

WIDGET = Resource(
    name="widget",
    mailjet_name="widget",
    area=Area.LISTS,
    verbs=CRUD,
    doc="A subscription widget (signup form) feeding a contact list.",
    fields=(
        Field("CreatedAt", T.UNIX),
        Field("FromID", T.INT, required=True, link="sender"),
        id_field(),
        Field("IsActive", T.BOOL, default=False),
        Field("ListID", T.INT, required=True, link="contactslist"),
        Field("Locale", T.STR, required=True),
        Field("Name", T.STR, default=""),
        Field("Replyto", T.EMAIL, default=""),
        Field("Sendername", T.STR, default=""),
        Field("Subject", T.STR, default=""),
        Field("TemplateID", T.INT, doc="Confirmation message template."),
    ),
    filters=(
        Filter("active", T.BOOL, "IsActive"),
        *_special("APIKey"),
        Filter("ContactsList", T.INT, "ListID"),
        Filter("Locale", T.STR, "Locale"),
        Filter("MessageTemplate", T.INT, "TemplateID"),
        Filter("Sender", T.INT, "FromID"),
    ),
    sort=_ID_SORT,
)

WIDGETCUSTOMVALUE = Resource(
    name="widgetcustomvalue",
    mailjet_name="widgetcustomvalue",
    area=Area.LISTS,
    verbs=CRUD,
    unique_keys=(("WidgetID", "Name"),),
    doc="A custom text value of a subscription widget (key `{Widget}|{Name}`).",
    fields=(
        Field("APIKeyID", T.INT, link="apikey"),
        Field("Display", T.BOOL, default=False),
        id_field(),
        Field("Name", T.STR, required=True),
        Field("Value", T.STR, default=""),
        Field("WidgetID", T.INT, required=True, link="widget"),
    ),
    filters=(Filter("Name", T.STR, "Name"), Filter("Widget", T.INT, "WidgetID")),
    sort=_ID_SORT,
)

_WORKFLOW_ACTIONS = tuple(
    Action(name, (V.POST,), doc=f"{name.capitalize()} the workflow.")
    for name in ("start", "stop", "archive", "lock", "check", "restore")
)

WORKFLOW = Resource(
    name="workflow",
    mailjet_name="workflow",
    area=Area.CAMPAIGNS,
    verbs=CRUD,
    unique_keys=(("Name",),),
    doc="A marketing automation workflow.",
    fields=(
        Field("CreatedAt", T.TS, read_only=True),
        id_field(),
        Field("IsDeleted", T.BOOL, read_only=True, default=False),
        Field("ModifiedAt", T.TS, read_only=True),
        Field("Name", T.STR, default=""),
        Field("Status", T.STR, read_only=True, default="Draft", choices=WORKFLOW_STATUSES),
    ),
    filters=(
        Filter("IsActive", T.BOOL, op=Op.SPECIAL, doc="Status Started."),
        Filter("IsDeleted", T.BOOL, "IsDeleted"),
        *text_filters("Name", "Name"),
        Filter("Status", T.STR, "Status"),
    ),
    sort=_ID_SORT,
    actions=(
        *_WORKFLOW_ACTIONS,
        Action("log", (V.GET,), doc="Execution log."),
        Action("contact", (V.GET, V.DELETE), doc="Contacts in the workflow; DELETE removes one."),
    ),
)

WORKFLOWSTATISTICS = Resource(
    name="workflowstatistics",
    mailjet_name="workflowstatistics",
    area=Area.STATISTICS,
    primary_key=("WorkflowID",),
    doc="Counters per automation workflow.",
    fields=(
        *ro(
            *(
                (n, T.INT)
                for n in (
                    "AutoCleanExitedCount",
                    "BlockedCount",
                    "BouncedCount",
                    "ClickedCount",
                    "ContactCompletedCount",
                    "ContactCount",
                    "ContactUneligibleCount",
                    "DeliveredCount",
                    "ExitConditionExitedCount",
                    "ExitedWorkflowCount",
                    "ExitLinkExitedCount",
                )
            )
        ),
        *ro(("LastContactEnteredAt", T.TS), ("LastMessageSentAt", T.TS)),
        *ro(*((n, T.INT) for n in ("OpenedCount", "ProcessedCount", "QueuedCount", "SpamComplaintCount"))),
        Field("UserExitedCount", T.INT, read_only=True),
        Field("WorflowStartedAt", T.TS, read_only=True, doc="Sic: META's spelling."),
        Field("WorkflowID", T.INT, read_only=True, link="workflow"),
    ),
    filters=(
        Filter("FromTS", T.TS, op=Op.SPECIAL, doc="Counts events later than value."),
        Filter("ToTS", T.TS, op=Op.SPECIAL, doc="Counts events before or equal to value."),
        Filter("WorkflowID", T.INT, "WorkflowID"),
    ),
)

RARE_RESOURCES: tuple[Resource, ...] = (
    AXTESTING,
    CAMPAIGNAGGREGATE,
    AGGREGATEGRAPHSTATISTICS,
    APIKEYACCESS,
    APIKEYACCESSGRANTOR,
    APITOKEN,
    APPPREFERENCES,
    METADATA,
    NEWSLETTERTEMPLATE,
    NEWSLETTERTEMPLATECATEGORY,
    PRESET,
    USERACTIVITY,
    WIDGET,
    WIDGETCUSTOMVALUE,
    WORKFLOW,
    WORKFLOWSTATISTICS,
)
