"""The HTTP gateway over an in-process emulator, and the official mailjet-rest client through a live one."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailjet_rest import Client as MailjetRest
from mailjet_rest.errors import MailjetAuthError

from mailjet_connector.agents.audit import iter_records
from mailjet_connector.agents.audit_verify import verify
from mailjet_connector.agents.gateway import Gateway, create_gateway_app
from mailjet_connector.agents.policy import Access, Limits, Policy
from mailjet_connector.catalog import Area
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.agents.gateway_support import GatewayEnv, TestClient, agent, gateway_env, serve_gateway, token_for

SANDBOX_SEND = {
    "SandboxMode": True,
    "Messages": [
        {
            "From": {"Email": "news@example.com"},
            "To": [{"Email": "ann@example.org"}, {"Email": "bob@example.org"}],
            "Subject": "Hi",
            "TextPart": "Hello",
        }
    ],
}
LIVE_SEND = {**SANDBOX_SEND, "SandboxMode": False}

AGENTS = [
    agent("analytics", {Area.STATISTICS: Access.READ, Area.CONTACTS: Access.READ, Area.ACCOUNT: Access.READ}),
    agent(
        "support",
        {Area.CONTACTS: Access.WRITE, Area.LISTS: Access.WRITE},
        limits=Limits(allowed_lists=frozenset({1})),
    ),
    agent("sender", {Area.SEND: Access.WRITE}, limits=Limits(max_recipients=2, calls_per_minute=3)),
    agent("live", {Area.SEND: Access.WRITE}, send_live=True),
    agent("dry", {Area.CONTACTS: Access.WRITE}, limits=Limits(dry_run_only=True)),
]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GatewayEnv]:
    with gateway_env(tmp_path, AGENTS) as made:
        yield made


def assert_denied(response, env: GatewayEnv, before: int, words: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["ErrorInfo"] == "" and body["StatusCode"] == 403 and words in body["ErrorMessage"]
    assert len(env.state.request_log) == before, "a denied call reached the emulator"


def test_reads_go_through_with_the_query_string(env: GatewayEnv) -> None:
    response = env.call("analytics", "GET", "/v3/REST/contact", params={"Limit": 3, "Sort": "CreatedAt DESC"})
    assert response.status_code == 200
    body = response.json()
    assert body["Count"] == 3 and body["Data"][0]["CreatedAt"] >= body["Data"][1]["CreatedAt"]
    entry = env.state.request_log[-1]
    assert entry["api_key"] == env.api_key and "Limit=3" in entry["query"]


def test_writes_without_write_access_get_a_mailjet_403_and_never_reach_mailjet(env: GatewayEnv) -> None:
    before = len(env.state.request_log)
    response = env.call("analytics", "POST", "/v3/REST/contact", json={"Email": "new@example.org"})
    assert_denied(response, env, before, "may only read area 'contacts'")
    assert_denied(env.call("analytics", "GET", "/v3/REST/contactslist"), env, before, "no access")


def test_bad_credentials_get_mailjet_401s(env: GatewayEnv) -> None:
    rest = env.client.get("/v3/REST/contact", auth=("analytics", "wrong-token"))
    assert rest.status_code == 401 and rest.content == b""
    assert rest.headers["www-authenticate"].startswith("Basic realm=")
    assert env.client.get("/v3/REST/contact").status_code == 401
    assert env.client.get("/v3/REST/contact", auth=("nobody", token_for("analytics"))).status_code == 401
    send = env.client.post("/v3.1/send", json=SANDBOX_SEND, auth=("sender", "nope"))
    assert send.status_code == 401 and send.json()["StatusCode"] == 401
    assert env.state.request_log == []


def test_unknown_paths_are_denied(env: GatewayEnv) -> None:
    for method, path in [
        ("GET", "/v3/REST/nosuch"),
        ("GET", "/_emulator/state"),
        ("GET", "/v3.1/send"),
        ("POST", "/v3/REST/contact/1/explode"),
        ("GET", "/"),
    ]:
        response = env.call("analytics", method, path)
        assert response.status_code == 403, (method, path)
    assert env.state.request_log == []


def test_send_is_sandbox_only_unless_the_agent_is_live(env: GatewayEnv) -> None:
    sandbox = env.call("sender", "POST", "/v3.1/send", json=SANDBOX_SEND)
    assert sandbox.status_code == 200, sandbox.text
    assert sandbox.json()["Messages"][0]["Status"] == "success"
    before = len(env.state.request_log)
    assert_denied(env.call("sender", "POST", "/v3.1/send", json=LIVE_SEND), env, before, "SandboxMode")
    v3 = {
        "FromEmail": "news@example.com",
        "Recipients": [{"Email": "a@example.org"}],
        "Subject": "s",
        "Text-part": "t",
    }
    assert_denied(env.call("sender", "POST", "/v3/send", json=v3), env, before, "SandboxMode")
    assert env.call("live", "POST", "/v3.1/send", json=LIVE_SEND).status_code == 200


def test_max_recipients_and_calls_per_minute(env: GatewayEnv) -> None:
    three = {
        **SANDBOX_SEND,
        "Messages": [{**SANDBOX_SEND["Messages"][0], "Cc": [{"Email": "c@example.org"}]}],
    }
    before = len(env.state.request_log)
    assert_denied(env.call("sender", "POST", "/v3.1/send", json=three), env, before, "3 recipients exceed")
    assert env.call("sender", "POST", "/v3.1/send", json=SANDBOX_SEND).status_code == 200
    assert env.call("sender", "POST", "/v3.1/send", json=SANDBOX_SEND).status_code == 200
    limited = env.call("sender", "POST", "/v3.1/send", json=SANDBOX_SEND)  # 4th call in the minute
    assert limited.status_code == 429 and limited.text.startswith("<html>")
    assert "retry-after" not in limited.headers
    env.clock.now += 61
    assert env.call("sender", "POST", "/v3.1/send", json=SANDBOX_SEND).status_code == 200


def test_allowed_lists_in_path_and_body(env: GatewayEnv) -> None:
    assert env.call("support", "PUT", "/v3/REST/contactslist/1", json={"Name": "Renamed"}).status_code == 200
    before = len(env.state.request_log)
    assert_denied(
        env.call("support", "PUT", "/v3/REST/contactslist/2", json={"Name": "x"}),
        env,
        before,
        "contacts list 2",
    )
    body = {"ContactsLists": [{"ListID": 1, "Action": "addforce"}, {"ListID": 3, "Action": "remove"}]}
    assert_denied(
        env.call("support", "POST", "/v3/REST/contact/1/managecontactslists", json=body),
        env,
        before,
        "contacts list 3",
    )
    assert_denied(
        env.call(
            "support", "POST", "/v3/DATA/contactslist/2/CSVData/text:plain", content=b'"email"\n"a@b.io"\n'
        ),
        env,
        before,
        "contacts list 2",
    )
    only_one = {"ContactsLists": [{"ListID": 1, "Action": "addforce"}]}
    answer = env.call("support", "POST", "/v3/REST/contact/1/managecontactslists", json=only_one)
    assert answer.status_code in (200, 201), answer.text


def test_dry_run_only_agents_cannot_write(env: GatewayEnv) -> None:
    before = len(env.state.request_log)
    assert_denied(env.call("dry", "PUT", "/v3/REST/contact/1", json={"Name": "x"}), env, before, "dry-run")
    assert env.call("dry", "GET", "/v3/REST/contact/1").status_code == 200


def test_gdpr_delete_is_a_contacts_write(env: GatewayEnv) -> None:
    before = len(env.state.request_log)
    assert_denied(env.call("analytics", "DELETE", "/v4/contacts/1"), env, before, "may only read")
    assert env.call("support", "DELETE", "/v4/contacts/1").status_code == 200


def test_secret_fields_are_masked_and_upstream_credentials_never_leak(env: GatewayEnv) -> None:
    response = env.call("analytics", "GET", "/v3/REST/apikey")
    assert response.status_code == 200
    rows = response.json()["Data"]
    assert rows and all(row["SecretKey"] == "***" for row in rows)
    secret = next(iter(env.state.accounts.values())).api_secret
    encoded = base64.b64encode(f"{env.api_key}:{secret}".encode()).decode()
    for probe in (response, env.call("analytics", "GET", "/v3/REST/contact/1")):
        assert secret not in probe.text and encoded not in str(probe.headers)
        assert "authorization" not in probe.headers


def test_every_call_is_audited_and_the_chain_verifies(env: GatewayEnv) -> None:
    env.call("analytics", "GET", "/v3/REST/contact/ann@example.com")
    env.call("analytics", "POST", "/v3/REST/contact", json={"Email": "x@example.org"})
    env.client.get("/v3/REST/contact", auth=("analytics", "bad-token"))
    env.call("sender", "POST", "/v3.1/send", json=SANDBOX_SEND)
    env.client.close()  # waits for the background audit writes
    records = list(iter_records(env.audit_path))
    assert [(r["agent"], r["decision"], r["status"]) for r in records] == [
        ("analytics", "allow", 404),
        ("analytics", "deny", 403),
        ("analytics", "deny", 401),
        ("sender", "allow", 200),
    ]
    assert records[0]["operation"] == "GET /v3/REST/contact/***@example.com"
    assert records[1]["area"] == "contacts" and records[2]["reason"] == "bad credentials"
    assert records[3]["counts"] == {"recipients": 2} and records[3]["area"] == "send"
    text = env.audit_path.read_text()
    assert "bad-token" not in text and "Hello" not in text and token_for("analytics") not in text
    assert verify(env.audit_path).ok


@pytest.fixture(scope="module")
def live_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmulatorServer, Gateway, str]]:
    """The emulator, and the gateway over it served as `agents gateway` serves it: (emulator, app, URL)."""
    audit = tmp_path_factory.mktemp("gateway") / "audit.jsonl"
    policy = Policy({a.name: a for a in AGENTS}, audit)
    with start_emulator(scale="tiny") as upstream:
        app = create_gateway_app(policy, upstream.url, upstream.api_key, upstream.api_secret)
        with serve_gateway(app) as url:
            yield upstream, app, url


def wait_for_records(path: Path, count: int) -> list[str]:
    """The agents of the audit records, once `count` are there (each is written just after its answer)."""
    deadline = time.monotonic() + 5
    while True:
        agents = [r["agent"] for r in iter_records(path)] if path.exists() else []
        if len(agents) >= count or time.monotonic() > deadline:
            return agents
        time.sleep(0.01)


def official(url: str, name: str, version: str = "v3") -> MailjetRest:
    return MailjetRest(auth=(name, token_for(name)), api_url=url + "/", version=version, timeout=10)


def test_mailjet_rest_works_through_the_gateway_and_gets_403_when_denied(live_gateway) -> None:
    upstream, app, url = live_gateway
    with official(url, "analytics") as mj:
        listed = mj.contact.get(filters={"Limit": 2})
        assert listed.status_code == 200 and listed.json()["Count"] == 2
        before = len(upstream.state.request_log)
        with pytest.raises(MailjetAuthError) as caught:
            mj.contact.create(data={"Email": "agent@example.org"})
        assert "403" in str(caught.value.args) or "may only read" in str(caught.value)
        assert len(upstream.state.request_log) == before
    with official(url, "support") as mj:
        created = mj.contact.create(data={"Email": "agent@example.org"})
        assert created.status_code == 201
    with official(url, "sender", version="v3.1") as mj:
        sent = mj.send.create(data=SANDBOX_SEND)
        assert sent.status_code == 200 and sent.json()["Messages"][0]["Status"] == "success"
    audit_path = app.audit.path  # default audit: group commit
    agents = wait_for_records(audit_path, 4)
    assert agents.count("analytics") == 2 and agents[-2:] == ["support", "sender"]
    assert verify(audit_path).ok


def test_large_bodies_stream_both_ways(tmp_path: Path) -> None:
    with gateway_env(tmp_path, AGENTS, buffer_limit=0) as env:
        listed = env.call("analytics", "GET", "/v3/REST/contact", params={"Limit": 50})
        assert listed.status_code == 200 and listed.json()["Count"] == 50
        csv = b'"email","name"\n"one@example.org","One"\n'
        uploaded = env.call("support", "POST", "/v3/DATA/contactslist/1/CSVData/text:plain", content=csv)
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["ID"] > 0
        unsized = env.call(
            "support", "POST", "/v3/DATA/contactslist/1/CSVData/text:plain", content=iter([csv])
        )
        assert unsized.status_code == 200, unsized.text  # no Content-Length: chunked both hops
        env.client.close()
        assert [r["status"] for r in iter_records(env.audit_path)] == [200, 200, 200]
    uploads = [e for e in env.state.request_log if e["path"].startswith("/v3/DATA/")]
    assert len(uploads) == 2


def test_upstream_refusing_the_gateway_key_is_a_502_not_the_agents_fault(tmp_path: Path) -> None:
    with gateway_env(tmp_path, AGENTS, upstream_secret="not-the-secret") as env:
        response = env.call("analytics", "GET", "/v3/REST/contact")
        assert response.status_code == 502 and "www-authenticate" not in response.headers
        assert "gateway's own credentials" in response.json()["ErrorMessage"]


def test_unreachable_upstream_is_a_502(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    audit = tmp_path / "audit.jsonl"
    app = create_gateway_app(
        Policy({a.name: a for a in AGENTS}, audit), f"http://127.0.0.1:{closed}", "k", "s"
    )
    with TestClient(app) as client:
        response = client.get("/v3/REST/contact", auth=("analytics", token_for("analytics")))
    assert response.status_code == 502 and "unreachable" in response.json()["ErrorMessage"]
    assert verify(audit).ok and verify(audit).records == 1
