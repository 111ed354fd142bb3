"""Contacts at scale: bulk import through managemanycontacts jobs, property definitions, provisioning verbs."""

from __future__ import annotations

from mailjet_connector.contacts.bulk import import_contacts, journal_path, prepare_import
from mailjet_connector.contacts.lists import ListNotFoundError, resolve_list
from mailjet_connector.contacts.plan import DEFAULT_BATCH_SIZE, ImportPlan, PlanError, RowError, plan_import
from mailjet_connector.contacts.poll import Backoff, JobTimeoutError
from mailjet_connector.contacts.properties import infer_type
from mailjet_connector.contacts.provision import (
    Outcome,
    exclude,
    forget,
    include,
    read_emails,
    subscribe,
    unsubscribe,
)
from mailjet_connector.contacts.report import ImportReport, write_errors

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Backoff",
    "ImportPlan",
    "ImportReport",
    "JobTimeoutError",
    "ListNotFoundError",
    "Outcome",
    "PlanError",
    "RowError",
    "exclude",
    "forget",
    "import_contacts",
    "include",
    "infer_type",
    "journal_path",
    "plan_import",
    "prepare_import",
    "read_emails",
    "resolve_list",
    "subscribe",
    "unsubscribe",
    "write_errors",
]
