"""Receiver counters and their two renderings: JSON and the Prometheus text format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector.webhooks.commit import CommitStats

# counter name -> help text (Prometheus metric names get the `mailjet_webhook_` prefix)
COUNTERS: dict[str, str] = {
    "requests": "HTTP requests to the event and inbound endpoints",
    "events_received": "events in accepted bodies (before deduplication)",
    "events_stored": "events newly stored",
    "events_duplicate": "events already stored (Mailjet re-deliveries)",
    "inbound_received": "inbound mails in accepted bodies",
    "inbound_stored": "inbound mails newly stored",
    "inbound_duplicate": "inbound mails already stored",
    "rejected_auth": "requests refused with 401/404 (credentials or token)",
    "rejected_size": "requests refused with 413 (body too large)",
    "rejected_payload": "requests refused with 400 (malformed JSON, wrong type, unknown event)",
    "rejected_disconnect": "requests answered 400 because the sender hung up before the whole body arrived",
    "rejected_route": "requests answered 404 or 405 (no such path, or a method it does not take)",
    "store_failures": "requests answered 503 because the store failed (Mailjet retries them)",
    "health_failures": "health checks answered 503 (the store did not answer)",
    "server_errors": "requests answered 500 (a bug: the receiver's log has the traceback)",
}
# Every answer that is not 2xx is counted under exactly one of these causes.
NOT_2XX = (
    *(name for name in COUNTERS if name.startswith("rejected_")),
    "store_failures",
    "health_failures",
    "server_errors",
)


@dataclass
class Metrics:
    """Counters of one receiver. Updated on the event loop only, so plain integers suffice."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, amount: int = 1) -> None:
        if name not in COUNTERS:
            raise KeyError(name)
        self.counts[name] += amount

    def snapshot(self, commits: CommitStats) -> dict[str, Any]:
        """Every counter (zeros included) plus the group-commit figures."""
        view: dict[str, Any] = {name: self.counts[name] for name in COUNTERS}
        view["commits"] = commits.commits
        view["commit_failures"] = commits.failures
        view["batches_per_commit"] = round(commits.batches / commits.commits, 2) if commits.commits else 0.0
        return view


def prometheus(view: dict[str, Any]) -> str:
    """The snapshot in the Prometheus text exposition format (counters, one gauge)."""
    lines = []
    for name, value in view.items():
        metric = f"mailjet_webhook_{name}"
        kind = "gauge" if name == "batches_per_commit" else "counter"
        suffix = "_total" if kind == "counter" else ""
        lines.append(f"# HELP {metric}{suffix} {COUNTERS.get(name, name.replace('_', ' '))}")
        lines.append(f"# TYPE {metric}{suffix} {kind}")
        lines.append(f"{metric}{suffix} {value}")
    return "\n".join(lines) + "\n"
