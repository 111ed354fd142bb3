"""Find a contacts list by ID or by name (optionally creating it): the one resolver every command uses.

Rules (also in docs/contacts.md): a value made only of digits is an ID; anything else is a name, matched
exactly (case and spaces count) among the lists that are not deleted. Two live lists with the same name
cannot be told apart, so the name is refused and the user gives the ID; Mailjet refuses a duplicate name
(MJ18) but an account may still hold one from before, or differing only where the server's filter does
not look.
"""

from __future__ import annotations

from mailjet_connector.client import Client
from mailjet_connector.errors import ListNotFoundError, NotFoundError

__all__ = ["ListNotFoundError", "resolve_list"]


def resolve_list(client: Client, ref: int | str, *, create: bool = False) -> int:
    """The ID of a contacts list given as an ID or a name.

    Args:
        client: a connected client.
        ref: a list ID or name.
        create: create a list with that name when none exists.

    Returns:
        The list ID.

    Raises:
        ListNotFoundError: no such list (and `create` is False, or `ref` is an ID), or several live lists
            with that name.
    """
    text = str(ref).strip()
    if text.isdigit():
        try:
            return int(client.get("contactslist", int(text))["ID"])
        except NotFoundError:
            raise ListNotFoundError(f"no contacts list with ID {text}") from None
    found = [
        row
        for row in client.iter("contactslist", {"Name": text, "IsDeleted": False})
        if str(row.get("Name")) == text and not row.get("IsDeleted")
    ]
    if len(found) > 1:
        ids = ", ".join(str(row["ID"]) for row in found)
        raise ListNotFoundError(f"several contacts lists are named {text!r} (IDs {ids}): give the ID")
    if found:
        return int(found[0]["ID"])
    if not create:
        raise ListNotFoundError(f"no contacts list named {text!r} (add --create-list to create it)")
    created = client.create("contactslist", {"Name": text})
    return int((created or {})["ID"])
