"""Cutting a mail merge into Send API calls: at most 50 recipients per call, counted over all messages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from mailjet_connector.catalog.send import MAX_RECIPIENTS_PER_CALL

__all__ = ["MAX_RECIPIENTS_PER_CALL", "batch_count", "iter_batches"]

# Mailjet counts To+Cc+Bcc over every message of one v3.1 call: 77 one-recipient messages got send-0015
# "Total number of recipients exceeded. Max allowed - 50." (mailjet-api.md §5.1).

T = TypeVar("T")


def iter_batches(items: Iterable[T], size: int = MAX_RECIPIENTS_PER_CALL) -> Iterator[list[T]]:
    """Consecutive batches of one-recipient messages, in order, each at most `size` long.

    Args:
        items: the messages (one recipient each), consumed lazily.
        size: the batch size, 1 to 50.

    Returns:
        An iterator of non-empty lists; concatenated they give `items` back.

    Raises:
        ValueError: a size outside 1..50.
    """
    if not 1 <= size <= MAX_RECIPIENTS_PER_CALL:
        raise ValueError(f"batch size must be between 1 and {MAX_RECIPIENTS_PER_CALL}, not {size}")
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def batch_count(total: int, size: int = MAX_RECIPIENTS_PER_CALL) -> int:
    """How many calls `total` one-recipient messages take."""
    return -(-total // size) if total > 0 else 0
