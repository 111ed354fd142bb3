"""node-mailjet 6.0.11, unchanged, against the emulator over HTTPS (#18): CRUD, paging, statistics, send,
errors and the issue's eleven items. node-mailjet builds `https://` URLs itself; nothing is patched.

Each test replays a list of calls through `node_driver.js` and checks what the client reports: status,
reason phrase (node-mailjet shows `statusText`), body and the error fields it copies (`ErrorMessage` ...).
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.conformance.conftest import run_node
from tests.emulator.webhook_receiver import Receiver

INACTIVE = ('There is an already existing inactive sender with the same email. You can use "validate" action in '
            "order to activate it.")  # fmt: skip


def control(server: EmulatorServer, path: str, body: dict | None = None) -> dict:
    with httpx.Client(verify=False) as http:  # the control routes only; the client under test verifies TLS
        response = http.post(f"{server.url}/_emulator{path}", json=body or {})
    response.raise_for_status()
    return response.json() if response.content else {}


def message(to: str, **extra: object) -> dict:
    return {
        "From": {"Email": "news@example.com"},
        "To": [{"Email": to}],
        "Subject": "Hi",
        "TextPart": "x",
        **extra,
    }


def test_crud_and_paging(node_mailjet: Path, https_emulator: EmulatorServer) -> None:
    created, by_id, by_email, updated, same, listed, page, counted, made_list, dropped = run_node(
        node_mailjet,
        https_emulator,
        [
            {"verb": "post", "resource": "contact", "data": {"Email": "node@example.org", "Name": "Node"}},
            {"verb": "get", "resource": "contact", "id": 1},
            {"verb": "get", "resource": "contact", "id": "node@example.org"},
            {"verb": "put", "resource": "contact", "id": "node@example.org", "data": {"Name": "Node JS"}},
            {"verb": "put", "resource": "contact", "id": "node@example.org", "data": {"Name": "Node JS"}},
            {"verb": "get", "resource": "contact", "params": {"Limit": 3}},
            {"verb": "get", "resource": "contact", "params": {"Limit": 2, "Offset": 3, "countrecords": 1}},
            {"verb": "get", "resource": "contact", "params": {"countOnly": 1}},
            {"verb": "post", "resource": "contactslist", "data": {"Name": "Node list"}},
            {"verb": "delete", "resource": "contactslist", "id": 1},
        ],
    )
    assert (created["ok"], created["status"]) == (True, 201) and created["body"]["Data"][0]["Name"] == "Node"
    assert by_id["body"]["Count"] == 1 and by_email["body"]["Data"][0]["Email"] == "node@example.org"
    assert updated["status"] == 200 and updated["body"]["Data"][0]["Name"] == "Node JS"
    assert (same["ok"], same["statusCode"], same["statusText"]) == (False, 304, "Content not changed")
    assert listed["body"]["Count"] == 3 and listed["body"]["Total"] == 3
    assert page["body"]["Count"] == 2 and page["body"]["Total"] == counted["body"]["Total"] > 3
    assert [row["ID"] for row in page["body"]["Data"]] == [4, 5]
    assert made_list["status"] == 201 and (dropped["ok"], dropped["status"]) == (True, 204)


def test_statistics_and_send(node_mailjet: Path, https_emulator: EmulatorServer) -> None:
    counters, v31, v3, mixed = run_node(
        node_mailjet,
        https_emulator,
        [
            {
                "verb": "get",
                "resource": "statcounters",
                "params": {
                    "CounterSource": "APIKey",
                    "CounterTiming": "Message",
                    "CounterResolution": "Lifetime",
                },
            },
            {
                "verb": "post",
                "resource": "send",
                "version": "v3.1",
                "data": {"Messages": [message("a@example.org")]},
            },
            {
                "verb": "post",
                "resource": "send",
                "data": {
                    "FromEmail": "news@example.com",
                    "Text-part": "t",
                    "Recipients": [{"Email": "b@example.org"}],
                },
            },
            {
                "verb": "post",
                "resource": "send",
                "version": "v3.1",
                "data": {"Messages": [message("c@example.org", TextPart="x"), message("not-an-address")]},
            },
        ],
    )
    assert counters["ok"] and counters["body"]["Data"][0]["MessageSentCount"] >= 0
    assert v31["status"] == 200 and v31["body"]["Messages"][0]["Status"] == "success"
    assert v3["status"] == 200 and v3["body"]["Sent"][0]["Email"] == "b@example.org"
    assert (mixed["ok"], mixed["statusCode"]) == (False, 400)
    assert [m["Status"] for m in mixed["body"]["Messages"]] == ["success", "error"]


def test_errors(node_mailjet: Path, https_emulator: EmulatorServer) -> None:
    missing, duplicate = run_node(
        node_mailjet,
        https_emulator,
        [
            {"verb": "get", "resource": "contact", "id": 999_999},
            {"verb": "post", "resource": "contact", "data": {"Email": "ken.knuth1@example.com"}},
        ],
    )
    assert (missing["statusCode"], missing["statusText"], missing["ErrorMessage"]) == (
        404,
        "Object not found",
        "Object not found",
    )
    assert duplicate["statusCode"] == 400 and duplicate["ErrorMessage"].startswith("MJ18 ")
    (refused,) = run_node(
        node_mailjet, https_emulator, [{"verb": "get", "resource": "contact"}], secret="wrong"
    )
    assert refused["statusCode"] == 401


def test_the_issue_items(node_mailjet: Path, https_emulator: EmulatorServer) -> None:
    control(https_emulator, "/plan", {"plan": "test"})  # item 11: ten emails an hour
    row = https_emulator.state.accounts[https_emulator.api_key].table("contact").records([0])[0]
    round_trip = {"CreatedAt": row["CreatedAt"].replace("T", " ").replace("Z", " UTC"),
                  "DeliveredCount": row["DeliveredCount"], "Email": row["Email"], "ID": row["ID"], "Name": "Renamed"}  # fmt: skip
    results = run_node(
        node_mailjet,
        https_emulator,
        [
            {"verb": "delete", "resource": "contact", "id": 1},  # item 2
            {"verb": "put", "resource": "contact", "id": row["ID"], "data": round_trip},  # item 3
            {"verb": "post", "resource": "send", "version": "v3.1",  # item 5
             "data": {"Messages": [message("v@example.org", TextPart="x", Variables={"Some": None})]}},
            {"verb": "get", "resource": "batchjob", "id": 99_999, "action": "csverror/text:csv"},  # item 6
            {"verb": "post", "resource": "send", "data": {"FromEmail": "news@example.com", "Text-part": "t",  # item 7
             "Recipients": [{"email": "lower@example.org", "name": "Lower"}]}},
            {"verb": "post", "resource": "sender", "data": {"email": "fresh@example.org"}},  # item 8
            {"verb": "post", "resource": "sender", "data": {"email": "fresh@example.org"}},
            {"verb": "post", "resource": "contact", "data": {"Email": "a@b..org"}},  # item 9
            {"verb": "post", "resource": "send", "version": "v3.1",
             "data": {"Messages": [message(f"t{i}@example.org", TextPart="x") for i in range(10)]}},
        ],
    )  # fmt: skip
    deleted, put, null, csv, lower, sender, again, bad_email, capped = results
    assert (deleted["statusCode"], deleted["statusText"], deleted["ErrorMessage"]) == (
        401,
        "Operation not allowed",
        "Operation not allowed",
    )
    assert put["status"] == 200 and put["body"]["Data"][0]["Name"] == "Renamed"
    assert null["statusCode"] == 400
    assert null["body"]["Messages"][0]["Errors"][0]["ErrorMessage"] == "Property value cannot be null."
    assert (csv["statusCode"], csv["statusText"]) == (404, "Source object not found")
    assert lower["status"] == 200 and lower["body"]["Sent"][0]["Email"] == "lower@example.org"
    assert sender["status"] == 201 and (again["statusCode"], again["ErrorMessage"]) == (400, INACTIVE)
    assert bad_email["statusCode"] == 400 and "MJ08" in bad_email["ErrorMessage"]
    assert capped["statusCode"] == 429  # 1 (item 7) + 10 > 10 an hour


def test_no_click_without_link_and_events_while_idle(node_mailjet: Path) -> None:
    # Items 1 and 4 with a real-time clock: node sends, then nobody calls the emulator.
    with Receiver() as receiver, start_emulator(scale="tiny", tls=True) as server:
        rates = {"open_rate": 1.0, "click_rate": 1.0, "bounce_rate": 0.0, "blocked_rate": 0.0,
                 "spam_rate": 0.0, "unsub_rate": 0.0, "open_delay": [1, 1], "click_delay": [1, 1]}  # fmt: skip
        control(server, "/lifecycle", rates)
        hooks = [{"verb": "post", "resource": "eventcallbackurl",
                  "data": {"EventType": kind, "Url": receiver.url(f"/{kind}"), "Version": 1}} for kind in ("open", "click")]  # fmt: skip
        send = {"verb": "post", "resource": "send", "version": "v3.1",
                "data": {"Messages": [message("text@example.org", TextPart="see https://shop.example.org/")]}}  # fmt: skip
        existing = [{"verb": "get", "resource": "eventcallbackurl", "params": {"Limit": 100}}]
        (listed,) = run_node(node_mailjet, server, existing)
        drops = [
            {"verb": "delete", "resource": "eventcallbackurl", "id": r["ID"]} for r in listed["body"]["Data"]
        ]
        results = run_node(node_mailjet, server, [*drops, *hooks, send])
        assert results[-1]["status"] == 200
        deadline = time.monotonic() + 20
        while not receiver.events("/open") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [e["event"] for e in receiver.events("/open")] == ["open"]
        time.sleep(2.5)  # past the click delay: no link, so no click may come
        assert receiver.events("/click") == []


@pytest.mark.parametrize("version", ["v3", "v3.1"])
def test_bad_credentials(node_mailjet: Path, https_emulator: EmulatorServer, version: str) -> None:
    call = {
        "verb": "post",
        "resource": "send",
        "version": version,
        "data": {"Messages": [message("a@example.org")]},
    }
    (refused,) = run_node(node_mailjet, https_emulator, [call], secret="wrong")
    assert refused["statusCode"] == 401
