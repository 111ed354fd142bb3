"""Paging maths: page planning and the exact walk under concurrent inserts and deletes (pure, no I/O)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector.pagination import Walker, field_key, id_key, plan_offsets


@given(
    start=st.integers(0, 10_000),
    total=st.none() | st.integers(0, 20_000),
    limit=st.integers(1, 1000),
    overlap=st.integers(0, 999),
    concurrency=st.integers(1, 8),
)
def test_plan_offsets_overlap_and_reach(start, total, limit, overlap, concurrency):
    overlap = min(overlap, limit - 1)
    offsets = plan_offsets(start, total, limit=limit, overlap=overlap, concurrency=concurrency)
    assert offsets[0] == start
    assert 1 <= len(offsets) <= concurrency
    for before, after in itertools.pairwise(offsets):
        # Neighbours share `overlap` rows, so contiguity can be checked page against page.
        assert after == before + max(1, limit - overlap)
    if total is not None and concurrency > 1 and len(offsets) < concurrency:
        # An unfinished batch reaches past the total, so its last page is short and proves the end.
        assert offsets[-1] + limit > total


def _walk(rows, *, limit, concurrency, mutations, sort_key=id_key):
    """Drive a Walker over a list mutated between page fetches; returns (yielded ids, present-throughout)."""
    live = {r["ID"]: r for r in rows}
    initial = set(live)
    deleted: set[int] = set()
    script = list(mutations)
    walker = Walker(limit=limit, key=sort_key, concurrency=concurrency)
    yielded: list[int] = []
    rounds = 0
    while offsets := walker.plan():
        rounds += 1
        assert rounds < 2_000, "the walk does not terminate"
        pages = []
        for offset in offsets:
            if script:
                _mutate(live, deleted, script.pop(0))
            ordered = sorted(live.values(), key=sort_key)
            pages.append((offset, ordered[offset : offset + limit], len(ordered)))
        for offset, page, total in pages:
            fresh, stop = walker.feed(offset, page, total)
            yielded.extend(r["ID"] for r in fresh)
            if stop:
                break
    return yielded, initial - deleted, initial | set(live) | deleted


def _mutate(live, deleted, op):
    kind, value = op
    if kind == "insert" and value not in live and value not in deleted:
        live[value] = {"ID": value, "Group": value % 3}
    elif kind == "delete" and live:
        victim = sorted(live)[value % len(live)]
        del live[victim]
        deleted.add(victim)


mutation = st.tuples(st.sampled_from(["insert", "delete"]), st.integers(0, 5_000))


@settings(max_examples=300, deadline=None)
@given(
    ids=st.sets(st.integers(1, 5_000), max_size=200),
    limit=st.integers(2, 25),
    concurrency=st.integers(1, 4),
    mutations=st.lists(mutation, max_size=60),
)
def test_walk_yields_every_stable_row_exactly_once(ids, limit, concurrency, mutations):
    rows = [{"ID": i, "Group": i % 3} for i in ids]
    yielded, throughout, ever = _walk(rows, limit=limit, concurrency=concurrency, mutations=mutations)
    assert len(yielded) == len(set(yielded)), "a row was yielded twice"
    assert throughout <= set(yielded), "a row present for the whole walk was skipped"
    assert set(yielded) <= ever


@settings(max_examples=100, deadline=None)
@given(
    ids=st.sets(st.integers(1, 5_000), max_size=150),
    limit=st.integers(2, 20),
    mutations=st.lists(mutation, max_size=40),
)
def test_walk_by_another_sort_field_is_exact(ids, limit, mutations):
    rows = [{"ID": i, "Group": i % 3} for i in ids]
    yielded, throughout, _ = _walk(
        rows, limit=limit, concurrency=2, mutations=mutations, sort_key=field_key("Group")
    )
    assert len(yielded) == len(set(yielded))
    assert throughout <= set(yielded)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(0, 3_000), limit=st.integers(10, 1000), concurrency=st.integers(1, 6))
def test_walk_without_mutations_yields_every_row_in_order(n, limit, concurrency):
    rows = [{"ID": i} for i in range(1, n + 1)]
    yielded, _, _ = _walk(rows, limit=limit, concurrency=concurrency, mutations=[])
    assert yielded == list(range(1, n + 1))


def test_walk_requests_stay_close_to_the_minimum():
    walker = Walker(limit=1000, key=id_key, concurrency=4)
    rows = [{"ID": i} for i in range(1, 10_001)]
    fetched = 0
    while offsets := walker.plan():
        for offset in offsets:
            fetched += 1
            _fresh, stop = walker.feed(offset, rows[offset : offset + 1000], len(rows))
            if stop:
                break
    assert fetched <= 12  # 10 full pages + the overlap + the short page proving the end


def test_plain_walk_stops_when_the_server_ignores_limit():
    walker = Walker(limit=10, key=None)
    fresh, stop = walker.feed(0, [{"Name": str(i)} for i in range(63)])
    assert len(fresh) == 63 and stop and walker.plan() == []
