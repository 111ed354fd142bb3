"""Durable receiver for Mailjet Event API callbacks and Parse API inbound mails (see docs/webhooks.md)."""

from __future__ import annotations

from mailjet_connector.webhooks.app import Receiver, create_app
from mailjet_connector.webhooks.commit import GroupCommitter
from mailjet_connector.webhooks.dedupe import event_key, inbound_key
from mailjet_connector.webhooks.events import PayloadError, parse_event, parse_events, parse_inbound
from mailjet_connector.webhooks.settings import ReceiverSettings
from mailjet_connector.webhooks.store import Store, iter_events, iter_inbound, iter_pages, open_store

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
