"""What an agent policy is, as data: access levels, limits, one agent, the whole file (no decisions here).

`policy_file.py` builds these from TOML; `policy.py` decides on requests with them (and re-exports them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from mailjet_connector import catalog
from mailjet_connector.agents import tokens
from mailjet_connector.catalog import Area
from mailjet_connector.errors import PolicyError

__all__ = ["Access", "AgentPolicy", "Limits", "Policy"]


class Access(StrEnum):
    """What an agent may do in an area; WRITE includes READ."""

    OFF = "off"
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Limits:
    """Optional limits on an agent, all off by default.

    Args:
        max_recipients: most recipients (To+Cc+Bcc over all messages) in one send call.
        calls_per_minute: most calls in any 60-second window (enforced by `agents.ratelimit`).
        allowed_lists: the only contacts lists the agent may write to (None = any).
        dry_run_only: every write is refused, except SandboxMode sends (which deliver nothing).
    """

    max_recipients: int | None = None
    calls_per_minute: int | None = None
    allowed_lists: frozenset[int] | None = None
    dry_run_only: bool = False


@dataclass(frozen=True)
class AgentPolicy:
    """One agent: its name (the Basic-auth user), its token hash, its access per area and its limits."""

    name: str
    token_hash: str = field(repr=False)
    areas: Mapping[Area, Access]
    send_live: bool = False
    limits: Limits = Limits()
    account: str | None = None  # the accounts file's account its calls go to (`agents gateway --accounts`)

    def access(self, area: Area) -> Access:
        """The agent's access to `area`; OFF when the policy does not list it (deny by default)."""
        return self.areas.get(area, Access.OFF)

    def can_read_table(self, table: str) -> bool:
        """Whether a dataset table may be read (the SQL sandbox's rule): a catalog table, or its dlt child
        table `name__...`, in an area the agent may read. dlt's own tables and unknown tables never are."""
        name = table.split("__", 1)[0]
        try:
            resource = catalog.get(name)
        except catalog.UnknownResourceError:
            return False
        return resource.name == name and self.access(resource.area) is not Access.OFF

    def check_token(self, token: str) -> bool:
        """Whether `token` is this agent's token (constant-time comparison against the stored hash)."""
        return tokens.check_token(self.token_hash, token)


@dataclass(frozen=True)
class Policy:
    """The whole policy file: the agents by name, where the audit log goes, and the gateway's body cap."""

    agents: Mapping[str, AgentPolicy]
    audit_path: Path
    redact_emails: bool = True
    max_body_bytes: int = 15 * 1024 * 1024  # the gateway answers 413 beyond (Mailjet's message limit)
    audit_key_env: str | None = None  # the environment variable holding the audit chain's HMAC key
    audit_key_file: Path | None = None  # or the file holding it (outside the audit log's folder)

    def agent(self, name: str) -> AgentPolicy:
        """The agent called `name`.

        Raises:
            PolicyError: no such agent.
        """
        found = self.agents.get(name)
        if found is None:
            raise PolicyError(f"unknown agent {name!r}")
        return found
