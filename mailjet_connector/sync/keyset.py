"""The keys one load has taken so far, kept compact: a walk that is not in ID order may meet a key twice, and a
load must hold each key once (`settings.MERGE_DISPOSITION`).

A walk that cannot stop before its end (a full read not in ID order: contactstatistics, listrecipientstatistics)
is one load, so its key set grows to the table's size. As Python strings two million keys took 172 MB; integer
keys (`_mj_key` is one integer column: ContactID, ListRecipientID...) are kept in a sorted int64 array, 8 bytes
a key, with the newest in a small set merged into it now and then. A key that is not an integer turns the set
back into strings for the rest of the load.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MERGE_AT = 65_536  # recent integer keys gathered before they are merged into the sorted array


class KeySet:
    """Keys taken by one load (`first_seen` keeps the positions of a page whose key it has not met yet)."""

    def __init__(self) -> None:
        self._ints = np.empty(0, np.int64)  # sorted
        self._recent: set[int] = set()
        self._strs: set[str] | None = None  # once a key is not an integer

    def __len__(self) -> int:
        return len(self._strs) if self._strs is not None else len(self._ints) + len(self._recent)

    def first_seen(self, load: Sequence[int], keys: Sequence[str]) -> list[int]:
        """The positions of `load` whose key is new to the set (and add those keys to it).

        Args:
            load: positions in `keys` the page would load.
            keys: the page's `_mj_key`s.
        """
        if self._strs is None:
            ids = plain_ints([keys[i] for i in load])
            if ids is not None:
                return self._first_ints(load, ids)
            self._strs = {str(k) for k in self._ints.tolist()} | {str(k) for k in self._recent}
            self._ints, self._recent = np.empty(0, np.int64), set()
        kept = []
        for i in load:
            if keys[i] not in self._strs:
                self._strs.add(keys[i])
                kept.append(i)
        return kept

    def _first_ints(self, load: Sequence[int], ids: np.ndarray) -> list[int]:
        known = np.zeros(len(ids), bool)
        if len(self._ints) and len(ids):
            at = np.minimum(np.searchsorted(self._ints, ids), len(self._ints) - 1)
            known = self._ints[at] == ids
        kept = []
        for i, key, old in zip(load, ids.tolist(), known.tolist(), strict=True):
            if not old and key not in self._recent:
                self._recent.add(key)
                kept.append(i)
        if len(self._recent) >= MERGE_AT:
            # The recent keys are not in the array (that is how they got in): a sorted concatenation is the union.
            merged = np.concatenate([self._ints, np.fromiter(self._recent, np.int64, len(self._recent))])
            merged.sort(kind="stable")
            self._ints = merged
            self._recent.clear()
        return kept


def plain_ints(keys: list[str]) -> np.ndarray | None:
    """The keys as integers when each is one written plainly (it reads back the same), else None."""
    if not keys:
        return np.empty(0, np.int64)
    text = np.array(keys, dtype=np.str_)
    try:
        ids = text.astype(np.int64)
    except (ValueError, OverflowError):
        return None
    return ids if bool((ids.astype(np.str_) == text).all()) else None
