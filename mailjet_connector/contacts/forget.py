"""Forget people everywhere the project keeps them: Mailjet's GDPR delete, then the local stores named.

The project writes four kinds of store; the caller names the local ones (there may be several, anywhere):

- Mailjet itself: `DELETE /v4/contacts/{id}` (anonymised at once, purged by Mailjet after 30 days);
- the webhook receiver's store: their events and inbound mails are deleted;
- the synced dataset: their rows are deleted (see `erase` for what counts as theirs);
- the checkpoint journal: records naming them are deleted.

What stays is documented in docs/contacts.md ("What forget leaves").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailjet_connector.client import Client
from mailjet_connector.contacts.erase import Erased, erase_dataset, erase_journal, erase_webhook_store
from mailjet_connector.contacts.provision import Outcome, forget
from mailjet_connector.dataset import DEFAULT_DATASET

__all__ = ["ForgetReport", "forget_everywhere"]


@dataclass
class ForgetReport:
    """What `forget_everywhere` did.

    Args:
        outcomes: Mailjet's GDPR delete, one per distinct address.
        erased: one entry per local store cleaned, in the order they were named.
    """

    outcomes: list[Outcome] = field(default_factory=list)
    erased: list[Erased] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mailjet": [o.__dict__ for o in self.outcomes],
            "stores": [{"store": e.store, "location": e.location, "rows": e.rows} for e in self.erased],
        }


def forget_everywhere(
    client: Client,
    emails: Iterable[str],
    *,
    webhook_store: str | None = None,
    dataset_url: str | None = None,
    dataset_name: str = DEFAULT_DATASET,
    journal: str | Path | None = None,
) -> ForgetReport:
    """GDPR-delete people in Mailjet, then remove them from each local store given.

    The local stores are cleaned for every address, also one Mailjet no longer knows (forgotten before):
    a re-run finishes what an interrupted run left.

    Args:
        client: a connected client.
        emails: the addresses.
        webhook_store: the receiver's store URL (`sqlite:///events.db`, `postgresql://...`), or None.
        dataset_url: the synced dataset (DuckDB file or `postgresql://` URL), or None.
        dataset_name: the dataset (schema) the sync wrote to.
        journal: the checkpoint journal file, or None.

    Returns:
        The report: Mailjet's outcome per address, and what each local store lost.

    Raises:
        APIError / TransportError: Mailjet refused or could not be reached (nothing local was touched).
        EraseError: a local store is missing, in use or unreachable (the stores before it are cleaned).
    """
    addresses = list(dict.fromkeys(e.strip() for e in emails if e.strip()))
    ids: dict[str, int] = {}
    report = ForgetReport(forget(client, addresses, ids=ids))
    if webhook_store is not None:
        report.erased.append(erase_webhook_store(webhook_store, addresses))
    if dataset_url is not None:
        report.erased.append(
            erase_dataset(dataset_url, addresses, dataset=dataset_name, contact_ids=ids.values())
        )
    if journal is not None:
        report.erased.append(erase_journal(journal, addresses))
    return report
