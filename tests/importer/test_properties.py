"""Type inference and value coercion for contact properties (pure), and contactmetadata definitions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.client import Client
from mailjet_connector.importer.coerce import INT_RANGE, CoerceError, coerce_property
from mailjet_connector.importer.properties import DATATYPES, define_properties, fetch_definitions, infer_type

finite = st.floats(allow_nan=False, allow_infinity=False)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))


@given(st.lists(st.integers(), min_size=1))
def test_integer_columns_are_int(values: list[int]) -> None:
    assert infer_type(str(v) for v in values) == "int"
    assert infer_type(values) == "int"


@given(st.lists(st.integers(), min_size=1), st.lists(finite, min_size=1))
def test_numbers_with_a_fraction_are_float(ints: list[int], floats: list[float]) -> None:
    values = [str(v) for v in ints] + [repr(v) for v in floats]
    assert infer_type(values) in ("int", "float")
    assert infer_type([*values, "0.5"]) == "float"


@given(st.lists(st.booleans(), min_size=1))
def test_true_false_columns_are_bool(values: list[bool]) -> None:
    assert infer_type(str(v).upper() if i % 2 else str(v).lower() for i, v in enumerate(values)) == "bool"


@given(st.lists(moments, min_size=1))
def test_iso_dates_are_datetime(values: list[datetime]) -> None:
    assert infer_type(v.isoformat() for v in values) == "datetime"
    assert infer_type(v.date().isoformat() for v in values) == "datetime"


@given(st.lists(st.one_of(st.integers(), finite, st.booleans()), min_size=1), st.text(min_size=1))
def test_one_word_makes_a_column_str(values: list[object], word: str) -> None:
    mixed = [str(v) for v in values] + [f"x{word}"]
    assert infer_type(mixed) == "str"


def test_empty_cells_are_skipped_and_an_empty_column_is_str() -> None:
    assert infer_type(["1", None, "", " ", "2"]) == "int"
    assert infer_type([None, ""]) == "str"
    assert infer_type(["01/02/2024"]) == "str"  # ambiguous day/month: not an ISO date


@given(st.integers(*INT_RANGE))
def test_coerce_int_round_trips(value: int) -> None:
    assert coerce_property("n", "int", str(value)) == value


@given(moments)
def test_coerce_datetime_gives_rfc3339_utc(moment: datetime) -> None:
    text = coerce_property("d", "datetime", moment.isoformat())
    assert text == moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_coerce_values_of_every_type() -> None:
    assert coerce_property("p", "bool", "TRUE") is True and coerce_property("p", "bool", False) is False
    assert coerce_property("p", "float", "2.5") == 2.5 and coerce_property("p", "float", 3) == 3.0
    assert coerce_property("p", "datetime", "2024-03-01T10:00:00+02:00") == "2024-03-01T08:00:00Z"
    assert coerce_property("p", "datetime", date(2024, 3, 1)) == "2024-03-01T00:00:00Z"
    assert coerce_property("p", "datetime", datetime(2024, 3, 1, 1, tzinfo=UTC)) == "2024-03-01T01:00:00Z"
    assert coerce_property("p", "str", 12) == "12"


@pytest.mark.parametrize(
    ("datatype", "value"), [("int", "1.5"), ("int", True), ("bool", "maybe"), ("float", "x")]
)
def test_coerce_refuses_values_that_do_not_fit(datatype: str, value: object) -> None:
    with pytest.raises(CoerceError, match="Property type does not match definition"):
        coerce_property("p", datatype, value)


def test_definitions_are_read_and_created(client: Client) -> None:
    assert set(DATATYPES) == {"str", "int", "float", "bool", "datetime"}
    assert fetch_definitions(client)["age"].datatype == "int"
    created = define_properties(client, {"Anniversary": "datetime", "loyal": "bool"})
    assert [(d.name, d.datatype) for d in created] == [("Anniversary", "datetime"), ("loyal", "bool")]
    assert fetch_definitions(client)["anniversary"].name == "Anniversary"
    with pytest.raises(ValueError, match="unknown Datatype"):
        define_properties(client, {"x": "decimal"})
