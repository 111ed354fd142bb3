"""Snapshots: the compact ID snapshot answers exactly as the general one, and both load from a real table."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mailjet_connector.sync.deletions import IdSnapshot, Snapshot, digests


def _pair(rows: dict[int, tuple[str | None, bool]]) -> tuple[Snapshot, IdSnapshot]:
    ids = sorted(rows)
    compact = IdSnapshot(
        np.array(ids, np.int64),
        digests([rows[i][0] for i in ids]),
        np.array([rows[i][1] for i in ids], bool),
    )
    return Snapshot({str(i): v for i, v in rows.items()}), compact


@pytest.mark.parametrize("seed", range(20))
def test_id_snapshot_answers_as_the_general_one(seed):
    rng = random.Random(seed)
    rows = {
        i: (None if rng.random() < 0.05 else f"{rng.getrandbits(64):016x}", rng.random() < 0.2)
        for i in rng.sample(range(1, 400), rng.randrange(0, 120))
    }
    general, compact = _pair(rows)
    for _ in range(10):
        page = sorted(rng.sample(range(1, 400), rng.randrange(0, 60)))
        keys = [str(i) for i in page]
        hashes = [
            rows[i][0] if i in rows and rows[i][0] and rng.random() < 0.7 else f"{rng.getrandbits(64):016x}"
            for i in page
        ]
        assert compact.classify(keys, hashes) == general.classify(keys, hashes)
        before = rng.choice([None, *range(0, 400, 37)])
        after = rng.choice([None, *range(0, 400, 41)])
        if before is not None and after is not None and after < before:
            before, after = after, before
        assert compact.gone_between(before, after, keys) == general.gone_between(before, after, keys)
        assert sorted(compact.gone(keys), key=int) == sorted(general.gone(keys), key=int)
    assert len(compact) == len(general) == len(rows)


def test_empty_snapshots_load_everything():
    empty = IdSnapshot(np.empty(0, np.int64), np.empty(0, np.uint64), np.empty(0, bool))
    assert empty.classify(["1", "2"], ["a" * 16, "b" * 16]) == ([0, 1], 2, 0)
    assert Snapshot().classify(["1", "2"], ["a" * 16, "b" * 16]) == ([0, 1], 2, 0)
    assert empty.gone_between(None, None, ["1"]) == []


@pytest.mark.parametrize("seed", range(10))
def test_whole_reads_find_the_same_vanished_rows_in_both(seed):
    # `see`/`unseen` replace a list of every key a whole read met (two million strings for
    # listrecipientstatistics) with a flag per snapshot row in the compact snapshot (issue 17.8).
    rng = random.Random(seed)
    rows = {i: (f"{i:016x}", rng.random() < 0.2) for i in rng.sample(range(1, 500), rng.randrange(1, 150))}
    general, compact = _pair(rows)
    met = [str(i) for i in rng.sample(range(1, 500), rng.randrange(0, 200))] + ["", "x|1"]
    for start in range(0, len(met), 37):
        general.see(met[start : start + 37])
        compact.see(met[start : start + 37])
    assert (
        sorted(compact.unseen(), key=int)
        == sorted(general.unseen(), key=int)
        == sorted(general.gone(met), key=int)
    )
    # keys that are not integers are never found in the compact snapshot: new rows, as in the general one
    assert compact.classify(["", "x|1"], ["a" * 16, "b" * 16]) == general.classify(
        ["", "x|1"], ["a" * 16, "b" * 16]
    )


def test_integer_keys_of_another_column_load_compact_from_a_real_table():
    # contactstatistics, listrecipientstatistics...: `_mj_key` is ContactID or ListRecipientID, read as text
    # and converted here (two million keys as a dict of strings took about 460 MB).
    import duckdb

    from mailjet_connector.sync.deletions import _int_key_snapshot

    db = duckdb.connect()
    db.execute("create table t (k text, h text, d boolean)")
    db.execute(
        "insert into t values ('30', 'aaaaaaaaaaaaaaaa', false), ('4', null, true), ('100', 'b', false)"
    )
    compact = _int_key_snapshot(db.execute("select k, h, d from t"))
    assert compact is not None and compact.ids.tolist() == [4, 30, 100]
    assert compact.deleted.tolist() == [True, False, False]
    assert compact.classify(["30", "100", "7"], ["a" * 16, "c" * 16, "d" * 16]) == ([1, 2], 1, 1)
    db.execute("insert into t values ('007', 'c', false)")  # not written as an integer: the general snapshot
    assert _int_key_snapshot(db.execute("select k, h, d from t")) is None
