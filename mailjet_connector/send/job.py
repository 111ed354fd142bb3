"""Which rows a send covers and under which job: the policy `mailjet-connector send` runs on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from mailjet_connector.importer.sources import read_rows
from mailjet_connector.journal import Journal
from mailjet_connector.send.merge import MergePlan, merge_job_id, plan_merge
from mailjet_connector.send.message import MessageSpec

__all__ = ["open_journal", "plan_send"]


def plan_send(
    spec: MessageSpec,
    *,
    source: str | Path | None = None,
    sql: str | None = None,
    dataset_url: str | None = None,
    to: str | None = None,
    to_name: str | None = None,
    job: str | None = None,
    sandbox: bool = False,
    to_column: str = "email",
    name_column: str | None = None,
    key_column: str | None = None,
) -> MergePlan:
    """The plan of one send: the rows of a file or of a query, or the one `to` recipient.

    Job ids: an explicit `job` wins. Rows get `merge_job_id` of their origin (the file's resolved path, or
    the SQL text) and the message, so running the same command again resumes the same job. A single `to`
    message is never resumed: each run is a new job, sent again.

    Raises:
        SourceError: the rows cannot be read.
    """
    if to is not None:
        rows: Any = [{"email": to, "name": to_name}]
        to_column, name_column, key_column = "email", "name", None
        origin = f"to:{to}:{time.time_ns()}"
    else:
        rows = read_rows(source, sql=sql, dataset_url=dataset_url)
        origin = sql if sql is not None else str(Path(str(source)).resolve())
    job_id = job or merge_job_id(origin, spec, sandbox=sandbox)
    plan = plan_merge(
        rows, spec, job=job_id, to_column=to_column, name_column=name_column, key_column=key_column
    )
    plan.resumable = to is None
    return plan


def open_journal(plan: MergePlan, path: str | Path) -> Journal:
    """The journal a run of `plan` writes: the file at `path`, or memory for a plan that is never resumed."""
    return Journal(path if plan.resumable else ":memory:")
