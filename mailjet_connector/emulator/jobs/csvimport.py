"""CSV import (§4.3): uploaded CSV data, the `csvimport` write rules and the import job they start.

Flow: the DATA API stores an upload (`store_upload`, ID = DataID); `POST /csvimport` validates the request
(MJ08 for a list with the global methods) and starts a job sharing the csvimport row's ID; the job creates
missing contactmetadata at Prepare, then imports one CSV row per item. `PUT {"Status": "Abort"}` stops it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from mailjet_connector.catalog import enums
from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.jobs import JobScope
from mailjet_connector.emulator.jobs.bulk import apply_contact, contact_problem
from mailjet_connector.emulator.resources import properties
from mailjet_connector.emulator.rest import writes
from mailjet_connector.emulator.rest.writes import Rules, WriteContext
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.wire.timestamps import format_moment

UPLOADS_KEY = "csvdata"
CSV_JOB_TYPE = "Contact list import csv"
GLOBAL_METHOD_ERROR = (
    "MJ08 Property ContactsList is invalid: Exclusion of contacts from marketing campaign is a global "
    "status and can not be applied to a list"
)
# Delphi-style date tokens (Mailjet's DateTimeFormat, e.g. "yyyy/mm/dd"); "nn" is minutes, "mm" months.
_DATE_TOKENS = (
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("mm", "%m"),
    ("dd", "%d"),
    ("hh", "%H"),
    ("nn", "%M"),
    ("ss", "%S"),
)


@dataclass(frozen=True, slots=True)
class Upload:
    """One CSV body posted to `/v3/DATA/contactslist/{listId}/CSVData/text:plain`."""

    id: int
    list_id: int
    text: str
    at: int


def store_upload(state: EmulatorState, account: Account, list_id: int, text: str) -> Upload:
    """Keep an uploaded CSV; its ID is the DataID a csvimport refers to."""
    uploads: dict[int, Upload] = account.extra.setdefault(UPLOADS_KEY, {})
    upload = Upload(len(uploads) + 1, list_id, text, state.clock.now())
    uploads[upload.id] = upload
    return upload


def find_upload(account: Account, data_id: Any, list_id: int | None = None) -> Upload | None:
    """The upload `data_id` (optionally: the last one of `list_id` when `data_id` is "LAST"), or None."""
    uploads: dict[int, Upload] = account.extra.get(UPLOADS_KEY, {})
    if str(data_id).upper() == "LAST":
        mine = [u for u in uploads.values() if list_id is None or u.list_id == list_id]
        return mine[-1] if mine else None
    try:
        found = uploads.get(int(str(data_id)))
    except ValueError:
        return None
    return found if found is not None and (list_id is None or found.list_id == list_id) else None


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The honoured parts of `ImportOptions`: DateTimeFormat, TimezoneOffset (hours), FieldNames."""

    date_format: str | None = None
    timezone_offset: float = 0.0
    field_names: tuple[str, ...] | None = None


def parse_options(text: str) -> ImportOptions:
    """Parse the ImportOptions JSON string ("" = defaults).

    Raises:
        EmulatorError: 400 MJ08 when it is not a JSON object of the documented shape.
    """
    if not text.strip():
        return ImportOptions()
    try:
        raw = orjson.loads(text)
        if not isinstance(raw, dict):
            raise TypeError("not an object")
        names = raw.get("FieldNames")
        fmt = raw.get("DateTimeFormat")
        return ImportOptions(
            date_format=_strptime_format(fmt) if fmt else None,
            timezone_offset=float(raw.get("TimezoneOffset") or 0),
            field_names=tuple(str(n) for n in names) if names else None,
        )
    except (orjson.JSONDecodeError, TypeError, ValueError):
        raise EmulatorError(400, 'MJ08 Property "ImportOptions" is invalid: expected a JSON object') from None


def _strptime_format(delphi: str) -> str:
    out, i = "", 0
    while i < len(delphi):
        token = next((t for t in _DATE_TOKENS if delphi.lower().startswith(t[0], i)), None)
        out, i = (out + token[1], i + len(token[0])) if token else (out + delphi[i], i + 1)
    return out


