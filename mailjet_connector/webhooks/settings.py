"""Receiver settings: one pydantic-settings class, environment prefix MAILJET_WEBHOOK_."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from mailjet_connector.errors import ConfigError
from mailjet_connector.webhooks.auth import ReceiverAuth

MIB = 1024 * 1024
DEFAULT_STORE = "sqlite:///events.db"


class ReceiverSettings(BaseSettings):
    """How the webhook receiver runs. Precedence: explicit arguments, environment, `.env`, defaults.

    Environment names: `MAILJET_WEBHOOK_STORE`, `MAILJET_WEBHOOK_USERNAME`, `MAILJET_WEBHOOK_PASSWORD`,
    `MAILJET_WEBHOOK_TOKEN`, `MAILJET_WEBHOOK_ALLOW_ANONYMOUS`, `MAILJET_WEBHOOK_MAX_EVENT_BYTES`,
    `MAILJET_WEBHOOK_MAX_INBOUND_BYTES`, `MAILJET_WEBHOOK_HOST`, `MAILJET_WEBHOOK_PORT`.
    """

    model_config = SettingsConfigDict(
        env_prefix="MAILJET_WEBHOOK_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    store: str = DEFAULT_STORE
    username: SecretStr | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None
    allow_anonymous: bool = False
    # A grouped array holds one second of events: 10 MiB is ~25,000 events. Parse mails carry base64
    # attachments (Mailjet accepts 15 MB of them, ~20 MB once encoded).
    max_event_bytes: int = Field(default=10 * MIB, gt=0)
    max_inbound_bytes: int = Field(default=40 * MIB, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8026, ge=0, le=65535)

    def auth(self) -> ReceiverAuth:
        """The checks requests must pass.

        Raises:
            ConfigError: no credentials and no token configured, and anonymous access not allowed.
        """
        auth = ReceiverAuth(
            username=self.username.get_secret_value() if self.username else None,
            password=self.password.get_secret_value() if self.password else None,
            token=self.token.get_secret_value() if self.token else None,
        )
        if not auth.enabled and not self.allow_anonymous:
            raise ConfigError(
                "the receiver needs credentials: set --username/--password (Basic, put them in the callback "
                "URL) and/or --token (secret path), or pass --allow-anonymous"
            )
        return auth
