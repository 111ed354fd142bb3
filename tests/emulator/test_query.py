"""Query parsing, paging maths and the offset walk over a columnar table (property-tested)."""

from __future__ import annotations

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest.listing import list_response
from mailjet_connector.emulator.rest.query import (
    MAX_LIMIT,
    Paging,
    first_wins,
    parse_bool,
    parse_paging,
    parse_sort,
    parse_time,
)
from mailjet_connector.emulator.state import Account, Clock, EmulatorState
from mailjet_connector.emulator.table import Table

CONTACT = catalog.get("contact")


def test_first_occurrence_wins_and_names_fold_case() -> None:
    assert first_wins([("Limit", "5"), ("limit", "7"), ("OFFSET", "2")]) == {"limit": "5", "offset": "2"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1700000000", 1_700_000_000),
        ("2023-11-14T22:13:20Z", 1_700_000_000),
        ("2023-11-14T22:13:20", 1_700_000_000),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000),
        ("2023-11-14T23:13:20 01:00", 1_700_000_000),  # `+` decoded to a space
        ("yesterday", None),
    ],
)
def test_parse_time_accepts_unix_and_rfc3339(text: str, expected: int | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("FALSE", False), ("1", True), ("0", False)])
def test_parse_bool_accepts_words_and_digits(text: str, expected: bool) -> None:
    assert parse_bool("IsDeleted", text) is expected


def test_parse_bool_rejects_other_text() -> None:
    with pytest.raises(EmulatorError) as caught:
        parse_bool("IsDeleted", "yes")
    assert caught.value.status == 400 and "IsDeleted" in caught.value.message


def test_paging_defaults_and_limit_rules() -> None:
    assert parse_paging(CONTACT, {}) == Paging(offset=0, limit=10)
    assert parse_paging(CONTACT, {"limit": "0", "offset": "50"}) == Paging(offset=0, limit=MAX_LIMIT)
    assert parse_paging(CONTACT, {"limit": "5000"}).limit == MAX_LIMIT
    for bad in ({"limit": "abc"}, {"limit": "-1"}, {"offset": "-3"}):
        with pytest.raises(EmulatorError):
            parse_paging(CONTACT, bad)


def test_sort_checks_the_catalog() -> None:
    assert parse_sort(CONTACT, "email desc") == ("Email", True)
    assert parse_sort(CONTACT, "CreatedAt ASC") == ("CreatedAt", False)
    with pytest.raises(EmulatorError, match="ascending only"):
        parse_sort(CONTACT, "ID DESC")
    with pytest.raises(EmulatorError, match="not allowed"):
        parse_sort(CONTACT, "Name")


@given(total=st.integers(0, 5000), offset=st.integers(0, 6000), limit=st.integers(1, 1000))
def test_window_stays_inside_the_matches(total: int, offset: int, limit: int) -> None:
    window = Paging(offset=offset, limit=limit).window(total)
    assert 0 <= window.start <= window.stop <= total
    assert window.stop - window.start == max(0, min(limit, total - offset))


def _account(rows: int, seed: int) -> tuple[EmulatorState, Account]:
    state = EmulatorState(clock=Clock(1_700_000_000, frozen=True))
    account = state.add_account(Account("k", "s", key_id=1, name="k"))
    rng = np.random.default_rng(seed)
    # Few distinct values, so ties are common and the ID tie-break matters.
    columns = {
        "ID": np.arange(1, rows + 1) * 3,
        "Email": np.array([f"u{v}@x.io" for v in rng.integers(0, 20, rows)], dtype=object),
        "DeliveredCount": rng.integers(0, 5, rows),
        "CreatedAt": rng.integers(0, 4, rows) + 1_600_000_000,
    }
    account.tables["contact"] = Table(CONTACT, columns)
    return state, account


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.integers(0, 2500),
    limit=st.integers(1, 1000),
    sort=st.sampled_from(
        ["", "ID", "Email", "Email DESC", "DeliveredCount DESC", "CreatedAt", "CreatedAt DESC"]
    ),
    seed=st.integers(0, 1000),
)
def test_offset_walk_returns_every_row_once(rows: int, limit: int, sort: str, seed: int) -> None:
    state, account = _account(rows, seed)
    seen: list[int] = []
    offset = 0
    while True:
        params = {"limit": str(limit), "offset": str(offset), "sort": sort}
        page = orjson.loads(list_response(state, account, CONTACT, params).body)
        seen += [row["ID"] for row in page["Data"]]
        if page["Count"] < limit:
            break
        offset += limit
    assert sorted(seen) == list(range(3, 3 * rows + 1, 3))
    if sort:
        field, _, direction = sort.partition(" ")
        table = account.tables["contact"]
        keys = [table.raw(table.position(i))[field] for i in seen]
        pairs = list(zip(keys, seen, strict=True))
        # Ordered by the field, and by ascending ID among equal values, in both directions.
        expected = sorted(pairs, key=lambda p: (p[0], p[1])) if not direction else None
        if direction:
            expected = sorted(sorted(pairs, key=lambda p: p[1]), key=lambda p: p[0], reverse=True)
        assert pairs == expected
