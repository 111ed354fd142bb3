"""Parse API: parseroute rules (generated address, one per key, no site root) and inbound mail delivery."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.lifecycle.parse import inbound_payload
from mailjet_connector.wire.events import INBOUND_SINGLE_HEADERS
from tests.emulator.conftest import MAIN, OTHER, TestClient, build_state
from tests.emulator.webhook_receiver import Receiver

GENERATED = re.compile(r"^[a-z0-9]{20}@parse-in1\.mailjet\.com$")


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(build_state(), control=True)) as test_client:
        test_client.auth = MAIN
        yield test_client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def create(client: TestClient, **body: str) -> dict:
    response = client.post("/v3/REST/parseroute", json=body)
    assert response.status_code == 201, response.text
    return response.json()["Data"][0]


def test_post_generates_one_address_per_api_key(client):
    route = create(client, Url="https://hooks.example.net/parse")
    assert GENERATED.match(route["Email"]) and route["APIKeyID"] == 1
    second = client.post("/v3/REST/parseroute", json={"Url": "https://hooks.example.net/other"})
    assert (
        second.status_code == 400 and "already has a generated parse address" in second.json()["ErrorMessage"]
    )
    own = create(client, Url="https://hooks.example.net/own", Email="inbound@mydomain.example")
    assert own["Email"] == "inbound@mydomain.example"
    other = client.post("/v3/REST/parseroute", json={"Url": "https://hooks.example.net/p"}, auth=OTHER)
    assert other.status_code == 201 and other.json()["Data"][0]["Email"] != route["Email"]


def test_generated_address_is_deterministic(client):
    first = create(client, Url="https://hooks.example.net/parse")["Email"]
    with TestClient(create_app(build_state())) as twin:
        twin.auth = MAIN
        assert create(twin, Url="https://hooks.example.net/parse")["Email"] == first


@pytest.mark.parametrize(
    "url", ["https://hooks.example.net/", "https://hooks.example.net", "ftp://h.example.net/x"]
)
def test_url_must_be_http_with_a_path(client, url):
    response = client.post("/v3/REST/parseroute", json={"Url": url})
    assert response.status_code == 400
    route = create(client, Url="https://hooks.example.net/ok")
    assert client.put(f"/v3/REST/parseroute/{route['ID']}", json={"Url": url}).status_code == 400


def test_inbound_mail_is_posted_in_the_parse_shape(client, receiver):
    route = create(client, Url=receiver.url("/inbound"))
    attachment = {
        "filename": "a.txt",
        "content_type": "text/plain",
        "content": "hello file",
        "encoding": "text",
    }
    inline = {"filename": "logo.png", "content_type": "image/png", "content": base64.b64encode(b"PNG").decode(),
              "content_id": "logo1"}  # fmt: skip
    mail = {
        "to": route["Email"].upper(),  # addresses match case-insensitively
        "from": "Pilot <pilot@example.org>",
        "subject": "Re: hello",
        "text": "Hi there",
        "html": "<p>Hi there</p>",
        "attachments": [attachment, inline],
        "headers": {"X-Custom": "one", "Reply-To": ["a@example.org", "b@example.org"]},
        "custom_id": "c-1",
        "payload": "p-1",
    }
    answer = client.post("/_emulator/inbound", json=mail)
    assert answer.status_code == 202 and answer.json()["RouteID"] == route["ID"]
    client.post("/_emulator/deliveries/flush")  # the app's worker may have posted it already
    (body,) = receiver.bodies("/inbound")
    assert (body["Sender"], body["Recipient"], body["From"]) == (
        "pilot@example.org",
        mail["to"],
        mail["from"],
    )
    assert body["Date"] == "20231114T221320" and body["Subject"] == "Re: hello"
    assert body["Text-part"] == "Hi there" and body["Html-part"] == "<p>Hi there</p>"
    assert base64.b64decode(body["Attachment1"]) == b"hello file"
    assert base64.b64decode(body["InlineAttachment2"]) == b"PNG"
    refs = [p["ContentRef"] for p in body["Parts"]]
    assert refs == ["Text-part", "Html-part", "Attachment1", "InlineAttachment2"]
    assert body["Parts"][3]["Headers"]["Content-ID"] == "<logo1>"
    headers = body["Headers"]
    for name, value in headers.items():
        assert isinstance(value, str) if name in INBOUND_SINGLE_HEADERS else isinstance(value, list), name
    assert headers["X-Custom"] == ["one"] and headers["Reply-To"] == "a@example.org, b@example.org"
    assert re.fullmatch(r"\d\.\d{3}", body["SpamAssassinScore"])
    assert (body["CustomID"], body["Payload"]) == ("c-1", "p-1")


def test_inbound_errors_are_clear(client):
    assert (
        client.post("/_emulator/inbound", json={"to": "nobody@nowhere.example", "from": "a@b.c"}).status_code
        == 404
    )
    route = create(client, Url="https://hooks.example.net/parse")
    missing_from = client.post("/_emulator/inbound", json={"to": route["Email"]})
    assert missing_from.status_code == 400 and "from" in missing_from.json()["error"]
    bad = {
        "to": route["Email"],
        "from": "a@b.c",
        "attachments": [{"filename": "x", "content": "!!", "encoding": "base64"}],
    }
    assert client.post("/_emulator/inbound", json=bad).status_code == 400


def test_inbound_payload_keeps_only_given_parts():
    body = inbound_payload(
        {"to": "x@parse-in1.mailjet.com", "from": "a@example.org", "text": "t"}, 1_700_000_000
    )
    assert [p["ContentRef"] for p in body["Parts"]] == ["Text-part"] and "Html-part" not in body
    assert list(body)[:6] == ["Sender", "Recipient", "Date", "From", "Subject", "Headers"]
