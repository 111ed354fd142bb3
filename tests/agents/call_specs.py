"""Generated agent calls for the property tests: a `Spec` says what a call does (structure the test knows), and
`render` turns it into the raw HTTP an attacker would send (key case, Alt forms, numbers as text, BOM,
duplicate keys, dot segments, encoded slashes...). The reference decision (`reference.py`) reads the spec,
never the rendering's bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from mailjet_connector.agents.policy import Access, AgentPolicy, Limits
from mailjet_connector.catalog import Area
from tests.agents.gateway_support import agent

LIST_IDS = (1, 2, 3, 4, 5)  # the tiny preset's lists
AREAS = (Area.CONTACTS, Area.LISTS, Area.SEND, Area.CAMPAIGNS, Area.ACCOUNT, Area.STATISTICS)
# Tricks that make a request ambiguous or malformed: refused before any decision, never forwarded.
MALFORMED = frozenset({"bom", "dup_key", "case_dup", "nan", "dot_segment", "encoded_slash", "double_slash",
                       "extra_segment", "space_id", "number_string_list"})  # fmt: skip
HARMLESS = ("none", "trailing_slash", "upper_path", "leading_zero", "key_case")
BODY_TRICKS = ("bom", "dup_key", "case_dup", "nan", "number_string_list")
PATH_TRICKS = ("dot_segment", "encoded_slash", "double_slash", "extra_segment")


@dataclass(frozen=True)
class ListRef:
    """A list named in a body: by ID (`id`, `bare`) or Address (`alt`); `unknown` names no list."""

    form: str
    list_id: int
    as_text: bool = False
    unknown: bool = False


@dataclass(frozen=True)
class Spec:
    """One call: `kind` (see KINDS), its object (`target` ID), the lists its body names, send details, and a trick."""

    kind: str
    target: int = 1
    lists: tuple[ListRef, ...] = ()
    sandbox_key: str | None = "SandboxMode"
    sandbox: bool = True
    recipients: tuple[int, ...] = (1,)
    global_bcc: int = 0
    resource: str = "contact"
    trick: str = "none"
    extra: dict[str, Any] = field(default_factory=dict)


KINDS = ("read", "recipient_post", "recipient_put", "widget_put", "wcv_put", "manage", "csvimport", "list_put",
         "list_put_alt", "list_create", "send31", "send3", "data", "gdpr", "draft_send", "contact_put")  # fmt: skip
READS = (
    "contact",
    "contactslist",
    "listrecipient",
    "apikey",
    "message",
    "campaigndraft",
    "statcounters",
    "widget",
)


@st.composite
def agents(draw: st.DrawFn) -> AgentPolicy:
    """Any policy; half of them may write everywhere and send live but keep lists limited, so that the list
    rules (Alt values, ownership) decide often."""
    if draw(st.booleans()):
        lists = draw(st.frozensets(st.sampled_from(LIST_IDS), min_size=1, max_size=3))
        return agent(
            "gen", dict.fromkeys(AREAS, Access.WRITE), send_live=True, limits=Limits(allowed_lists=lists)
        )
    areas = {area: draw(st.sampled_from(list(Access))) for area in AREAS}
    lists = draw(st.none() | st.frozensets(st.sampled_from(LIST_IDS), max_size=3))
    limits = Limits(
        max_recipients=draw(st.none() | st.integers(1, 4)),
        allowed_lists=lists,
        dry_run_only=draw(st.booleans()),
    )
    return agent("gen", areas, send_live=draw(st.booleans()), limits=limits)


list_refs = st.builds(
    ListRef,
    form=st.sampled_from(("id", "alt", "bare")),
    list_id=st.sampled_from(LIST_IDS),
    as_text=st.booleans(),
    unknown=st.sampled_from((False, False, False, True)),
)


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    kind = draw(st.sampled_from(KINDS))
    tricks = (
        list(HARMLESS)
        + list(PATH_TRICKS)
        + (list(BODY_TRICKS) if kind not in ("read", "gdpr", "data") else [])
    )
    if kind in (
        "read",
        "recipient_put",
        "widget_put",
        "wcv_put",
        "list_put",
        "gdpr",
        "draft_send",
        "contact_put",
    ):
        tricks.append("space_id")
    return Spec(
        kind=kind,
        target=draw(st.integers(1, 6)),
        lists=tuple(draw(st.lists(list_refs, max_size=2 if kind == "manage" else 1))),
        sandbox_key=draw(st.sampled_from(("SandboxMode", "sandboxmode", "SANDBOXMODE", None))),
        sandbox=draw(st.booleans()),
        recipients=tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=2))),
        global_bcc=draw(st.integers(0, 2)),
        resource=draw(st.sampled_from(READS)),
        trick=draw(st.sampled_from(tricks)),
    )


def _list_key(ref: ListRef, base: str, trick: str) -> str:
    name = {"id": f"{base}ID", "alt": f"{base}Alt", "bare": base}[ref.form]
    return name.upper() if trick == "key_case" else name


def _list_value(ref: ListRef, addresses: dict[int, str]) -> Any:
    if ref.form == "alt":
        return "nosuchaddress" if ref.unknown else addresses[ref.list_id]
    return str(ref.list_id) if ref.as_text else ref.list_id


def request_of(spec: Spec, addresses: dict[int, str]) -> tuple[str, str, dict[str, Any] | None]:
    """(method, canonical path, body) of the call before any trick."""
    t, refs = spec.target, spec.lists
    lists = {(_list_key(r, "List", spec.trick)): _list_value(r, addresses) for r in refs}
    if spec.kind == "read":
        return "GET", f"/v3/REST/{spec.resource}" + (f"/{t}" if t % 2 else ""), None
    if spec.kind == "recipient_post":
        return "POST", "/v3/REST/listrecipient", {"ContactID": t, **lists}
    if spec.kind == "recipient_put":
        return "PUT", f"/v3/REST/listrecipient/{t * 7}", {"IsUnsubscribed": True, **lists}
    if spec.kind == "widget_put":
        return "PUT", f"/v3/REST/widget/{1 + t % 3}", {"Name": "w", **lists}
    if spec.kind == "wcv_put":
        return "PUT", f"/v3/REST/widgetcustomvalue/{1 + t % 3}", {"Value": "v"}
    if spec.kind == "manage":
        entries = [
            {_list_key(r, "List", spec.trick): _list_value(r, addresses), "Action": "addnoforce"}
            for r in refs
        ]
        return "POST", f"/v3/REST/contact/{t}/managecontactslists", {"ContactsLists": entries}
    if spec.kind == "csvimport":
        named = {(_list_key(r, "ContactsList", spec.trick)): _list_value(r, addresses) for r in refs}
        return "POST", "/v3/REST/csvimport", {"DataID": 1, "Method": "addnoforce", **named}
    if spec.kind == "list_put":
        return "PUT", f"/v3/REST/contactslist/{1 + t % 5}", {"IsDeleted": False}
    if spec.kind == "list_put_alt":
        return "PUT", f"/v3/REST/contactslist/{addresses[1 + t % 5]}", {"IsDeleted": False}
    if spec.kind == "list_create":
        return "POST", "/v3/REST/contactslist", {"Name": f"gen-{t}"}
    if spec.kind == "send31":
        return "POST", "/v3.1/send", _send31(spec)
    if spec.kind == "send3":
        to = ", ".join(f"r{i}@example.org" for i in range(max(1, spec.recipients[0])))
        return (
            "POST",
            "/v3/send",
            {"FromEmail": "news@example.com", "Subject": "s", "Text-part": "t", "To": to},
        )
    if spec.kind == "data":
        return "POST", f"/v3/DATA/contactslist/{1 + t % 5}/CSVData/text:plain", None
    if spec.kind == "gdpr":
        return "DELETE", f"/v4/contacts/{100 + t}", None
    if spec.kind == "draft_send":
        return "POST", f"/v3/REST/campaigndraft/{t}/send", None
    return "PUT", f"/v3/REST/contact/{t}", {"Name": "n", **lists}  # contact_put


def _send31(spec: Spec) -> dict[str, Any]:
    messages = [
        {
            "From": {"Email": "news@example.com"},
            "To": [{"Email": f"m{i}-{j}@example.org"} for j in range(count)],
            "Subject": "s",
            "TextPart": "t",
        }
        for i, count in enumerate(spec.recipients)
    ]
    body: dict[str, Any] = {"Messages": messages}
    if spec.global_bcc:
        body["Globals"] = {"Bcc": [{"Email": f"g{j}@example.org"} for j in range(spec.global_bcc)]}
    if spec.sandbox_key is not None:
        body[spec.sandbox_key] = spec.sandbox
    return body


def render(spec: Spec, addresses: dict[int, str]) -> tuple[str, bytes, bytes]:
    """(method, raw path, raw body) as sent on the wire, the spec's trick applied."""
    method, path, body = request_of(spec, addresses)
    raw_body = json.dumps(body).encode() if body is not None else b""
    if spec.kind == "data":
        raw_body = b'"email"\n"gen@example.org"\n'
    trick = spec.trick
    first, _, rest = path[1:].partition("/")
    head, _, last = path.rpartition("/")
    if trick == "trailing_slash":
        path += "/"
    elif trick == "upper_path":
        path = path.replace("/REST/", "/rest/").replace("/v3.1/send", "/V3.1/SEND")
    elif trick == "leading_zero" and last.isdigit():
        path = f"{head}/0{last}"
    elif trick == "space_id":
        path = f"{head}/%20{last}"
    elif trick == "dot_segment":
        path = f"/{first}/x/../{rest}"
    elif trick == "encoded_slash":
        path = f"/{first}%2F{rest}"
    elif trick == "double_slash":
        path = f"/{first}//{rest}"
    elif trick == "extra_segment":
        path += "/1/2/3/4"
    elif trick == "bom" and raw_body:  # a BOM alone is no trick on a body-less call (malformed() agrees)
        raw_body = b"\xef\xbb\xbf" + raw_body
    elif trick == "dup_key" and raw_body.startswith(b"{"):
        raw_body = b'{"Name": "a", "Name": "b", ' + raw_body[1:]
    elif trick == "case_dup" and raw_body.startswith(b"{"):
        raw_body = b'{"Zz": 1, "zZ": 2, ' + raw_body[1:]
    elif trick == "nan" and raw_body.startswith(b"{"):
        raw_body = b'{"Zz": NaN, ' + raw_body[1:]
    elif trick == "number_string_list" and raw_body.startswith(b"{"):
        raw_body = (
            b'{"ListID": " 2", ' + raw_body[1:]
            if b"ListID" not in raw_body
            else raw_body.replace(b'"ListID": ', b'"ListID": " 2", "x": ')
        )
    return method, path.encode(), raw_body


def malformed(spec: Spec) -> bool:
    """Whether the spec's trick makes the request one the gateway must refuse before deciding."""
    if spec.trick == "number_string_list":  # send bodies name no list: a stray ListID there means nothing
        return spec.kind not in ("read", "gdpr", "data", "draft_send", "send31", "send3")
    if spec.trick in ("dup_key", "case_dup", "nan", "bom"):
        return spec.kind not in ("read", "gdpr", "data", "draft_send")
    if spec.trick == "leading_zero":
        return False
    return spec.trick in MALFORMED
