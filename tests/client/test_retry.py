"""Retry policy: backoff bounds, Retry-After forms, and which verbs may be sent again."""

from __future__ import annotations

from email.utils import formatdate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.errors import (
    InvalidRequestError,
    RateLimitError,
    ServerError,
    TransportError,
)
from mailjet_connector.retry import RetryPolicy, backoff_delay, may_retry_method, parse_retry_after


@given(
    attempt=st.integers(0, 10_000),
    base=st.floats(0.001, 10),
    cap=st.floats(0.001, 600),
    roll=st.floats(0, 1, exclude_max=True),
)
def test_backoff_stays_within_zero_and_the_capped_exponential(attempt, base, cap, roll):
    delay = backoff_delay(attempt, base=base, cap=cap, rand=lambda: roll)
    assert 0 <= delay <= min(cap, base * 2.0 ** min(attempt, 62))


def test_backoff_ceiling_doubles_until_the_cap():
    ceilings = [backoff_delay(a, base=0.5, cap=4.0, rand=lambda: 1.0) for a in range(6)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), (None, None), ("", None), ("soon", None)],
    ids=["seconds", "spaces", "negative", "absent", "empty", "garbage"],
)
def test_retry_after_seconds_form(value, expected):
    assert parse_retry_after(value, now=1_000.0) == expected


def test_retry_honours_retry_after_http_date():
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now) == 0.0


def test_policy_prefers_retry_after_but_bounds_it():
    policy = RetryPolicy(retry_after_max=10, rand=lambda: 0.5)
    assert policy.delay(0, retry_after=3) == 3
    assert policy.delay(0, retry_after=1_000) == 10
    assert policy.delay(2) == pytest.approx(policy.base * 4 * 0.5)


def _error(kind: str):
    return {
        "connect": TransportError("ConnectError", reached_server=False),
        "reset": TransportError("ReadError", reached_server=None),
        "429": RateLimitError(429, ""),
        "500": ServerError(500, ""),
        "400": InvalidRequestError(400, ""),
    }[kind]


@pytest.mark.parametrize(
    ("method", "kind", "duplicate_safe", "expected"),
    [
        ("GET", "reset", False, True),
        ("PUT", "500", False, True),
        ("DELETE", "429", False, True),
        ("POST", "connect", False, True),
        ("POST", "429", False, True),
        ("POST", "reset", False, False),
        ("POST", "500", False, False),
        ("POST", "500", True, True),
        ("POST", "reset", True, True),
    ],
)
def test_creating_post_is_retried_only_when_safe(method, kind, duplicate_safe, expected):
    assert may_retry_method(method, _error(kind), duplicate_safe) is expected


def test_policy_stops_on_non_retriable_errors_and_exhausted_budgets():
    policy = RetryPolicy(max_retries=3, budget=10)
    assert not policy.should_retry(_error("400"), method="GET", attempt=0, spent=0)
    assert policy.should_retry(_error("500"), method="GET", attempt=2, spent=9)
    assert not policy.should_retry(_error("500"), method="GET", attempt=3, spent=0)
    assert not policy.should_retry(_error("500"), method="GET", attempt=0, spent=10)
