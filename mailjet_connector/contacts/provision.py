"""Provisioning verbs by email: subscribe / unsubscribe to a list, exclude / include, forget (GDPR delete)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mailjet_connector.client import Client
from mailjet_connector.contacts.plan import email_column
from mailjet_connector.errors import InvalidRequestError, NotFoundError
from mailjet_connector.importer.sources import SUFFIXES, SourceError, read_rows

__all__ = ["Outcome", "exclude", "forget", "include", "read_emails", "subscribe", "unsubscribe"]

GDPR_DELETE = "/v4/contacts/{id}"


@dataclass(frozen=True)
class Outcome:
    """What a verb did for one email: `ok`, and a short word ("subscribed", "unchanged") or Mailjet's reason."""

    email: str
    ok: bool
    detail: str


def read_emails(path: str | Path) -> Iterator[str]:
    """Emails from a file: one per line (blank lines and `#` comments skipped), or the Email column of a
    CSV / JSONL / Parquet file.

    Raises:
        SourceError: a missing file, or a table without an Email column.
    """
    path = Path(path)
    if path.suffix.lower() in SUFFIXES:
        rows = read_rows(path)
        first = next(rows, None)
        column = email_column(first or {})
        if first is not None and column is None:
            raise SourceError(f"{path}: no Email column")
        for row in [first, *rows] if first is not None else []:
            if row.get(column):
                yield str(row[column]).strip()
        return
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            text = line.strip()
            if text and not text.startswith("#"):
                yield text


def _each(emails: Iterable[str], verb: Callable[[str], str]) -> list[Outcome]:
    """Run `verb` per email; a 400/404 for one email is its outcome, anything else stops the run."""
    outcomes = []
    for email in dict.fromkeys(e.strip() for e in emails if e.strip()):
        try:
            outcomes.append(Outcome(email, True, verb(email)))
        except NotFoundError:
            outcomes.append(Outcome(email, False, "no contact with this email (Object not found)"))
        except InvalidRequestError as exc:
            outcomes.append(Outcome(email, False, exc.message))
    return outcomes


def _list_action(client: Client, email: str, list_id: int, action: str) -> None:
    body = {"ContactsLists": [{"ListID": list_id, "Action": action}]}
    client.action("contact", "managecontactslists", email, data=body)


def subscribe(client: Client, emails: Iterable[str], list_id: int, *, force: bool = True) -> list[Outcome]:
    """Subscribe contacts to a list (`managecontactslists` addforce, or addnoforce with `force=False`).

    A contact that does not exist yet is created first (Mailjet answers 404 for unknown contacts).

    Returns:
        One outcome per distinct email, in input order.
    """
    action = "addforce" if force else "addnoforce"

    def verb(email: str) -> str:
        try:
            _list_action(client, email, list_id, action)
        except NotFoundError:
            client.create("contact", {"Email": email})
            _list_action(client, email, list_id, action)
            return "created and subscribed"
        return "subscribed"

    return _each(emails, verb)


def unsubscribe(client: Client, emails: Iterable[str], list_id: int) -> list[Outcome]:
    """Unsubscribe contacts from a list (`managecontactslists` unsub); unknown emails are reported."""

    def verb(email: str) -> str:
        _list_action(client, email, list_id, "unsub")
        return "unsubscribed"

    return _each(emails, verb)


def _set_excluded(client: Client, emails: Iterable[str], excluded: bool) -> list[Outcome]:
    word = "excluded" if excluded else "included"

    def verb(email: str) -> str:
        changed = client.update("contact", email, {"IsExcludedFromCampaigns": excluded})
        return word if changed is not None else f"already {word}"  # 304: nothing to change

    return _each(emails, verb)


def exclude(client: Client, emails: Iterable[str]) -> list[Outcome]:
    """Exclude contacts from marketing campaigns (PUT `IsExcludedFromCampaigns: true`)."""
    return _set_excluded(client, emails, True)


def include(client: Client, emails: Iterable[str]) -> list[Outcome]:
    """Include contacts in marketing campaigns again (PUT `IsExcludedFromCampaigns: false`)."""
    return _set_excluded(client, emails, False)


def forget(client: Client, emails: Iterable[str], *, ids: dict[str, int] | None = None) -> list[Outcome]:
    """GDPR-delete contacts (`DELETE /v4/contacts/{id}`): Mailjet anonymises them at once, purges in 30 days.

    Irreversible: callers confirm first. The contact ID is looked up by email. Only Mailjet is touched:
    `contacts.forget_everywhere` also cleans the local stores.

    Args:
        client: a connected client.
        emails: the addresses.
        ids: when given, receives email -> contact ID of each contact forgotten.
    """

    def verb(email: str) -> str:
        contact_id = int(client.get("contact", email)["ID"])
        client.request("DELETE", GDPR_DELETE.format(id=contact_id))
        if ids is not None:
            ids[email] = contact_id
        return f"forgotten (contact {contact_id} anonymised)"

    return _each(emails, verb)
