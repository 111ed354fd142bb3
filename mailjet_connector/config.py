"""Settings: one pydantic-settings class (env prefix MAILJET_, plus the official MJ_APIKEY_* names)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mailjet_connector.errors import ConfigError
from mailjet_connector.ratelimit import parse_rate
from mailjet_connector.retry import RetryPolicy

if TYPE_CHECKING:
    from mailjet_connector.client import Client

AnySettings = TypeVar("AnySettings", bound=BaseSettings)


class Settings(BaseSettings):
    """Connection settings. Precedence: explicit arguments, then environment, then `.env`, then defaults.

    Environment names: `MAILJET_API_KEY` or `MJ_APIKEY_PUBLIC`; `MAILJET_API_SECRET` or `MJ_APIKEY_PRIVATE`;
    `MAILJET_BASE_URL`, `MAILJET_REGION`, `MAILJET_RATE_LIMIT`, `MAILJET_MAX_RETRIES`, `MAILJET_TIMEOUT`,
    `MAILJET_CONCURRENCY`. Only the CLI and app factories build it; library code takes values as arguments.
    """

    model_config = SettingsConfigDict(
        env_prefix="MAILJET_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,
    )

    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("api_key", "MAILJET_API_KEY", "MJ_APIKEY_PUBLIC")
    )
    api_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("api_secret", "MAILJET_API_SECRET", "MJ_APIKEY_PRIVATE")
    )
    base_url: str | None = None
    region: str | None = None
    rate_limit: str | None = None
    max_retries: int = Field(default=8, ge=0)
    timeout: float = Field(default=60.0, gt=0)
    concurrency: int = Field(default=4, ge=1, le=64)

    @field_validator("rate_limit")
    @classmethod
    def _check_rate(cls, value: str | None) -> str | None:
        try:
            parse_rate(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value or None

    @field_validator("region")
    @classmethod
    def _check_region(cls, value: str | None) -> str | None:
        if value and value.lower() not in ("eu", "us"):
            raise ValueError("must be eu or us")
        return value.lower() if value else None

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `Client(...)` / `AsyncClient(...)`.

        Raises:
            ConfigError: the key or the secret is missing.
        """
        if self.api_key is None or self.api_secret is None:
            raise ConfigError(
                "missing credentials: set MJ_APIKEY_PUBLIC and MJ_APIKEY_PRIVATE "
                "(or MAILJET_API_KEY / MAILJET_API_SECRET, or --api-key/--api-secret)"
            )
        return {
            "api_key": self.api_key.get_secret_value(),
            "api_secret": self.api_secret.get_secret_value(),
            "base_url": self.base_url,
            "region": self.region,
            "rate_limit": self.rate_limit,
            "retry": RetryPolicy(max_retries=self.max_retries),
            "timeout": self.timeout,
            "concurrency": self.concurrency,
        }

    def create_client(self, **overrides: Any) -> Client:
        """The `Client` these settings describe: the one path from settings to a client.

        Args:
            **overrides: `Client` keyword arguments that win over the settings (a transport for tests,
                `retry=NO_RETRY` and a short timeout for `check`...).

        Raises:
            ConfigError: missing credentials, a bad base URL or rate spelling.
        """
        from mailjet_connector.client import Client

        return Client(**{**self.client_kwargs(), **overrides})


def load_settings(cls: type[AnySettings], **given: Any) -> AnySettings:
    """`cls` from explicit values (None means "not given": the environment, `.env` and defaults apply).

    Raises:
        ConfigError: an invalid value, named as its option and its environment variable, with what is allowed
            (pydantic's "1 validation error for Settings" never reaches a person).
    """
    try:
        return cls(**{name: value for name, value in given.items() if value is not None})
    except ValidationError as exc:
        raise ConfigError(settings_error_message(cls, exc)) from None


def settings_error_message(cls: type[BaseSettings], exc: ValidationError) -> str:
    """One line for the first invalid setting: `--timeout (MAILJET_TIMEOUT): must be greater than 0`."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    option = "--" + field.replace("_", "-")
    env = f"{cls.model_config.get('env_prefix', '')}{field}".upper()
    message = first["msg"].removeprefix("Value error, ")
    message = message.removeprefix("Input should be ").removeprefix("Input ")
    if first["type"] in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "enum"):
        message = "must be " + message
    elif not message.startswith("must"):
        message = "must be " + message if first["type"].endswith("_parsing") else message
    return f"invalid {option} (or {env}): {message}"
