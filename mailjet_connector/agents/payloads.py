"""What a call's body tells the policy: recipients and SandboxMode of a send, contacts lists of a write."""

from __future__ import annotations

from typing import Any

from mailjet_connector.agents.policy import SendInfo

# Body keys naming a contacts list (compared lower-cased), at any depth: listrecipient {"ListID"},
# contact/managecontactslists {"ContactsLists": [{"ListID"}]}, widgets {"ListID"}, importers {"ContactsListID"}.
LIST_KEYS = frozenset({"listid", "contactslistid", "contactlistid"})
MAX_DEPTH = 6
RECIPIENT_FIELDS = ("To", "Cc", "Bcc")


def send_info(body: Any, *, version: str) -> SendInfo:
    """Recipients (To+Cc+Bcc over all messages) and SandboxMode of a Send API body.

    Args:
        body: the decoded JSON body (anything: a malformed body counts 0 recipients and no sandbox, so the
            live-send rule still applies and Mailjet answers the 400).
        version: "v3.1" or "v3" (v3 has no SandboxMode: every v3 send is live).

    Returns:
        The send info.
    """
    if not isinstance(body, dict):
        return SendInfo(0, False)
    if version == "v3.1":
        messages = body.get("Messages")
        count = sum(_v31_recipients(m) for m in messages) if isinstance(messages, list) else 0
        return SendInfo(count, body.get("SandboxMode") is True)
    messages = body.get("Messages")
    if isinstance(messages, list):
        return SendInfo(sum(_v3_recipients(m) for m in messages), False)
    return SendInfo(_v3_recipients(body), False)


def _v31_recipients(message: Any) -> int:
    if not isinstance(message, dict):
        return 0
    return sum(len(v) for k in RECIPIENT_FIELDS if isinstance(v := message.get(k), list))


def _v3_recipients(message: Any) -> int:
    if not isinstance(message, dict):
        return 0
    recipients = message.get("Recipients")
    if isinstance(recipients, list):
        return len(recipients)
    # SMTP-style "Name <a@b>, c@d" strings: count the addresses.
    return sum(v.count("@") for k in RECIPIENT_FIELDS if isinstance(v := message.get(k), str))


def list_ids(body: Any, depth: int = 0) -> tuple[int, ...]:
    """Contacts list IDs named anywhere in a JSON body (`ListID`, `ContactsListID`, any case).

    A value that is not an integer ID gives 0, which no policy allows: an unreadable ID is refused.
    """
    if depth > MAX_DEPTH:
        return ()
    found: list[int] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(key, str) and key.lower() in LIST_KEYS and not isinstance(value, dict | list):
                found.append(as_list_id(value))
            else:
                found.extend(list_ids(value, depth + 1))
    elif isinstance(body, list):
        for item in body:
            found.extend(list_ids(item, depth + 1))
    return tuple(found)


def as_list_id(value: Any) -> int:
    """`value` as a list ID (an int or decimal text), or 0 when it is not one."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0
