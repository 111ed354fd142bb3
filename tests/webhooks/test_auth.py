"""Receiver authentication: Basic credentials and path token, never revealing the secrets."""

from __future__ import annotations

import base64

import pytest

from mailjet_connector.errors import ConfigError, WebhookAuthError
from mailjet_connector.webhooks.auth import ReceiverAuth
from mailjet_connector.webhooks.settings import ReceiverSettings


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_credentials_are_checked():
    auth = ReceiverAuth(username="hook", password="s3cr:et")
    auth.check(basic("hook", "s3cr:et"), None)
    for header in (None, "", basic("hook", "wrong"), basic("other", "s3cr:et"), "Bearer x", "Basic !!!",
                   "Basic " + base64.b64encode(b"no-colon").decode()):  # fmt: skip
        with pytest.raises(WebhookAuthError, match="Basic"):
            auth.check(header, None)


def test_path_token_is_checked():
    auth = ReceiverAuth(token="t0ken")
    auth.check(None, "t0ken")
    for token in (None, "", "t0ke", "t0ken2"):
        with pytest.raises(WebhookAuthError, match="token"):
            auth.check(None, token)


def test_both_must_pass_when_both_are_configured():
    auth = ReceiverAuth(username="u", password="p", token="t")
    auth.check(basic("u", "p"), "t")
    with pytest.raises(WebhookAuthError):
        auth.check(basic("u", "p"), None)
    with pytest.raises(WebhookAuthError):
        auth.check(None, "t")


def test_non_ascii_credentials_work():
    auth = ReceiverAuth(username="hóok", password="pässwörd")
    auth.check(basic("hóok", "pässwörd"), None)


def test_secrets_never_appear_in_reprs():
    auth = ReceiverAuth(username="user-x", password="pw-secret", token="tok-secret")
    settings = ReceiverSettings(username="user-x", password="pw-secret", token="tok-secret")
    for text in (repr(auth), str(auth), repr(settings), str(settings)):
        assert "pw-secret" not in text and "tok-secret" not in text


def test_a_receiver_without_credentials_is_refused_unless_anonymous_is_allowed():
    with pytest.raises(ConfigError, match="credentials"):
        ReceiverSettings().auth()
    assert not ReceiverSettings(allow_anonymous=True).auth().enabled


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAILJET_WEBHOOK_TOKEN", "from-env")
    monkeypatch.setenv("MAILJET_WEBHOOK_STORE", "sqlite:///x.db")
    settings = ReceiverSettings()
    assert settings.auth().token == "from-env" and settings.store == "sqlite:///x.db"
