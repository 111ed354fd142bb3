"""A run's Mailjet writes, all through the importer's planner and `apply` (bulk managemanycontacts jobs, journaled).

Three kinds of plan, each diffed against the synced copy (no API read):

1. contact fields and properties (contacts created by the same jobs): one upsert plan;
2. per mapped list, the contacts to subscribe (addnoforce: a run never resubscribes an unsubscribe);
3. per mapped list, the contacts to take out (a blind plan with the `remove` action).

Contacts deleted in the database with `deletions.database = "propagate"` are GDPR-deleted
(`contacts.provision.forget`). Rows Mailjet refuses come back with its reason; the rest goes through.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from collections.abc import Mapping as MappingType
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.importer.model import Existing
from mailjet_connector.importer.plan import plan_rows
from mailjet_connector.importer.run import apply
from mailjet_connector.journal import Journal
from mailjet_connector.twoway.mailjet import MailjetCopy
from mailjet_connector.twoway.mapping import Mapping
from mailjet_connector.twoway.reconcile import Decision
from mailjet_connector.twoway.values import to_python

__all__ = ["write_mailjet"]


def write_mailjet(
    client: Client,
    mapping: Mapping,
    decisions: Sequence[Decision],
    copy: MailjetCopy,
    list_ids: MappingType[str, int],
    *,
    journal: Journal | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """Write every decision's Mailjet side.

    Returns:
        key -> Mailjet's reason, for the keys a write was refused for.
    """
    failures: dict[str, str] = {}
    contact = catalog.get("contact")
    kinds = {c.target: c.kind for c in mapping.values}
    rows = [_row(d, kinds, copy) for d in decisions if _has_fields(d)]
    if rows:
        plan = plan_rows(contact, rows, "upsert", copy.existing, key=("Email",))
        _collect(apply(client, plan, journal=journal, sleep=sleep), failures)
    for name, list_id in list_ids.items():
        target = f"list:{name}"
        adds = [
            {"Email": _email(d, copy)}
            for d in decisions
            if d.to_mailjet.get(target) == "true" and d.key not in failures
        ]
        if adds:
            plan = plan_rows(contact, adds, "upsert", copy.existing, key=("Email",), lists=(list_id,))
            _collect(apply(client, plan, journal=journal, sleep=sleep), failures)
        removes = [{"Email": _email(d, copy)} for d in decisions if d.to_mailjet.get(target) == "false"]
        if removes:
            blind = Existing(records=None, definitions=copy.existing.definitions)
            plan = plan_rows(
                contact, removes, "upsert", blind, key=("Email",), lists=(list_id,), list_action="remove"
            )
            _collect(apply(client, plan, journal=journal, sleep=sleep), failures)
    forgotten = [d for d in decisions if d.action == "forget_mailjet"]
    if forgotten:
        from mailjet_connector.contacts.provision import forget

        for outcome in forget(client, [_email(d, copy) for d in forgotten]):
            if not outcome.ok:
                failures[outcome.email.lower()] = outcome.detail
    return failures


def _has_fields(decision: Decision) -> bool:
    if decision.action == "create_mailjet":
        return True
    return any(not t.startswith("list:") for t in decision.to_mailjet)


def _email(decision: Decision, copy: MailjetCopy) -> str:
    record = (copy.existing.records or {}).get((decision.key,))
    return str(record["Email"]) if record else (decision.email or decision.key)


def _row(decision: Decision, kinds: dict[str, str], copy: MailjetCopy) -> dict[str, Any]:
    row: dict[str, Any] = {"Email": _email(decision, copy)}
    for target, value in decision.to_mailjet.items():
        kind, name = target.split(":", 1)
        if kind == "list" or value is None:
            continue
        row[name] = to_python(value, kinds[target]) if kind == "field" else value
    return row


def _collect(result: Any, failures: dict[str, str]) -> None:
    for failure in result.failures:
        failures[str(failure.key).lower()] = failure.error
