"""Mail merge planning: Variables from columns, row keys, problems, stable job ids and CustomIDs."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.send import Content, MessageSpec, custom_id, merge_job_id, plan_merge

SPEC = MessageSpec("a@example.com", Content(text="Hi {{var:first}}"))


def test_columns_become_variables_except_recipient_columns_and_empty_cells() -> None:
    rows = [{"email": "Ann@X.example", "name": "Ann", "first": "Ann", "age": 31, "city": None}]
    plan = plan_merge(rows, SPEC, job="j" * 24, name_column="name")
    recipient = plan.rows[0].recipient
    assert recipient is not None
    assert (recipient.email, recipient.name) == ("Ann@X.example", "Ann")
    assert recipient.variables == {"first": "Ann", "age": 31}
    assert plan.rows[0].key == "ann@x.example"
    assert recipient.custom_id == "jjjjjjjjjjjjjjjj-ann@x.example"


def test_rows_without_address_or_repeated_are_skipped_with_a_reason() -> None:
    rows = [
        {"email": "a@x.example"},
        {"email": None},
        {"email": "nope"},
        {"email": "A@x.example"},
        {"mail": 1},
    ]
    plan = plan_merge(rows, SPEC, job="j")
    assert [r.number for r in plan.sendable] == [1]
    problems = [r.problem or "" for r in plan.skipped]
    assert "empty" in problems[0] and "not an email" in problems[1] and "duplicate" in problems[2]
    assert "no column 'email'" in problems[3]


def test_key_column_identifies_rows_and_lets_an_address_repeat() -> None:
    rows = [
        {"id": 1, "email": "a@x.example"},
        {"id": 2, "email": "a@x.example"},
        {"id": 1, "email": "b@x.example"},
    ]
    plan = plan_merge(rows, SPEC, job="j", key_column="id")
    assert [r.key for r in plan.sendable] == ["1", "2"]
    assert plan.skipped[0].problem == "duplicate row key '1': already planned"


def test_values_that_are_not_json_become_text() -> None:
    rows = [{"email": "a@x.example", "when": dt.date(2026, 1, 2)}]
    recipient = plan_merge(rows, SPEC, job="j").rows[0].recipient
    assert recipient is not None and recipient.variables == {"when": "2026-01-02"}


def test_job_id_depends_on_source_message_and_sandbox_only() -> None:
    other = MessageSpec("a@example.com", Content(text="other"))
    assert merge_job_id("f.csv", SPEC) == merge_job_id("f.csv", SPEC)
    assert len({merge_job_id("f.csv", SPEC), merge_job_id("g.csv", SPEC), merge_job_id("f.csv", other)}) == 3
    assert merge_job_id("f.csv", SPEC) != merge_job_id("f.csv", SPEC, sandbox=True)


@given(st.text(min_size=1, max_size=200))
def test_custom_id_is_stable_and_bounded(key: str) -> None:
    job = merge_job_id("f.csv", SPEC)
    assert custom_id(job, key) == custom_id(job, key)
    assert custom_id(job, key).startswith(job[:16] + "-")
    assert len(custom_id(job, key)) <= 16 + 1 + 64
