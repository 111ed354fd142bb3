"""`report --accounts FILE`: one report per account from its own dataset, and one page that sums them up.

An account's figures come from its own dataset only (a dataset holds one account, `sync/binding.py`), so no
chart mixes two accounts. The combined page lists each account's overview totals for its period, links its
report, and adds the totals up; an account whose dataset is missing is listed with the reason.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mailjet_connector.accounts import Account
from mailjet_connector.errors import MailjetError

__all__ = ["AccountReport", "account_output", "build_account_reports", "write_combined"]


@dataclass
class AccountReport:
    """One account's report: where it went, its period and totals, or why there is none."""

    account: str
    output: Path
    ok: bool = False
    date_from: str = ""
    date_to: str = ""
    totals: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "output": str(self.output),
            "ok": self.ok,
            "from": self.date_from,
            "to": self.date_to,
            "totals": self.totals,
            "error": self.error,
        }


def account_output(output: Path, name: str) -> Path:
    """`report.html` -> `report-acme.html`, next to it."""
    return output.with_name(f"{output.stem}-{name}{output.suffix or '.html'}")


def build_account_reports(accounts: list[Account], output: Path, **params: Any) -> list[AccountReport]:
    """Write one report per account (`account_output`); a missing dataset fails that account only.

    Args:
        accounts: the accounts, in the order to list them.
        output: the combined page's path; each account's report goes next to it.
        **params: `build_report` parameters shared by every account (date_from, date_to, sort...).
    """
    from mailjet_connector.report.build import build_report

    done = []
    for account in accounts:
        entry = AccountReport(account.name, account_output(output, account.name))
        try:
            summary = build_report(
                account.dataset_url, dataset=account.dataset_name, output=entry.output, **params
            )
        except (MailjetError, ValueError) as exc:
            entry.error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        else:
            entry.ok, entry.totals = True, summary.totals
            entry.date_from = summary.params.date_from.isoformat()
            entry.date_to = summary.params.date_to.isoformat()
        done.append(entry)
    return done


def combined_totals(reports: list[AccountReport]) -> dict[str, int]:
    """The overview totals of every account that has a report, added up."""
    total: dict[str, int] = {}
    for report in reports:
        for key, value in report.totals.items():
            total[key] = total.get(key, 0) + value
    return total


def write_combined(path: Path, reports: list[AccountReport]) -> int:
    """The combined page: one row per account (its period, totals and report link), then the sum.

    Returns:
        The bytes written.
    """
    keys = sorted({key for report in reports for key in report.totals})
    head = "".join(f"<th>{html.escape(key)}</th>" for key in keys)
    rows = []
    for report in reports:
        name = html.escape(report.account)
        if report.ok:
            link = f'<a href="{html.escape(report.output.name)}">{name}</a>'
            cells = "".join(f"<td class=n>{report.totals.get(key, 0):,}</td>" for key in keys)
            rows.append(f"<tr><td>{link}</td><td>{report.date_from} to {report.date_to}</td>{cells}</tr>")
        else:
            reason = html.escape(report.error)
            rows.append(f"<tr><td>{name}</td><td colspan={len(keys) + 1}>no report: {reason}</td></tr>")
    total = combined_totals(reports)
    sums = "".join(f"<td class=n>{total.get(key, 0):,}</td>" for key in keys)
    ok = sum(report.ok for report in reports)
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Mailjet accounts</title>"
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{padding:.3em .7em;border-bottom:1px solid #ccc;text-align:left}.n{text-align:right}"
        "tfoot td{font-weight:bold}</style>"
        f"<h1>Mailjet accounts</h1><p>{ok} of {len(reports)} accounts, each from its own dataset over its own "
        "period (the 30 days up to its newest message unless a period was given). Generated "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>"
        f"<table><thead><tr><th>account</th><th>period</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><td>total</td><td></td>{sums}</tr></tfoot></table></html>"
    )
    path.write_text(page, encoding="utf-8")
    return len(page.encode())
