"""Sender domains: `sender/{id}/validate`, `dns/{id}/check`, and the dns row a new sender creates (§2.4).

The emulator has no real DNS. A domain's SPF and DKIM records count as published when the domain is in
`account.extra["dns_published"]` (fill it with `publish_dns`), and a status that is already "OK" stays OK
(the emulated DNS never withdraws a record), so seeded domains marked OK keep validating. A check sets the
dns row's statuses from that and stamps LastCheckAt with the emulator clock. Validation is a DNS check of
the sender's domain: it succeeds, and the sender becomes Active, when both SPF and DKIM are OK.
"""

from __future__ import annotations

import random
from typing import Any

from starlette.responses import Response

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.resources.dns import dns_records
from mailjet_connector.emulator.rest import responses
from mailjet_connector.emulator.rest.actions import ActionContext
from mailjet_connector.emulator.rest.writes import Rules, WriteContext
from mailjet_connector.emulator.state import Account

PUBLISHED_KEY = "dns_published"
OK = "OK"
ALREADY_ACTIVE = "Sender is already active"  # wording assumed: the reference only documents the 400


def publish_dns(account: Account, domain: str) -> None:
    """Mark a domain's SPF and DKIM records as published in the emulated DNS (the next check finds them).

    Args:
        account: the account owning the domain.
        domain: the domain name (case-insensitive).
    """
    with account.lock:
        account.extra.setdefault(PUBLISHED_KEY, set()).add(domain.strip().lower())


def sender_domain(email: str) -> str:
    """The domain of a sender address or `*@domain` sender, lower-cased."""
    return email.rsplit("@", 1)[-1].strip().lower()


def check_dns(account: Account, pos: int, now: int) -> dict[str, Any]:
    """Re-check one dns row against the emulated DNS: update its statuses and LastCheckAt.

    Args:
        account: the account (its lock must be held).
        pos: position of the row in the account's dns table.
        now: the emulator time of the check (Unix seconds).

    Returns:
        The check result `{DKIMErrors, DKIMRecordCurrentValue, DKIMStatus, SPFErrors,
        SPFRecordsCurrentValues, SPFStatus}`.
    """
    table = account.table("dns")
    row = table.raw(pos)
    domain = str(row["Domain"]).lower()
    published = domain in account.extra.get(PUBLISHED_KEY, ())
    spf_ok = published or row["SPFStatus"] == OK
    dkim_ok = published or row["DKIMStatus"] == OK
    changes = {
        "SPFStatus": OK if spf_ok else "Not found",
        "DKIMStatus": OK if dkim_ok else "Error",
        "LastCheckAt": now,
        "IsCheckInProgress": False,
    }
    table.update(pos, changes)
    return {
        "DKIMErrors": [] if dkim_ok else [f'No DKIM record found at "{row["DKIMRecordName"]}"'],
        "DKIMRecordCurrentValue": row["DKIMRecordValue"] if dkim_ok else "",
        "DKIMStatus": changes["DKIMStatus"],
        "SPFErrors": [] if spf_ok else [f'No SPF record found for "{domain}"'],
        "SPFRecordsCurrentValues": [row["SPFRecordValue"]] if spf_ok else [],
        "SPFStatus": changes["SPFStatus"],
    }


def dns_check(ctx: ActionContext) -> Response:
    """POST dns/{id|domain}/check `{}` -> 200 with the check result (§2.4)."""
    assert ctx.pos is not None
    with ctx.account.lock:
        result = check_dns(ctx.account, ctx.pos, ctx.state.clock.now())
    return responses.envelope([result])


def sender_validate(ctx: ActionContext) -> Response:
    """POST sender/{id|email}/validate `{}`: 200 with the outcome, success or not; 400 if already Active.

    Raises:
        EmulatorError: 400 when the sender is already Active (§8.18).
    """
    assert ctx.pos is not None
    with ctx.account.lock:
        senders = ctx.account.table("sender")
        sender = senders.raw(ctx.pos)
        if sender["Status"] == "Active":
            raise EmulatorError(400, ALREADY_ACTIVE)
        domain = sender_domain(str(sender["Email"]))
        dns_pos = ctx.account.table("dns").lookup(("Domain",), (domain,), ci=True)
        result = None if dns_pos is None else check_dns(ctx.account, dns_pos, ctx.state.clock.now())
        if result is not None and result["SPFStatus"] == OK and result["DKIMStatus"] == OK:
            senders.update(ctx.pos, {"Status": "Active"})
            return responses.envelope([{"Errors": {}, "GlobalError": "", "ValidationMethod": "DNS"}])
    return responses.envelope([_failure(domain, str(sender["Filename"]), result)])


def _failure(domain: str, filename: str, result: dict[str, Any] | None) -> dict[str, Any]:
    if result is None:
        dns_error = f'No DNS record is known for domain "{domain}"'
    else:
        dns_error = "; ".join([*result["SPFErrors"], *result["DKIMErrors"]])
    file_error = f'File "{filename or "(none)"}" not found at http://{domain}/'
    return {
        "Errors": {"DNSValidationError": dns_error, "FileValidationError": file_error},
        "GlobalError": "Sender validation failed: neither the DNS records nor the validation file were found.",
        "ValidationMethod": "",
    }


# Asserted by node-mailjet's integration tests (test/integration/base.test.ts, since 2016).
INACTIVE_SENDER = (
    'There is an already existing inactive sender with the same email. You can use "validate" action in '
    "order to activate it."
)


class SenderRules(Rules):
    """A new sender gets a validation file name and the dns row of its domain (created when missing); an
    address that an inactive sender already holds is refused with Mailjet's hint to validate that one."""

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        email = values.get("Email")
        pos = ctx.table.lookup(("Email",), (email,), ci=True) if isinstance(email, str) else None
        if pos is not None and ctx.table.column("Status")[pos] == "Inactive":
            raise EmulatorError(400, INACTIVE_SENDER)

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        rng = _rng(ctx, "file", str(values.get("Email", "")))
        values["Filename"] = f"{rng.getrandbits(128):032x}.txt"

    def after_create(self, ctx: WriteContext, pos: int) -> None:
        # After the insert, so a rejected POST (missing or duplicate Email) leaves no dns row behind.
        domain = sender_domain(str(ctx.table.column("Email")[pos]))
        ctx.table.update(pos, {"DNSID": ensure_dns(ctx, domain)})


def ensure_dns(ctx: WriteContext, domain: str) -> int:
    """The ID of the domain's dns row, inserted ("Not checked") when the account has none yet.

    Args:
        ctx: a write context of the account (its lock held).
        domain: the lower-cased domain.

    Returns:
        The dns row's ID.
    """
    table = ctx.account.table("dns")
    pos = table.lookup(("Domain",), (domain,), ci=True)
    if pos is None:
        token = f"{_rng(ctx, 'dns', domain).getrandbits(64):016x}"
        pos = table.insert(
            {**dns_records(domain, token), "DKIMStatus": "Not checked", "SPFStatus": "Not checked"}
        )
    return int(table.column("ID")[pos])


def _rng(ctx: WriteContext, purpose: str, text: str) -> random.Random:
    # Deterministic per seed, account and input, so two runs of a seeded emulator agree.
    return random.Random(f"{ctx.state.seed}:{ctx.account.key_id}:{purpose}:{text.lower()}")
