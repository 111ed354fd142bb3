"""One rate grammar for the client and the emulator (#19 item 4): `1000/10s` and `2.5/s` work everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.state import Clock, EmulatorState
from mailjet_connector.errors import ConfigError
from mailjet_connector.ratelimit import parse_rate as client_rate
from mailjet_connector.wire.rates import UNIT_SECONDS, Rate, RateError, parse_rate


@pytest.mark.parametrize(
    ("spec", "per_second"),
    [("300/min", 5.0), ("2.5/s", 2.5), ("1000/10s", 100.0), ("20000/h", 20000 / 3600), ("60 / Minutes", 1.0)],
)
def test_client_and_emulator_read_the_same_spellings(spec: str, per_second: float) -> None:
    # Before #19 the client refused 1000/10s and the emulator refused 2.5/s.
    assert client_rate(spec) == pytest.approx(per_second)
    assert parse_rate(spec).per_second == pytest.approx(per_second)
    create_app(EmulatorState(clock=Clock(0)), rate_limit=spec)  # the emulator's middleware takes it too


@pytest.mark.parametrize("spec", ["300", "fast", "0/min", "5/fortnight", "5/0s", "-1/s", "1/2/s"])
def test_the_same_spellings_are_refused_with_the_same_hint(spec: str) -> None:
    with pytest.raises(RateError) as wire_error:
        parse_rate(spec)
    with pytest.raises(ConfigError) as client_error:
        client_rate(spec)
    assert str(client_error.value) == str(wire_error.value)
    assert "300/min" in str(wire_error.value)


@given(
    st.decimals(min_value="0.01", max_value="100000", places=2),
    st.integers(min_value=1, max_value=100),
    st.sampled_from(sorted(UNIT_SECONDS)),
    st.booleans(),
)
def test_any_count_span_and_unit(count: object, span: int, unit: str, plural: bool) -> None:
    spec = f"{count}/{span}{unit}{'s' if plural and not unit.endswith('s') else ''}"
    assert parse_rate(spec) == Rate(float(str(count)), span * UNIT_SECONDS[unit])
