"""Catalog entries for senders and DNS, webhooks and parse routes, API keys, user and jobs (§2.4)."""

from __future__ import annotations

from mailjet_connector.catalog.enums import (
    APIKEY_RUNLEVELS,
    BATCHJOB_TYPES,
    DKIM_STATUSES,
    EVENT_TYPE_CODES,
    EVENT_TYPES,
    EVENTCALLBACK_STATUSES,
    EVENTCALLBACK_VERSIONS,
    JOB_STATUSES,
    SENDER_EMAIL_TYPES,
    SENDER_STATUSES,
    SPF_STATUSES,
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
    id_field,
    range_filters,
    ro,
)

SENDER = Resource(
    name="sender",
    mailjet_name="sender",
    area=Area.SENDERS,
    verbs=CRUD,
    unique_keys=(("Email",),),
    doc="A sender address or domain (*@domain); must be validated before use.",
    fields=(
        Field("CreatedAt", T.TS, read_only=True),
        Field("DNSID", T.INT, read_only=True, link="dns"),
        Field("Email", T.EMAIL, required=True, doc='"*@domain" covers the whole domain.'),
        Field("EmailType", T.STR, default="unknown", choices=SENDER_EMAIL_TYPES),
        Field("Filename", T.STR, read_only=True, default="", doc="File to host for file validation."),
        id_field(),
        Field("IsDefaultSender", T.BOOL, default=False),
        Field("Name", T.STR, default=""),
        Field("Status", T.STR, read_only=True, default="Inactive", choices=SENDER_STATUSES),
    ),
    filters=(
        Filter("DnsID", T.INT, "DNSID"),
        Filter("Domain", T.STR, op=Op.SPECIAL, doc="Email domain."),
        Filter("Email", T.EMAIL, "Email", ci=True),
        Filter("IsDomainSender", T.BOOL, op=Op.SPECIAL, doc="Email is *@domain."),
        Filter("LocalPart", T.STR, op=Op.SPECIAL, doc="Email local part."),
        Filter("ShowDeleted", T.BOOL, op=Op.SPECIAL, doc="Also list deleted senders."),
        Filter("Status", T.STR, "Status"),
    ),
    sort=(Sort("ID"), Sort("Email")),
    actions=(
        Action("validate", (V.POST,), doc="Try validation; 200 with errors on failure, 400 if active."),
    ),
)

METASENDER = Resource(
    name="metasender",
    mailjet_name="metasender",
    area=Area.SENDERS,
    verbs=GET_POST_PUT,
    unique_keys=(("Email",),),
    doc="A sender address shared by all API keys of the user (master account).",
    fields=(
        Field("CreatedAt", T.TS, read_only=True),
        Field("Description", T.STR, default=""),
        Field("Email", T.EMAIL, required=True),
        Field("Filename", T.STR, read_only=True, default=""),
        id_field(),
        Field("IsEnabled", T.BOOL, default=False),
    ),
    filters=(
        Filter("DNS", T.INT, op=Op.SPECIAL, doc="Senders of this DNS domain."),
        Filter("User", T.INT, op=Op.SPECIAL),
    ),
    sort=(Sort("ID"),),
)

DNS = Resource(
    name="dns",
    mailjet_name="dns",
    area=Area.SENDERS,
    unique_keys=(("Domain",),),
    doc="SPF and DKIM status of a sending domain (created with its first sender).",
    cursor=Cursor("LastCheckAt", "MinLastCheckAt", "MaxLastCheckAt", from_inclusive=True),
    fields=(
        *ro(("DKIMRecordName", T.STR), ("DKIMRecordValue", T.STR)),
        Field("DKIMStatus", T.STR, read_only=True, default="Not checked", choices=DKIM_STATUSES),
        *ro(("Domain", T.STR)),
        id_field(),
        *ro(
            ("IsCheckInProgress", T.BOOL),
            ("LastCheckAt", T.TS),
            ("OwnerShipToken", T.STR),
            ("OwnerShipTokenRecordName", T.STR),
            ("SPFRecordValue", T.STR),
        ),
        Field("SPFStatus", T.STR, read_only=True, default="Not checked", choices=SPF_STATUSES),
    ),
    filters=(
        Filter("IsCheckInProgress", T.BOOL, "IsCheckInProgress"),
        Filter("IsSenderIdentified", T.BOOL, op=Op.SPECIAL),
        Filter("IsYahooFBL", T.BOOL, op=Op.SPECIAL),
        *range_filters("LastCheckAt", "LastCheckAt"),
        Filter("SPFStatus", T.STR, "SPFStatus"),
    ),
    sort=(Sort("ID"),),
    actions=(Action("check", (V.POST,), doc="Re-check SPF and DKIM now."),),
)

_AZURE_FIELDS = tuple(
    Field(name, T.STR, default="", doc="Azure/queue delivery setting.")
    for name in ("AccountID", "ProjectID", "QueueName", "Region", "Resource", "Topic")
)

