"""Bulk contact jobs: contact and contactslist `managemanycontacts`, contactslist `importlist` (§4.2).

Each POST validates the call at once (400 for a bad shape, unknown lists or too many contacts), then
starts an async job (see `jobs`) that applies one contact per item on the emulator clock. Per-contact
problems (invalid email, undefined property) do not fail the call: they land in the job's error file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from mailjet_connector import catalog
from mailjet_connector.catalog import enums
from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.jobs import JobScope
from mailjet_connector.emulator.resources import properties
from mailjet_connector.emulator.resources.subscriptions import (
    check_contacts_lists,
    require_list_action,
    subscribe,
    upsert_contact,
    write_properties,
)
from mailjet_connector.emulator.rest import responses, writes
from mailjet_connector.emulator.rest.actions import ActionContext

FREE_FORMAT = "Contact list import free format"  # batchjob JobType of JSON bulk jobs (assumed)


def contact_problem(scope: JobScope, item: Any) -> str | None:
    """Why a managemanycontacts entry cannot be applied, or None (checked before anything is written)."""
    if not isinstance(item, dict):
        return "Invalid contact: expected a JSON object"
    email = item.get("Email")
    try:
        writes.coerce(catalog.get("contact").field("Email"), email)  # type: ignore[arg-type]
    except EmulatorError:
        return f'Invalid email address "{email}"' if email else "Email missing"
    if not email:
        return "Email missing"
    name, excluded, props = item.get("Name"), item.get("IsExcludedFromCampaigns"), item.get("Properties")
    if name is not None and not isinstance(name, str):
        return 'Invalid "Name": expected a string'
    if excluded is not None and not isinstance(excluded, bool):
        return 'Invalid "IsExcludedFromCampaigns": expected true or false'
    if props is not None and not isinstance(props, dict):
        return 'Invalid "Properties": expected an object'
    try:
        properties.validate(scope.account, props or {})
    except EmulatorError as error:
        problems = error.info["Properties"] if isinstance(error.info, dict) else []
        return "; ".join(f'Property "{n}": {why}' for p in problems for n, why in p.items())
    return None


def apply_contact(scope: JobScope, item: dict[str, Any], lists: list[tuple[int, str]]) -> int:
    """Create or update one contact (keyed by Email), its properties and list subscriptions.

    Args:
        scope: the job's account and the item's emulator time.
        item: `{Email, Name?, IsExcludedFromCampaigns?, Properties?}`, already checked by `contact_problem`.
        lists: (list ID, action) pairs to apply (§4.1 semantics).

    Returns:
        The contact's ID.
    """
    checked = properties.validate(scope.account, item.get("Properties") or {})
    contact_id = upsert_contact(scope, str(item["Email"]).strip(), item.get("Name"))
    if item.get("IsExcludedFromCampaigns") is not None:
        contacts = scope.writer("contact")
        pos = contacts.table.position(contact_id)
        assert pos is not None
        writes.update(contacts, pos, {"IsExcludedFromCampaigns": item["IsExcludedFromCampaigns"]})
    write_properties(scope, contact_id, checked)
    for list_id, verb in lists:
        subscribe(scope, contact_id, list_id, verb)
    return contact_id


@dataclass
class ContactsWork:
    """managemanycontacts: one contact per item, then the same list actions for each."""

    contacts: list[Any]
    lists: list[tuple[int, str]]

    @property
    def total(self) -> int:
        return len(self.contacts)

    def prepare(self, scope: JobScope) -> str | None:
        return None

    def run(self, scope: JobScope, index: int) -> dict[str, Any] | None:
        item = self.contacts[index]
        problem = contact_problem(scope, item)
        if problem is None:
            apply_contact(scope, item, self.lists)
            return None
        email = item.get("Email", "") if isinstance(item, dict) else ""
        return {"Index": index, "Email": email, "Error": problem}


@dataclass
class ImportListWork:
    """importlist: each subscription of the source list (snapshot at POST time) applied to the target."""

    target: int
    verb: str
    sources: list[tuple[int, bool]]  # (contact ID, unsubscribed from the source list)

    @property
    def total(self) -> int:
        return len(self.sources)

    def prepare(self, scope: JobScope) -> str | None:
        return None

    def run(self, scope: JobScope, index: int) -> dict[str, Any] | None:
        contact_id, unsubscribed = self.sources[index]
        if scope.account.table("contact").position(contact_id) is None:
            return {"Index": index, "ContactID": contact_id, "Error": "Contact not found"}
        verb = self.verb
        if verb.startswith("duplicate-"):
            # Copy the source status; "no-override" leaves contacts already in the target alone.
            existing = scope.account.table("listrecipient").lookup(
                ("ContactID", "ListID"), (contact_id, self.target)
            )
            if verb == "duplicate-no-override" and existing is not None:
                return None
            verb = "unsub" if unsubscribed else "addforce"
        subscribe(scope, contact_id, self.target, verb)
        return None


def _body(ctx: ActionContext) -> dict[str, Any]:
    body = ctx.json()
    if not isinstance(body, dict):
        raise EmulatorError(400, "Invalid json input: expected a JSON object")
    return body


def _contacts(ctx: ActionContext, body: dict[str, Any]) -> list[Any]:
    contacts = body.get("Contacts")
    if not isinstance(contacts, list):
        raise EmulatorError(400, 'MJ03 A value for property "Contacts" is required (a list of contacts)')
    limit = jobs.settings(ctx.account).max_contacts
    if len(contacts) > limit:
        raise EmulatorError(
            400,
            f'MJ08 Property "Contacts" is invalid: at most {limit} contacts per call, got {len(contacts)}; '
            "split the upload or use the CSV import",
        )
    return contacts


def _status(ctx: ActionContext, kind: str, owner: int = 0) -> Response:
    """GET .../{action}/{jobId}: the job's status; without a job ID, every job of that kind."""
    jobs.refresh(ctx.state, ctx.account)
    if ctx.action_id is None:
        return responses.envelope([jobs.status_row(j) for j in jobs.of_kind(ctx.account, kind, owner)])
    job = jobs.find(ctx.account, ctx.action_id, (kind,), owner)
    if job is None:
        raise EmulatorError(404, "Object not found")
    return responses.envelope([jobs.status_row(job)])


