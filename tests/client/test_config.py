"""Settings: the official MJ_APIKEY_* names, the MAILJET_ prefix, precedence and validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mailjet_connector.config import Settings
from mailjet_connector.errors import ConfigError


def test_official_env_names_are_read(monkeypatch):
    monkeypatch.setenv("MJ_APIKEY_PUBLIC", "pub")
    monkeypatch.setenv("MJ_APIKEY_PRIVATE", "priv")
    monkeypatch.setenv("MAILJET_RATE_LIMIT", "300/min")
    settings = Settings(_env_file=None)
    kwargs = settings.client_kwargs()
    assert (kwargs["api_key"], kwargs["api_secret"], kwargs["rate_limit"]) == ("pub", "priv", "300/min")
    assert "priv" not in repr(settings)


def test_explicit_arguments_beat_the_environment(monkeypatch):
    monkeypatch.setenv("MAILJET_API_KEY", "env-key")
    monkeypatch.setenv("MAILJET_BASE_URL", "http://env")
    settings = Settings(_env_file=None, api_key="arg-key", api_secret="s")
    assert settings.client_kwargs()["api_key"] == "arg-key"
    assert settings.base_url == "http://env"


def test_missing_credentials_and_bad_values():
    with pytest.raises(ConfigError, match="MJ_APIKEY_PUBLIC"):
        Settings(_env_file=None).client_kwargs()
    with pytest.raises(ValidationError):
        Settings(_env_file=None, rate_limit="lots")
    with pytest.raises(ValidationError):
        Settings(_env_file=None, region="mars")
