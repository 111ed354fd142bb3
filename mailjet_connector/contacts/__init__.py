"""Contacts at scale: bulk import through managemanycontacts jobs, and provisioning verbs by email.

Built on the importer: the one planner (`importer.plan_rows`, blind for bulk jobs), its bulk-job backend
(`importer.jobs`) and the one list resolver (`mailjet_connector.lists`).
"""

from __future__ import annotations

from mailjet_connector.contacts.bulk import import_contacts, prepare_import
from mailjet_connector.contacts.forget import ForgetReport, forget_everywhere
from mailjet_connector.contacts.plan import DEFAULT_BATCH_SIZE, ImportPlan, plan_import
from mailjet_connector.contacts.provision import (
    Outcome,
    exclude,
    forget,
    include,
    read_emails,
    subscribe,
    unsubscribe,
)
from mailjet_connector.contacts.report import ImportReport

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ForgetReport",
    "ImportPlan",
    "ImportReport",
    "Outcome",
    "exclude",
    "forget",
    "forget_everywhere",
    "import_contacts",
    "include",
    "plan_import",
    "prepare_import",
    "read_emails",
    "subscribe",
    "unsubscribe",
]
