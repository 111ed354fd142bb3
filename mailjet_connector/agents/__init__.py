"""Agents: one policy engine and one audit log in front of the Mailjet API, for MCP clients and HTTP callers."""

from __future__ import annotations

from mailjet_connector.agents.audit import AuditLog, iter_records
from mailjet_connector.agents.audit_verify import VerifyResult, verify
from mailjet_connector.agents.policy import (
    Access,
    AgentPolicy,
    Decision,
    Limits,
    Policy,
    PolicyError,
    Request,
    SendInfo,
    decide,
    hash_token,
    load_policy,
)
from mailjet_connector.agents.ratelimit import CallBudget

__all__ = [
    "Access",
    "AgentPolicy",
    "AuditLog",
    "CallBudget",
    "Decision",
    "Limits",
    "Policy",
    "PolicyError",
    "Request",
    "SendInfo",
    "VerifyResult",
    "decide",
    "hash_token",
    "iter_records",
    "load_policy",
    "verify",
]
