"""The pacer: rate spellings, never over budget, multiplicative decrease on 429 and slow recovery."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector.errors import ConfigError
from mailjet_connector.ratelimit import SAFETY, Pacer, parse_rate, shared_pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("spec", "per_second"),
    [("300/min", 5.0), ("5/s", 5.0), ("7200/hour", 2.0), ("60 / minutes", 1.0), (2.5, 2.5), (None, None)],
)
def test_parse_rate_spellings(spec, per_second):
    assert parse_rate(spec) == per_second


@pytest.mark.parametrize("spec", ["300", "fast", "0/min", "5/fortnight"])
def test_parse_rate_rejects_unclear_spellings(spec):
    with pytest.raises(ConfigError):
        parse_rate(spec)


@settings(deadline=None)
@given(
    limit=st.floats(0.5, 500),
    burst=st.integers(1, 5),
    gaps=st.lists(st.floats(0, 2), min_size=1, max_size=300),
)
def test_pacer_never_exceeds_its_budget(limit, burst, gaps):
    clock = FakeClock()
    pacer = Pacer(limit, burst=burst, clock=clock)
    starts = []
    for gap in gaps:
        clock.now += gap  # the caller shows up after some idle time...
        wait = pacer.reserve()
        assert wait >= 0
        starts.append(clock.now + wait)  # ...and sends once the pacer allows it
        pacer.on_success()
    rate = limit * SAFETY
    starts.sort()
    for i, first in enumerate(starts):
        for j in range(i, len(starts)):
            window = starts[j] - first
            assert j - i + 1 <= burst + window * rate + 1e-6


def test_pacer_uses_the_configured_rate_fully():
    clock = FakeClock()
    pacer = Pacer(100.0, clock=clock)
    for _ in range(1_000):
        clock.now += pacer.reserve()
        pacer.on_success()
    assert 1_000 / (clock.now - 1_000.0) >= 0.95 * 100


def test_pacer_backs_off_on_429_once_per_burst_and_recovers_slowly():
    clock = FakeClock()
    pacer = Pacer(None, clock=clock)
    start = pacer.rate
    pacer.on_throttled()
    pacer.on_throttled()  # in-flight requests of the same burst: one decrease only
    assert pacer.rate == pytest.approx(start * 0.7)
    assert pacer.ceiling == start
    for _ in range(12):  # 12 s of successes: fast back to 90 % of the throttled rate, then 1 %/s
        clock.now += 1.0
        pacer.on_success()
    assert start * 0.9 < pacer.rate <= start


def test_pacer_is_shared_per_key_and_limit():
    assert shared_pacer("k1", 5.0) is shared_pacer("k1", 5.0)
    assert shared_pacer("k1", 5.0) is not shared_pacer("k2", 5.0)
    assert "k1" not in repr(shared_pacer("k1", 5.0))
