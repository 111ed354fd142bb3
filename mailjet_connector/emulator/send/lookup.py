"""What a send reads from the account: authorised senders, owned templates and their stored content."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.emulator.state import Account

# Template content lives outside the template table because it is a sub-resource
# (`template/{id}/detailcontent`), not columns of the template row. Convention shared with the REST
# detailcontent action and the campaigns issue:
#     account.extra["template_content"][template_id] = {"Html-part", "Text-part", "MJMLContent", "Headers"}
# Parts not set are None (the new-style services answer null); Headers is a dict such as
# {"From": "\"Shop\" <shop@example.com>", "Subject": "Hello {{var:name}}", "Reply-To": "..."}.
TEMPLATE_CONTENT_KEY = "template_content"
TEMPLATE_PARTS = tuple(f.name for f in catalog.get("template").action("detailcontent").fields)  # type: ignore[union-attr]


def template_content(account: Account, template_id: int) -> dict[str, Any] | None:
    """The stored detailcontent of one template, or None when none was ever stored.

    Args:
        account: the owner.
        template_id: the template row ID.

    Returns:
        A dict with the keys of `TEMPLATE_PARTS` (missing parts are None), or None.
    """
    stored = account.extra.get(TEMPLATE_CONTENT_KEY, {}).get(int(template_id))
    if stored is None:
        return None
    return {part: stored.get(part) for part in TEMPLATE_PARTS}


def store_template_content(account: Account, template_id: int, content: Mapping[str, Any]) -> None:
    """Replace a template's detailcontent (POST semantics: parts not given become None).

    Args:
        account: the owner.
        template_id: the template row ID.
        content: any of the keys of `TEMPLATE_PARTS`.
    """
    parts = {part: content.get(part) for part in TEMPLATE_PARTS}
    account.extra.setdefault(TEMPLATE_CONTENT_KEY, {})[int(template_id)] = parts


def owns_template(account: Account, template_id: int) -> bool:
    """Whether the account has a (live) template row with this ID: the send-0010 rule."""
    return account.table("template").position(int(template_id)) is not None


def find_template_id(account: Account, name_or_id: Any) -> int | None:
    """The ID of the account's template given its ID or its Name (v3's `Mj-TemplateID` takes both)."""
    table = account.table("template")
    text = str(name_or_id).strip()
    if text.isdigit():
        return int(text) if table.position(int(text)) is not None else None
    pos = table.lookup(["Name"], [text])
    return None if pos is None else int(table.column("ID")[pos])


def active_sender(account: Account, email: str) -> dict[str, Any] | None:
    """The Active sender row authorising `email`: the exact address first, else its `*@domain` row.

    Args:
        account: the account sending.
        email: the From (or Sender) address.

    Returns:
        The raw sender row, or None when the address is not an authorised sender (send-0008).
    """
    table = account.table("sender")
    email = email.strip().lower()
    domain_row = f"*@{email.rpartition('@')[2]}"
    live = table.live()
    emails = table.column("Email")[live].tolist()
    statuses = table.column("Status")[live].tolist()
    domain_pos = None
    for pos, address, status in zip(live.tolist(), emails, statuses, strict=True):
        if status != "Active":
            continue
        address = str(address).lower()
        if address == email:
            return table.raw(pos)
        if address == domain_row and domain_pos is None:
            domain_pos = pos
    return None if domain_pos is None else table.raw(domain_pos)


def sender_header_allowed(account: Account) -> bool:
    """Whether the key may set the `Sender` property (Mailjet support grants it; send-0006 otherwise).

    Set `account.extra["sender_header_allowed"] = True` to grant it.
    """
    return bool(account.extra.get("sender_header_allowed", False))


def monitoring_categories(account: Account) -> frozenset[str]:
    """The MonitoringCategory names the account defined (`account.extra["monitoring_categories"]`)."""
    return frozenset(account.extra.get("monitoring_categories", ()))
