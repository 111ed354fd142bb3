"""The package's public names: `__all__` is sorted and every name in it exists."""

from __future__ import annotations

import mailjet_connector.webhooks as webhooks


def test_all_is_sorted_and_complete():
    assert webhooks.__all__ == sorted(webhooks.__all__)
    assert all(hasattr(webhooks, name) for name in webhooks.__all__)
