"""The Parse API (mailjet-api.md §6.3): parseroute rules and inbound mails posted to the route's Url.

`POST parseroute {"Url"}` generates `<random>@parse-in1.mailjet.com` (deterministic from the seed, the key
and the row ID); an API key holds one generated address, so a second POST without Email is refused (400,
assumed wording); an own-domain Email is accepted as given. Url must be http(s) with a path: not a site
root. `inbound_payload` builds the JSON Mailjet posts for one received mail; `inject` finds the route of
the recipient address and queues that POST (delivered and retried like events, see `delivery`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
import string
from datetime import UTC, datetime
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.lifecycle import delivery
from mailjet_connector.emulator.rest.writes import Rules, WriteContext
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.wire.events import INBOUND_DATE_FORMAT, INBOUND_SINGLE_HEADERS

PARSE_DOMAIN = "parse-in1.mailjet.com"
ROOT_URL_ERROR = "Url cannot be the root of a site: give a path, e.g. https://example.org/parse"
SECOND_ADDRESS_ERROR = (
    "This API key already has a generated parse address: give your own Email or PUT the route"
)


def check_url(url: Any) -> None:
    """Raises EmulatorError (400) unless `url` is an http(s) URL with a path below the site root."""
    try:
        parts = urlsplit(str(url or ""))
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # a bad port or IPv6 literal
        valid = False
    if not valid:
        raise EmulatorError(400, 'MJ08 Property "Url" is invalid: expected an http(s) URL')
    if parts.path.strip("/") == "":
        raise EmulatorError(400, ROOT_URL_ERROR)


def _generated(email: Any) -> bool:
    return str(email or "").lower().endswith("@" + PARSE_DOMAIN)


class ParseRouteRules(Rules):
    """Generated address, one per API key; Url not a site root."""

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        check_url(values.get("Url"))
        if not values.get("Email"):
            live = ctx.table.live()
            if any(_generated(email) for email in ctx.table.column("Email")[live].tolist()):
                raise EmulatorError(400, SECOND_ADDRESS_ERROR)

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        if not values.get("Email"):
            rng = random.Random(f"{ctx.state.seed}:{ctx.account.key_id}:parseroute:{ctx.table.next_id}")
            local = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(20))
            values["Email"] = f"{local}@{PARSE_DOMAIN}"

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        if "Url" in values:
            check_url(values["Url"])


def find_route(state: EmulatorState, address: str) -> tuple[Account, dict[str, Any]] | None:
    """The account and parseroute row receiving mail for `address` (case-insensitive), or None."""
    for account in list(state.accounts.values()):
        table = account.tables.get("parseroute")
        if table is None or not len(table):
            continue
        with account.lock:
            pos = table.lookup(("Email",), (address,), ci=True)
            if pos is not None:
                return account, table.records([pos])[0]
    return None


def _headers(mail: dict[str, Any], sender: str, at: int, message_id: str) -> dict[str, Any]:
    when = datetime.fromtimestamp(at, tz=UTC)
    domain = sender.partition("@")[2] or "example.org"
    headers: dict[str, Any] = {
        "Return-Path": [f"<{sender}>"],
        "Received": [f"from mail.{domain} by {PARSE_DOMAIN} with ESMTPS; {format_datetime(when)}"],
        "Date": format_datetime(when),
        "From": str(mail["from"]),
        "To": str(mail["to"]),
        "Subject": str(mail.get("subject") or ""),
        "Message-ID": message_id,
        "MIME-Version": ["1.0"],
        "Content-Type": ["multipart/mixed" if mail.get("attachments") else "multipart/alternative"],
    }
    by_lower = {name.lower(): name for name in headers}
    for name, value in (mail.get("headers") or {}).items():
        name = by_lower.get(str(name).lower(), str(name))
        values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        single = name.lower() in (h.lower() for h in INBOUND_SINGLE_HEADERS)
        headers[name] = ", ".join(values) if single else values
    return headers


def _attachment(item: Any, index: int) -> tuple[str, dict[str, Any], str]:
    """(ContentRef, part headers, base64 content) of one attachment given to `/_emulator/inbound`."""
    if not isinstance(item, dict) or "filename" not in item:
        raise ValueError("each attachment needs at least a filename (and content_type, content)")
    content = str(item.get("content") or "")
    encoding = item.get("encoding", "auto")
    try:
        encoded = base64.b64encode(base64.b64decode(content, validate=True)).decode("ascii")
        is_base64 = encoding != "text"
    except (binascii.Error, ValueError):
        encoded, is_base64 = "", False
    if encoding == "base64" and not is_base64:
        raise ValueError(f"attachment {item['filename']!r}: content is not valid base64")
    if not is_base64:
        encoded = base64.b64encode(content.encode("utf-8")).decode("ascii")
    ctype, name = str(item.get("content_type") or "application/octet-stream"), str(item["filename"])
    inline = bool(item.get("content_id") or item.get("inline"))
    headers = {
        "Content-Type": f'{ctype}; name="{name}"',
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
        "Content-Transfer-Encoding": "base64",
    }
    if item.get("content_id"):
        headers["Content-ID"] = f"<{item['content_id']}>"
    return (f"InlineAttachment{index}" if inline else f"Attachment{index}"), headers, encoded


def inbound_payload(mail: dict[str, Any], at: int) -> dict[str, Any]:
    """The JSON Mailjet posts to a parse route's Url for one received mail (§6.3).

    Args:
        mail: `{"to", "from", "subject"?, "text"?, "html"?, "attachments"?: [{filename, content_type,
            content, encoding?: base64|text, content_id?}], "headers"?: {}, "custom_id"?, "payload"?,
            "spam_score"?}`.
        at: receive time, Unix seconds.

    Returns:
        Sender, Recipient, Date, From, Subject, Headers, Parts, Text-part/Html-part, AttachmentN,
        SpamAssassinScore, CustomID, Payload.

    Raises:
        ValueError: missing `to`/`from`, or a malformed attachment.
    """
    if not mail.get("to") or not mail.get("from"):
        raise ValueError('an inbound mail needs "to" and "from"')
    sender = parseaddr(str(mail["from"]))[1] or str(mail["from"])
    digest = hashlib.blake2b(repr(sorted(mail.items(), key=str)).encode() + str(at).encode(), digest_size=8)
    message_id = f"<{digest.hexdigest()}@{sender.partition('@')[2] or 'example.org'}>"
    payload: dict[str, Any] = {
        "Sender": sender,
        "Recipient": parseaddr(str(mail["to"]))[1] or str(mail["to"]),
        "Date": datetime.fromtimestamp(at, tz=UTC).strftime(INBOUND_DATE_FORMAT),
        "From": str(mail["from"]),
        "Subject": str(mail.get("subject") or ""),
        "Headers": _headers(mail, sender, at, message_id),
        "Parts": [],
    }
    for key, ref, ctype in (("text", "Text-part", "text/plain"), ("html", "Html-part", "text/html")):
        if mail.get(key) is not None:
            part_headers = {
                "Content-Type": f"{ctype}; charset=UTF-8",
                "Content-Transfer-Encoding": "quoted-printable",
            }
            payload["Parts"].append({"Headers": part_headers, "ContentRef": ref})
            payload[ref] = str(mail[key])
    for index, item in enumerate(mail.get("attachments") or (), start=1):
        ref, part_headers, content = _attachment(item, index)
        payload["Parts"].append({"Headers": part_headers, "ContentRef": ref})
        payload[ref] = content
    score = mail.get("spam_score", int.from_bytes(digest.digest()[:2], "big") % 3000 / 1000)
    payload["SpamAssassinScore"] = f"{float(score):.3f}"
    payload["CustomID"] = str(mail.get("custom_id") or "")
    payload["Payload"] = str(mail.get("payload") or "")
    return payload


def inject(state: EmulatorState, mail: dict[str, Any]) -> tuple[Account, dict[str, Any], delivery.Job]:
    """Receive one inbound mail: build its payload and queue the POST to the recipient's parse route.

    Returns:
        The owning account, the parseroute row and the queued job.

    Raises:
        LookupError: no parse route has the recipient address.
        ValueError: see `inbound_payload`.
    """
    if not isinstance(mail, dict):
        raise ValueError("the inbound mail must be a JSON object")
    address = parseaddr(str(mail.get("to") or ""))[1]
    found = find_route(state, address) if address else None
    if found is None:
        raise LookupError(f"no parse route receives mail for {address or mail.get('to')!r}")
    account, route = found
    now = state.clock.now()
    payload = inbound_payload(mail, now)
    job = delivery.enqueue_post(account, "parse", str(route["Url"]), payload, now, route_id=int(route["ID"]))
    return account, route, job
