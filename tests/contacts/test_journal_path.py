"""`journal_path`: when a contacts import keeps a journal, decided in the library (#19 item 8)."""

from __future__ import annotations

from pathlib import Path

from mailjet_connector.contacts import journal_path
from mailjet_connector.journal import DEFAULT_JOURNAL


def test_journal_path_policy() -> None:
    mine = Path("mine.sqlite")
    assert journal_path(None) == DEFAULT_JOURNAL
    assert journal_path(mine) == mine
    assert journal_path(mine, dry_run=True) is None  # a dry run writes nothing
    assert journal_path(mine, disabled=True) is None
    assert journal_path(None, fresh_account=True) is None  # the embedded emulator starts empty every run
    assert journal_path(mine, fresh_account=True) == mine  # asked for by path: kept
