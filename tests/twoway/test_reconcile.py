"""The three-way merge of one key (pure): who gets which value, and which losses are recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailjet_connector.twoway.mapping import parse_mapping
from mailjet_connector.twoway.reconcile import Known, Side, decide
from mailjet_connector.twoway.values import canonical

NAME, PLAN, NEWS = "field:Name", "property:plan", "list:Newsletter"


def mapping(rule: str = "mailjet_wins", plan_direction: str = "both", **extra: object):  # type: ignore[no-untyped-def]
    return parse_mapping({
        "database": {"url": "x.duckdb", "table": "t", "updated_at": "updated_at"},
        "columns": {"name": {"field": "Name"}, "plan": {"property": "plan", "direction": plan_direction}},
        "lists": {"flags": {"news": "Newsletter"}},
        "conflicts": {"rule": rule},
        **extra,
    })  # fmt: skip


BASE = {NAME: "Ann", PLAN: "pro", NEWS: "true"}


def side(updated: int | None = None, **values: str | None) -> Side:
    moment = datetime.fromtimestamp(updated, UTC) if updated is not None else None
    return Side({**BASE, **{k.replace("_", ":", 1): v for k, v in values.items()}}, True, moment)


def test_one_sided_edits_cross_over_and_equal_values_stay() -> None:
    d = decide("a", side(field_Name="Annie"), side(property_plan="team"), Known(dict(BASE)), mapping())
    assert d.to_mailjet == {NAME: "Annie"} and d.to_database == {PLAN: "team"} and d.conflicts == []
    assert d.agreed == {NAME: "Annie", PLAN: "team", NEWS: "true"}


@pytest.mark.parametrize(
    ("rule", "db_time", "mj_time", "kept"),
    [("mailjet_wins", 1, 2, "mailjet"), ("database_wins", 1, 2, "database"), ("newest", 3, 2, "database"),
     ("newest", 1, 2, "mailjet")],
)  # fmt: skip
def test_both_edited_is_settled_by_the_rule_and_recorded(
    rule: str, db_time: int, mj_time: int, kept: str
) -> None:
    d = decide(
        "a", side(db_time, field_Name="D"), side(mj_time, field_Name="M"), Known(dict(BASE)), mapping(rule)
    )
    [conflict] = d.conflicts
    assert (conflict.base, conflict.database, conflict.mailjet, conflict.kept, conflict.rule) == (
        "Ann",
        "D",
        "M",
        kept,
        rule,
    )
    assert d.agreed[NAME] == ("D" if kept == "database" else "M")


def test_manual_leaves_both_sides_and_keeps_the_old_agreement_until_settled() -> None:
    args = ("a", side(field_Name="D"), side(field_Name="M"), Known(dict(BASE)), mapping("manual"))
    d = decide(*args)
    assert (d.to_mailjet, d.to_database, d.agreed[NAME]) == ({}, {}, "Ann")
    assert [(c.kept, c.rule) for c in d.conflicts] == [(None, "manual")]
    settled = decide(*args, settled={NAME: "database"})
    assert settled.to_mailjet == {NAME: "D"} and settled.conflicts[0].rule == "settled by the user"


def test_a_one_way_value_undoes_the_other_sides_edit_and_records_it() -> None:
    d = decide("a", side(), side(property_plan="mj"), Known(dict(BASE)), mapping(plan_direction="to_mailjet"))
    assert d.to_mailjet == {PLAN: "pro"} and [(c.kept, c.rule) for c in d.conflicts] == [
        ("database", "direction")
    ]


def test_an_unsubscribe_is_never_undone() -> None:
    # The table subscribes again someone who unsubscribed in Mailjet: consent wins, whatever the rule.
    mj = Side({**BASE, NEWS: "false"}, True, None, frozenset({"Newsletter"}))
    for rule in ("mailjet_wins", "database_wins"):
        d = decide("a", side(), mj, Known({**BASE, NEWS: "false"}), mapping(rule))
        assert NEWS not in d.to_mailjet and d.to_database == {NEWS: "false"} and d.agreed[NEWS] == "false"
        assert [(c.kept, c.rule) for c in d.conflicts] == [("mailjet", "unsubscribed in Mailjet")]


@pytest.mark.parametrize(
    ("meaning", "action"), [("propagate", "forget_mailjet"), ("mark", "unlist_mailjet"), ("ignore", "ignore")]
)
def test_a_row_deleted_in_the_database(meaning: str, action: str) -> None:
    d = decide("a", None, side(), Known(dict(BASE)), mapping(deletions={"database": meaning}))
    assert d.action == action
    if meaning == "mark":
        assert d.to_mailjet == {NEWS: "false"} and d.deleted == "database"


@pytest.mark.parametrize(
    ("meaning", "action"), [("propagate", "delete_database"), ("mark", "mark_database"), ("ignore", "ignore")]
)
def test_a_contact_gone_from_mailjet(meaning: str, action: str) -> None:
    assert (
        decide("a", side(), None, Known(dict(BASE)), mapping(deletions={"mailjet": meaning})).action == action
    )


def test_new_keys_are_copied_whole_and_a_first_meeting_that_differs_is_a_conflict() -> None:
    m = mapping()
    assert decide("a", side(), None, None, m).to_mailjet == {NAME: "Ann", PLAN: "pro", NEWS: "true"}
    assert decide("a", None, side(), None, m).to_database == BASE
    first = decide("a", side(field_Name="D"), side(field_Name="M"), None, m)
    assert first.agreed[NAME] == "M" and [c.base for c in first.conflicts] == [None]


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [(True, "bool", "true"), (None, "bool", "false"), ("1", "bool", "true"), (3, "int", "3"), ("3", "int", "3"),
     (2, "float", "2.0"), ("2.50", "float", "2.5"), ("", "str", None),
     (datetime(2024, 1, 2, 3, 4, 5), "datetime", "2024-01-02T03:04:05Z"),
     ("2024-01-02T05:04:05+02:00", "datetime", "2024-01-02T03:04:05Z")],
)  # fmt: skip
def test_both_sides_values_reduce_to_one_text(value: object, kind: str, text: str | None) -> None:
    assert canonical(value, kind) == text
