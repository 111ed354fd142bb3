"""`sync --webhook-store`: the receiver's events and inbound mails land next to the API's tables."""

from __future__ import annotations

from typing import Any

from mailjet_connector.query import run_query
from mailjet_connector.sync import SyncOptions, run_sync
from mailjet_connector.webhooks.store import open_store
from tests.sync.conftest import dataset_rows, make_options
from tests.webhooks.test_webhook_source import add_events
from tests.webhooks.webhook_payloads import event


def events(options: SyncOptions) -> list[str]:
    result = run_query("select event from event order by event", options.dataset_url, options.dataset_name)
    return [row[0] for row in result.rows]


def test_sync_reads_the_webhook_store_incrementally(small_emulator: Any, tmp_path: Any) -> None:
    store_url = f"sqlite:///{tmp_path / 'events.db'}"
    options = make_options(small_emulator, tmp_path, resources=("contactslist",), webhook_store=store_url)
    with open_store(store_url) as store:
        add_events(store, event("sent", 1), event("open", 2), event("click", 3))
    run_sync(options)
    assert events(options) == ["click", "open", "sent"]
    assert dataset_rows(options, "contactslist")  # the API's tables are still there

    with open_store(store_url) as store:
        add_events(store, event("bounce", 4), event("sent", 1))  # one new, one re-delivery
    run_sync(options)
    assert events(options) == ["bounce", "click", "open", "sent"]
