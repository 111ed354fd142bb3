"""Cursor windows: which time range each incremental read asks the API for, and the filters that express it.

A window is `(lo, hi]` in Unix seconds: `lo` is the high-water mark stored by the last completed run (or the
start date), `hi` the run's "now" (or the end date). The API's bounds differ per filter (mailjet-api.md §2.6):
`FromTS`/`EventFromTs` are exclusive ("later than"), `Min*` inclusive; `ToTS`/`EventToTs` inclusive, `Max*`
exclusive. `window_filters` turns the half-open window into whatever parameters express it exactly, so
consecutive windows neither overlap nor leave a gap. Event resources (`today_default`) always get both
bounds: without them the API silently answers the current day only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from mailjet_connector.catalog import Op, Resource
from mailjet_connector.errors import ConfigError
from mailjet_connector.sync.settings import EPOCH_START

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Window:
    """The half-open time range `(lo, hi]` of one incremental read, in Unix seconds."""

    lo: int
    hi: int

    @property
    def empty(self) -> bool:
        return self.hi <= self.lo


def is_incremental(res: Resource) -> bool:
    """Whether the API can filter `res` by its cursor (only these read a window instead of everything)."""
    return res.cursor is not None and res.cursor.from_filter is not None


def to_unix(moment: datetime | None, default: int) -> int:
    """A datetime as Unix seconds (naive = UTC), or `default` when None."""
    if moment is None:
        return default
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def next_window(
    last_mark: int | None,
    now: int,
    *,
    start: int | None = None,
    end: int | None = None,
    lookback: int = 0,
) -> Window:
    """The window of a new run.

    Args:
        last_mark: the high-water mark of the last completed run (None on the first run or a full refresh).
        now: the run's time.
        start: first-run lower bound (`--start-date`); EPOCH_START when None.
        end: upper bound (`--end-date`), default now.
        lookback: seconds to re-read before the mark (rows whose cursor stays put but whose content changes,
            such as a message's Status, are seen again for that long).

    Returns:
        `(last_mark - lookback or start, min(end, now)]`.
    """
    if last_mark is not None:
        last_mark = max(EPOCH_START, last_mark - max(0, lookback))
    lo = last_mark if last_mark is not None else (start if start is not None else EPOCH_START)
    hi = now if end is None else min(end, now)
    return Window(lo, max(lo, hi))


def window_filters(res: Resource, window: Window) -> dict[str, str]:
    """Query parameters that select exactly the rows whose cursor lies in `window`.

    Args:
        res: an incremental resource (`is_incremental(res)`).
        window: the range to read.

    Returns:
        {from_filter: ..., to_filter: ...} with RFC 3339 or Unix values as the filter's type wants.
    """
    cursor = res.cursor
    assert cursor is not None and cursor.from_filter is not None
    params: dict[str, str] = {}
    lower = res.filter(cursor.from_filter)
    inclusive = cursor.from_inclusive or (lower is not None and lower.op is Op.GE)
    # A first read from the epoch drops the lower bound, so rows with an empty cursor (a campaign not sent
    # yet) are kept; event resources keep it: without a window they answer today only.
    if window.lo > EPOCH_START or res.today_default:
        params[cursor.from_filter] = _format(window.lo + 1 if inclusive else window.lo)
    if cursor.to_filter:
        upper = res.filter(cursor.to_filter)
        exclusive = upper is not None and upper.op is Op.LT
        params[cursor.to_filter] = _format(window.hi + 1 if exclusive else window.hi)
    return params


def _format(seconds: int) -> str:
    # Every time filter accepts Unix seconds (mailjet-api.md §1.6); they are exact and zone-free.
    return str(max(0, seconds))


def split_window(window: Window, span: int | None) -> list[Window]:
    """`window` cut into consecutive windows of at most `span` seconds, oldest first (None: not cut).

    statcounters answers at most 100 slices per request (`catalog.counters`): a longer window is read in parts.
    """
    if span is None or window.hi - window.lo <= span:
        return [window]
    return [Window(lo, min(window.hi, lo + span)) for lo in range(window.lo, window.hi, span)]


def slice_floor(seconds: int, slice_seconds: int) -> int:
    """The start of the statcounters time slice holding `seconds` (a Day or Hour bucket, UTC)."""
    return seconds - seconds % slice_seconds


def parse_duration(spec: str) -> int:
    """Seconds from a spelling such as "3d", "12h", "30m", "45s" or "900".

    Raises:
        ConfigError: anything else.
    """
    found = _DURATION.match(spec)
    if found is None:
        raise ConfigError(f"duration {spec!r} not understood; write it like 3d, 12h, 30m or 900 (seconds)")
    return int(found.group(1)) * _SECONDS[found.group(2)]


def parse_schedule(spec: str) -> int | None:
    """The deletions schedule: "always" (0: every run), "never" (None: only the first run), or a duration
    such as "7d" (a full read when the last one is at least that old).

    Raises:
        ConfigError: anything else.
    """
    word = spec.strip().lower()
    if word == "always":
        return 0
    if word == "never":
        return None
    try:
        return parse_duration(word)
    except ConfigError:
        raise ConfigError(
            f"--deletions {spec!r} not understood; write always, never, or a period like 7d or 12h"
        ) from None
