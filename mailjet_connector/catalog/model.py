"""The catalog's record types: one frozen record per Mailjet resource, with its fields, filters and verbs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    """Wire types of Mailjet fields, as the emulator serialises them and the sync engine types columns."""

    INT = "int"  # 64-bit integer (IDs may exceed 2**53)
    NUM = "num"  # float
    STR = "str"
    BOOL = "bool"
    TS = "ts"  # RFC 3339 UTC string with Z, second precision; "" when empty
    UNIX = "unix"  # Unix seconds as an integer (messagehistory EventAt, batchjob times, ...)
    EMAIL = "email"  # a string holding an email address
    KV = "kv"  # list of {"Name": ..., "Value": ...}
    JSON = "json"  # any other JSON value (object or array)


class Area(StrEnum):
    """Access areas used by the agent policy; every resource belongs to exactly one."""

    SEND = "send"
    CONTACTS = "contacts"
    LISTS = "lists"
    CAMPAIGNS = "campaigns"
    TEMPLATES = "templates"
    SEGMENTS = "segments"
    STATISTICS = "statistics"
    WEBHOOKS = "webhooks"
    SENDERS = "senders"
    ACCOUNT = "account"


class Verb(StrEnum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"


class Op(StrEnum):
    """How a query filter compares its value with the row.

    The emulator implements each generically; `SPECIAL` filters are handled by named code in the emulator
    (joins such as contact?ContactsList=, statcounters' Counter* parameters, Show* flags).
    """

    EQ = "eq"  # field == value (case-insensitive when Filter.ci)
    IN = "in"  # comma-separated values, OR
    CONTAINS = "contains"  # ...Like
    STARTS = "starts"  # ...LLike
    ENDS = "ends"  # ...RLike
    GT = "gt"  # FromTS / EventFromTs ("later than"), DeliveredAt (after)
    GE = "ge"  # Min*
    LT = "lt"  # Max*
    LE = "le"  # ToTS / EventToTs ("before or equal")
    POSITIVE = "positive"  # ESF flags: true keeps rows whose field > 0, false rows whose field == 0
    NOT_EMPTY = "not_empty"  # true keeps rows whose field is set, false rows whose field is empty
    SPECIAL = "special"


@dataclass(frozen=True, slots=True)
class Field:
    """One JSON property of a resource.

    Args:
        name: the JSON name as Mailjet emits it (link properties already carry their `ID` suffix).
        type: the wire type.
        read_only: Mailjet computes it; writes to a new value are refused (MJ19).
        required: must be given on create.
        link: catalog name of the resource this ID points at, for link fields (`ContactID` -> "contact").
        default: value a created row takes when the field is not given (None = the type's empty value).
        choices: the allowed values, when the API documents an enumeration.
        secret: never stored by the sync engine nor shown to agents (apikey SecretKey).
        doc: one line for docs and agent tool descriptions.
        items: for a JSON array of objects, the fields of each object (managecontactslists'
            `ContactsLists: [{ListID, Action}]`), so that links inside bodies are catalog facts too.
        shown_by: a listing leaves the field empty unless this parameter is true (message `CustomID` and
            `ShowCustomID`); filters still compare the real value, so the listed value and a filter on the
            field can disagree.
    """

    name: str
    type: FieldType = FieldType.STR
    read_only: bool = False
    required: bool = False
    link: str | None = None
    default: object = None
    choices: tuple[str, ...] = ()
    secret: bool = False
    doc: str = ""
    items: tuple[Field, ...] = ()
    shown_by: str | None = None


@dataclass(frozen=True, slots=True)
class Filter:
    """One query parameter that narrows a listing.

    Args:
        name: the parameter as documented (matching is case-insensitive).
        type: how its value parses (INT, STR, BOOL, TS for RFC 3339 or Unix seconds, UNIX for Unix only).
        field: the row field it compares with (None for SPECIAL filters with no single field).
        op: the comparison.
        ci: string comparison ignores case.
        required: the API refuses the listing without it.
    """

    name: str
    type: FieldType = FieldType.STR
    field: str | None = None
    op: Op = Op.EQ
    ci: bool = False
    required: bool = False
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Sort:
    """A sortable field and whether it may be sorted descending (`Sort=Field+DESC`)."""

    field: str
    desc: bool = True


@dataclass(frozen=True, slots=True)
class Action:
    """A sub-action under a resource: `/{resource}/{id}/{name}` (scope item) or `/{resource}/{name}`."""

    name: str
    verbs: tuple[Verb, ...]
    scope: str = "item"  # "item" or "collection"
    area: Area | None = None  # defaults to the resource's area
    doc: str = ""
    fields: tuple[Field, ...] = ()  # the body's properties, where documented (detailcontent, schedule)


@dataclass(frozen=True, slots=True)
class Cursor:
    """How a resource is read incrementally (mailjet-api.md §2.6).

    Args:
        field: the row field that grows (the cursor).
        from_filter: server-side lower bound parameter (FromTS, EventFromTs, Min...).
        to_filter: server-side upper bound parameter, if any.
        from_inclusive: whether `from_filter` keeps rows equal to the bound (FromTS does not).
    """

    field: str
    from_filter: str | None = None
    to_filter: str | None = None
    from_inclusive: bool = False
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Resource:
    """One Mailjet resource.

    Args:
        name: the catalog name, snake_case of the Mailjet name; also the table name in the dataset.
        mailjet_name: the name in the URL (`contactslist`, `statistics/link-click`).
        api: "REST" (`/v3/REST/...`), "v4" (`/v4/...`).
        primary_key: fields identifying a row (usually ("ID",)).
        unique_keys: alternate keys usable in the URL instead of the ID; a composite key is one tuple,
            joined with `|` in URLs (`eventcallbackurl/open|false`).
        fields, filters, sort, verbs, actions: as documented in mailjet-api.md §2.
        cursor: incremental cursor, None when the resource can only be read in full.
        area: access area for agent policies.
        account_data: holds account data worth syncing (False for reference tables such as metadata).
        parent: catalog name of the resource each listing is scoped to, and the filter carrying its ID
            (messagehistory is read per message, statistics/link-click per campaign).
        today_default: without a time window the API returns only the current day (openinformation ...).
        computed: rows are computed from other tables by the emulator (statistics), never written.
        doc: one line for docs and agent tool descriptions.
    """

    name: str
    mailjet_name: str
    area: Area
    fields: tuple[Field, ...]
    verbs: tuple[Verb, ...] = (Verb.GET,)
    primary_key: tuple[str, ...] = ("ID",)
    unique_keys: tuple[tuple[str, ...], ...] = ()
    filters: tuple[Filter, ...] = ()
    sort: tuple[Sort, ...] = ()
    actions: tuple[Action, ...] = ()
    cursor: Cursor | None = None
    api: str = "REST"
    account_data: bool = True
    parent: tuple[str, str] | None = None
    today_default: bool = False
    computed: bool = False
    doc: str = ""
    _by_name: dict[str, Field] = dataclass_field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Cache the field index: lookups by name are on the emulator's hot path.
        self._by_name.update({f.name: f for f in self.fields})

    @property
    def path(self) -> str:
        """The collection path, e.g. `/v3/REST/contact`."""
        if self.api == "v4":
            return f"/v4/{self.mailjet_name}"
        return f"/v3/REST/{self.mailjet_name}"

    def field(self, name: str) -> Field | None:
        """The field called `name` (exact JSON name), or None."""
        return self._by_name.get(name)

    @property
    def show_flags(self) -> tuple[str, ...]:
        """The display flags (`ShowSubject`...) that fill fields a listing leaves empty unless asked
        (`Field.shown_by`), in field order, each once."""
        return tuple(dict.fromkeys(f.shown_by for f in self.fields if f.shown_by))

    def with_show_flags(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """`params` plus `flag=true` for every display flag they do not set (any case): complete rows."""
        given = {name.lower() for name in params}
        return {**params, **{flag: "true" for flag in self.show_flags if flag.lower() not in given}}

    def filter(self, name: str) -> Filter | None:
        """The filter called `name`, matched case-insensitively, or None."""
        lowered = name.lower()
        for flt in self.filters:
            if flt.name.lower() == lowered:
                return flt
        return None

    def action(self, name: str) -> Action | None:
        """The sub-action called `name`, matched case-insensitively, or None."""
        lowered = name.lower()
        for act in self.actions:
            if act.name.lower() == lowered:
                return act
        return None

    @property
    def writable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.read_only)

    @property
    def readable(self) -> bool:
        return Verb.GET in self.verbs

    @property
    def writable(self) -> bool:
        return any(v in self.verbs for v in (Verb.POST, Verb.PUT, Verb.DELETE))