EVENTCALLBACKURL = Resource(
    name="eventcallbackurl",
    mailjet_name="eventcallbackurl",
    area=Area.WEBHOOKS,
    verbs=CRUD,
    unique_keys=(("EventType", "IsBackup"),),
    doc="A webhook: the URL Mailjet posts one event type to (key `{EventType}|{IsBackup}`).",
    fields=by_name(
        *_AZURE_FIELDS,
        Field("APIKeyID", T.INT, link="apikey", doc="META marks it required; defaults to the caller's key."),
        Field(
            "EventType",
            T.STR,
            default="open",
            choices=EVENT_TYPES,
            doc=f"Numeric codes also accepted: {', '.join(f'{k} {v}' for k, v in EVENT_TYPE_CODES.items())}.",
        ),
        id_field(),
        Field("IsBackup", T.BOOL, default=False, doc="Used while the primary URL is suspended."),
        Field("SharedAccessSignature", T.STR, default="", secret=True, doc="Azure credential."),
        Field("Status", T.STR, default="alive", choices=EVENTCALLBACK_STATUSES),
        Field("Url", T.STR, required=True),
        Field("Version", T.INT, default=1, doc=codes_doc(EVENTCALLBACK_VERSIONS)),
    ),
    filters=(
        Filter("APIKey", T.INT, "APIKeyID"),
        Filter("Backup", T.BOOL, "IsBackup"),
        Filter("EventType", T.STR, "EventType"),
        Filter("Status", T.STR, "Status"),
        Filter("Version", T.INT, "Version"),
    ),
    sort=(Sort("ID"),),
    actions=(Action("test", (V.POST,), doc="Post a test event to the URL."),),
)

PARSEROUTE = Resource(
    name="parseroute",
    mailjet_name="parseroute",
    area=Area.WEBHOOKS,
    verbs=CRUD,
    unique_keys=(("Email",),),
    doc="Inbound parse route: mail to Email is posted as JSON to Url (paid plans).",
    fields=(
        Field("APIKeyID", T.INT, link="apikey", doc="META marks it required; defaults to the caller's key."),
        Field("Email", T.EMAIL, doc="Generated <random>@parse-in1.mailjet.com when not given."),
        id_field(),
        Field("Url", T.STR, required=True, doc="Not the site root."),
    ),
    filters=(Filter("APIKey", T.INT, "APIKeyID"),),
    sort=(Sort("ID"),),
)

APIKEY = Resource(
    name="apikey",
    mailjet_name="apikey",
    area=Area.ACCOUNT,
    verbs=GET_POST_PUT,
    unique_keys=(("APIKey",),),
    doc="An API key (master or sub-account); POST creates a sub-account key.",
    fields=(
        Field("ACL", T.STR, default=""),
        Field("APIKey", T.STR, read_only=True, doc="Generated public key."),
        Field("CreatedAt", T.TS, read_only=True),
        id_field(),
        Field("IsActive", T.BOOL, default=False),
        Field("IsMaster", T.BOOL, read_only=True, default=False),
        Field("Name", T.STR, required=True),
        Field("QuarantineValue", T.INT, read_only=True, default=0),
        Field("RegionID", T.INT, read_only=True, default=0),
        Field("Runlevel", T.STR, read_only=True, default="Normal", choices=APIKEY_RUNLEVELS),
        Field("SecretKey", T.STR, read_only=True, secret=True, doc="Generated secret key."),
        Field("Skipspamd", T.BOOL, read_only=True, default=False, doc="Seen in recordings, not in META."),
        Field("TrackHost", T.STR, read_only=True, default="r.mailjet.com"),
        Field("UserID", T.INT, read_only=True, link="user"),
    ),
    filters=(
        Filter("APIKey", T.STR, "APIKey"),
        Filter("ConfirmKey", T.STR, op=Op.SPECIAL),
        Filter("CustomStatus", T.STR, op=Op.SPECIAL),
        Filter("IsActive", T.BOOL, "IsActive"),
        Filter("IsMaster", T.BOOL, "IsMaster"),
        Filter("KeyType", T.STR, op=Op.SPECIAL),
        Filter("Name", T.STR, "Name"),
        Filter("User", T.INT, "UserID"),
    ),
    sort=(Sort("ID", desc=False), Sort("IsMaster"), Sort("IsActive"), Sort("CreatedAt"), Sort("Name")),
)

