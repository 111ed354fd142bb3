"""HTTP Basic credentials: parsing an Authorization header (Mailjet's only authentication scheme)."""

from __future__ import annotations

import base64
import binascii


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """The (user, password) of a `Basic` Authorization header value, or None when absent or malformed."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None
