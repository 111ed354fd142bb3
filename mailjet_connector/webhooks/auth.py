"""Receiver authentication: HTTP Basic credentials (Mailjet's only mechanism: `https://user:pass@host/...`
in the callback URL) and/or a secret path token (`/events/<token>`), compared in constant time.

When both are configured, a request must pass both. Secrets are `SecretStr`-like and never printed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from mailjet_connector.errors import WebhookAuthError
from mailjet_connector.wire.basic_auth import parse_basic

REALM = 'Basic realm="mailjet-connector webhooks"'


def _same(given: str, expected: str) -> bool:
    # compare_digest runs in time independent of where the strings differ (bytes: any characters allowed).
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class ReceiverAuth:
    """What a request must present.

    Args:
        username / password: Basic credentials (both None = no Basic check).
        token: the secret path segment (None = no token check).
    """

    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def enabled(self) -> bool:
        """Whether any check is configured."""
        return self.basic or self.token is not None

    @property
    def basic(self) -> bool:
        return self.username is not None or self.password is not None

    def __repr__(self) -> str:
        return f"ReceiverAuth(basic={self.basic}, token={self.token is not None})"

    def check(self, authorization: str | None, token: str | None) -> None:
        """Accept or refuse one request.

        Args:
            authorization: the request's `Authorization` header, if any.
            token: the path token the request used, if any.

        Raises:
            WebhookAuthError: missing or wrong credentials (the message names which, never the value).
        """
        # Evaluate both checks before deciding, so timing does not reveal which one failed.
        token_ok = self.token is None or (token is not None and _same(token, self.token))
        basic_ok = not self.basic or self._basic_ok(authorization)
        if not basic_ok:
            raise WebhookAuthError("missing or wrong Basic credentials")
        if not token_ok:
            raise WebhookAuthError("missing or wrong path token")

    def _basic_ok(self, authorization: str | None) -> bool:
        user, password = parse_basic(authorization) or ("", None)
        user_ok = _same(user, self.username or "")
        password_ok = password is not None and _same(password, self.password or "")
        return user_ok and password_ok
