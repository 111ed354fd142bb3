"""HTTP Basic credentials (Mailjet's only authentication scheme): parsing an Authorization header, building one."""

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


def basic_token(user: str, password: str) -> str:
    """The base64 token of `user:password` (what follows `Basic ` in the header)."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def basic_header(user: str, password: str) -> str:
    """The Authorization header value for `user` and `password`."""
    return "Basic " + basic_token(user, password)
