"""Planning (pure): validation against the catalog, diffs against what exists, counts per action."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.importer import Existing, Kind, Mode, PlanError, plan_rows
from mailjet_connector.importer.model import record_key
from mailjet_connector.importer.properties import Definition
from mailjet_connector.importer.rows import EMAIL_CHANGE_REFUSED

CONTACT = catalog.get("contact")
LISTS = catalog.get("contactslist")
DEFINITIONS = {"age": Definition("age", "int"), "city": Definition("City", "str")}


def contacts(*records: dict[str, Any], properties: dict[int, dict[str, str]] | None = None) -> Existing:
    return Existing(
        {record_key([r["Email"]]): r for r in records},
        properties=properties or {},
        subscribed={},
        definitions=DEFINITIONS,
    )


def kinds(plan: Any) -> list[str]:
    return [w.kind.value for w in plan.writes]


def test_upsert_creates_updates_and_leaves_unchanged() -> None:
    existing = contacts(
        {"ID": 1, "Email": "a@b.co", "Name": "A"},
        {"ID": 2, "Email": "c@d.co", "Name": "C"},
        properties={1: {"age": "30"}, 2: {"age": "40"}},
    )
    rows = [
        {"Email": "A@B.co", "Name": "A", "age": "30"},
        {"Email": "c@d.co", "Name": "Cee", "age": "40"},
        {"Email": "new@x.co", "Name": None, "city": "Paris"},
    ]
    plan = plan_rows(CONTACT, rows, Mode.UPSERT, existing)
    assert kinds(plan) == ["unchanged", "update", "create"]
    assert plan.writes[1].body == {"Name": "Cee", "Email": "c@d.co"} and plan.writes[1].properties == {}
    assert plan.writes[2].body == {"Email": "new@x.co"} and plan.writes[2].properties == {"City": "Paris"}
    assert plan.counts() == {"create": 1, "update": 1, "unchanged": 1, "delete": 0, "skip": 0, "error": 0}


def test_changed_property_alone_is_an_update() -> None:
    existing = contacts({"ID": 1, "Email": "a@b.co", "Name": ""}, properties={1: {"age": "30"}})
    plan = plan_rows(CONTACT, [{"Email": "a@b.co", "age": "31"}], Mode.UPSERT, existing)
    assert plan.writes[0].kind is Kind.UPDATE and plan.writes[0].properties == {"age": 31}


def test_list_subscription_missing_is_an_update() -> None:
    existing = Existing(
        {record_key(["a@b.co"]): {"ID": 1, "Email": "a@b.co"}}, subscribed={7: frozenset({2})}
    )
    plan = plan_rows(CONTACT, [{"Email": "a@b.co"}], Mode.UPSERT, existing, lists=[7])
    assert plan.writes[0].kind is Kind.UPDATE and plan.writes[0].lists == (7,)


def test_email_change_is_refused_with_mailjets_reason() -> None:
    existing = Existing({record_key([5]): {"ID": 5, "Email": "old@x.co"}})
    plan = plan_rows(CONTACT, [{"ID": "5", "Email": "new@x.co"}], Mode.UPDATE, existing)
    assert plan.writes[0].kind is Kind.ERROR
    assert plan.writes[0].reason.startswith(EMAIL_CHANGE_REFUSED) and "old@x.co" in plan.writes[0].reason


def test_bad_values_are_row_errors_not_plan_errors() -> None:
    plan = plan_rows(
        CONTACT,
        [{"Email": "a@b.co", "age": "old"}, {"Email": "c@d.co", "IsExcludedFromCampaigns": "maybe"}],
        Mode.UPSERT,
        contacts(),
    )
    assert kinds(plan) == ["error", "error"]
    assert "Property type does not match definition" in plan.writes[0].reason
    assert "IsExcludedFromCampaigns" in plan.writes[1].reason


def test_unknown_column_refuses_the_whole_import() -> None:
    with pytest.raises(PlanError, match=r"unknown column.*favourite"):
        plan_rows(CONTACT, [{"Email": "a@b.co", "favourite": "x"}], Mode.UPSERT, contacts())
    with pytest.raises(PlanError, match=r"unknown column.*Colour"):
        plan_rows(LISTS, [{"Name": "x", "Colour": "red"}], Mode.INSERT, Existing())


def test_read_only_columns_are_ignored_with_a_warning() -> None:
    rows = [{"Name": "L", "SubscriberCount": "12", "_dlt_id": "x"}]
    plan = plan_rows(LISTS, rows, Mode.INSERT, Existing())
    assert plan.writes[0].body == {"Name": "L"}
    assert plan.warnings == [
        "column 'SubscriberCount' ignored: SubscriberCount is read-only (Mailjet computes it)"
    ]


def test_verbs_come_from_the_catalog() -> None:
    with pytest.raises(PlanError, match="contacts forget"):
        plan_rows(CONTACT, [{"Email": "a@b.co"}], Mode.DELETE, contacts())
    with pytest.raises(PlanError, match="campaign does not allow POST"):
        plan_rows(catalog.get("campaign"), [{"ID": "1"}], Mode.INSERT, Existing())


def test_update_needs_a_key_and_an_existing_object() -> None:
    with pytest.raises(PlanError, match="needs a key column"):
        plan_rows(LISTS, [{"Name": "x"}], Mode.UPDATE, Existing())
    plan = plan_rows(LISTS, [{"Name": "x"}], Mode.UPDATE, Existing(), key=["Name"])
    assert plan.writes[0].kind is Kind.ERROR and plan.writes[0].reason == "Object not found"


def test_insert_skips_existing_and_checks_required_fields() -> None:
    existing = Existing({record_key(["news"]): {"ID": 3, "Name": "News"}})
    rows = [{"Name": "News"}, {"Name": "Other", "IsDeleted": "false"}, {"IsDeleted": "true"}]
    plan = plan_rows(LISTS, rows, Mode.INSERT, existing, key=["Name"])
    assert kinds(plan) == ["skip", "create", "error"]
    assert "Name" in plan.writes[2].reason


def test_delete_is_soft_for_lists_and_skips_missing() -> None:
    existing = Existing(
        {
            record_key(["a"]): {"ID": 1, "Name": "a", "IsDeleted": False},
            record_key(["b"]): {"ID": 2, "Name": "b", "IsDeleted": True},
        }
    )
    plan = plan_rows(
        LISTS, [{"Name": "a"}, {"Name": "b"}, {"Name": "c"}], Mode.DELETE, existing, key=["Name"]
    )
    assert kinds(plan) == ["delete", "unchanged", "skip"]
    assert plan.writes[0].target == 1


def test_later_row_with_the_same_key_supersedes() -> None:
    plan = plan_rows(LISTS, [{"Name": "a"}, {"Name": "A"}], Mode.UPSERT, Existing(), key=["Name"])
    assert kinds(plan) == ["skip", "create"]
    assert plan.writes[0].reason == "superseded by row 2"


def test_link_columns_take_an_id_or_an_alternate_key() -> None:
    res = catalog.get("listrecipient")
    existing = Existing(links={"contact": {"a@b.co": 11}, "contactslist": {"news": 3}})
    rows = [
        {"ContactID": "a@b.co", "ListID": "News"},
        {"ContactID": "12", "ListID": "3"},
        {"ContactID": "z@z.co", "ListID": "3"},
    ]
    plan = plan_rows(res, rows, Mode.INSERT, existing)
    assert [w.body for w in plan.writes[:2]] == [
        {"ContactID": 11, "ListID": 3},
        {"ContactID": 12, "ListID": 3},
    ]
    assert plan.writes[2].kind is Kind.ERROR and "z@z.co" in plan.writes[2].reason


names = st.text(alphabet="abcdefgh", min_size=1, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, max_size=30), st.lists(names, max_size=10))
def test_every_row_gets_exactly_one_write_and_reimport_is_unchanged(
    rows: list[str], known: list[str]
) -> None:
    existing = Existing(
        {record_key([n]): {"ID": i, "Name": n, "IsDeleted": False} for i, n in enumerate(known)}
    )
    plan = plan_rows(LISTS, [{"Name": n} for n in rows], Mode.UPSERT, existing, key=["Name"])
    assert sum(plan.counts().values()) == len(rows)
    assert {w.key for w in plan.writes if w.kind is Kind.CREATE} == {n for n in rows if n not in known}
    assert all(w.kind is not Kind.UPDATE for w in plan.writes)
