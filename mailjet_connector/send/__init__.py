"""Transactional send: v3.1 payloads, mail merge from rows, 50-recipient batches, journaled resumable runs."""

from __future__ import annotations

from mailjet_connector.send.answers import Outcome, batch_outcomes
from mailjet_connector.send.batching import MAX_RECIPIENTS_PER_CALL, iter_batches
from mailjet_connector.send.job import open_journal, plan_send
from mailjet_connector.send.merge import MergePlan, MergeRow, custom_id, merge_job_id, plan_merge
from mailjet_connector.send.message import Content, MessageSpec, Recipient, build_payload
from mailjet_connector.send.results import iter_results, write_results
from mailjet_connector.send.runner import SendReport, reconcile, send_merge

__all__ = [
    "MAX_RECIPIENTS_PER_CALL",
    "Content",
    "MergePlan",
    "MergeRow",
    "MessageSpec",
    "Outcome",
    "Recipient",
    "SendReport",
    "batch_outcomes",
    "build_payload",
    "custom_id",
    "iter_batches",
    "iter_results",
    "merge_job_id",
    "open_journal",
    "plan_merge",
    "plan_send",
    "reconcile",
    "send_merge",
    "write_results",
]
