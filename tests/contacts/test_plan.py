"""Planning a bulk contact import (pure): columns, validation, email changes, duplicates, batches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.contacts.plan import plan_import
from mailjet_connector.importer import PlanError
from mailjet_connector.importer.columns import map_columns
from mailjet_connector.importer.jobs import batch_key
from mailjet_connector.importer.properties import Definition
from mailjet_connector.importer.rows import EMAIL_CHANGE_REFUSED

DEFS = {"age": Definition("Age", "int")}


def test_columns_follow_the_catalog_in_any_spelling() -> None:
    columns = map_columns(
        catalog.get("contact"),
        ["EMAIL", "name", "is_excluded_from_campaigns", "contact_id", "created_at", "_dlt_id", "city"],
        key=("Email",),
        properties=DEFS,
        define=True,
    )
    assert {c: f.name for c, f in columns.fields.items()} == {
        "EMAIL": "Email",
        "name": "Name",
        "is_excluded_from_campaigns": "IsExcludedFromCampaigns",
    }
    assert columns.contact_id == "contact_id" and columns.new_properties == ("city",)
    assert list(columns.ignored) == ["created_at", "_dlt_id"]


def test_rows_become_managemanycontacts_items_with_typed_properties() -> None:
    rows = [
        {"Email": " a@x.com ", "Name": "A", "age": "31", "vip": "true", "IsExcludedFromCampaigns": "false"}
    ]
    plan = plan_import(rows, DEFS, lists=(3,))
    assert plan.contacts[0].item == {
        "Email": "a@x.com",
        "Name": "A",
        "IsExcludedFromCampaigns": False,
        "Properties": {"Age": 31, "vip": True},  # the defined spelling of a known property
    }
    assert plan.properties == {"age": "int", "vip": "bool"} and plan.to_define == {"vip": "bool"}


def test_bad_rows_are_rejected_with_a_reason_and_the_rest_planned() -> None:
    rows = [{"email": "a@x.com", "age": "1"}, {"email": None, "age": "2"}, {"email": "c@x.com", "age": "old"}]
    plan = plan_import(rows, DEFS)
    assert [c.item["Email"] for c in plan.contacts] == ["a@x.com"]
    assert [(e.number, e.error.split(":")[0]) for e in plan.rejected] == [
        (2, "Email missing"),
        (3, 'Property "age"'),
    ]
    assert "Property type does not match definition" in plan.rejected[1].error


def test_strict_mode_refuses_undefined_properties() -> None:
    with pytest.raises(PlanError, match="city"):
        plan_import([{"email": "a@x.com", "age": "1", "city": "Paris"}], DEFS, properties="strict")
    assert plan_import([{"email": "a@x.com", "age": "1"}], DEFS, properties="strict").to_define == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "delete"}, "unknown action"),
        ({"action": "unsub"}, "needs a list"),
        ({"properties": "loose"}, "unknown properties mode"),
        ({"batch_size": 0}, "at least 1"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PlanError, match=message):
        plan_import([{"email": "a@x.com"}], DEFS, **kwargs)  # type: ignore[arg-type]


def test_a_source_without_email_is_refused() -> None:
    with pytest.raises(PlanError, match="no Email column"):
        plan_import([{"mail": "a@x.com"}], DEFS)


def test_an_email_change_is_refused_with_mailjets_reason() -> None:
    rows = [
        {"ID": "7", "Email": "new@x.com"},
        {"ID": "8", "Email": "SAME@x.com"},
        {"ID": "9", "Email": "n@x.com"},
    ]
    plan = plan_import(rows, DEFS, existing_emails={7: "old@x.com", 8: "same@x.com"})
    assert [c.item for c in plan.contacts] == [{"Email": "SAME@x.com"}, {"Email": "n@x.com"}]
    assert plan.rejected[0].error.startswith(EMAIL_CHANGE_REFUSED) and "old@x.com" in plan.rejected[0].error


def test_the_last_row_for_an_email_wins() -> None:
    rows = [{"email": "a@x.com", "age": "1"}, {"email": "b@x.com"}, {"email": "A@x.com", "age": "2"}]
    plan = plan_import(rows, DEFS)
    assert [c.item for c in plan.contacts] == [
        {"Email": "b@x.com"},
        {"Email": "A@x.com", "Properties": {"Age": 2}},
    ]
    assert plan.duplicates == 1


@given(st.integers(0, 300), st.integers(1, 50))
def test_batches_cover_every_contact_once_in_order(n: int, size: int) -> None:
    plan = plan_import([{"email": f"u{i}@x.com"} for i in range(n)], DEFS, batch_size=size)
    batches = plan.batches()
    assert [c for b in batches for c in b] == plan.contacts
    assert all(len(b) <= size for b in batches) and len(batches) == -(-n // size)
    assert len({batch_key(b) for b in batches}) == len(batches)
    assert plan.summary()["batches"] == len(batches)


def test_batch_keys_depend_on_content_only() -> None:
    first = plan_import([{"email": "a@x.com", "age": "1"}], DEFS).contacts
    same = plan_import([{"age": "1", "email": "a@x.com"}], DEFS).contacts
    other = plan_import([{"email": "a@x.com", "age": "2"}], DEFS).contacts
    assert batch_key(first) == batch_key(same) != batch_key(other)
