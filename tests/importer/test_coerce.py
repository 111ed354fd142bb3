"""The one coercion (#19 item 3, #22 item 1): any cell converts or fails with CoerceError, nothing else."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.catalog import Field, FieldType
from mailjet_connector.importer.coerce import INT_RANGE, PROPERTY_TYPES, CoerceError, coerce, coerce_property
from mailjet_connector.importer.properties import DATATYPES

offsets = st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 3, max_value=2**70),
    st.floats(),
    st.decimals(),
    st.text(alphabet=st.characters(blacklist_categories=())),  # lone surrogates too
    st.sampled_from(["2024-13-45", "2024-02-30", "2024-01-01T25:00", "nan", "-inf", "1e999", "٣", "1_000"]),
    st.dates(),
    st.datetimes(timezones=st.none() | offsets),
)
cells = st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8)


def sendable(value: Any) -> None:
    orjson.dumps(value)  # what the client will do with it


@given(st.sampled_from(list(FieldType)), cells)
def test_any_cell_converts_to_sendable_json_or_fails_with_a_reason(ftype: FieldType, cell: Any) -> None:
    try:
        result = coerce(Field("X", ftype), cell)
    except CoerceError as exc:
        assert str(exc).startswith('MJ08 Property "X": ')
        return
    sendable(result)


@given(st.sampled_from(DATATYPES), cells)
def test_any_property_cell_converts_or_fails_with_mailjets_words(datatype: str, cell: Any) -> None:
    try:
        result = coerce_property("p", datatype, cell)
    except CoerceError as exc:
        assert "Property type does not match definition" in str(exc)
        return
    sendable(result)


def test_every_datatype_has_a_wire_type() -> None:
    assert set(PROPERTY_TYPES) == set(DATATYPES)


@pytest.mark.parametrize(
    ("ftype", "cell", "reason"),
    [
        (FieldType.TS, "2024-13-45", "month must be in 1..12"),
        (FieldType.TS, "2024-02-30", "day is out of range for month"),
        (FieldType.TS, "2024-01-01T25:00", "hour must be in 0..23"),
        (FieldType.TS, 1_700_000_000, "a int is not a date"),
        (FieldType.INT, "99999999999999999999999", "beyond the 64-bit integer range"),
        (FieldType.INT, 1e23, "beyond the 64-bit integer range"),
        (FieldType.INT, "1_000", "is not a valid int"),
        (FieldType.NUM, "inf", "not a finite number"),
        (FieldType.NUM, 10**400, "too large"),
        (FieldType.JSON, {"a": 2**70}, "64-bit"),  # from Parquet or SQL: JSON text parses big ints as floats
        (FieldType.STR, "\ud800", "surrogates not allowed"),
    ],
)
def test_bad_cells_say_why(ftype: FieldType, cell: Any, reason: str) -> None:
    with pytest.raises(CoerceError, match=reason):
        coerce(Field("X", ftype), cell)


def test_good_cells_of_every_type() -> None:
    assert coerce(Field("X", FieldType.INT), str(INT_RANGE[1])) == INT_RANGE[1]
    assert coerce(Field("X", FieldType.INT), Decimal("7")) == 7 == coerce(Field("X", FieldType.INT), 7.0)
    assert coerce(Field("X", FieldType.BOOL), "yes") is True
    assert coerce(Field("X", FieldType.TS), date(1, 1, 1)) == "0001-01-01T00:00:00Z"
    moment = datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    assert coerce(Field("X", FieldType.TS), moment) == "2024-03-01T08:00:00Z"
    assert coerce(Field("X", FieldType.UNIX), "2024-01-01T00:00:00Z") == 1_704_067_200
    assert coerce(Field("X", FieldType.KV), '{"a": 1}') == [{"Name": "a", "Value": 1}]
