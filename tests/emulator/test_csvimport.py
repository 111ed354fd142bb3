"""The CSV import flow: DATA upload, csvimport job on the clock, created properties, error CSV, abort."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mailjet_rest import Client

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.jobs import JobSettings
from mailjet_connector.emulator.server import EmulatorServer
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import TestClient

CSV = b'"email","age","name","shoe"\nnew@example.com,30,Newt,44\nALICE@example.com,31,Al,\nbroken,1,B,2\nbob@example.com,old,Bob,3\nshort\n'


def data(response: Any, status: int = 200) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    return response.json()["Data"]


def upload(client: TestClient, text: bytes, list_id: int = 1) -> int:
    response = client.post(
        f"/v3/DATA/contactslist/{list_id}/CSVData/text:plain",
        content=text,
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 200, response.text
    return response.json()["ID"]


def start_import(client: TestClient, text: bytes, method: str = "addnoforce", **extra: Any) -> dict[str, Any]:
    body = {"ContactsListID": 1, "DataID": upload(client, text), "Method": method, **extra}
    return data(client.post("/v3/REST/csvimport", json=body), 201)[0]


def finished(client: TestClient, state: EmulatorState, import_id: int) -> dict[str, Any]:
    state.clock.advance(60)
    return data(client.get(f"/v3/REST/csvimport/{import_id}"))[0]


def props(client: TestClient, email: str) -> dict[str, str]:
    rows = data(client.get(f"/v3/REST/contactdata/{email}"))[0]["Data"]
    return {p["Name"]: p["Value"] for p in rows}


def test_upload_answers_a_bare_id(client: TestClient) -> None:
    response = client.post("/v3/DATA/contactslist/1/CSVData/text:plain", content=b"email\na@b.co\n")
    assert response.status_code == 200 and response.json() == {"ID": 1}
    assert upload(client, b"email\nc@d.co\n", list_id=2) == 2
    assert client.get("/v3/DATA/contactslist/1/CSVData/text:plain/LAST").text == "email\na@b.co\n"


@pytest.mark.parametrize("path", ["contactslist/99/CSVData/text:plain", "contactslist/x/CSVData/text:plain"])
def test_upload_to_an_unknown_list_is_404_not_json(client: TestClient, path: str) -> None:
    response = client.post(f"/v3/DATA/{path}", content=b"email\n")
    assert response.status_code == 404
    assert not response.headers["content-type"].startswith("application/json")
    assert "Source object not found" in response.text


@pytest.mark.parametrize(
    ("path", "media"),
    [("BatchJob/99999/CSVError/text:csv", "text/csv"), ("batchjob/1/csverror/text:csv", "text/csv"),
     ("contactslist/invalid_id/CSVData/text:plain", "text/plain")],
)  # fmt: skip
def test_data_errors_are_as_recorded(client: TestClient, path: str, media: str) -> None:
    # mailjet-gem cassettes Mailjet_RetrieveErrosCsv and Mailjet_ContactslistCsv (#18 item 6): the reason
    # phrase is the message and the content type is the one the URL names.
    response = client.request("POST" if "CSVData" in path else "GET", f"/v3/DATA/{path}", content=b"email\n")
    assert response.status_code == 404
    assert response.headers["x-emulator-reason"] == "Source object not found"
    assert response.headers["content-type"] == media
    assert response.json() == {"ErrorInfo": "", "ErrorMessage": "Source object not found", "StatusCode": 404}


def test_data_api_needs_credentials(client: TestClient) -> None:
    response = client.post("/v3/DATA/contactslist/1/CSVData/text:plain", content=b"email\n", auth=("x", "y"))
    assert response.status_code == 401 and response.content == b""


def test_import_runs_upload_prepare_importing_completed(client: TestClient, state: EmulatorState) -> None:
    row = start_import(client, b"email\na@example.com\nb@example.com\n")
    assert row["Status"] == "Upload" and row["Count"] == 0 and row["RequestAt"] == "2023-11-14T22:13:20Z"
    seen = []
    for _ in range(4):
        seen.append(data(client.get(f"/v3/REST/csvimport/{row['ID']}"))[0]["Status"])
        state.clock.advance(1)
    assert seen == ["Upload", "Prepare", "Importing", "Completed"]
    batch = data(client.get(f"/v3/REST/batchjob/{row['ID']}"))[0]  # the job shares the csvimport ID
    assert batch["JobType"] == "Contact list import csv" and batch["Status"] == "Completed"
    assert batch["Count"] == 2 and batch["DataID"] == row["DataID"] and batch["RefId"] == 0
    listed = data(client.get("/v3/REST/csvimport"))
    assert [(r["ID"], r["Status"], r["Count"]) for r in listed] == [(row["ID"], "Completed", 2)]
    members = data(client.get("/v3/REST/contact", params={"ContactsList": 1, "Limit": 100}))
    assert {"a@example.com", "b@example.com"} <= {m["Email"] for m in members}


def test_columns_become_properties_and_errors_are_counted(client: TestClient, state: EmulatorState) -> None:
    row = finished(client, state, start_import(client, CSV)["ID"])
    assert row["Status"] == "Completed" and row["Count"] == 5 and row["Errcount"] == 3
    meta = {m["Name"]: m["Datatype"] for m in data(client.get("/v3/REST/contactmetadata"))}
    assert meta["name"] == "str" and meta["shoe"] == "str" and meta["age"] == "int"
    newt = data(client.get("/v3/REST/contact/new@example.com"))[0]
    assert newt["Name"] == ""  # a `name` column is a property, not the contact Name
    assert props(client, "new@example.com") == {"age": "30", "name": "Newt", "shoe": "44"}
    assert data(client.get("/v3/REST/contact/alice@example.com"))[0]["Name"] == "Alice"
    assert props(client, "alice@example.com") == {"age": "31", "name": "Al"}  # empty cell: not set


def test_error_csv_is_the_original_plus_an_error_column(client: TestClient, state: EmulatorState) -> None:
    row = finished(client, state, start_import(client, CSV)["ID"])
    response = client.get(f"/v3/DATA/BatchJob/{row['ID']}/CSVError/text:csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv"
    lines = response.text.splitlines()
    assert lines[0] == "email,age,name,shoe,error"
    assert lines[1] == "new@example.com,30,Newt,44,"
    assert lines[3].startswith("broken,1,B,2,") and "Invalid email" in lines[3]
    assert lines[4].startswith("bob@example.com,old,Bob,3,") and "does not match" in lines[4]
    assert lines[5] == "short,,,,###Too few columns at line 6"
    assert client.get("/v3/DATA/batchjob/999/CSVError/text:csv").status_code == 404


@pytest.mark.parametrize("method", ["excludemarketing", "includemarketing"])
def test_global_methods_with_a_list_are_mj08(client: TestClient, method: str) -> None:
    body = {"ContactsListID": 1, "DataID": upload(client, b"email\na@b.co\n"), "Method": method}
    response = client.post("/v3/REST/csvimport", json=body)
    assert response.status_code == 400
    assert response.json()["ErrorMessage"] == (
        "MJ08 Property ContactsList is invalid: Exclusion of contacts from marketing campaign is a global "
        "status and can not be applied to a list"
    )


def test_excludemarketing_without_a_list_excludes_contacts(client: TestClient, state: EmulatorState) -> None:
    body = {
        "DataID": upload(client, b"email\nbob@example.com\nfresh@example.com\n"),
        "Method": "excludemarketing",
    }
    row = finished(client, state, data(client.post("/v3/REST/csvimport", json=body), 201)[0]["ID"])
    assert row["Status"] == "Completed" and row["Errcount"] == 0
    for email in ("bob@example.com", "fresh@example.com"):
        assert data(client.get(f"/v3/REST/contact/{email}"))[0]["IsExcludedFromCampaigns"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"ContactsListID": 1, "DataID": 77, "Method": "addforce"}, 'MJ08 Property "DataID"'),
        ({"ContactsListID": 1, "DataID": 1, "Method": "merge"}, 'MJ08 Property "Method"'),
        ({"DataID": 1, "Method": "addforce"}, 'MJ03 A value for property "ContactsListID"'),
        ({"ContactsListID": 1, "DataID": 1, "Method": "addforce", "ImportOptions": "{"}, "MJ08"),
    ],
)
def test_bad_csvimport_requests_are_400(client: TestClient, body: dict[str, Any], message: str) -> None:
    upload(client, b"email\na@b.co\n")
    response = client.post("/v3/REST/csvimport", json=body)
    assert response.status_code == 400 and response.json()["ErrorMessage"].startswith(message)


def test_put_abort_stops_the_import(client: TestClient, state: EmulatorState) -> None:
    state.accounts["mainkey"].extra[jobs.SETTINGS_KEY] = JobSettings(per_second=1)
    rows = b"email\n" + b"".join(f"c{i}@example.com\n".encode() for i in range(10))
    import_id = start_import(client, rows)["ID"]
    state.clock.advance(4)
    aborted = data(client.put(f"/v3/REST/csvimport/{import_id}", json={"Status": "Abort"}))[0]
    assert (
        aborted["Status"] == "Abort" and aborted["Count"] == 2 and aborted["JobEnd"] == "2023-11-14T22:13:24Z"
    )
    state.clock.advance(60)
    assert data(client.get(f"/v3/REST/csvimport/{import_id}"))[0]["Count"] == 2
    assert data(client.get(f"/v3/REST/batchjob/{import_id}"))[0]["Status"] == "Abort"
    again = client.put(f"/v3/REST/csvimport/{import_id}", json={"Status": "Completed"})
    assert again.status_code == 400


def test_abort_after_completion_is_refused(client: TestClient, state: EmulatorState) -> None:
    import_id = finished(client, state, start_import(client, b"email\na@b.co\n")["ID"])["ID"]
    response = client.put(f"/v3/REST/csvimport/{import_id}", json={"Status": "Abort"})
    assert response.status_code == 400 and "has ended (Completed)" in response.json()["ErrorMessage"]


def test_missing_email_column_ends_in_error(client: TestClient, state: EmulatorState) -> None:
    row = finished(client, state, start_import(client, b"mail,age\na@b.co,3\n")["ID"])
    assert row["Status"] == "Error" and row["Count"] == 0
    error_csv = client.get(f"/v3/DATA/batchjob/{row['ID']}/CSVError/text:csv").text
    assert error_csv.splitlines()[1] == 'a@b.co,3,"###No ""email"" column in the CSV header"'


def test_import_options_date_format_timezone_and_field_names(
    client: TestClient, state: EmulatorState
) -> None:
    meta = {"Name": "birthday", "Datatype": "datetime", "NameSpace": "static"}
    data(client.post("/v3/REST/contactmetadata", json=meta), 201)
    options = (
        '{"DateTimeFormat": "dd/mm/yyyy hh:nn", "TimezoneOffset": 2, "FieldNames": ["email", "birthday"]}'
    )
    text = (
        b"d@example.com,24/12/1990 10:30\ne@example.com,not a date\n"  # no header row: FieldNames name them
    )
    row = finished(client, state, start_import(client, text, ImportOptions=options)["ID"])
    assert row["Count"] == 2 and row["Errcount"] == 1
    assert props(client, "d@example.com") == {"birthday": "1990-12-24T08:30:00Z"}
    errors = client.get(f"/v3/DATA/batchjob/{row['ID']}/CSVError/text:csv").text.splitlines()
    assert errors[0] == "email,birthday,error" and "DateTimeFormat" in errors[2]


def test_official_client_runs_the_whole_csv_flow(emulator: EmulatorServer) -> None:
    with Client(auth=(emulator.api_key, emulator.api_secret), api_url=emulator.url + "/", timeout=30) as mj:
        list_id = mj.contactslist.create(data={"Name": "CSV via mailjet-rest"}).json()["Data"][0]["ID"]
        uploaded = mj.contactslist_csvdata.create(id=list_id, data="email,age\nx1@example.org,3\nbad,4\n")
        assert uploaded.status_code == 200
        data_id = uploaded.json()["ID"]
        body = {"ContactsListID": list_id, "DataID": data_id, "Method": "addnoforce"}
        created = mj.csvimport.create(data=body)
        assert created.status_code == 201 and created.json()["Data"][0]["Status"] == "Upload"
        import_id = created.json()["Data"][0]["ID"]
        httpx.post(f"{emulator.url}/_emulator/clock", json={"advance": 30}).raise_for_status()
        row = mj.csvimport.get(id=import_id).json()["Data"][0]
        assert (row["Status"], row["Count"], row["Errcount"]) == ("Completed", 2, 1)
        error_csv = mj.batchjob_csverror.get(id=import_id)
        assert error_csv.status_code == 200
        assert error_csv.text.splitlines()[0] == "email,age,error"
        assert mj.contact.get(id="x1@example.org").status_code == 200
