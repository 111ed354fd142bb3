"""Mailjet's documented enumerations as data (mailjet-api.md §2.5, §3, §4), shared by catalog and emulator."""

from __future__ import annotations

from dataclasses import dataclass

from mailjet_connector.wire import events

# `MessageStatus=` filter codes (comma lists mean OR) -> the message Status they select.
MESSAGE_STATUS_CODES: dict[int, str] = {
    0: "processed",
    1: "queued",
    2: "sent",
    3: "opened",
    4: "clicked",
    5: "bounce",
    6: "spam",
    7: "unsub",
    8: "blocked",
    9: "softbounce",
    10: "hardbounce",
    11: "deferred",
}

# message `Status` strings.
MESSAGE_STATUSES: tuple[str, ...] = (
    "unknown",
    "queued",
    "sent",
    "opened",
    "clicked",
    "bounce",
    "spam",
    "unsub",
    "blocked",
    "hardbounced",
    "softbounced",
    "deferred",
)


@dataclass(frozen=True, slots=True)
class MessageState:
    """One row of the `messagestate` reference table (why a message was not delivered)."""

    id: int
    related_to: str
    state: str


# The emulator seeds the messagestate table from these rows (NODE names, RelatedTo from the DOC error table).
MESSAGE_STATES: tuple[MessageState, ...] = (
    MessageState(1, "recipient", "user unknown"),
    MessageState(2, "recipient", "mailbox inactive"),
    MessageState(3, "recipient", "quota exceeded"),
    MessageState(4, "domain", "invalid domain"),
    MessageState(5, "domain", "no mail host"),
    MessageState(6, "domain", "relay/access denied"),
    MessageState(7, "spam", "sender blocked"),
    MessageState(8, "spam", "content blocked"),
    MessageState(9, "spam", "policy issue"),
    MessageState(10, "system", "system issue"),
    MessageState(11, "system", "protocol issue"),
    MessageState(12, "system", "connection issue"),
    MessageState(13, "domain", "greylisted"),
    MessageState(14, "mailjet", "preblocked"),
    MessageState(15, "mailjet", "duplicate in campaign"),
    MessageState(16, "mailjet", "spam preblocked"),
    MessageState(17, "content", "bad or empty template"),
    MessageState(18, "content", "error in template language"),
    MessageState(19, "domain", "typofix"),
    MessageState(20, "recipient", "blacklisted"),
    MessageState(21, "recipient", "spam reporter"),
)

# Event API `event` values, also eventcallbackurl `EventType`.
EVENT_TYPES: tuple[str, ...] = events.EVENT_TYPES  # the Event API types (wire.events)
# NODE's numeric EventType for eventcallbackurl (accepted on writes and filters as an alternative).
EVENT_TYPE_CODES: dict[str, int] = {
    "click": 1,
    "bounce": 2,
    "spam": 3,
    "blocked": 4,
    "unsub": 5,
    "open": 6,
    "sent": 7,
}
# messagehistory `EventType` uses past-tense names (the last four only in META's AllowedValues).
HISTORY_EVENT_TYPES: tuple[str, ...] = (
    "sent",
    "opened",
    "clicked",
    "bounced",
    "blocked",
    "unsub",
    "spam",
    "hardbounced",
    "softbounced",
    "workflowexit",
    "workflowunsubscribe",
)
EVENTCALLBACK_STATUSES: tuple[str, ...] = ("alive", "dead")
EVENTCALLBACK_VERSIONS: dict[int, str] = {1: "one event per request", 2: "grouped events (array)"}

# FromType filter and campaign CampaignType.
CAMPAIGN_TYPES: dict[int, str] = {1: "transactional", 2: "marketing", 3: "unknown"}

# campaigndraft / newsletter `Status` codes.
CAMPAIGNDRAFT_STATUSES: dict[int, str] = {
    -3: "AX cancelled",
    -2: "deleted",
    -1: "archived",
    0: "draft",
    1: "programmed",
    2: "sent",
    3: "AX tested",
    4: "AX selected",
    5: "AX sent, lost",  # 5 and 6: META AllowedValues only
    6: "AX sent, won",
}
CAMPAIGNDRAFT_EDIT_MODES: tuple[str, ...] = ("tool2", "html2", "mjml")
NEWSLETTER_EDIT_MODES: tuple[str, ...] = ("tool", "html")
NEWSLETTER_EDIT_TYPES: tuple[str, ...] = ("full", "light", "ulight")
DEFAULT_OR_NONE: tuple[str, ...] = ("default", "none")  # newsletter Footer / Permalink
CAMPAIGNOVERVIEW_EDIT_MODES: tuple[str, ...] = ("tool", "html", "tool2", "html2", "mjml")
CAMPAIGNOVERVIEW_EDIT_TYPES: tuple[str, ...] = ("full", "unknown")
CAMPAIGNOVERVIEW_ID_TYPES: tuple[str, ...] = ("Campaign", "AX", "NL")

