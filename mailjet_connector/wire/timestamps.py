"""Mailjet's timestamps: RFC 3339 in UTC with `Z` and second precision (`2020-11-06T13:38:49Z`), `""` when
empty (mailjet-api.md §1.3), and the spellings accepted on input.

Input accepts what Mailjet and the official clients send: `Z` or `z`, a numeric offset (`+02:00`,
`+0200`), no zone (UTC), a space instead of `T`, fractional seconds (dropped), a date alone (midnight
UTC), a trailing ` UTC` or ` GMT` (how Ruby's and some other clients format a time:
`2026-12-06 19:21:00 UTC`), and an offset whose `+` became a space when a query string was decoded
(`2024-05-01T09:00:00 02:00`). Unix seconds are accepted where a parser says so.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

FORMAT = "%Y-%m-%dT%H:%M:%SZ"
EMPTY = ""
_MOMENT = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?)?"
    r"(?:\s*(?P<zone>[Zz]|UTC|GMT|(?P<sign>[+\- ])(?P<hours>\d{2}):?(?P<minutes>\d{2})))?$"
)


def format_timestamp(seconds: int | float) -> str:
    """Unix seconds -> `2020-11-06T13:38:49Z`; 0 -> `""` (Mailjet's empty timestamp)."""
    if not seconds:
        return EMPTY
    return datetime.fromtimestamp(int(seconds), tz=UTC).strftime(FORMAT)


def format_moment(moment: datetime | date) -> str:
    """A datetime (naive = UTC) or a date (midnight UTC) as Mailjet writes it."""
    utc = to_utc(moment)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"  # strftime's %Y drops the zeros of years before 1000


def to_utc(moment: datetime | date) -> datetime:
    """An aware UTC datetime: naive datetimes are UTC, dates are midnight UTC."""
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_moment(text: str) -> datetime:
    """An aware UTC datetime from any accepted spelling (see the module docstring).

    Raises:
        ValueError: not a date-time in one of those spellings.
    """
    found = _MOMENT.match(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not an RFC 3339 date-time")
    clock = found.group("time") or "00:00:00"
    try:
        moment = datetime.fromisoformat(f"{found.group('date')}T{clock}")
    except ValueError as exc:  # say why: "month must be in 1..12", "day is out of range for month"
        raise ValueError(f"{text!r} is not a valid date-time ({exc})") from None
    if found.group("hours") is not None:
        offset = timedelta(hours=int(found.group("hours")), minutes=int(found.group("minutes")))
        zone = timezone(-offset if found.group("sign") == "-" else offset)
        return moment.replace(tzinfo=zone).astimezone(UTC)
    return moment.replace(tzinfo=UTC)


def parse_seconds(text: str, *, unix: bool = True) -> int:
    """Unix seconds from Unix seconds (when `unix`) or any accepted date-time spelling.

    Raises:
        ValueError: neither form.
    """
    stripped = text.strip()
    if unix and stripped.lstrip("-").isdigit():
        return int(stripped)
    return int(parse_moment(stripped).timestamp())


def normalise(value: str | datetime | date) -> str:
    """Any accepted spelling, datetime or date, written as Mailjet writes timestamps.

    Raises:
        ValueError: a string that is not an accepted spelling.
    """
    if isinstance(value, str):
        return format_moment(parse_moment(value))
    return format_moment(value)
