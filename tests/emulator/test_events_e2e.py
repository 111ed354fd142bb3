"""Issue #5 acceptance: callbacks registered with the official client, 200 sends, every lifecycle event
POSTed to a real receiver (Version 1 single objects, Version 2 arrays), retries, dead URL and backup.

Deliveries are driven with `POST /_emulator/deliveries/flush` and the clock with `/_emulator/clock`: no
sleeping. Payload shapes are checked field by field against mailjet-api.md §6.2 (written out here, not
taken from the emulator's own tables).
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mailjet_rest import Client
from mailjet_rest.errors import DoesNotExistError

from mailjet_connector.catalog.enums import MESSAGE_STATES
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.emulator.webhook_receiver import Receiver

NOW = 1_700_000_000
DAY = 86_400
COMMON = [
    "event",
    "time",
    "MessageID",
    "Message_GUID",
    "email",
    "mj_campaign_id",
    "mj_contact_id",
    "customcampaign",
]
SPEC_FIELDS = {  # §6.2, in the DOC example's order
    "sent": ["mj_message_id", "smtp_reply"],
    "open": ["ip", "geo", "agent"],
    "click": ["url", "ip", "geo", "agent"],
    "bounce": ["blocked", "hard_bounce", "error_related_to", "error", "comment"],
    "blocked": ["error_related_to", "error"],
    "spam": ["source"],
    "unsub": ["mj_list_id", "ip", "geo", "agent"],
}
V1_TYPES, V2_TYPES = ("open", "click", "bounce"), ("sent", "blocked", "spam", "unsub")
RATES = {"open_rate": 0.6, "click_rate": 0.5, "bounce_rate": 0.1, "blocked_rate": 0.05, "spam_rate": 0.05,
         "unsub_rate": 0.1}  # fmt: skip
QUIET = {name: 0.0 for name in RATES}  # only `sent` events
STATE_PAIRS = {(s.related_to, s.state) for s in MESSAGE_STATES}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", now=NOW, frozen=True) as server:
        yield server


def rest(server: EmulatorServer) -> Client:
    return Client(auth=(server.api_key, server.api_secret), api_url=server.url + "/", timeout=30)


CONTROL = httpx.Client(timeout=30, trust_env=False, verify=False)  # one client: creating one costs ~0.2 s


@pytest.fixture(scope="module", autouse=True)
def _close_control() -> Iterator[None]:
    yield
    CONTROL.close()


def control(server: EmulatorServer, method: str, path: str, body: Any = None) -> Any:
    response = CONTROL.request(method, f"{server.url}/_emulator{path}", json=body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def flush(server: EmulatorServer) -> dict[str, int]:
    return control(server, "POST", "/deliveries/flush")


def advance(server: EmulatorServer, seconds: int) -> None:
    control(server, "POST", "/clock", {"advance": seconds})


def register(
    server: EmulatorServer, hooks: dict[str, tuple[str, int]], backup: bool = False
) -> dict[str, int]:
    """Replace the seeded callbacks: event type -> (Url, Version). Returns type -> callback ID."""
    ids = {}
    with rest(server) as mj:
        if not backup:
            for row in mj.eventcallbackurl.get(filters={"Limit": 100}).json()["Data"]:
                assert mj.eventcallbackurl.delete(id=row["ID"]).status_code == 204
        for kind, (url, version) in hooks.items():
            body = {"EventType": kind, "Url": url, "Version": version, "IsBackup": backup}
            response = mj.eventcallbackurl.create(data=body)
            assert response.status_code == 201, response.text
            ids[kind] = response.json()["Data"][0]["ID"]
    return ids


def send(server: EmulatorServer, count: int, start: int = 0) -> dict[int, dict[str, Any]]:
    """Send `count` one-recipient messages (50 per call, the per-call limit); MessageID -> what was sent."""
    sent: dict[int, dict[str, Any]] = {}
    with Client(auth=(server.api_key, server.api_secret), version="v3.1", api_url=server.url + "/") as mj:
        for first in range(start, start + count, 50):
            batch = [
                {
                    "From": {"Email": "news@example.com"},
                    "To": [{"Email": f"rcpt{i}@example.org"}],
                    "Subject": f"Hello {i}",
                    "HTMLPart": f'<a href="https://shop.example.org/item/{i}">item</a>',
                    "CustomID": f"m{i}",
                    "EventPayload": f"payload-{i}",
                    **({"CustomCampaign": "promo"} if i % 2 else {}),
                }
                for i in range(first, min(first + 50, start + count))
            ]
            answer = mj.send.create(data={"Messages": batch})
            assert answer.status_code == 200, answer.text
            for message, result in zip(batch, answer.json()["Messages"], strict=True):
                (to,) = result["To"]
                sent[to["MessageID"]] = {**message, "UUID": to["MessageUUID"], "Email": to["Email"]}
    return sent


def test_callback_crud_with_the_official_client(emulator):
    with rest(emulator) as mj:
        created = mj.eventcallbackurl.create(
            data={"EventType": "sent", "Url": "https://h.example.net/s", "Version": 2}
        )
        assert created.status_code == 201
        row = created.json()["Data"][0]
        assert (row["IsBackup"], row["Status"], row["Version"]) == (False, "alive", 2)
        assert row["APIKeyID"] > 0
        listed = mj.eventcallbackurl.get(filters={"EventType": "sent"}).json()["Data"]
        assert [r["ID"] for r in listed] == [row["ID"]]
        assert mj.eventcallbackurl.get(id="sent|false").json()["Data"][0]["ID"] == row["ID"]
        updated = mj.eventcallbackurl.update(id=row["ID"], data={"Url": "https://h.example.net/s2"})
        assert updated.json()["Data"][0]["Url"] == "https://h.example.net/s2"
        assert mj.eventcallbackurl.delete(id=row["ID"]).status_code == 204
        with pytest.raises(DoesNotExistError):
            mj.eventcallbackurl.get(id="sent|false")


def _expected(server: EmulatorServer, message_ids: set[int]) -> Counter:
    """(MessageID, event) -> count, from the rows the statistics read."""
    account = server.state.accounts[server.api_key]
    expected: Counter = Counter()
    for row in account.table("message").iter_raw():
        if row["ID"] not in message_ids:
            continue
        status = row["Status"]
        if status in ("bounce", "blocked"):
            expected[(row["ID"], status)] += 1
            continue
        expected[(row["ID"], "sent")] += 1
        if status in ("spam", "unsub"):
            expected[(row["ID"], status)] += 1
    for table, kind in (("openinformation", "open"), ("clickstatistics", "click")):
        for row in account.table(table).iter_raw():
            if row["MessageID"] in message_ids:
                expected[(row["MessageID"], kind)] += 1
    return expected


def _check_shape(event: dict[str, Any], sent: dict[int, dict[str, Any]], contacts: dict[str, int]) -> None:
    kind = event["event"]
    assert list(event) == [*COMMON, *SPEC_FIELDS[kind], "CustomID", "Payload"]
    message = sent[event["MessageID"]]
    assert event["Message_GUID"] == message["UUID"] and event["email"] == message["Email"]
    assert event["CustomID"] == message["CustomID"] and event["Payload"] == message["EventPayload"]
    assert event["mj_contact_id"] == contacts[message["Email"]]
    assert event["customcampaign"] == message.get("CustomCampaign", "")
    assert (event["mj_campaign_id"] > 0) == ("CustomCampaign" in message)
    assert isinstance(event["time"], int) and event["time"] >= NOW
    if kind == "sent":
        assert event["mj_message_id"] == str(event["MessageID"]) and event["smtp_reply"].startswith(
            "sent (250"
        )
    if kind in ("open", "click", "unsub"):
        assert all(isinstance(event[f], str) for f in ("ip", "geo", "agent")) and event["agent"]
    if kind == "click":
        assert event["url"] == f"https://shop.example.org/item/{message['CustomID'][1:]}"
    if kind in ("bounce", "blocked"):
        assert (event["error_related_to"], event["error"]) in STATE_PAIRS
    if kind == "bounce":
        assert isinstance(event["hard_bounce"], bool) and event["blocked"] == event["hard_bounce"]
        assert message["Email"] in event["comment"]
    if kind == "spam":
        assert event["source"] == "JMRPP"
    if kind == "unsub":
        assert event["mj_list_id"] == 0  # transactional sends are not list-based


def test_every_lifecycle_event_reaches_the_receiver(emulator, receiver):
    hooks = {k: (receiver.url("/v1", "hook", "s3cret"), 1) for k in V1_TYPES}
    hooks.update({k: (receiver.url("/v2", "hook", "s3cret"), 2) for k in V2_TYPES})
    register(emulator, hooks)
    control(emulator, "POST", "/lifecycle", {"api_key": emulator.api_key, **RATES})
    sent = send(emulator, 200)
    assert len(sent) == 200
    advance(emulator, 3 * DAY)
    flush(emulator)

    assert all(isinstance(b, dict) for b in receiver.bodies("/v1"))
    grouped = receiver.bodies("/v2")
    assert grouped and all(isinstance(b, list) and b for b in grouped)
    assert all(len({e["time"] for e in batch}) == 1 for batch in grouped)  # one emulator second per POST
    assert len({b[0]["time"] for b in grouped}) == len(grouped)  # and one POST per second
    assert {e["event"] for e in receiver.events("/v1")} == set(V1_TYPES)
    assert {e["event"] for e in receiver.events("/v2")} == set(V2_TYPES)
    token = base64.b64encode(b"hook:s3cret").decode()
    assert {r.headers["Authorization"] for r in receiver.received} == {f"Basic {token}"}

    got = Counter((e["MessageID"], e["event"]) for e in receiver.events())
    assert got == _expected(emulator, set(sent))  # every event, exactly once
    with rest(emulator) as mj:
        contacts = {r["Email"]: r["ID"] for r in mj.contact.get(filters={"Limit": 1000}).json()["Data"]}
        for event in receiver.events():
            _check_shape(event, sent, contacts)
        # the statistics tell the same story as the events
        history_names = {"opened": "open", "clicked": "click", "bounced": "bounce"}
        for message_id in sorted(sent)[:25]:
            history = mj.messagehistory.get(id=message_id).json()["Data"]
            told = Counter((history_names.get(h["EventType"], h["EventType"]), h["EventAt"]) for h in history)
            events = Counter(
                (e["event"], e["time"]) for e in receiver.events() if e["MessageID"] == message_id
            )
            assert told == events, message_id


def test_unsub_from_a_list_campaign_carries_the_list(emulator, receiver):
    register(emulator, {"unsub": (receiver.url("/unsub"), 1)})
    control(emulator, "POST", "/lifecycle", {"api_key": emulator.api_key, **QUIET, "unsub_rate": 1.0})
    client = httpx.Client(base_url=emulator.url, auth=(emulator.api_key, emulator.api_secret))
    with client:
        lists = client.get("/v3/REST/contactslist", params={"Limit": 100}).json()["Data"]
        target = max(lists, key=lambda r: r["SubscriberCount"])
        body = {"Locale": "en_US", "Sender": "News", "SenderEmail": "news@example.com", "Subject": "Hi",
                "ContactsListID": target["ID"], "Title": "List send"}  # fmt: skip
        draft = client.post("/v3/REST/campaigndraft", json=body).json()["Data"][0]["ID"]
        content = {"Html-part": "<p>Hi</p>", "Text-part": "Hi"}
        assert client.post(f"/v3/REST/campaigndraft/{draft}/detailcontent", json=content).status_code == 201
        assert client.post(f"/v3/REST/campaigndraft/{draft}/send", json={}).status_code == 201
        advance(emulator, 3 * DAY)
        flush(emulator)
        events = receiver.events("/unsub")
        assert events and {e["mj_list_id"] for e in events} == {target["ID"]}
        assert {e["customcampaign"] for e in events} == {f"mj.nl={draft}"}
        contact = events[0]["mj_contact_id"]
        subscriptions = client.get("/v3/REST/listrecipient", params={"Contact": contact, "Limit": 100}).json()
        row = next(r for r in subscriptions["Data"] if r["ListID"] == target["ID"])
        assert row["IsUnsubscribed"] is True and row["UnsubscribedAt"]


def attempts(server: EmulatorServer, path: str) -> list[list[tuple[int, Any]]]:
    """(time, status or error) of every attempt of each event job posting to `path`."""
    jobs = control(server, "GET", f"/deliveries?api_key={server.api_key}&kind=event")["Data"]
    return [
        [(a["At"], a.get("StatusCode", "error")) for a in job["Attempts"]]
        for job in jobs
        if job["Url"].endswith(path)
    ]


def test_failed_deliveries_are_retried_every_30_emulator_seconds(emulator, receiver):
    # The app's worker thread may make an attempt before a flush does: the log, not flush's counts, is
    # what the test reads. A flush always leaves every due job attempted.
    register(emulator, {"sent": (receiver.url("/sent"), 1)})
    control(emulator, "POST", "/lifecycle", {"api_key": emulator.api_key, **QUIET})
    receiver.fail_all = True
    sent = send(emulator, 5)
    flush(emulator)
    assert attempts(emulator, "/sent") == [[(NOW, 500)]] * 5
    advance(emulator, 29)
    flush(emulator)
    assert attempts(emulator, "/sent") == [[(NOW, 500)]] * 5  # nothing is due before 30 s have passed
    advance(emulator, 1)
    flush(emulator)
    assert attempts(emulator, "/sent") == [[(NOW, 500), (NOW + 30, 500)]] * 5
    receiver.fail_all = False
    advance(emulator, 30)
    flush(emulator)
    assert attempts(emulator, "/sent") == [[(NOW, 500), (NOW + 30, 500), (NOW + 60, 200)]] * 5
    assert sorted(e["MessageID"] for e in receiver.events("/sent")) == sorted(sent)
    assert flush(emulator)["pending"] == 0


def test_a_url_failing_for_24h_dies_and_its_events_go_to_the_backup(emulator, receiver):
    register(emulator, {"sent": (receiver.url("/primary"), 1)})
    register(emulator, {"sent": (receiver.url("/backup"), 2)}, backup=True)
    control(emulator, "POST", "/lifecycle", {"api_key": emulator.api_key, **QUIET})
    receiver.fail_paths.add("/primary")
    first = send(emulator, 3)
    flush(emulator)
    advance(emulator, DAY - 30)
    flush(emulator)
    with rest(emulator) as mj:
        assert mj.eventcallbackurl.get(id="sent|false").json()["Data"][0]["Status"] == "alive"
        advance(emulator, 30)  # 24 h after the first failure
        flush(emulator)
        primary = mj.eventcallbackurl.get(id="sent|false").json()["Data"][0]
        assert primary["Status"] == "dead"
        assert sorted(e["MessageID"] for e in receiver.events("/backup")) == sorted(first)
        later = send(emulator, 2, start=10)  # new events go straight to the backup while the primary is dead
        advance(emulator, 1)  # a Version 2 group leaves once its second is over
        flush(emulator)
        assert set(later) <= {e["MessageID"] for e in receiver.events("/backup")}
        assert not receiver.bodies("/primary")
        revived = mj.eventcallbackurl.update(id=primary["ID"], data={"Url": receiver.url("/primary2")})
        assert revived.json()["Data"][0]["Status"] == "alive"


def test_test_action_posts_a_test_event(emulator, receiver):
    ids = register(emulator, {"click": (receiver.url("/test", "u", "p"), 2)})
    with rest(emulator) as mj:
        answer = mj.eventcallbackurl_test.create(id=ids["click"])
    assert answer.status_code == 200
    flush(emulator)
    (body,) = receiver.bodies("/test")
    assert isinstance(body, list) and len(body) == 1
    (event,) = body
    assert list(event) == [*COMMON, *SPEC_FIELDS["click"], "CustomID", "Payload"]
    assert (event["event"], event["MessageID"], event["email"]) == ("click", 0, "test@mailjet.com")
