"""GDPR delete: `DELETE /v4/contacts/{contactId}` anonymises a contact at once (mailjet-api.md §4.5, §8.7).

Answer: 200 with an empty body, also for an unknown or malformed ID. Effects, all immediate:
- contact: Email becomes `<first 32 hex digits of sha256(lower-cased email)>@domain.invalid`, Name
  "Anonymized", LastUpdateAt now; the ID is kept, so messages and statistics still join on it;
- contactdata and contacthistorydata rows of the contact are deleted;
- list subscriptions (listrecipient rows) are deleted, lowering the lists' SubscriberCount;
- message rows keep their IDs but lose ContactAlt; the recipient address recorded with each sent message
  (`account.extra["sent_content"]`) is replaced by the anonymised one;
- `account.extra["gdpr_deletions"]` records `{ContactID, At, PurgeAt}` (Mailjet purges after 30 days; the
  emulator keeps the anonymised row).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest import writes
from mailjet_connector.emulator.rest.auth import authenticate
from mailjet_connector.emulator.rest.writes import Rules
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.table import Table

ANONYMOUS_DOMAIN = "domain.invalid"
ANONYMOUS_NAME = "Anonymized"
PURGE_AFTER = 30 * 86_400
DELETIONS_KEY = "gdpr_deletions"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def anonymous_email(email: str) -> str:
    """The address an anonymised contact takes: stable for a given address, unrelated to it to a reader."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"{digest}@{ANONYMOUS_DOMAIN}"


def forget_contact(
    state: EmulatorState, account: Account, contact_id: int, rules: Mapping[str, Rules]
) -> bool:
    """Anonymise one contact and drop its personal data (see the module docstring).

    Args:
        state: the emulator state (for the clock).
        account: the owner.
        contact_id: the contact's ID.
        rules: the write rules of every resource (`rest.hooks.RULES`; the lists' counts follow the unsubscribes).

    Returns:
        Whether a contact was found; deleting an already anonymised contact changes nothing.
    """
    contacts = account.table("contact")
    with account.lock:
        pos = contacts.position(contact_id)
        if pos is None:
            return False
        email = str(contacts.column("Email")[pos])
        if email.endswith("@" + ANONYMOUS_DOMAIN):
            return True
        now = state.clock.now()
        masked = anonymous_email(email)
        contacts.update(pos, {"Email": masked, "Name": ANONYMOUS_NAME, "LastUpdateAt": now})
        for name in ("contactdata", "contacthistorydata"):
            table = account.table(name)
            for row in _rows_of(table, contact_id):
                table.delete(row)
        _unsubscribe_all(state, account, contact_id, now, rules)
        _mask_messages(account, contact_id, masked)
        account.extra.setdefault(DELETIONS_KEY, []).append(
            {"ContactID": contact_id, "At": now, "PurgeAt": now + PURGE_AFTER}
        )
    return True


def _rows_of(table: Table, contact_id: int) -> list[int]:
    live = table.live()
    return live[table.column("ContactID")[live] == contact_id].tolist()


def _unsubscribe_all(
    state: EmulatorState, account: Account, contact_id: int, now: int, rules: Mapping[str, Rules]
) -> None:
    # Through the write pipeline, so the lists' SubscriberCount follows.
    table = account.table("listrecipient")
    ctx = writes.WriteContext(state, account, table.resource, table, now, rules)
    for pos in _rows_of(table, contact_id):
        writes.delete(ctx, pos)


def _mask_messages(account: Account, contact_id: int, masked: str) -> None:
    messages = account.table("message")
    sent_content = account.extra.get("sent_content", {})
    ids = messages.column("ID")
    for pos in _rows_of(messages, contact_id):
        messages.update(pos, {"ContactAlt": ""})
        record = sent_content.get(int(ids[pos]))
        if record and isinstance(record.get("Recipient"), dict):
            record["Recipient"] = {**record["Recipient"], "Email": masked, "Name": ""}


def gdpr_routes(state: EmulatorState, rules: Mapping[str, Rules]) -> list[BaseRoute]:
    """The v4 GDPR route.

    Args:
        state: the emulator state.
        rules: the write rules of every resource (`rest.hooks.RULES`).

    Returns:
        `DELETE /v4/contacts/{contactId}`; Basic auth as on REST (empty 401); other verbs answer 405.
    """

    async def delete_contact(request: Request) -> Response:
        account = authenticate(state, request)
        if request.method != "DELETE":
            raise EmulatorError(405, f'Method "{request.method}" is not allowed', style="modern")
        key = request.path_params["contact_id"]
        if key.isdigit():
            forget_contact(state, account, int(key), rules)
        return Response(status_code=200)

    return [Route("/v4/contacts/{contact_id}", delete_contact, methods=ALL_METHODS)]
