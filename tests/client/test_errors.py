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
    assert retriable == {"RateLimitError", "ServerError", "TransportError", "ResponseDecodeError"}


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