# Subscription actions of managecontactslists, managecontact and managemanycontacts.
LIST_ACTIONS: tuple[str, ...] = ("addforce", "addnoforce", "remove", "unsub")
IMPORTLIST_ACTIONS: tuple[str, ...] = (*LIST_ACTIONS, "duplicate-override", "duplicate-no-override")
CSVIMPORT_METHODS: tuple[str, ...] = (*LIST_ACTIONS, "excludemarketing", "includemarketing")
# csvimport methods that are global and must not carry a ContactsListID (MJ08).
GLOBAL_CSVIMPORT_METHODS: tuple[str, ...] = ("excludemarketing", "includemarketing")
# Job Status values per DOC (NODE also names "In Progress"; which set the server uses is uncertain).
JOB_STATUSES: tuple[str, ...] = ("Allocated", "Upload", "Prepare", "Importing", "Completed", "Error", "Abort")

# statcounters parameters.
COUNTER_SOURCES: tuple[str, ...] = ("APIKey", "Campaign", "List", "Sender")
COUNTER_TIMINGS: tuple[str, ...] = ("Message", "Event")
COUNTER_RESOLUTIONS: tuple[str, ...] = ("Lifetime", "Day", "Hour", "Highest")

# contactmetadata.
CONTACT_DATATYPES: tuple[str, ...] = ("str", "int", "float", "bool", "datetime")
CONTACT_NAMESPACES: tuple[str, ...] = ("static", "historic")
CONTACTFILTER_STATUSES: tuple[str, ...] = ("used", "unused", "deleted")

# Senders and DNS.
SENDER_STATUSES: tuple[str, ...] = ("Inactive", "Active", "Deleted")
SENDER_EMAIL_TYPES: tuple[str, ...] = ("transactional", "bulk", "unknown")
DKIM_STATUSES: tuple[str, ...] = ("Not checked", "OK", "Error")
SPF_STATUSES: tuple[str, ...] = ("Not checked", "OK", "Error", "Not found")

# Templates.
TEMPLATE_OWNER_TYPES: tuple[str, ...] = ("apikey", "user", "global")
TEMPLATE_PURPOSES: tuple[str, ...] = ("marketing", "transactional", "automation")
TEMPLATE_EDIT_MODES: dict[int, str] = {1: "drag-and-drop", 2: "HTML", 3: "saved section", 4: "MJML"}
TEMPLATE_SELECTION_METHODS: tuple[str, ...] = ("containsany", "containsall", "issubset")

# A/B tests and workflows (META AllowedValues).
AXTEST_MODES: tuple[str, ...] = ("automatic", "manual")
AXTEST_WINNER_METHODS: tuple[str, ...] = ("OpenRate", "ClickRate", "SpamRate", "UnsubRate", "MJScore")
WORKFLOW_STATUSES: tuple[str, ...] = ("Draft", "Started", "Locked", "Stopped", "Archived")
BATCHJOB_TYPES: tuple[str, ...] = (
    "Unknown",
    "Contact list import csv",
    "Contact list import free format",
    "Send newsletter",
    "Send newsletter test",
    "Contacts export",
    "AXNL",
    "AXNLTest",
    "AXNLAutoFinish",
    "AXNLReminder",
)

# Account.
APITOKEN_TYPES: tuple[str, ...] = ("iframe", "url", "page")
APITOKEN_ACCESS: tuple[str, ...] = (
    "campaigns",
    "contacts",
    "reports",
    "stats",
    "preferences",
    "property",
    "contact_filter",
    "account",
    "pricing",
    "email_automation",
    "dashboard",
    "widget",
    "abtesting",
    "transactional",
    "rtm",
    "sms",
)
APIKEY_RUNLEVELS: tuple[str, ...] = ("Normal", "Softlock", "Hardlock", "Deleted")

# Legacy statistics parameters.
GRAPH_SCALES: tuple[str, ...] = ("hour", "day", "week", "month", "year")
USERAGENT_EVENTS: tuple[str, ...] = ("open", "click")
PERIODS: tuple[str, ...] = ("Day", "Week", "Month", "Year")
CAMPAIGNGRAPH_RANGES: tuple[str, ...] = ("24h", "7d")


def codes_doc(codes: dict[int, str]) -> str:
    """Render a code table for a field or filter doc, e.g. `1 transactional, 2 marketing`.

    Args:
        codes: code -> meaning.

    Returns:
        The codes joined with commas.
    """
    return ", ".join(f"{code} {name}" for code, name in codes.items())
