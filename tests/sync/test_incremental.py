"""Cursor windows: consecutive windows select every row exactly once, whatever the filter's bound kinds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.catalog import Op
from mailjet_connector.errors import ConfigError
from mailjet_connector.sync.incremental import (
    Window,
    is_incremental,
    next_window,
    parse_duration,
    window_filters,
)

INCREMENTAL = [r for r in catalog.all_resources() if is_incremental(r)]


def _selected(res, window: Window, moment: int) -> bool:
    """Whether a row whose cursor is `moment` passes the filters, judged by the catalog's operators."""
    for name, value in window_filters(res, window).items():
        op, bound = res.filter(name).op, int(value)
        ok = {Op.GT: moment > bound, Op.GE: moment >= bound, Op.LT: moment < bound, Op.LE: moment <= bound}
        if not ok.get(op, True):
            return False
    return True


@given(st.integers(1, 10**9), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 3 * 10**6))
def test_consecutive_windows_partition_time(lo, first, second, offset):
    for res in INCREMENTAL:
        a, b = Window(lo, lo + first), Window(lo + first, lo + first + second)
        moment = lo + offset
        hits = _selected(res, a, moment) + _selected(res, b, moment)
        expected = 1 if lo < moment <= lo + first + second else 0
        assert hits == expected, res.name


def test_event_resources_always_get_a_window():
    res = catalog.get("openinformation")
    filters = window_filters(res, next_window(None, 1_000_000))
    assert set(filters) == {"EventFromTs", "EventToTs"}


def test_first_window_without_start_keeps_rows_with_an_empty_cursor():
    filters = window_filters(catalog.get("campaign"), next_window(None, 1_000_000))
    assert filters == {"ToTS": "1000000"}


def test_next_window_starts_at_the_mark_and_stops_at_end():
    assert next_window(100, 500) == Window(100, 500)
    assert next_window(None, 500, start=50, end=300) == Window(50, 300)
    assert next_window(600, 500).empty


def test_lookback_reaches_back_from_the_mark_only():
    assert next_window(1000, 5000, lookback=300) == Window(700, 5000)
    assert next_window(100, 5000, lookback=300) == Window(0, 5000)
    assert next_window(None, 5000, start=50, lookback=300) == Window(50, 5000)  # a first run starts at start


def test_durations():
    assert [parse_duration(s) for s in ("3d", "12h", "30m", "45s", "900")] == [259200, 43200, 1800, 45, 900]
    with pytest.raises(ConfigError, match="like 3d"):
        parse_duration("three days")
