"""The DATA API (`/v3/DATA/{sourceType}/{sourceId}/{dataType}/{mimeType}[/{dataId}|/LAST]`, §1.1).

Served: CSV upload to a list (`contactslist/{id}/CSVData/text:plain`, POST; GET reads it back), a CSV
import's error file (`batchjob/{id}/CSVError/text:csv`) and a bulk job's JSON error file
(`batchjob/{id}/JSONError/application:json[/LAST]`). Segment names match case-insensitively (clients write
both `BatchJob` and `batchjob`). Errors keep the classic body, with the message as the reason phrase
(`404 Source object not found`) and the content type the URL names (`text:csv` -> `text/csv`), as recorded
(mailjet-gem cassettes `Mailjet_RetrieveErrosCsv`, `Mailjet_ContactslistCsv`; §1.5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.jobs.csvimport import CsvImportWork, find_upload, store_upload
from mailjet_connector.emulator.reason import REASON_HEADER, reason_value
from mailjet_connector.emulator.rest import responses
from mailjet_connector.emulator.rest.auth import authenticate
from mailjet_connector.emulator.state import Account, EmulatorState

DATA_PREFIX = "/v3/DATA/"
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


@dataclass(frozen=True, slots=True)
class DataRequest:
    """One DATA call after authentication: the path split into its documented parts."""

    state: EmulatorState
    account: Account
    source_id: str
    data_id: str | None
    body: bytes


DataHandler = Callable[[DataRequest], Response]


def source_not_found() -> EmulatorError:
    return EmulatorError(404, "Source object not found")


def _upload(req: DataRequest) -> Response:
    lists = req.account.table("contactslist")
    list_id = int(req.source_id) if req.source_id.isdigit() else 0
    pos = lists.position(list_id)
    if pos is None or lists.column("IsDeleted")[pos]:
        raise source_not_found()
    upload = store_upload(req.state, req.account, list_id, req.body.decode("utf-8-sig", errors="replace"))
    return responses.json_response({"ID": upload.id})  # 200 and no envelope (§4.3)


def _read_upload(req: DataRequest) -> Response:
    list_id = int(req.source_id) if req.source_id.isdigit() else -1
    upload = find_upload(req.account, req.data_id or "LAST", list_id)
    if upload is None:
        raise source_not_found()
    return Response(upload.text, media_type="text/plain")


def _job(req: DataRequest) -> jobs.Job:
    jobs.refresh(req.state, req.account)
    job = jobs.registry(req.account).get(int(req.source_id)) if req.source_id.isdigit() else None
    if job is None:
        raise source_not_found()
    return job


def _csv_error(req: DataRequest) -> Response:
    job = _job(req)
    if not isinstance(job.work, CsvImportWork):
        raise source_not_found()
    return Response(job.work.error_csv(job), headers={"Content-Type": "text/csv"})  # no charset, as recorded


def _json_error(req: DataRequest) -> Response:
    job = _job(req)
    return Response(orjson.dumps(job.errors), media_type=responses.JSON)


HANDLERS: dict[tuple[str, str, str], DataHandler] = {
    ("contactslist", "csvdata", "POST"): _upload,
    ("contactslist", "csvdata", "GET"): _read_upload,
    ("batchjob", "csverror", "GET"): _csv_error,
    ("batchjob", "jsonerror", "GET"): _json_error,
}


def _error(error: EmulatorError, mime: str) -> Response:
    if error.status == 401:
        return responses.unauthorized()
    body = {"ErrorInfo": error.info, "ErrorMessage": error.message, "StatusCode": error.status}
    headers = {"Content-Type": mime, REASON_HEADER: reason_value(str(error.message))}
    return Response(orjson.dumps(body), status_code=error.status, headers=headers)


def _content_type(parts: list[str]) -> str:
    """The media type the URL's mimeType segment names (`text:csv` -> `text/csv`); text/plain otherwise."""
    kind, sep, sub = (parts[3] if len(parts) > 3 else "").partition(":")
    ok = sep and kind.isalpha() and sub.replace("-", "").replace("+", "").replace(".", "").isalnum()
    return f"{kind.lower()}/{sub.lower()}" if ok else "text/plain"


def data_routes(state: EmulatorState) -> list[BaseRoute]:
    """The DATA API routes over one emulator state; mount them before the `/v3/{path}` catch-all."""

    async def endpoint(request: Request) -> Response:
        parts = [p for p in request.url.path[len(DATA_PREFIX) :].split("/") if p]
        try:
            account = authenticate(state, request)
            if len(parts) < 4 or len(parts) > 5:
                raise source_not_found()
            handler = HANDLERS.get((parts[0].lower(), parts[2].lower(), request.method))
            if handler is None:
                raise source_not_found()
            body = await request.body()
            return handler(DataRequest(state, account, parts[1], parts[4] if len(parts) == 5 else None, body))
        except EmulatorError as error:
            return _error(error, _content_type(parts))

    return [Route(DATA_PREFIX + "{path:path}", endpoint, methods=METHODS)]
