"""Subscription sub-actions: contact getcontactslists / managecontactslists, contactslist managecontact (§4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from starlette.responses import Response

from mailjet_connector.catalog import enums
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.resources import properties
from mailjet_connector.emulator.resources.contacts import ensure_contactdata
from mailjet_connector.emulator.rest import responses, writes
from mailjet_connector.emulator.rest.actions import ActionContext
from mailjet_connector.emulator.rest.writes import WriteContext
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.table import format_timestamps


class Writers(Protocol):
    """Anything that hands out write contexts: an ActionContext, or a bulk job at its processing time."""

    def writer(self, resource: Any) -> WriteContext: ...


def get_contacts_lists(ctx: ActionContext) -> Response:
    """GET contact/{id|email}/getcontactslists -> `[{IsActive, IsUnsub, ListID, SubscribedAt}]`."""
    recipients = ctx.account.table("listrecipient")
    with ctx.account.lock:
        live = recipients.live()
        rows = live[recipients.column("ContactID")[live] == ctx.item_id()]
        data = [
            {"IsActive": active, "IsUnsub": unsub, "ListID": list_id, "SubscribedAt": at}
            for active, unsub, list_id, at in zip(
                recipients.column("IsActive")[rows].tolist(),
                recipients.column("IsUnsubscribed")[rows].tolist(),
                recipients.column("ListID")[rows].tolist(),
                format_timestamps(recipients.column("SubscribedAt")[rows]),
                strict=True,
            )
        ]
    return responses.envelope(data)


def manage_contacts_lists(ctx: ActionContext) -> Response:
    """POST contact/{id|email}/managecontactslists `{"ContactsLists": [{ListID, Action}]}` (§4.1)."""
    body = ctx.json()
    items = body.get("ContactsLists") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise EmulatorError(
            400, {"ContactsLists": [{"ListID": "", "Action": "", "Error": "listID missing or not valid"}]}
        )
    check_contacts_lists(ctx.account, items)
    with ctx.account.lock:
        for item in items:
            subscribe(ctx, ctx.item_id(), item["ListID"], item["Action"])
    return responses.envelope([{"ContactsLists": items}], status=201)


def check_contacts_lists(account: Account, items: Sequence[Any]) -> None:
    """Validate `[{ListID, Action}]` entries (managecontactslists, managemanycontacts).

    Raises:
        EmulatorError: 400 with ErrorMessage `{"ContactsLists": [{ListID, Action, Error}]}` (§4.1).
    """
    lists = account.table("contactslist")
    errors = []
    for item in items:
        entry = item if isinstance(item, dict) else {}
        list_id, verb = entry.get("ListID"), entry.get("Action")
        problem = None
        if not isinstance(list_id, int) or isinstance(list_id, bool) or lists.position(list_id) is None:
            problem = "listID missing or not valid"
        elif verb not in enums.LIST_ACTIONS:
            problem = "action missing or not valid"
        if problem:
            errors.append({"ListID": _echo(list_id), "Action": _echo(verb), "Error": problem})
    if errors:
        raise EmulatorError(400, {"ContactsLists": errors})


def _echo(value: Any) -> str:
    return "" if value is None else str(value)


def subscribe(ctx: Writers, contact_id: int, list_id: int, verb: str) -> None:
    """Apply one list action to a contact's subscription.

    addforce subscribes and clears an unsubscription; addnoforce subscribes and keeps the status; remove
    deletes the subscription; unsub marks it unsubscribed (creating it unsubscribed when missing).
    """
    writer = ctx.writer("listrecipient")
    pos = writer.table.lookup(("ContactID", "ListID"), (contact_id, list_id))
    if verb == "remove":
        if pos is not None:
            writes.delete(writer, pos)
        return
    if pos is None:
        writes.create(writer, {"ContactID": contact_id, "ListID": list_id, "IsUnsubscribed": verb == "unsub"})
    elif verb == "addforce":
        writes.update(writer, pos, {"IsUnsubscribed": False, "IsActive": True})
    elif verb == "unsub":
        writes.update(writer, pos, {"IsUnsubscribed": True})


def manage_contact(ctx: ActionContext) -> Response:
    """POST contactslist/{id}/managecontact `{Email, Name?, Action, Properties?}` (§4.4)."""
    body = ctx.json()
    if not isinstance(body, dict):
        raise EmulatorError(400, "Invalid json input: expected a JSON object")
    verb = require_list_action(body.get("Action"))
    props = body.get("Properties") or {}
    if not isinstance(props, dict):
        raise EmulatorError(400, 'MJ08 Property "Properties" is invalid: expected an object')
    with ctx.account.lock:
        checked = properties.validate(ctx.account, props)
        contact_id = upsert_contact(ctx, body.get("Email"), body.get("Name"))
        write_properties(ctx, contact_id, checked)
        subscribe(ctx, contact_id, ctx.item_id(), verb)
        contacts = ctx.account.table("contact")
        pos = contacts.position(contact_id)
        email, name = contacts.column("Email")[pos], contacts.column("Name")[pos]
    answer = {"ContactID": contact_id, "Email": email, "Action": verb, "Name": name, "Properties": props}
    return responses.envelope([answer], status=201)


def require_list_action(verb: Any, choices: Sequence[str] = enums.LIST_ACTIONS) -> str:
    """The `Action` of a list operation.

    Raises:
        EmulatorError: 400 MJ08 when it is not one of `choices`.
    """
    if verb not in choices:
        raise EmulatorError(400, f'MJ08 Property "Action" is invalid: expected one of {", ".join(choices)}')
    return str(verb)


def write_properties(ctx: Writers, contact_id: int, checked: dict[str, str | None]) -> None:
    """Merge validated property values (None clears one) into the contact's contactdata row."""
    if checked:
        data = ctx.writer("contactdata")
        row = ensure_contactdata(data, contact_id)
        writes.update(data, row, {"Data": [{"Name": k, "Value": v} for k, v in checked.items()]})


def upsert_contact(ctx: Writers, email: Any, name: Any) -> int:
    """The ID of the contact with this email (case-insensitive), created when missing; Name updated if given.

    Raises:
        EmulatorError: 400 for an invalid email (from the contact write rules).
    """
    writer = ctx.writer("contact")
    values: dict[str, Any] = {"Email": email}
    if name is not None:
        values["Name"] = name
    pos = writer.table.lookup(("Email",), (str(email).strip(),), ci=True) if isinstance(email, str) else None
    if pos is None:
        pos = writes.create(writer, values)
    elif name is not None:
        writes.update(writer, pos, {"Name": name})
    return int(writer.table.column("ID")[pos])
