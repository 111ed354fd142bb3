"""Send API facts (mailjet-api.md §5): per-call limits and the headers a message may not set."""

from __future__ import annotations

MAX_RECIPIENTS_PER_CALL = 50  # v3.1: To+Cc+Bcc over all messages of one call (send-0015)
MAX_MESSAGES_V31 = 50  # v3.1: mj-0008 on Messages
MAX_ITEMS_V31 = 50  # v3.1: mj-0008 on Attachments, InlinedAttachments, Headers, Variables
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024  # all attachments of one message, decoded
MAX_MESSAGES_V3 = 100  # v3: Messages (bulk)
MAX_RECIPIENTS_V3 = 50  # v3: per To / Cc / Bcc string, and per Recipients array

# Headers with a dedicated message property, or set by Mailjet: send-0011 (§5.1, in the DOC's order).
FORBIDDEN_HEADERS: tuple[str, ...] = (
    "From", "Sender", "Subject", "To", "Cc", "Bcc", "Return-Path", "Delivered-To", "DKIM-Signature",
    "DomainKey-Status", "Received-SPF", "Authentication-Results", "Received", "X-Mailjet-Prio",
    "X-Mailjet-Debug", "User-Agent", "X-Mailer", "X-MJ-CustomID", "X-MJ-EventPayload", "X-MJ-Vars",
    "X-MJ-TemplateErrorDeliver", "X-MJ-TemplateErrorReporting", "X-MJ-TemplateLanguage",
    "X-Mailjet-TrackOpen", "X-Mailjet-TrackClick", "X-MJ-TemplateID", "X-MJ-WorkflowID", "X-Feedback-Id",
    "X-Mailjet-Segmentation", "List-Id", "X-MJ-MID", "X-MJ-ErrorMessage", "Date", "X-CSA-Complaints",
    "Message-Id", "X-Mailjet-Campaign", "X-MJ-StatisticsContactsListID",
)  # fmt: skip
