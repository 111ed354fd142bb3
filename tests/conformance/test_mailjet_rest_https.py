"""The official `mailjet-rest` 1.9.1, unchanged, against the emulator over HTTPS (#18 item 10 and the others).

Over `http://` mailjet-rest mounts no retry adapter, so its retry path was never exercised; over HTTPS
with the emulator's CA in `REQUESTS_CA_BUNDLE` it is. CRUD, paging and the older behaviours are covered
over HTTP by `tests/emulator/test_conformance_mailjet_rest.py`; this module adds HTTPS and the issue's items.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mailjet_rest import Client
from mailjet_rest.errors import ApiError, MailjetAuthError, ValidationError

from mailjet_connector.emulator.middleware.faults import FaultPlan, parse_faults
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.conformance.conftest import NOW

FAULTS = "500:0.5"


@pytest.fixture
def mj(https_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(https_emulator.ca_path))
    with Client(
        auth=(https_emulator.api_key, https_emulator.api_secret), api_url=https_emulator.url + "/"
    ) as c:
        yield c


def seed_failing_once() -> int:
    """A seed whose fault plan fails the first request with a 500 and lets the second through."""
    for seed in range(1000):
        plan = FaultPlan(parse_faults(FAULTS), seed)
        if plan.draw() is not None:
            plan.error_identifier()  # a 500 body draws its ErrorIdentifier from the same sequence
            if plan.draw() is None:
                return seed
    raise AssertionError("no such seed")


def test_crud_paging_statistics_and_send_over_https(mj: Client, https_emulator: EmulatorServer) -> None:
    created = mj.contact.create(data={"Email": "py@example.org", "Name": "Py"})
    assert created.status_code == 201
    assert mj.contact.get(id="py@example.org").json()["Data"][0]["Name"] == "Py"
    page = mj.contact.get(filters={"Limit": 2, "Offset": 3, "countrecords": 1}).json()
    assert page["Count"] == 2 and page["Total"] > 3
    counters = mj.statcounters.get(
        filters={"CounterSource": "APIKey", "CounterTiming": "Message", "CounterResolution": "Lifetime"}
    )
    assert counters.status_code == 200
    server_auth = (https_emulator.api_key, https_emulator.api_secret)
    with Client(auth=server_auth, api_url=https_emulator.url + "/", version="v3.1") as v31:
        message = {"From": {"Email": "news@example.com"}, "To": [{"Email": "a@example.org"}], "TextPart": "x"}
        assert v31.send.create(data={"Messages": [message]}).json()["Messages"][0]["Status"] == "success"


def test_the_issue_items_over_https(mj: Client, https_emulator: EmulatorServer) -> None:
    with pytest.raises(MailjetAuthError) as refused:  # item 2: the client's authentication error class
        mj.contact.delete(id=1)
    assert json.loads(refused.value.response_body)["ErrorMessage"] == "Operation not allowed"
    row = mj.contact.get(id=1).json()["Data"][0]
    body = {"CreatedAt": row["CreatedAt"].replace("T", " ").replace("Z", " UTC"), "Email": row["Email"],
            "DeliveredCount": row["DeliveredCount"], "Name": "Renamed"}  # fmt: skip
    assert mj.contact.update(id=1, data=body).status_code == 200  # item 3
    mj.sender.create(data={"Email": "fresh@example.org"})
    with pytest.raises(ValidationError) as inactive:  # item 8
        mj.sender.create(data={"Email": "fresh@example.org"})
    assert "validate" in json.loads(inactive.value.response_body)["ErrorMessage"]
    with pytest.raises(ValidationError):  # item 9
        mj.contact.create(data={"Email": "x@-bad-.org"})


@pytest.mark.parametrize(
    ("tls", "expected"), [(True, 200), (False, 500)], ids=["https-retries", "http-does-not"]
)
def test_the_retry_adapter_is_exercised_over_https(
    monkeypatch: pytest.MonkeyPatch, tls: bool, expected: int
) -> None:
    # The first request draws an injected 500. Over HTTPS mailjet-rest's urllib3 retry resends it and gets
    # the page; over HTTP (no adapter mounted) the 500 is the answer.
    seed = seed_failing_once()
    with start_emulator(scale="tiny", now=NOW, frozen=True, tls=tls, seed=seed, faults=FAULTS) as server:
        if tls:
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_path))
        with Client(auth=(server.api_key, server.api_secret), api_url=server.url + "/") as client:
            try:
                status = client.contact.get(filters={"Limit": 1}).status_code
            except ApiError as error:  # mailjet-rest wraps the 500 in a network error carrying its text
                status = 500 if "500 Server Error" in str(error) else -1
        assert status == expected
