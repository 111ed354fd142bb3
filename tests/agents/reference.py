"""The reference decision: whether a generated call (`call_specs.Spec`) must be allowed, restated from the
policy text (docs/agents.md, "How a call is decided") and the catalog, independently of the gateway's code.

It reads the spec (what the call does) and the emulator's current rows (which list an object belongs to, which
list an Address names); it never parses the bytes the gateway receives.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailjet_connector import catalog
from mailjet_connector.agents.policy import Access, AgentPolicy
from mailjet_connector.catalog import Area, Verb
from mailjet_connector.emulator.state import Account
from tests.agents.call_specs import Spec, malformed, request_of

# The kinds whose body names the spec's lists (`call_specs.request_of`).
LIST_BODIES = frozenset(
    {"recipient_post", "recipient_put", "widget_put", "manage", "csvimport", "contact_put"}
)
# Where each kind of call goes: (catalog resource, action or None); send and gdpr have their own areas.
ROUTES: dict[str, tuple[str | None, str | None]] = {
    "recipient_post": ("listrecipient", None),
    "recipient_put": ("listrecipient", None),
    "widget_put": ("widget", None),
    "wcv_put": ("widgetcustomvalue", None),
    "manage": ("contact", "managecontactslists"),
    "csvimport": ("csvimport", None),
    "list_put": ("contactslist", None),
    "list_put_alt": ("contactslist", None),
    "list_create": ("contactslist", None),
    "data": ("contactslist", None),
    "draft_send": ("campaigndraft", "send"),
    "contact_put": ("contact", None),
}


@dataclass(frozen=True)
class World:
    """The emulator's rows at the time of the call."""

    account: Account

    def row(self, resource: str, key: int) -> dict | None:
        table = self.account.table(resource)
        pos = table.position(key)
        return None if pos is None else table.records([pos])[0]

    def address(self, list_id: int) -> str:
        found = self.row("contactslist", list_id)
        return str(found["Address"]) if found else ""

    def addresses(self) -> dict[int, str]:
        return {i: self.address(i) for i in range(1, 6)}


def area_and_verbs(spec: Spec, method: str) -> tuple[Area | None, tuple[Verb, ...]]:
    if spec.kind in ("send31", "send3"):
        return Area.SEND, (Verb.POST,)
    if spec.kind == "gdpr":
        return Area.CONTACTS, (Verb.DELETE,)
    if spec.kind == "read":
        resource = catalog.get(spec.resource)
        return resource.area, resource.verbs
    name, action = ROUTES[spec.kind]
    resource = catalog.get(str(name))
    if spec.kind == "data":
        return resource.area, (Verb.POST, Verb.GET)
    if action is not None:
        found = resource.action(action)
        assert found is not None
        return found.area or resource.area, found.verbs
    return resource.area, resource.verbs


def touched_lists(spec: Spec, world: World) -> list[int] | None:
    """The lists a write touches: named in the path or body (Alt by Address), and the lists of the object
    written by key; None when one cannot be told (an unknown Address or object)."""
    lists: list[int] = []
    for ref in spec.lists if spec.kind in LIST_BODIES else ():
        if ref.form == "alt" and ref.unknown:
            return None
        lists.append(ref.list_id)
    _, path, _ = request_of(spec, world.addresses())
    last = path.rsplit("/", 1)[-1]
    if spec.kind in ("list_put", "list_put_alt"):
        lists.append(1 + spec.target % 5)
    if spec.kind == "data":
        lists.append(int(path.split("/")[4]))
    owners = {"recipient_put": ("listrecipient", "ListID"), "widget_put": ("widget", "ListID"),
              "draft_send": ("campaigndraft", "ContactsListID")}  # fmt: skip
    if spec.kind in owners:
        resource, link = owners[spec.kind]
        row = world.row(resource, int(last if spec.kind != "draft_send" else spec.target))
        if row is None:
            return None
        lists += [row[link]] if row[link] else []
    if spec.kind == "wcv_put":
        value = world.row("widgetcustomvalue", int(last))
        widget = world.row("widget", value["WidgetID"]) if value else None
        if widget is None:
            return None
        lists += [widget["ListID"]] if widget["ListID"] else []
    return lists


def recipients(spec: Spec) -> int:
    if spec.kind == "send3":
        return max(1, spec.recipients[0])
    # A message without its own Bcc takes the Globals' Bcc.
    return sum(spec.recipients) + spec.global_bcc * len(spec.recipients)


def sandbox(spec: Spec) -> bool:
    return spec.kind == "send31" and spec.sandbox_key is not None and spec.sandbox


def allowed(agent: AgentPolicy, spec: Spec, world: World) -> bool:
    """The policy text, restated."""
    if malformed(spec):
        return False
    method, _, _ = request_of(spec, world.addresses())
    area, verbs = area_and_verbs(spec, method)
    if area is None or Verb(method) not in verbs:
        return False
    access = agent.access(area)
    if access is Access.OFF or (method != "GET" and access is not Access.WRITE):
        return False
    if method == "GET":
        return True
    limits = agent.limits
    if limits.dry_run_only and not sandbox(spec):
        return False
    if area is Area.SEND and method != "DELETE" and not sandbox(spec) and not agent.send_live:
        return False
    capped = limits.max_recipients is not None and spec.kind in ("send31", "send3")
    if capped and recipients(spec) > (limits.max_recipients or 0):
        return False
    if limits.allowed_lists is not None:
        lists = touched_lists(spec, world)
        if lists is None or any(i not in limits.allowed_lists for i in lists):
            return False
        if area is Area.LISTS and not lists:
            return False
    return True
