"""Agent tools, the core: `ToolContext` asks the policy before any API call, audits every call, confirms
destructive ones, and every tool returns a concise JSON-ready dict.

The tool bodies live by concept in `tools_resources.py`, `tools_send.py`, `tools_contacts.py` and
`tools_stats.py`; each is a plain function `tool(ctx, ...)` testable without MCP. `mcp_server.py` only
registers them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector.agents.audit import AuditLog
from mailjet_connector.agents.calls import BodyError, Call, PathError
from mailjet_connector.agents.lookups import Lookup, drive
from mailjet_connector.agents.policy import AgentPolicy, Decision, Request, decide, needs_lists
from mailjet_connector.agents.ratelimit import CallBudget
from mailjet_connector.agents.tools_confirm import ConfirmationError, Confirmations
from mailjet_connector.client import Client
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.errors import APIError, MailjetError, NotFoundError, ToolDenied, ToolError
from mailjet_connector.sqlsandbox import QueryRunner, open_sandbox

__all__ = ["Result", "ToolContext", "ToolDenied", "ToolError"]

Result = dict[str, Any]
# Result keys copied into the audit record's counts: numbers only, never content.
COUNT_KEYS = ("count", "total", "recipients", "messages", "ok", "failed")
# A `query` statement running longer is interrupted: one runaway SELECT (a recursive CTE that never ends) held
# the agent's sandbox, and a CPU, until the server stopped.
QUERY_SECONDS = 30.0


@dataclass
class ToolContext:
    """What every tool needs: the client, the agent's policy, the audit log and the confirmation store.

    Args:
        client: the Mailjet client (the real API or the emulator).
        agent: the calling agent's policy.
        audit: where each call is recorded (None: not recorded, for library use).
        dataset_url: the synced dataset the `query` tool reads (None: `./mailjet.duckdb`).
        dataset: the dataset (schema) name.
        confirmations: single-use tokens for destructive calls.
        budget: per-agent calls-per-minute budget (the policy's `calls_per_minute`).
        clock: monotonic seconds for durations.
        query_seconds: how long one `query` statement may run before it is stopped (a tool error).
    """

    client: Client
    agent: AgentPolicy
    audit: AuditLog | None = None
    dataset_url: str | None = None
    dataset: str = DEFAULT_DATASET
    confirmations: Confirmations = field(default_factory=Confirmations)
    budget: CallBudget = field(default_factory=CallBudget)
    clock: Callable[[], float] = time.monotonic
    query_seconds: float = QUERY_SECONDS  # the `query` tool stops a statement after this long
    _sql: QueryRunner | None = field(default=None, init=False, repr=False)

    def sql(self) -> QueryRunner:
        """The agent's SQL sandbox over the dataset (built on first use): only tables of areas it may read."""
        if self._sql is None:
            self._sql = open_sandbox(
                self.dataset_url, self.dataset, self.agent.can_read_table, timeout=self.query_seconds
            )
        return self._sql

    def decide(self, requests: Sequence[Request], *, lists_known: bool = True) -> Decision:
        """The policy's verdict on a tool call made of `requests`: allowed only if each one is."""
        decision = Decision(True, "allowed", None)
        for request in requests:
            decision = decide(self.agent, request, lists_known=lists_known)
            if not decision.allowed:
                return decision
        return decision

    def prepare(self, operation: str, build: Callable[[], Call]) -> Call:
        """The canonical call a tool makes (`Call.from_parts`); a refused key, path or body is audited and
        raised as a tool error before anything is decided or sent.

        Raises:
            ToolDenied: no such resource or action.
            ToolError: a key that fits no key of the resource, a field the catalog does not know, or a body
                that cannot be read one way only.
        """
        try:
            return build()
        except (PathError, BodyError, ToolError) as exc:
            status = exc.status if isinstance(exc, PathError) else 400
            self._audit(operation, Decision(False, str(exc), None), self.clock(), status=status)
            if status == 403:
                raise ToolDenied(f"denied: {exc}") from None
            raise ToolError(str(exc)) from None

    def run(
        self,
        operation: str,
        requests: Sequence[Request],
        body: Callable[[], Result],
        calls: Sequence[Call] = (),
    ) -> Result:
        """Decide, then run `body` (the API calls) and audit the outcome.

        Args:
            operation: the tool name (and a short target, e.g. `delete contactslist/12`).
            requests: every API call the tool may make, as the policy sees them; all must be allowed.
            body: does the work and returns the result.
            calls: canonical calls (from `prepare`) the body makes; decided like `requests`, with the lists
                they touch looked up first when the agent's lists are limited (Alt values, the list the
                written object belongs to).

        Returns:
            The body's result.

        Raises:
            ToolDenied: the policy refused one of the requests (no API call was made).
            ToolError: the body failed (Mailjet's message, or a bad argument).
        """
        started = self.clock()
        counts: dict[str, int] = {}
        decision = self._decide_all(requests, calls, counts)
        if decision.allowed and not self.budget.allow(self.agent.name, self.agent.limits.calls_per_minute):
            limit = self.agent.limits.calls_per_minute
            decision = Decision(False, f"over this agent's limit of {limit} calls per minute", decision.area)
        if not decision.allowed:
            self._audit(operation, decision, started, status=403, counts=counts)
            raise ToolDenied(f"denied: {decision.reason}")
        try:
            result = body()
        except Exception as exc:
            # Every call is audited, failures included; only expected failures become one-line tool errors.
            status = exc.status if isinstance(exc, APIError) else None
            self._audit(operation, decision, started, status=status, reason=_one_line(exc), counts=counts)
            if isinstance(exc, ToolError):
                raise
            if isinstance(exc, MailjetError | ConfirmationError | ValueError):
                raise ToolError(_one_line(exc)) from None
            raise
        counts.update({k: int(result[k]) for k in COUNT_KEYS if isinstance(result.get(k), int | bool)})
        self._audit(operation, decision, started, status=200, counts=counts)
        return result

    def _decide_all(
        self, requests: Sequence[Request], calls: Sequence[Call], counts: dict[str, int]
    ) -> Decision:
        """Every rule but the lists first; then, if a call needs them, look its lists up and decide again."""
        wanted = [*requests, *(call.request() for call in calls)]
        decision = self.decide(wanted, lists_known=False)
        if not decision.allowed:
            return decision
        lookups = 0
        for call in calls:
            if needs_lists(self.agent, call.request()):
                try:
                    resolved = drive(call.lookups(), self._lookup)
                except MailjetError as exc:
                    reason = f"the lists this call touches could not be looked up ({_one_line(exc)})"
                    return Decision(False, reason, decision.area)
                call.settle(resolved)
                lookups += resolved.lookups
        if lookups:
            counts["lookups"] = lookups
        return self.decide([*requests, *(call.request() for call in calls)])

    def _lookup(self, lookup: Lookup) -> dict[str, Any] | None:
        try:
            return self.client.get(lookup.resource.name, lookup.key)
        except NotFoundError:
            return None

    def confirm(
        self, operation: str, args: dict[str, Any], token: str | None, preview: Callable[[], Result]
    ) -> Result | None:
        """The two-step confirmation of a destructive call.

        Args:
            operation: the tool name.
            args: the call's arguments (without the token): the token is only good for these.
            token: the `confirm` argument the agent passed (None on the first call).
            preview: builds what the first call answers (what would change).

        Returns:
            The preview with a `confirm` token on the first call; None when `token` is valid (go ahead).

        Raises:
            ConfirmationError: a bad, used or expired token.
        """
        if token is None:
            answer = preview()
            answer["confirm"] = self.confirmations.issue(self.agent.name, operation, args)
            answer["next"] = (
                f"call {operation} again with the same arguments and confirm={answer['confirm']!r}"
            )
            return answer
        self.confirmations.redeem(token, self.agent.name, operation, args)
        return None

    def _audit(
        self,
        operation: str,
        decision: Decision,
        started: float,
        *,
        status: int | None,
        reason: str | None = None,
        counts: dict[str, int] | None = None,
    ) -> None:
        if self.audit is None:
            return
        self.audit.record(
            agent=self.agent.name,
            operation=f"mcp {operation}",
            area=decision.area.value if decision.area is not None else None,
            decision="allow" if decision.allowed else "deny",
            reason=reason or decision.reason,
            status=status,
            duration_ms=(self.clock() - started) * 1000.0,
            counts=counts,
        )


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
