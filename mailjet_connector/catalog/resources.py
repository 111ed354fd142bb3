"""The table of Mailjet resources (data only, no logic), transcribed from mailjet-api.md §2-§3."""

from __future__ import annotations

from mailjet_connector.catalog.model import (
    Action,
    Area,
    Cursor,
    Field,
    Filter,
    Op,
    Resource,
    Sort,
)
from mailjet_connector.catalog.model import FieldType as T
from mailjet_connector.catalog.model import Verb as V

GET = (V.GET,)
GET_POST_PUT = (V.GET, V.POST, V.PUT)
CRUD = (V.GET, V.POST, V.PUT, V.DELETE)


def _id() -> Field:
    return Field("ID", T.INT, read_only=True, doc="Unique numeric ID.")


CONTACT = Resource(
    name="contact",
    mailjet_name="contact",
    area=Area.CONTACTS,
    verbs=GET_POST_PUT,
    unique_keys=(("Email",),),
    doc="A contact (an email address) of the account.",
    fields=(
        Field("CreatedAt", T.TS, read_only=True),
        Field("DeliveredCount", T.INT, read_only=True),
        Field("Email", T.EMAIL, required=True),
        Field("ExclusionFromCampaignsUpdatedAt", T.TS, read_only=True),
        _id(),
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
        Filter("LastActivityAt", T.TS, "LastActivityAt"),
        Filter("Status", T.STR, op=Op.SPECIAL),
        Filter("Email", T.EMAIL, "Email", ci=True),
        Filter("EmailCI", T.EMAIL, "Email", ci=True),
        Filter("EmailLike", T.STR, "Email", Op.CONTAINS),
        Filter("EmailLikeCI", T.STR, "Email", Op.CONTAINS, ci=True),
        Filter("EmailLLike", T.STR, "Email", Op.STARTS),
        Filter("EmailLLikeCI", T.STR, "Email", Op.STARTS, ci=True),
        Filter("EmailRLike", T.STR, "Email", Op.ENDS),
        Filter("EmailRLikeCI", T.STR, "Email", Op.ENDS, ci=True),
        Filter("IncludeAnonymized", T.BOOL, op=Op.SPECIAL),
    ),
    sort=(Sort("ID", desc=False), Sort("Email"), Sort("DeliveredCount"), Sort("CreatedAt")),
    actions=(
        Action("getcontactslists", (V.GET,), doc="Lists the contact is subscribed to."),
        Action("managecontactslists", (V.POST,), doc="Add to, remove from or unsubscribe from lists."),
        Action("managemanycontacts", (V.GET, V.POST), scope="collection", doc="Async bulk job."),
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
        _id(),
        Field("IsDeleted", T.BOOL, default=False),
        Field("Name", T.STR, required=True),
        Field("SubscriberCount", T.INT, read_only=True, default=0),
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
        Action("importlist", (V.GET, V.POST), doc="Copy another list's contacts (async job)."),
    ),
)

LISTRECIPIENT = Resource(
    name="listrecipient",
    mailjet_name="listrecipient",
    area=Area.LISTS,
    verbs=CRUD,
    doc="The subscription of one contact to one list.",
    fields=(
        Field("ContactID", T.INT, required=True, link="contact"),
        _id(),
        Field("IsActive", T.BOOL, default=True),
        Field("IsUnsubscribed", T.BOOL, default=False),
        Field("ListID", T.INT, required=True, link="contactslist"),
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
        Filter("IgnoreDeleted", T.BOOL, op=Op.SPECIAL),
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
        Field("Datatype", T.STR, default="str", choices=("str", "int", "float", "bool", "datetime")),
        _id(),
        Field("Name", T.STR, required=True),
        Field("NameSpace", T.STR, default="static", choices=("static", "historic")),
    ),
    filters=(
        Filter("DataType", T.STR, "Datatype"),
        Filter("Namespace", T.STR, "NameSpace"),
    ),
    sort=(Sort("ID"),),
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
        Field("Data", T.KV, default=()),
        _id(),
        Field("MethodCollection", T.STR, default=""),
    ),
    filters=(
        Filter("Campaign", T.INT, op=Op.SPECIAL),
        Filter("ContactEmail", T.EMAIL, op=Op.SPECIAL),
        Filter("ContactsList", T.INT, op=Op.SPECIAL),
        Filter("Fields", T.STR, op=Op.SPECIAL, doc="Only the named properties."),
        Filter("IsExcludedFromCampaigns", T.BOOL, op=Op.SPECIAL),
        Filter("IsUnsubscribed", T.BOOL, op=Op.SPECIAL),
        Filter("LastActivityAt", T.TS, op=Op.SPECIAL),
        Filter("Status", T.STR, op=Op.SPECIAL),
    ),
    sort=(Sort("ID"),),
)

MESSAGE = Resource(
    name="message",
    mailjet_name="message",
    area=Area.STATISTICS,
    doc="One message sent to one recipient.",
    cursor=Cursor("ArrivedAt", "FromTS", "ToTS", from_inclusive=False),
    fields=(
        Field("ArrivedAt", T.TS),
        Field("AttachmentCount", T.INT),
        Field("AttemptCount", T.INT),
        Field("CampaignID", T.INT, link="campaign"),
        Field("ContactAlt", T.STR, doc="The recipient's email; filled only with ShowContactAlt=true."),
        Field("ContactID", T.INT, link="contact"),
        Field("CustomID", T.STR, doc="Filled only with ShowCustomID=true."),
        Field("Delay", T.NUM),
        Field("DestinationID", T.INT),
        Field("FilterTime", T.INT),
        Field("FromID", T.INT),
        _id(),
        Field("IsClickTracked", T.BOOL),
        Field("IsHTMLPartIncluded", T.BOOL),
        Field("IsOpenTracked", T.BOOL),
        Field("IsTextPartIncluded", T.BOOL),
        Field("IsUnsubTracked", T.BOOL),
        Field("MessageSize", T.INT),
        Field("SenderID", T.INT, link="sender"),
        Field("SpamassassinScore", T.NUM),
        Field("SpamassRules", T.STR),
        Field("StateID", T.INT, link="messagestate"),
        Field("StatePermanent", T.BOOL),
        Field("Status", T.STR),
        Field("Subject", T.STR, doc="Filled only with ShowSubject=true."),
        Field("UUID", T.STR),
    ),
    filters=(
        Filter("Campaign", T.INT, "CampaignID"),
        Filter("CampaignID", T.INT, "CampaignID"),
        Filter("Contact", T.INT, "ContactID"),
        Filter("ContactID", T.INT, "ContactID"),
        Filter("CustomID", T.STR, "CustomID"),
        Filter("FromTS", T.TS, "ArrivedAt", Op.GT),
        Filter("ToTS", T.TS, "ArrivedAt", Op.LE),
        Filter("MessageState", T.INT, "StateID"),
        Filter("MessageStatus", T.INT, op=Op.SPECIAL, doc="Status code list (§2.5), comma-separated."),
        Filter("SenderID", T.INT, "SenderID"),
        Filter("ShowContactAlt", T.BOOL, op=Op.SPECIAL),
        Filter("ShowCustomID", T.BOOL, op=Op.SPECIAL),
        Filter("ShowSubject", T.BOOL, op=Op.SPECIAL),
    ),
    sort=(Sort("ID"), Sort("ArrivedAt")),
)

RESOURCES: tuple[Resource, ...] = (
    CONTACT,
    CONTACTSLIST,
    LISTRECIPIENT,
    CONTACTMETADATA,
    CONTACTDATA,
    MESSAGE,
)
