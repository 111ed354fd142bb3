"""KeySet keeps each key of a load once, as a plain set of strings would, in 8 bytes a key (issue 17.8)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector.sync import keyset
from mailjet_connector.sync.keyset import KeySet

_KEY = st.one_of(
    st.integers(0, 10**12).map(str),  # integer keys (ContactID, ListRecipientID...)
    st.sampled_from(["", "0", "007", "-3", "1|2", "abc", "99999999999999999999"]),  # and every other shape
)


@settings(max_examples=200, deadline=None)
@given(pages=st.lists(st.lists(_KEY, max_size=40), max_size=12), merge_at=st.sampled_from([1, 3, 64]))
def test_first_seen_matches_a_set_of_strings(pages: list[list[str]], merge_at: int) -> None:
    keyset.MERGE_AT, before = merge_at, keyset.MERGE_AT  # small: the sorted array path is taken often
    try:
        keys, model = KeySet(), set()
        for page in pages:
            load = list(range(len(page)))
            expected = []
            for i in load:
                if page[i] not in model:
                    model.add(page[i])
                    expected.append(i)
            assert keys.first_seen(load, page) == expected
        assert len(keys) == len(model)
    finally:
        keyset.MERGE_AT = before


def test_only_the_positions_asked_are_taken() -> None:
    keys = KeySet()
    assert keys.first_seen([1, 2], ["5", "6", "5"]) == [1, 2]
    assert keys.first_seen([0, 1], ["6", "7"]) == [1]  # "6" was taken, "5" at position 0 was never asked
    assert keys.first_seen([0], ["5"]) == []


def test_integer_keys_take_a_few_bytes_each() -> None:
    import tracemalloc

    pages = [
        [str(k) for k in range(10**7 + start, 10**7 + start + 1000)] for start in range(0, 300_000, 1000)
    ]
    keys = KeySet()
    tracemalloc.start()
    for page in pages:
        assert len(keys.first_seen(range(1000), page)) == 1000
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(keys) == 300_000
    assert held < 6 * 2**20  # a set of the same strings takes 26 MB (two million: 172 MB)
