"""A self-contained HTML report with charts from the synced dataset (issue #9)."""

from __future__ import annotations

from mailjet_connector.report.build import ReportSummary, build_report
from mailjet_connector.report.queries import QUERIES, SORT_METRICS, Query, ReportParams, render_sql

__all__ = ["QUERIES", "SORT_METRICS", "Query", "ReportParams", "ReportSummary", "build_report", "render_sql"]
