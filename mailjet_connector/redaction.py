"""Strip secrets from URLs, headers and free text before they reach logs, exceptions or reprs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mailjet_connector.wire.basic_auth import basic_token

REDACTED = "[redacted]"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
SENSITIVE_PARAMS = ("secret", "password", "token", "apikey_private", "signature", "key")


def secret_forms(secret: str, api_key: str = "") -> tuple[str, ...]:
    """Every spelling of a secret that could leak: itself and the Basic-auth tokens that embed it.

    Args:
        secret: the API secret key.
        api_key: the public key it pairs with (the Basic token is base64 of "key:secret").
    """
    if not secret:
        return ()
    basic = basic_token(api_key, secret)
    return (secret, basic)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret replaced by a marker.

    Args:
        text: any text (a message, a body excerpt, a URL).
        secrets: the strings to hide; empty strings are ignored.
    """
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def redact_url(url: str) -> str:
    """The URL without user-info and with sensitive-looking query values hidden."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    query = urlencode(
        [
            (k, REDACTED if any(p in k.lower() for p in SENSITIVE_PARAMS) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="[]",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of the headers with credentials replaced by a marker."""
    return {k: (REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


def mask_key(api_key: str) -> str:
    """A public API key shortened for display: enough to recognise it, not to reuse it."""
    if len(api_key) <= 8:
        return "****"
    return f"{api_key[:4]}…{api_key[-2:]}"
