"""The DNS records Mailjet asks a sender domain to publish (SPF, DKIM, ownership token), as dns row values."""

from __future__ import annotations

from typing import Any

SPF_VALUE = "v=spf1 include:spf.mailjet.com ?all"
DKIM_KEY_PREFIX = "k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"


def dns_records(domain: str, token: str) -> dict[str, Any]:
    """The record fields of a `dns` row for `domain`; `token` makes the DKIM key and ownership token unique."""
    return {
        "DKIMRecordName": f"mailjet._domainkey.{domain}.",
        "DKIMRecordValue": DKIM_KEY_PREFIX + token,
        "Domain": domain,
        "OwnerShipToken": token,
        "OwnerShipTokenRecordName": f"mailjet._{token[:8]}.{domain}.",
        "SPFRecordValue": SPF_VALUE,
    }
