"""Find a contacts list by ID or by name (optionally creating it), as the contacts commands take them."""

from __future__ import annotations

from mailjet_connector.client import Client
from mailjet_connector.errors import ListNotFoundError, NotFoundError

__all__ = ["ListNotFoundError", "resolve_list"]


def resolve_list(client: Client, ref: int | str, *, create: bool = False) -> int:
    """The ID of a contacts list given as an ID or a name.

    A value made only of digits is an ID; anything else is a name matched exactly (Mailjet's `Name` filter).
    Deleted lists (soft delete) are not matched by name.

    Args:
        client: a connected client.
        ref: a list ID or name.
        create: create a list with that name when none exists.

    Returns:
        The list ID.

    Raises:
        ListNotFoundError: no such list (and `create` is False, or `ref` is an ID).
    """
    text = str(ref).strip()
    if text.isdigit():
        try:
            return int(client.get("contactslist", int(text))["ID"])
        except NotFoundError:
            raise ListNotFoundError(f"no contacts list with ID {text}") from None
    for row in client.iter("contactslist", {"Name": text, "IsDeleted": False}):
        if str(row.get("Name")) == text:
            return int(row["ID"])
    if not create:
        raise ListNotFoundError(f"no contacts list named {text!r} (add --create-list to create it)")
    created = client.create("contactslist", {"Name": text})
    return int((created or {})["ID"])