def _started(job: jobs.Job) -> Response:
    return responses.envelope([{"JobID": job.id}], status=201)


def _post_only(ctx: ActionContext) -> None:
    if ctx.action_id is not None:
        raise EmulatorError(404, "Object not found")


def contact_manage_many(ctx: ActionContext) -> Response:
    """POST contact/managemanycontacts `{ContactsLists?, Contacts}` -> 201 `{JobID}`; GET .../{JobID}."""
    kind = "contact/managemanycontacts"
    if ctx.method == "GET":
        return _status(ctx, kind)
    _post_only(ctx)
    body = _body(ctx)
    lists = body.get("ContactsLists") or []
    if not isinstance(lists, list):
        raise EmulatorError(400, 'MJ08 Property "ContactsLists" is invalid: expected a list')
    check_contacts_lists(ctx.account, lists)
    work = ContactsWork(_contacts(ctx, body), [(i["ListID"], i["Action"]) for i in lists])
    info = {"ContactsLists": lists}
    return _started(
        jobs.start(ctx.state, ctx.account, work, rules=ctx.rules, kind=kind, job_type=FREE_FORMAT, info=info)
    )


def list_manage_many(ctx: ActionContext) -> Response:
    """POST contactslist/{id}/managemanycontacts `{Action, Contacts}` -> 201 `{JobID}`; GET .../{JobID}."""
    kind, list_id = "contactslist/managemanycontacts", ctx.item_id()
    if ctx.method == "GET":
        return _status(ctx, kind, list_id)
    _post_only(ctx)
    body = _body(ctx)
    verb = require_list_action(body.get("Action"))
    work = ContactsWork(_contacts(ctx, body), [(list_id, verb)])
    job = jobs.start(
        ctx.state,
        ctx.account,
        work,
        rules=ctx.rules,
        kind=kind,
        job_type=FREE_FORMAT,
        method=verb,
        owner=list_id,
    )
    return _started(job)


def import_list(ctx: ActionContext) -> Response:
    """POST contactslist/{id}/importlist `{Action, ListID}` copies list ListID's contacts -> `{JobID}`."""
    kind, target = "contactslist/importlist", ctx.item_id()
    if ctx.method == "GET":
        return _status(ctx, kind, target)
    _post_only(ctx)
    body = _body(ctx)
    verb = require_list_action(body.get("Action"), enums.IMPORTLIST_ACTIONS)
    source = body.get("ListID")
    lists = ctx.account.table("contactslist")
    if not isinstance(source, int) or isinstance(source, bool) or lists.position(source) is None:
        raise EmulatorError(400, f'MJ08 Property "ListID" is invalid: no contactslist "{source}"')
    with ctx.account.lock:
        recipients = ctx.account.table("listrecipient")
        live = recipients.live()
        rows = live[recipients.column("ListID")[live] == source]
        sources = list(
            zip(
                recipients.column("ContactID")[rows].tolist(),
                recipients.column("IsUnsubscribed")[rows].tolist(),
                strict=True,
            )
        )
    work = ImportListWork(target, verb, sources)
    job = jobs.start(
        ctx.state,
        ctx.account,
        work,
        rules=ctx.rules,
        kind=kind,
        job_type=FREE_FORMAT,
        method=verb,
        owner=target,
    )
    return _started(job)