USER = Resource(
    name="user",
    mailjet_name="user",
    area=Area.ACCOUNT,
    verbs=GET_PUT,
    unique_keys=(("Email",),),
    doc="The user owning the account.",
    fields=(
        Field("ACL", T.STR, default=""),
        Field("CreatedAt", T.TS, read_only=True),
        Field("Email", T.EMAIL),
        Field("FirstIp", T.STR, read_only=True, default="", doc="Seen in recordings."),
        id_field(),
        Field("LastIp", T.STR, read_only=True, default=""),
        Field("LastLoginAt", T.TS, read_only=True),
        Field("Locale", T.STR, default="en_US"),
        Field("MaxAllowedAPIKeys", T.INT, read_only=True, default=5),
        Field("Timezone", T.STR, default="etc/UTC"),
        Field("Username", T.STR, default="Undefined"),
        Field("WarnedRatelimitAt", T.TS),
    ),
    filters=(
        Filter("IsActivated", T.BOOL, op=Op.SPECIAL),
        Filter("NewEmail", T.EMAIL, op=Op.SPECIAL),
        Filter("UserName", T.STR, "Username"),
    ),
    sort=(Sort("ID"),),
    actions=(Action("activate", (V.POST,), doc="Activate the user account."),),
)

MYPROFILE = Resource(
    name="myprofile",
    mailjet_name="myprofile",
    area=Area.ACCOUNT,
    verbs=GET_PUT,
    doc="The user's profile: name, company, address, billing.",
    fields=(
        *(
            Field(name, T.STR, default="")
            for name in (
                "AddressCity",
                "AddressCountry",
                "AddressPostalCode",
                "AddressState",
                "AddressStreet",
                "BillingEmail",
            )
        ),
        Field("BirthdayAt", T.TS),
        *(
            Field(name, T.STR, default="")
            for name in ("CompanyName", "CompanyNumOfEmployees", "ContactPhone")
        ),
        Field("EstimatedVolume", T.INT, default=0),
        *(Field(name, T.STR, default="") for name in ("Features", "Firstname")),
        id_field(),
        *(Field(name, T.STR, default="") for name in ("Industry", "JobTitle", "Lastname")),
        Field("UserID", T.INT, read_only=True, link="user"),
        Field("VAT", T.NUM, read_only=True),
        Field("VATNumber", T.STR, default=""),
        Field("Website", T.STR, default=""),
    ),
    filters=(Filter("User", T.INT, "UserID"),),
    sort=(Sort("ID"),),
)

PREFERENCES = Resource(
    name="preferences",
    mailjet_name="preferences",
    area=Area.ACCOUNT,
    unique_keys=(("Key",),),
    doc="User preferences as key/value pairs.",
    fields=(
        id_field(),
        Field("Key", T.STR, read_only=True),
        Field("UserID", T.INT, read_only=True, link="user"),
        Field("Value", T.STR, read_only=True),
    ),
    filters=(
        Filter("Key", T.STR, "Key"),
        Filter("ShowAllUsers", T.BOOL, op=Op.SPECIAL),
        Filter("User", T.INT, "UserID"),
    ),
    sort=(Sort("ID"),),
)

BATCHJOB = Resource(
    name="batchjob",
    mailjet_name="batchjob",
    area=Area.ACCOUNT,
    verbs=GET_POST_PUT,
    doc="An asynchronous job (imports, bulk contact changes, newsletter sends); times in Unix seconds.",
    cursor=Cursor(
        "RequestAt", "MinRequestAt", "MaxRequestAt", from_inclusive=True, doc="Jobs change after RequestAt."
    ),
    fields=(
        Field("AliveAt", T.UNIX, read_only=True),
        Field("APIKeyID", T.INT, read_only=True, link="apikey"),
        Field("Blocksize", T.INT, default=0),
        Field("Count", T.INT, read_only=True, default=0),
        Field("Current", T.INT, read_only=True, default=0),
        Field("DataID", T.INT, default=0),
        Field("Errcount", T.INT, read_only=True, default=0),
        Field("ErrTreshold", T.INT, default=0),
        id_field(),
        Field("JobEnd", T.UNIX, read_only=True),
        Field("JobStart", T.UNIX, read_only=True),
        Field("JobType", T.STR, default="Unknown", choices=BATCHJOB_TYPES),
        Field("Method", T.STR, default="Unknown"),
        Field("RefId", T.INT, default=0),
        Field("RequestAt", T.UNIX, read_only=True),
        Field("Status", T.STR, default="Allocated", choices=JOB_STATUSES),
        Field("Throttle", T.INT, default=0),
    ),
    filters=(
        Filter("APIKey", T.INT, "APIKeyID"),
        Filter("Data", T.INT, "DataID"),
        Filter("JobType", T.STR, "JobType"),
        *range_filters("JobEnd", "JobEnd", T.UNIX),
        *range_filters("JobStart", "JobStart", T.UNIX),
        *range_filters("RequestAt", "RequestAt", T.UNIX),
        Filter("Method", T.STR, "Method"),
        Filter("RefID", T.INT, "RefId"),
        Filter("Status", T.STR, "Status"),
    ),
    sort=(Sort("ID"),),
)

ACCOUNT_RESOURCES: tuple[Resource, ...] = (
    SENDER,
    METASENDER,
    DNS,
    EVENTCALLBACKURL,
    PARSEROUTE,
    APIKEY,
    USER,
    MYPROFILE,
    PREFERENCES,
    BATCHJOB,
)
