"""Batching: every message exactly once, in order, never more than 50 recipients per call."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.send.batching import MAX_RECIPIENTS_PER_CALL, batch_count, iter_batches


@given(st.lists(st.integers(), max_size=400), st.integers(min_value=1, max_value=MAX_RECIPIENTS_PER_CALL))
def test_batches_cover_items_once_in_order_within_the_limit(items: list[int], size: int) -> None:
    batches = list(iter_batches(items, size))
    assert [x for batch in batches for x in batch] == items
    assert all(1 <= len(batch) <= size for batch in batches)
    assert len(batches) == batch_count(len(items), size)


def test_default_size_is_mailjets_per_call_limit() -> None:
    assert [len(b) for b in iter_batches(range(120))] == [50, 50, 20]


@pytest.mark.parametrize("size", [0, 51])
def test_size_outside_the_limit_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 50"):
        list(iter_batches([1], size))
