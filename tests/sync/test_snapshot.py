"""Snapshots: the compact ID snapshot answers exactly as the general one, and both load from a real table."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mailjet_connector.sync.deletions import IdSnapshot, Snapshot


def _pair(rows: dict[int, tuple[str | None, bool]]) -> tuple[Snapshot, IdSnapshot]:
    ids = sorted(rows)
    compact = IdSnapshot(
        np.array(ids, np.int64),
        np.array([rows[i][0] or "" for i in ids], dtype="S16"),
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
    empty = IdSnapshot(np.empty(0, np.int64), np.empty(0, "S16"), np.empty(0, bool))
    assert empty.classify(["1", "2"], ["a" * 16, "b" * 16]) == ([0, 1], 2, 0)
    assert Snapshot().classify(["1", "2"], ["a" * 16, "b" * 16]) == ([0, 1], 2, 0)
    assert empty.gone_between(None, None, ["1"]) == []
