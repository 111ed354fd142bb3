"""Catalog entries for contacts, lists, properties, segments and imports (mailjet-api.md §2.1)."""

from __future__ import annotations

from mailjet_connector.catalog.enums import (
    CONTACT_DATATYPES,
    CONTACT_NAMESPACES,
    CONTACTFILTER_STATUSES,
    CSVIMPORT_METHODS,
    IMPORTLIST_ACTIONS,
    JOB_STATUSES,
    LIST_ACTIONS,
)
from mailjet_connector.catalog.model import Action, Area, Cursor, Field, Filter, Op, Resource, Sort
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.model import Verb as V
from mailjet_connector.catalog.resources_parts import (
    CRUD,
    GET_POST_DELETE,
    GET_POST_PUT,
    id_field,
    range_filters,
    text_filters,
)

# `[{ListID|ListAlt, Action}]` in managecontactslists and contact/managemanycontacts bodies (§4.1).
CONTACTS_LISTS = Field(
    "ContactsLists",
    T.JSON,
    required=True,
    doc="The lists and what to do in each.",
    items=(
        Field("ListID", T.INT, required=True, link="contactslist", doc="Or ListAlt (address)."),
        Field("Action", T.STR, required=True, choices=LIST_ACTIONS),
    ),
)

CONTACT = Resource(
    name="contact",
    mailjet_name="contact",
    area=Area.CONTACTS,
    verbs=GET_POST_PUT,
    unique_keys=(("Email",),),
    doc="A contact (an email address) of the account. No DELETE: use the v4 GDPR delete.",
    fields=(
        Field("CreatedAt", T.TS, read_only=True),
        Field("DeliveredCount", T.INT, read_only=True, default=0),
        Field("Email", T.EMAIL, required=True, doc="Cannot be changed by PUT."),
        Field("ExclusionFromCampaignsUpdatedAt", T.TS, read_only=True),
        id_field(),
        Field("IsExcludedFromCampaigns", T.BOOL, default=False),
        Field("IsOptInPending", T.BOOL, read_only=True, default=False),
        Field("IsSpamComplaining", T.BOOL, read_only=True, default=False),
        Field("LastActivityAt", T.TS, read_only=True),
        Field("LastUpdateAt", T.TS, read_only=True),
        Field("Name", T.STR, default=""),
        Field("UnsubscribedAt", T.TS, read_only=True),
        Field("UnsubscribedBy", T.STR, read_only=True, default=""),
    ),
    filters=(
        Filter("Campaign", T.INT, op=Op.SPECIAL, doc="Contacts that received a message of this campaign."),
        Filter("ContactsList", T.INT, op=Op.SPECIAL, doc="Contacts subscribed to this list."),
        Filter("IsExcludedFromCampaigns", T.BOOL, "IsExcludedFromCampaigns"),
        Filter("IsUnsubscribed", T.BOOL, "UnsubscribedAt", Op.NOT_EMPTY),
        Filter("LastActivityAt", T.TS, "LastActivityAt", doc="Equality, not a lower bound."),
        Filter("Status", T.STR, op=Op.SPECIAL),
        *text_filters("Email", "Email", exact_ci=True),
        Filter("IncludeAnonymized", T.BOOL, op=Op.SPECIAL, doc="Also list GDPR-anonymised contacts."),
    ),
    sort=(Sort("ID", desc=False), Sort("Email"), Sort("DeliveredCount"), Sort("CreatedAt")),
    actions=(
        Action("getcontactslists", (V.GET,), doc="Lists the contact is subscribed to."),
        Action(
            "managecontactslists",
            (V.POST,),
            doc="Add to, remove from or unsubscribe from lists.",
            fields=(CONTACTS_LISTS,),
        ),
        Action(
            "managemanycontacts",
            (V.GET, V.POST),
            scope="collection",
            doc="Async bulk job.",
            fields=(
                Field("Contacts", T.JSON, required=True),
                Field("ContactsLists", T.JSON, items=CONTACTS_LISTS.items),
            ),
        ),
        Action("export", (V.GET, V.POST), scope="collection", doc="Undocumented export job."),
    ),
)

CONTACTSLIST = Resource(
    name="contactslist",
    mailjet_name="contactslist",
    area=Area.LISTS,
    verbs=CRUD,
    unique_keys=(("Address",),),
    doc="A contact list. DELETE is a soft delete (IsDeleted=true).",
    fields=(
        Field("Address", T.STR, read_only=True, doc="Generated random address."),
        Field("CreatedAt", T.TS, read_only=True),
        id_field(),
        Field("IsDeleted", T.BOOL, default=False),
        Field("Name", T.STR, required=True, doc="Unique in the account."),
        Field("SubscriberCount", T.INT, read_only=True, default=0, doc="Includes unsubscribed and excluded."),
    ),
    filters=(
        Filter("Address", T.STR, "Address"),
        Filter("ExcludeID", T.INT, op=Op.SPECIAL, doc="Leave out the list with this ID."),
        Filter("IsDeleted", T.BOOL, "IsDeleted"),
        Filter("Name", T.STR, "Name"),
    ),
    sort=(Sort("ID"), Sort("IsDeleted"), Sort("Name"), Sort("CreatedAt")),
    actions=(
        Action("managecontact", (V.POST,), doc="Create or update one contact and its subscription."),
        Action("managemanycontacts", (V.GET, V.POST), doc="Async bulk job on this list."),
        Action(
            "importlist",
            (V.GET, V.POST),
            doc="Copy another list's contacts (async job).",
            fields=(
                Field("ListID", T.INT, required=True, link="contactslist", doc="The list copied from."),
                Field("Action", T.STR, required=True, choices=IMPORTLIST_ACTIONS),
            ),
        ),
    ),
)

