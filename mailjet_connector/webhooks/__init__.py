"""Durable receiver for Mailjet Event API callbacks and Parse API inbound mails (see docs/webhooks.md).

Names load on first use (PEP 562): the store and the event parsing work without Starlette installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailjet_connector._lazy import lazy_exports

if TYPE_CHECKING:
    from mailjet_connector.webhooks.app import Receiver, create_app
    from mailjet_connector.webhooks.backend import Store
    from mailjet_connector.webhooks.commit import GroupCommitter
    from mailjet_connector.webhooks.dedupe import event_key, inbound_key
    from mailjet_connector.webhooks.events import PayloadError, parse_event, parse_events, parse_inbound
    from mailjet_connector.webhooks.settings import ReceiverSettings
    from mailjet_connector.webhooks.store import iter_events, iter_inbound, iter_pages, open_store

__all__ = [
    "GroupCommitter",
    "PayloadError",
    "Receiver",
    "ReceiverSettings",
    "Store",
    "create_app",
    "event_key",
    "inbound_key",
    "iter_events",
    "iter_inbound",
    "iter_pages",
    "open_store",
    "parse_event",
    "parse_events",
    "parse_inbound",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "GroupCommitter": "commit",
        "PayloadError": "events",
        "Receiver": "app",
        "ReceiverSettings": "settings",
        "Store": "backend",
        "create_app": "app",
        "event_key": "dedupe",
        "inbound_key": "dedupe",
        "iter_events": "store",
        "iter_inbound": "store",
        "iter_pages": "store",
        "open_store": "store",
        "parse_event": "events",
        "parse_events": "events",
        "parse_inbound": "events",
    },
)
