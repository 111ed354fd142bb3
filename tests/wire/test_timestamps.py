"""Mailjet timestamps (#19 item 4): one formatter, one parser, every spelling clients send."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.emulator.table import format_timestamps
from mailjet_connector.wire.timestamps import (
    format_moment,
    format_timestamp,
    normalise,
    parse_moment,
    parse_seconds,
)

SECONDS = st.integers(min_value=1, max_value=4_102_444_800)  # 1970 .. 2100


@given(SECONDS)
def test_format_then_parse_is_the_identity(seconds: int) -> None:
    text = format_timestamp(seconds)
    assert text.endswith("Z") and len(text) == 20
    assert parse_seconds(text) == seconds


@given(st.lists(st.one_of(st.just(0), SECONDS), max_size=50))
def test_the_vectorised_formatter_agrees_with_the_wire_formatter(values: list[int]) -> None:
    assert format_timestamps(np.array(values, dtype=np.int64)) == [format_timestamp(v) for v in values]


def test_zero_is_mailjets_empty_timestamp() -> None:
    assert format_timestamp(0) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-06 19:21:00 UTC", "2026-12-06T19:21:00Z"),  # how Ruby (mailjet-gem) writes a time
        ("2026-12-06T19:21:00Z", "2026-12-06T19:21:00Z"),
        ("2026-12-06t19:21:00z", "2026-12-06T19:21:00Z"),
        ("2026-12-06T21:21:00+02:00", "2026-12-06T19:21:00Z"),
        ("2026-12-06T21:21:00+0200", "2026-12-06T19:21:00Z"),
        ("2026-12-06T21:21:00 02:00", "2026-12-06T19:21:00Z"),  # `+` decoded to a space in a query string
        ("2026-12-06T14:21:00-05:00", "2026-12-06T19:21:00Z"),
        ("2026-12-06T19:21:00.987Z", "2026-12-06T19:21:00Z"),
        ("2026-12-06 19:21:00", "2026-12-06T19:21:00Z"),
        ("2026-12-06T19:21", "2026-12-06T19:21:00Z"),
        ("2026-12-06 19:21:00 GMT", "2026-12-06T19:21:00Z"),
        ("2026-12-06", "2026-12-06T00:00:00Z"),
    ],
)
def test_accepted_spellings(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2026-13-01", "2026-12-06T25:00:00Z", "12/06/2026", "1733500860"]
)
def test_other_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_moment(text)


def test_unix_seconds_only_where_allowed() -> None:
    assert parse_seconds("1733500860") == 1733500860
    with pytest.raises(ValueError):
        parse_seconds("1733500860", unix=False)


def test_datetimes_and_dates() -> None:
    assert format_moment(datetime(2026, 12, 6, 19, 21)) == "2026-12-06T19:21:00Z"  # naive = UTC
    assert format_moment(date(2026, 12, 6)) == "2026-12-06T00:00:00Z"
    assert format_moment(date(1, 1, 1)) == "0001-01-01T00:00:00Z"  # four digits, as RFC 3339 says
    assert parse_moment("2026-12-06T19:21:00Z") == datetime(2026, 12, 6, 19, 21, tzinfo=UTC)