LISTRECIPIENT = Resource(
    name="listrecipient",
    mailjet_name="listrecipient",
    area=Area.LISTS,
    verbs=CRUD,
    doc="The subscription of one contact to one list.",
    fields=(
        Field("ContactID", T.INT, required=True, link="contact", doc="Or ContactAlt (email) on writes."),
        id_field(),
        Field("IsActive", T.BOOL, default=True),
        Field("IsUnsubscribed", T.BOOL, default=False),
        Field("ListID", T.INT, required=True, link="contactslist", doc="Or ListAlt (address) on writes."),
        Field("ListName", T.STR, read_only=True, default=""),
        Field("SubscribedAt", T.TS, read_only=True),
        Field("UnsubscribedAt", T.TS, read_only=True),
    ),
    filters=(
        Filter("Active", T.BOOL, "IsActive"),
        Filter("Blocked", T.BOOL, op=Op.SPECIAL),
        Filter("Contact", T.INT, "ContactID"),
        Filter("ContactEmail", T.EMAIL, op=Op.SPECIAL),
        Filter("ContactsList", T.INT, "ListID"),
        Filter("IgnoreDeleted", T.BOOL, op=Op.SPECIAL, doc="Leave out subscriptions to deleted lists."),
        Filter("IsExcludedFromCampaigns", T.BOOL, op=Op.SPECIAL),
        Filter("LastActivityAt", T.TS, op=Op.SPECIAL),
        Filter("ListName", T.STR, "ListName"),
        Filter("Opened", T.BOOL, op=Op.SPECIAL),
        Filter("Status", T.STR, op=Op.SPECIAL),
        Filter("Unsub", T.BOOL, "IsUnsubscribed"),
    ),
    sort=(Sort("ID"),),
)

CONTACTMETADATA = Resource(
    name="contactmetadata",
    mailjet_name="contactmetadata",
    area=Area.CONTACTS,
    verbs=CRUD,
    unique_keys=(("NameSpace", "Name"),),
    doc="A contact property definition (name, type, namespace).",
    fields=(
        Field("Datatype", T.STR, default="str", choices=CONTACT_DATATYPES),
        id_field(),
        Field("Name", T.STR, required=True),
        Field("NameSpace", T.STR, default="static", choices=CONTACT_NAMESPACES),
    ),
    filters=(
        Filter("DataType", T.STR, "Datatype"),
        Filter("Namespace", T.STR, "NameSpace"),
    ),
    sort=(Sort("ID"), Sort("Name")),
)

CONTACTDATA = Resource(
    name="contactdata",
    mailjet_name="contactdata",
    area=Area.CONTACTS,
    verbs=CRUD,
    unique_keys=(("Email",),),
    doc="The static property values of one contact; ID equals the contact ID, values are strings.",
    fields=(
        Field("ContactID", T.INT, link="contact"),
        Field("Data", T.KV, default=(), doc="PUT merges: properties not sent are kept."),
        id_field("The contact ID."),
        Field("MethodCollection", T.STR, default=""),
    ),
    filters=(
        Filter("Campaign", T.INT, op=Op.SPECIAL),
        Filter("ContactEmail", T.EMAIL, op=Op.SPECIAL),
        Filter("ContactsList", T.INT, op=Op.SPECIAL),
        Filter("DateFormat", T.STR, op=Op.SPECIAL, doc="Output format of datetime values."),
        Filter("Fields", T.STR, op=Op.SPECIAL, doc="Only the named properties."),
        Filter("IsExcludedFromCampaigns", T.BOOL, op=Op.SPECIAL),
        Filter("IsUnsubscribed", T.BOOL, op=Op.SPECIAL),
        Filter("LastActivityAt", T.TS, op=Op.SPECIAL),
        Filter("Status", T.STR, op=Op.SPECIAL),
        Filter("TimeZone", T.STR, op=Op.SPECIAL, doc="Time zone of datetime values."),
    ),
    sort=(Sort("ID"),),
)