@dataclass
class CsvImportWork:
    """One csvimport: CSV rows imported into a list (or, for the global methods, into the account)."""

    method: str
    list_id: int
    options: ImportOptions
    header: list[str]
    rows: list[list[str]]
    first_line: int  # line number of rows[0] in the file
    fields: list[str] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, method: str, list_id: int, options: ImportOptions) -> CsvImportWork:
        lines = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
        header = lines[0] if lines else []
        names = list(options.field_names) if options.field_names else [h.strip() for h in header]
        has_header = not options.field_names or [h.strip().lower() for h in header] == [
            n.lower() for n in names
        ]
        rows = lines[1:] if has_header else lines
        shown = header if has_header else names
        return cls(method, list_id, options, shown, rows, 2 if has_header else 1, names)

    @property
    def total(self) -> int:
        return len(self.rows)

    def prepare(self, scope: JobScope) -> str | None:
        """Require an email column and define every other column as a static str property if missing."""
        if "email" not in (f.lower() for f in self.fields):
            return '###No "email" column in the CSV header'
        defined = dict(properties.definitions(scope.account))  # a copy: completed below
        meta = scope.writer("contactmetadata")
        for name in self.fields:
            if name.lower() != "email" and name.lower() not in defined:
                writes.create(meta, {"Name": name, "Datatype": "str", "NameSpace": "static"})
                defined[name.lower()] = (name, "str")
        return None

    def run(self, scope: JobScope, index: int) -> dict[str, Any] | None:
        row, line = self.rows[index], self.first_line + index
        problem = self._row_problem(row, line)
        item: dict[str, Any] = {}
        if problem is None:
            item, problem = self._item(scope, row)
        if problem is None:
            problem = contact_problem(scope, item)
        if problem is not None:
            return {"Index": index, "Line": line, "Error": problem}
        is_global = self.method in enums.GLOBAL_CSVIMPORT_METHODS
        apply_contact(scope, item, [] if is_global else [(self.list_id, self.method)])
        return None

    def _row_problem(self, row: list[str], line: int) -> str | None:
        if len(row) < len(self.fields):
            return f"###Too few columns at line {line}"
        if len(row) > len(self.fields):
            return f"###Too many columns at line {line}"
        return None

    def _item(self, scope: JobScope, row: list[str]) -> tuple[dict[str, Any], str | None]:
        defined = properties.definitions(scope.account)
        item: dict[str, Any] = {"Properties": {}}
        for name, value in zip(self.fields, row, strict=True):
            if name.lower() == "email":
                item["Email"] = value.strip()
            elif value.strip():  # an empty cell leaves the property as it is
                datatype = defined.get(name.lower(), (name, "str"))[1]
                converted = self._date(value) if datatype == "datetime" else value
                if converted is None:
                    return item, f'Property "{name}": date does not match DateTimeFormat'
                item["Properties"][name] = converted
        if self.method in enums.GLOBAL_CSVIMPORT_METHODS:
            item["IsExcludedFromCampaigns"] = self.method == "excludemarketing"
        return item, None

    def _date(self, value: str) -> str | None:
        if self.options.date_format is None:
            return value
        try:
            local = datetime.strptime(value.strip(), self.options.date_format)
        except ValueError:
            return None
        return format_moment(local - timedelta(hours=self.options.timezone_offset))

    def error_csv(self, job: jobs.Job) -> str:
        """The original CSV plus an `error` column (every row; "" where the row imported fine)."""
        failed = {e["Index"]: e["Error"] for e in job.errors}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*self.header, "error"])
        for index, row in enumerate(self.rows):
            error = job.error if job.status == "Error" and index >= job.done else failed.get(index, "")
            padding = [""] * max(0, len(self.header) - len(row))  # keep `error` in its own column
            writer.writerow([*row, *padding, error])
        return out.getvalue()


class CsvImportRules(Rules):
    """POST validates and starts the job (same ID as its batchjob); PUT only aborts."""

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        method = values.get("Method", "Unknown")
        if method not in enums.CSVIMPORT_METHODS:
            choices = ", ".join(enums.CSVIMPORT_METHODS)
            raise EmulatorError(400, f'MJ08 Property "Method" is invalid: expected one of {choices}')
        list_id = values.get("ContactsListID") or 0
        if method in enums.GLOBAL_CSVIMPORT_METHODS and list_id:
            raise EmulatorError(400, GLOBAL_METHOD_ERROR)
        if method not in enums.GLOBAL_CSVIMPORT_METHODS and not list_id:
            raise EmulatorError(400, 'MJ03 A value for property "ContactsListID" is required')
        data_id = values.get("DataID")
        if data_id and find_upload(ctx.account, data_id) is None:
            raise EmulatorError(400, f'MJ08 Property "DataID" is invalid: no uploaded data {data_id}')
        parse_options(values.get("ImportOptions") or "")

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        values.update({"ID": jobs.next_job_id(ctx.account), "RequestAt": ctx.now, "Status": "Upload"})

    def after_create(self, ctx: WriteContext, pos: int) -> None:
        row = ctx.table.raw(pos)
        upload = find_upload(ctx.account, row["DataID"])
        assert upload is not None
        options = parse_options(row["ImportOptions"])
        work = CsvImportWork.from_text(upload.text, row["Method"], row["ContactsListID"], options)
        jobs.start(
            ctx.state,
            ctx.account,
            work,
            rules=ctx.rules,
            kind="csvimport",
            job_type=CSV_JOB_TYPE,
            method=row["Method"],
            owner=0,
            data_id=row["DataID"],
            first_status="Upload",
            job_id=row["ID"],
            linked="csvimport",
            err_threshold=row["ErrTreshold"],
        )

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        jobs.refresh(ctx.state, ctx.account)
        current = ctx.table.raw(pos)
        for name, value in values.items():
            if name != "Status" and value != current.get(name):
                raise EmulatorError(
                    400, f'MJ08 Property "{name}" is invalid: it cannot change after the POST'
                )
        status = values.get("Status", current["Status"])
        if status == current["Status"]:
            return
        if status != "Abort":
            raise EmulatorError(400, 'MJ08 Property "Status" is invalid: only "Abort" can be set')
        if current["Status"] in jobs.FINAL_STATUSES:
            raise EmulatorError(
                400, f'MJ08 Property "Status" is invalid: the import has ended ({current["Status"]})'
            )

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        job = jobs.registry(ctx.account).get(int(ctx.table.column("ID")[pos]))
        if changes.get("Status") == "Abort" and job is not None:
            jobs.abort(ctx.state, ctx.account, job)
            changes.update(jobs.row_changes(job, ctx.now))
