"""The source's configuration: its JSON schema (`spec`) and the settings a config file gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mailjet_connector.config import Settings, load_settings
from mailjet_connector.errors import ConfigError
from mailjet_connector.pagination import MAX_LIMIT as PAGE_LIMIT

# Field names follow Airbyte's own Mailjet source (`api_key`, `api_key_secret`), so a connection configured
# for it keeps working when it switches to this one.
CONNECTION_SPECIFICATION: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Mailjet (mailjet-connector)",
    "type": "object",
    "required": ["api_key", "api_key_secret"],
    "additionalProperties": True,
    "properties": {
        "api_key": {"type": "string", "title": "API key", "order": 0},
        "api_key_secret": {"type": "string", "title": "API secret key", "airbyte_secret": True, "order": 1},
        "region": {
            "type": "string",
            "enum": ["eu", "us"],
            "default": "eu",
            "title": "Region",
            "description": "us for accounts on Mailjet's US stack (api.us.mailjet.com).",
            "order": 2,
        },
        "start_date": {
            "type": "string",
            "format": "date-time",
            "title": "Start date",
            "description": "First incremental read starts here (default: everything). e.g. 2024-01-01T00:00:00Z",
            "order": 3,
        },
        "rate_limit": {
            "type": "string",
            "title": "Rate limit",
            "description": "Requests per time for this key, e.g. 300/min (default: adapts to 429 answers).",
            "order": 4,
        },
        "page_limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "default": 1000,
            "title": "Rows per page",
            "description": "Rows per API call; a STATE message follows every page of an incremental window.",
            "order": 6,
        },
        "base_url": {
            "type": "string",
            "title": "API base URL",
            "description": "Another API root, e.g. the emulator's http://127.0.0.1:8025.",
            "order": 5,
        },
    },
}


@dataclass(frozen=True)
class SourceConfig:
    """What a config file says: connection settings, where the first window starts, rows per page."""

    settings: Settings
    start: datetime | None = None
    page_limit: int = PAGE_LIMIT


def load_config(raw: Any) -> SourceConfig:
    """Read a config object (parsed JSON).

    Raises:
        ConfigError: not an object, credentials missing, a bad region, rate or start date.
    """
    if not isinstance(raw, dict):
        raise ConfigError("the Airbyte config must be a JSON object (see `mailjet-connector airbyte spec`)")
    for name in ("api_key", "api_key_secret"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ConfigError(f"the Airbyte config needs {name!r} (see `mailjet-connector airbyte spec`)")
    settings = load_settings(
        Settings,
        api_key=raw["api_key"],
        api_secret=raw["api_key_secret"],
        base_url=raw.get("base_url") or None,
        region=raw.get("region") or None,
        rate_limit=raw.get("rate_limit") or None,
    )
    page_limit = raw.get("page_limit", PAGE_LIMIT)
    if not isinstance(page_limit, int) or not 1 <= page_limit <= PAGE_LIMIT:
        raise ConfigError(f"page_limit must be an integer from 1 to {PAGE_LIMIT}, got {page_limit!r}")
    return SourceConfig(settings, _start(raw.get("start_date")), page_limit)


def _start(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"start_date {value!r} is not a date; write it like 2024-01-01T00:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