CONTACTHISTORYDATA = Resource(
    name="contacthistorydata",
    mailjet_name="contacthistorydata",
    area=Area.CONTACTS,
    verbs=GET_POST_DELETE,
    doc="Legacy values of 'historic' contact properties, one row per value.",
    cursor=Cursor("CreatedAt", "MinCreatedAt", "MaxCreatedAt", from_inclusive=True),
    fields=(
        Field("ContactID", T.INT, required=True, link="contact"),
        Field("CreatedAt", T.TS, read_only=True),
        Field("Data", T.STR, default=""),
        id_field(),
        Field("Name", T.STR, required=True),
    ),
    filters=(
        Filter("Contact", T.INT, "ContactID"),
        Filter("Last", T.BOOL, op=Op.SPECIAL, doc="Only the latest value of each property."),
        *range_filters("CreatedAt", "CreatedAt"),
        Filter("Name", T.STR, "Name"),
    ),
    sort=(Sort("ID"), Sort("CreatedAt")),
)

CONTACTFILTER = Resource(
    name="contactfilter",
    mailjet_name="contactfilter",
    area=Area.SEGMENTS,
    verbs=CRUD,
    unique_keys=(("Name",),),
    doc="A segment: a named expression over contact properties and activity.",
    fields=(
        Field("Description", T.STR, default=""),
        Field("Expression", T.STR, required=True, doc="Segmentation expression (DOC _newsletter.md)."),
        id_field(),
        Field("Name", T.STR, required=True),
        Field("Status", T.STR, default="unused", choices=CONTACTFILTER_STATUSES),
    ),
    filters=(
        Filter("ShowDeleted", T.BOOL, op=Op.SPECIAL, doc="Also list deleted segments."),
        Filter("Status", T.STR, "Status"),
        *text_filters("Name", "Name"),
    ),
    sort=(Sort("ID"), Sort("Name")),
)

CONTACTSLISTSIGNUP = Resource(
    name="contactslistsignup",
    mailjet_name="contactslistsignup",
    area=Area.LISTS,
    doc="Double opt-in subscription records (signup and confirmation).",
    cursor=Cursor(
        "SignupAt", "MinSignupAt", "MaxSignupAt", from_inclusive=True, doc="ConfirmAt changes afterwards."
    ),
    fields=(
        Field("ConfirmAt", T.UNIX, read_only=True),
        Field("ConfirmIp", T.STR, read_only=True),
        Field("ContactID", T.INT, read_only=True, link="contact"),
        Field("Email", T.EMAIL, read_only=True),
        id_field(),
        Field("ListID", T.INT, read_only=True, link="contactslist"),
        Field("SignupAt", T.UNIX, read_only=True),
        Field("SignupIp", T.STR, read_only=True),
        Field("SignupKey", T.STR, read_only=True),
        Field("Source", T.STR, read_only=True),
        Field("SourceId", T.INT, read_only=True),
    ),
    filters=(
        Filter("APIKey", T.INT, op=Op.SPECIAL),
        Filter("Contact", T.INT, "ContactID"),
        Filter("ContactsList", T.INT, "ListID"),
        Filter("Domain", T.STR, op=Op.SPECIAL, doc="Email domain."),
        Filter("Email", T.EMAIL, "Email", ci=True),
        Filter("LocalPart", T.STR, op=Op.SPECIAL, doc="Email local part."),
        *range_filters("ConfirmAt", "ConfirmAt", T.UNIX),
        *range_filters("SignupAt", "SignupAt", T.UNIX),
        Filter("SignupIp", T.STR, "SignupIp"),
        Filter("Source", T.STR, "Source"),
        Filter("SourceID", T.INT, "SourceId"),
        Filter("ThrottleCheck", T.BOOL, op=Op.SPECIAL),
    ),
    sort=(Sort("ID"),),
)

CSVIMPORT = Resource(
    name="csvimport",
    mailjet_name="csvimport",
    area=Area.CONTACTS,
    verbs=GET_POST_PUT,
    doc="Import of an uploaded CSV (DATA API) into a list: an async job polled by GET.",
    fields=(
        Field("AliveAt", T.TS, read_only=True),
        Field("ContactsListID", T.INT, link="contactslist", doc="Required except for (ex|in)cludemarketing."),
        Field("Count", T.INT, read_only=True, default=0),
        Field("Current", T.INT, read_only=True, default=0),
        Field("DataID", T.INT, required=True, doc="ID returned by the CSVData upload."),
        Field("Errcount", T.INT, read_only=True, default=0),
        Field("ErrTreshold", T.INT, default=0),
        id_field(),
        Field(
            "ImportOptions", T.STR, default="", doc="JSON string: DateTimeFormat, TimezoneOffset, FieldNames."
        ),
        Field("JobEnd", T.TS, read_only=True),
        Field("JobStart", T.TS, read_only=True),
        Field("Method", T.STR, default="Unknown", choices=("Unknown", *CSVIMPORT_METHODS)),
        Field("RequestAt", T.TS, read_only=True),
        Field("Status", T.STR, default="Upload", choices=JOB_STATUSES, doc="PUT Abort to cancel."),
    ),
    sort=(Sort("ID"),),
)

CONTACT_RESOURCES: tuple[Resource, ...] = (
    CONTACT,
    CONTACTSLIST,
    LISTRECIPIENT,
    CONTACTMETADATA,
    CONTACTDATA,
    CONTACTHISTORYDATA,
    CONTACTFILTER,
    CONTACTSLISTSIGNUP,
    CSVIMPORT,
)
