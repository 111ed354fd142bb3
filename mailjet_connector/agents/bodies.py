"""What a call's body means to the policy, read from the strictly parsed JSON (`strict_json`) and written back
in canonical form: the recipients and SandboxMode of a send, the contacts lists a write names, and the
list-owned objects it names.

Keys that matter are matched in any case and Unicode form and rewritten in the catalog's spelling
(`sandboxmode` -> `SandboxMode`, `LISTID` -> `ListID`), their values checked by type (a list ID is a JSON
integer or plain decimal text, stored back as an integer; SandboxMode is true or false), so what Mailjet
receives says exactly what was decided. List links are found at any depth from the catalog's link metadata
(`catalog.links`), in ID and Alt form; Alt values are resolved later (`lookups`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.agents.paths import Route
from mailjet_connector.agents.policy import SendInfo
from mailjet_connector.agents.strict_json import BodyError
from mailjet_connector.catalog.links import LinkSpelling, fold, match_link, owner_links

__all__ = ["BodyFacts", "ListRef", "OwnedRef", "read_body"]

LIST = "contactslist"
RECIPIENTS = ("To", "Cc", "Bcc")
V31_KEYS = ("SandboxMode", "AdvanceErrorHandling", "Globals", "Messages")
V3_KEYS = ("Messages", "Recipients", *RECIPIENTS)
_DECIMAL = re.compile(r"[0-9]{1,20}")


@dataclass
class ListRef:
    """A contacts list named in the body: `holder[key]`, by ID (`list_id`) or by alternate key (`alt`)."""

    holder: dict[str, Any]
    spelling: LinkSpelling
    list_id: int | None = None
    alt: str | None = None

    def resolve(self, list_id: int) -> None:
        """Replace the Alt form by the ID it was resolved to (what is forwarded names the list by ID)."""
        self.holder.pop(self.spelling.alt_name, None)
        self.holder[self.spelling.id_name] = list_id
        self.list_id, self.alt = list_id, None


@dataclass(frozen=True)
class OwnedRef:
    """An object of a list-owned resource named by ID in the body (a widgetcustomvalue's `WidgetID`)."""

    resource: str
    key: str


@dataclass
class BodyFacts:
    """What the policy needs from a body."""

    send: SendInfo | None = None
    lists: list[ListRef] = field(default_factory=list)
    owned: list[OwnedRef] = field(default_factory=list)
    alt_refs: list[str] = field(default_factory=list)  # Alt forms of links to list-owned objects


def read_body(route: Route, body: Any) -> BodyFacts:
    """The facts of `body` (the parsed JSON, changed in place to its canonical form).

    Raises:
        BodyError: a root that is not an object, or a value of the wrong type where the policy looks.
    """
    if body is None:
        return BodyFacts(send=SendInfo(0, False) if route.kind == "send" else None)
    if not isinstance(body, dict):
        raise BodyError("the body must be a JSON object")
    facts = BodyFacts()
    if route.kind == "send":
        facts.send = _v31(body) if route.send_version == "v3.1" else _v3(body)
        return facts
    _find_lists(body, facts.lists, 0)
    if route.resource is not None and route.action is None:
        _find_owned(route, body, facts)
    return facts


def _canonical_keys(holder: dict[str, Any], names: tuple[str, ...]) -> None:
    """Rename keys that fold to one of `names` to that spelling (strict_json already refused clashes)."""
    wanted = {fold(name): name for name in names}
    for key in list(holder):
        name = wanted.get(fold(key))
        if name is not None and name != key:
            holder[name] = holder.pop(key)


def _v31(body: dict[str, Any]) -> SendInfo:
    _canonical_keys(body, V31_KEYS)
    sandbox = body.get("SandboxMode", False)
    if not isinstance(sandbox, bool):
        raise BodyError("SandboxMode must be true or false")
    messages = body.get("Messages")
    shared = body.get("Globals")
    shared = {} if shared is None else shared
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise BodyError("Messages must be an array of message objects")
    if not isinstance(shared, dict):
        raise BodyError("Globals must be an object")
    _canonical_keys(shared, RECIPIENTS)
    count = 0
    for message in messages:
        _canonical_keys(message, RECIPIENTS)
        for part in RECIPIENTS:
            # A message without its own To/Cc/Bcc takes the Globals' one (Mailjet merges them).
            value = message[part] if part in message else shared.get(part)
            if value is None:
                continue
            if not isinstance(value, list):
                raise BodyError(f"{part} must be an array of recipients")
            count += len(value)
    return SendInfo(count, sandbox)


def _v3(body: dict[str, Any]) -> SendInfo:
    _canonical_keys(body, V3_KEYS)
    messages = body.get("Messages", [body])
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise BodyError("Messages must be an array of message objects")
    count = 0
    for message in messages:
        _canonical_keys(message, V3_KEYS)
        recipients = message.get("Recipients")
        if recipients is not None:
            if not isinstance(recipients, list):
                raise BodyError("Recipients must be an array")
            count += len(recipients)
        for part in RECIPIENTS:
            value = message.get(part)
            if value is None:
                continue
            if not isinstance(value, str):
                raise BodyError(f"{part} must be a string of addresses")
            count += value.count("@")  # "Name <a@b>, c@d": every address has one
    return SendInfo(count, False)  # v3 has no SandboxMode: every v3 send is live


def _find_lists(value: Any, found: list[ListRef], depth: int) -> None:
    """Every key naming a contacts list, at any depth (strict_json bounds the depth)."""
    if isinstance(value, list):
        for item in value:
            _find_lists(item, found, depth + 1)
        return
    if not isinstance(value, dict):
        return
    refs: dict[str, ListRef] = {}
    for key in list(value):
        match = match_link(key, LIST)
        if match is None:
            _find_lists(value[key], found, depth + 1)
            continue
        spelling, form = match
        if spelling.id_name in refs:
            raise BodyError(
                f"{key!r}: the list is named twice in one object ({spelling.id_name} and its Alt form)"
            )
        item = value.pop(key)
        ref = ListRef(value, spelling)
        if form == "alt":
            ref.alt = _alt_value(key, item)
            value[spelling.alt_name] = ref.alt
        else:
            ref.list_id = _id_value(spelling.id_name, item)
            value[spelling.id_name] = ref.list_id
        refs[spelling.id_name] = ref
    found.extend(refs.values())


def _id_value(name: str, value: Any) -> int | None:
    if value is None:
        return None  # names no list
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return int(value)
    raise BodyError(f"{name} must be a list ID (an integer), not {str(value)[:40]!r}")


def _alt_value(name: str, value: Any) -> str:
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not text or text != text.strip() or not text.isprintable():
        raise BodyError(f"{name} must be a list's Address (text), not {str(value)[:40]!r}")
    return text


def _find_owned(route: Route, body: dict[str, Any], facts: BodyFacts) -> None:
    """Top-level links to objects that belong to a list (a widgetcustomvalue's `WidgetID`)."""
    assert route.resource is not None
    owners = owner_links(LIST)
    for fld in route.resource.fields:
        if fld.link is None or fld.link == LIST or fld.link not in owners:
            continue
        for key in list(body):
            match = match_link(key, fld.link)
            if match is None or match[0].id_name != fld.name:
                continue
            if match[1] == "alt":
                facts.alt_refs.append(key)
                continue
            target = catalog.get(fld.link)
            value = body.pop(key)
            body[fld.name] = value
            if value is not None:
                if isinstance(value, str) and _DECIMAL.fullmatch(value):
                    body[fld.name] = value = int(value)
                if not isinstance(value, int) or isinstance(value, bool):
                    raise BodyError(f"{fld.name} must be an ID (an integer)")
                facts.owned.append(OwnedRef(target.name, str(value)))
