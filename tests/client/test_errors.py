"""The error tree: one status mapping, retriable flags, one-line messages."""

from __future__ import annotations

import pytest

from mailjet_connector import errors
from mailjet_connector.errors import (
    APIError,
    AuthenticationError,
    InvalidRequestError,
    MailjetError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    error_class_for_status,
)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, InvalidRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, APIError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
    ],
)
def test_status_maps_to_one_class(status, cls):
    assert error_class_for_status(status) is cls


def test_only_rate_limits_server_and_transport_errors_are_retriable():
    retriable = {name for name in errors.__all__ if getattr(getattr(errors, name), "retriable", False)}
    transport = {name for name in errors.__all__ if name.startswith("Upstream")}
    assert retriable == {"RateLimitError", "ServerError", "TransportError", "ResponseDecodeError", *transport}


def test_every_error_descends_from_mailjet_error_and_is_drawn_in_the_docstring():
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, MailjetError)
            assert name in errors.__doc__


def test_str_is_one_useful_line():
    error = InvalidRequestError(
        400,
        'MJ18 A Contact resource with value "a@b.c" for Email already exists.',
        method="POST",
        path="/v3/REST/contact",
    )
    assert str(error) == (
        '400 POST /v3/REST/contact: MJ18 A Contact resource with value "a@b.c" for Email already exists.'
    )
    assert error.is_duplicate
    modern = InvalidRequestError(400, "Malformed JSON", method="POST", path="/v3.1/send", code="mj-0002")
    assert str(modern) == "400 POST /v3.1/send: Malformed JSON [mj-0002]"
    assert "\n" not in str(modern) and not modern.is_duplicate


def test_501_not_implemented_is_final():
    assert ServerError(503, "").retriable and not ServerError(501, "").retriable


def library_modules() -> list[str]:
    """Every module of the package except the emulator (a separate application, answering HTTP), the CLI and
    the Dagster code location (importing it loads the accounts file, as starting a command does)."""
    import pkgutil

    import mailjet_connector

    names = [m.name for m in pkgutil.walk_packages(mailjet_connector.__path__, "mailjet_connector.")]
    skipped = (
        "mailjet_connector.emulator",
        "mailjet_connector.cli",
        "mailjet_connector.__main__",
        "mailjet_connector.dagster.definitions",
    )
    return [n for n in names if not n.startswith(skipped)]


# Raised and caught inside one module, never seen by a caller.
INTERNAL = {
    "mailjet_connector.webhooks.app.BodyTooLargeError",
    "mailjet_connector.agents.upstream._Stale",
    "mailjet_connector.agents.gateway.AgentDisconnected",
    # The wire package imports nothing of the library; ratelimit.parse_rate wraps it in ConfigError and
    # the emulator CLI in a usage error.
    "mailjet_connector.wire.rates.RateError",
}


def test_every_error_the_library_raises_is_in_the_tree():
    # Regression (#19 item 2): QueryError, SourceError, two PlanErrors, ToolError, the UpstreamError family...
    # stood outside MailjetError.
    import importlib

    outside = []
    for name in library_modules():
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if not (isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == name):
                continue
            if not issubclass(obj, MailjetError) and f"{name}.{obj.__qualname__}" not in INTERNAL:
                outside.append(f"{name}.{obj.__qualname__}")
    assert not outside


def test_the_docs_draw_the_same_tree_as_the_docstring():
    import re
    from pathlib import Path

    drawn = re.search(r"```\n(MailjetError.*?)```", errors.__doc__, re.DOTALL).group(1)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text()
    assert drawn in docs


def test_the_same_mistake_is_the_same_class_everywhere():
    from mailjet_connector import catalog
    from mailjet_connector.contacts.plan import PlanError as ContactsPlanError
    from mailjet_connector.importer import PlanError as ImporterPlanError
    from mailjet_connector.protocol import resource

    assert ContactsPlanError is ImporterPlanError is errors.PlanError
    for lookup in (catalog.get, resource):
        with pytest.raises(errors.UnknownResourceError) as caught:
            lookup("contcat")
        assert isinstance(caught.value, errors.ConfigError | KeyError)
        assert str(caught.value).startswith("unknown resource 'contcat'; did you mean 'contact'?")


def test_operation_not_allowed_is_told_apart_from_bad_keys(tiny_app, sync_client_for):
    """Mailjet answers a verb the resource lacks with 401 "Operation not allowed" (#18 item 2): the client
    raises its AuthenticationError like the official clients, and says the keys are not the cause."""
    from mailjet_connector.cli.exits import describe
    from mailjet_connector.errors import AuthenticationError

    with sync_client_for(tiny_app) as client, pytest.raises(AuthenticationError) as refused:
        client.request("DELETE", "/v3/REST/contact/1")
    assert refused.value.operation_not_allowed
    failure = describe(refused.value, "import")
    assert "does not allow DELETE" in failure.message and "mailjet-connector resources" in failure.hint
    assert "MJ_APIKEY" not in failure.hint

    with sync_client_for(tiny_app, secret="wrong") as client, pytest.raises(AuthenticationError) as bad:
        client.request("GET", "/v3/REST/contact")
    assert not bad.value.operation_not_allowed
    assert "MJ_APIKEY_PUBLIC" in describe(bad.value, "check").hint
