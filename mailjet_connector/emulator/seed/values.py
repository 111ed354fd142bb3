"""Vectorised value generators for seeded data: strings, times, unique pairs, UUIDs, whole columns at once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DAY = 86_400
_BLOCK = 1 << 18  # rows per block when building strings from bytes
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def concat(*parts: str | np.ndarray) -> np.ndarray:
    """Join strings element-wise (scalars broadcast) into an object array of Python strings.

    Args:
        parts: plain strings or arrays (numbers are turned into their decimal text).

    Returns:
        An object array, one new string per row.
    """
    joined: np.ndarray | str = ""
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype.kind != "U":
            part = part.astype(str)
        joined = np.strings.add(joined, part)
    return np.asarray(joined).astype(object)


def pick_text(options: Sequence[str], index: np.ndarray) -> np.ndarray:
    """Fixed-width text array whose rows are `options[index]` (an input for `concat`)."""
    return np.asarray(options, dtype=str)[index]


def pick(options: Sequence[object], index: np.ndarray) -> np.ndarray:
    """Object array whose rows are `options[index]`; rows share the option objects (cheap at scale)."""
    table = np.empty(len(options), dtype=object)
    table[:] = list(options)
    return table[index]


def filled(value: str, n: int) -> np.ndarray:
    """Object array of `n` references to one (immutable) string."""
    col = np.empty(n, dtype=object)
    col.fill(value)
    return col


def objects(values: Sequence[object]) -> np.ndarray:
    """Object array holding `values` as they are (lists and dicts stay single cells, one object per row)."""
    col = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        col[i] = value
    return col


def letters(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """`n` random lowercase strings of `width` letters (contactslist Address, signup keys)."""
    if n == 0:
        return np.empty(0, dtype=object)
    return _ascii_rows(rng.integers(97, 123, size=(n, width), dtype=np.uint8))


def uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` random version-4 UUID strings, built as bytes without a per-row Python call.

    Generated in fixed blocks so the temporary byte buffers stay small next to the strings themselves.
    """
    out = np.empty(n, dtype=object)
    for start in range(0, n, _BLOCK):
        size = min(_BLOCK, n - start)
        raw = rng.integers(0, 256, size=(size, 16), dtype=np.uint8)
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
        digits = np.empty((size, 32), dtype=np.uint8)
        digits[:, 0::2] = _HEX[raw >> 4]
        digits[:, 1::2] = _HEX[raw & 0x0F]
        text = np.full((size, 36), ord("-"), dtype=np.uint8)
        for dashes, (lo, hi) in enumerate(((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))):
            text[:, lo + dashes : hi + dashes] = digits[:, lo:hi]
        out[start : start + size] = _ascii_rows(text)
    return out


def _ascii_rows(text: np.ndarray) -> np.ndarray:
    """Rows of an (n, width) uint8 ASCII array as an object array of str: one decode and one split in C."""
    n, width = text.shape
    lines = np.empty((n, width + 1), dtype=np.uint8)
    lines[:, :width] = text
    lines[:, width] = ord("\n")
    out = np.empty(n, dtype=object)
    out[:] = lines.tobytes().decode("ascii").split("\n")[:n]
    return out


def times_between(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int
) -> np.ndarray:
    """Uniform integer Unix times in [low, high] (element-wise bounds allowed)."""
    low_arr = np.broadcast_to(np.asarray(low, dtype=np.int64), (n,))
    high_arr = np.maximum(np.broadcast_to(np.asarray(high, dtype=np.int64), (n,)), low_arr)
    return low_arr + (rng.random(n) * (high_arr - low_arr + 1)).astype(np.int64)


def delays(rng: np.random.Generator, n: int, mean: float, *, minimum: int = 1) -> np.ndarray:
    """Exponentially distributed delays in whole seconds, at least `minimum`."""
    return minimum + rng.exponential(mean, n).astype(np.int64)


def unique_pairs(rng: np.random.Generator, n: int, size_a: int, size_b: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` distinct (a, b) index pairs with a < size_a and b < size_b, sorted by (a, b).

    Draws keys with replacement and tops up until enough distinct ones exist, so memory stays
    proportional to `n` even when size_a * size_b is huge.

    Args:
        rng: the generator.
        n: pairs wanted; clamped to size_a * size_b.
        size_a / size_b: ranges of the two indexes.

    Returns:
        The two index arrays.
    """
    space = size_a * size_b
    n = min(n, space)
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if n * 2 >= space:  # dense: sampling without replacement over the whole space is cheap
        keys = np.sort(rng.choice(space, n, replace=False))
    else:
        keys = _distinct(rng.integers(0, space, size=n + n // 8 + 16))
        while keys.size < n:
            keys = _distinct(np.concatenate([keys, rng.integers(0, space, size=n - keys.size + 16)]))
        keys = np.sort(rng.choice(keys, n, replace=False))
    return keys // size_b, keys % size_b


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: numpy's hash-based unique is several times slower here)."""
    values = np.sort(values)
    keep = np.ones(values.size, dtype=np.bool_)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def spread(rng: np.random.Generator, total: int, holders: int) -> np.ndarray:
    """Indexes (0..holders-1) of the holder of each of `total` items: every holder gets one, the rest random.

    Used to hand event rows to messages (each opened message has at least one open row).
    """
    if holders == 0 or total == 0:
        return np.empty(0, dtype=np.int64)
    base = np.arange(min(holders, total), dtype=np.int64)
    extra = rng.integers(0, holders, size=max(0, total - holders))
    return np.sort(np.concatenate([base, extra]))


def group_max(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per-key maximum of `values` (0 where a key has no values)."""
    out = np.zeros(size, dtype=np.int64)
    if keys.size:
        np.maximum.at(out, keys, values)
    return out
