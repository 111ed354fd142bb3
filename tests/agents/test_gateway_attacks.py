"""The attacks of #16, one regression test per class, through the served gateway with raw requests; each
names an agent for which the attack would pass if the check were missing, and the emulator's request log
shows what reached "Mailjet"."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass

import orjson
import pytest

from mailjet_connector.agents.audit import AuditLog, iter_records
from mailjet_connector.agents.gateway import Gateway, create_gateway_app
from mailjet_connector.agents.policy import Access, AgentPolicy, Limits, Policy
from mailjet_connector.catalog import Area
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.agents.call_specs import MALFORMED, Spec, malformed, render
from tests.agents.gateway_support import agent, serve_gateway, token_for
from tests.agents.raw_http import RawAnswer, raw_request

ALL = {area: Access.WRITE for area in Area}
LISTED = agent("listed", ALL, send_live=True, limits=Limits(allowed_lists=frozenset({1})))
OPEN = agent("open", ALL, send_live=True)
SMALL = agent("small", ALL, limits=Limits(max_recipients=2))
LIST2 = "nknpqupey"  # Address of list 2 in the tiny preset


@dataclass
class Env:
    upstream: EmulatorServer
    gateway: Gateway
    url: str

    def call(self, who: AgentPolicy, method: str, target: str | bytes, body: bytes = b"", **kw) -> RawAnswer:
        raw = target.encode() if isinstance(target, str) else target
        return raw_request(self.url, method, raw, body, auth=(who.name, token_for(who.name)), **kw)

    def mark(self) -> int:
        assert self.upstream.state is not None
        return len(self.upstream.state.request_log)

    def since(self, mark: int) -> list[tuple[str, str]]:
        assert self.upstream.state is not None
        return [(e["method"], e["path"]) for e in self.upstream.state.request_log[mark:]]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    audit = tmp_path_factory.mktemp("attacks") / "audit.jsonl"
    policy = Policy({a.name: a for a in (LISTED, OPEN, SMALL)}, audit, max_body_bytes=64 * 1024)
    with start_emulator(scale="tiny", frozen=True) as upstream:
        app = create_gateway_app(
            policy, upstream.url, upstream.api_key, upstream.api_secret, audit=AuditLog(audit, fsync=False)
        )
        with serve_gateway(app) as url:
            yield Env(upstream, app, url)


def denied_and_unreached(
    env: Env, who: AgentPolicy, method: str, target: str | bytes, body: bytes = b""
) -> RawAnswer:
    mark = env.mark()
    answer = env.call(who, method, target, body)
    assert answer.status in (400, 403, 405, 413), (answer.status, answer.body)
    assert [r for r in env.since(mark) if r[0] != "GET"] == []
    return answer


# 1. Lists named by alternate keys.
@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("/v3/REST/csvimport", {"ContactsListAlt": LIST2, "DataID": 1}),
        (
            "/v3/REST/contact/1/managecontactslists",
            {"ContactsLists": [{"ListAlt": LIST2, "Action": "addnoforce"}]},
        ),
        (
            "/v3/REST/contact/1/managecontactslists",
            {"ContactsLists": [{"LISTALT": LIST2, "Action": "unsub"}]},
        ),
        ("/v3/REST/listrecipient", {"ContactID": 1, "listalt": LIST2}),
        ("/v3/REST/listrecipient", {"ContactID": 1, "ListID": "2"}),
        ("/v3/REST/listrecipient", {"ContactID": 1, "List": 2}),
        ("/v3/REST/contactslist/1/importlist", {"Action": "addforce", "ListID": 2}),
        (f"/v3/REST/contactslist/{LIST2}", {"Name": "renamed"}),
    ],
)
def test_lists_in_any_form_are_checked(env: Env, target: str, body: dict) -> None:
    method = "PUT" if target.startswith("/v3/REST/contactslist/") and "importlist" not in target else "POST"
    answer = denied_and_unreached(env, LISTED, method, target, orjson.dumps(body))
    assert "contacts list 2" in answer.json()["ErrorMessage"]


def test_an_alt_value_is_forwarded_as_the_id_it_was_decided_on(env: Env) -> None:
    mark = env.mark()
    body = orjson.dumps({"ContactsLists": [{"ListAlt": "uglxqbfyy", "Action": "addnoforce"}]})
    answer = env.call(LISTED, "POST", "/v3/REST/contact/3/managecontactslists", body)
    assert answer.status == 201, answer.body
    assert env.since(mark) == [
        ("GET", "/v3/REST/contactslist/uglxqbfyy"),
        ("POST", "/v3/REST/contact/3/managecontactslists"),
    ]
    lookups = [
        r["counts"].get("lookups") for r in iter_records(env.gateway.audit.path) if r["agent"] == "listed"
    ]
    assert lookups[-1] == 1


def test_one_call_cannot_fan_out_into_many_lookups(env: Env) -> None:
    entries = [{"ListAlt": f"address{i}", "Action": "addnoforce"} for i in range(21)]
    mark = env.mark()
    answer = env.call(
        LISTED, "POST", "/v3/REST/contact/1/managecontactslists", orjson.dumps({"ContactsLists": entries})
    )
    assert answer.status == 403 and "at most 20" in answer.json()["ErrorMessage"]
    assert env.since(mark) == []


def test_an_unknown_alt_is_denied_not_guessed(env: Env) -> None:
    answer = denied_and_unreached(
        env, LISTED, "POST", "/v3/REST/listrecipient", b'{"ContactID": 1, "ListAlt": "Customers"}'
    )
    assert "names no contacts list" in answer.json()["ErrorMessage"]


# 2. Ownership of the object written.
@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("/v3/REST/listrecipient/5", {"IsUnsubscribed": True, "ListID": 1}),  # subscription of list 2
        ("/v3/REST/listrecipient/5", {"IsUnsubscribed": True}),
        ("/v3/REST/widget/2", {"Name": "x", "ListID": 1}),  # widget of list 2
        ("/v3/REST/widgetcustomvalue/2", {"Value": "x"}),  # value of widget 2, list 2
        ("/v3/REST/campaigndraft/2", {"Subject": "x"}),  # draft for list 2
    ],
)
def test_writes_by_id_need_the_objects_current_list(env: Env, target: str, body: dict) -> None:
    answer = denied_and_unreached(env, LISTED, "PUT", target, orjson.dumps(body))
    assert "contacts list 2" in answer.json()["ErrorMessage"]
    assert env.call(LISTED, "DELETE", target).status == 403


def test_writes_on_objects_of_allowed_lists_pass(env: Env) -> None:
    mark = env.mark()
    assert env.call(LISTED, "PUT", "/v3/REST/listrecipient/1", b'{"IsUnsubscribed": false}').status in (
        200,
        304,
    )
    assert env.call(LISTED, "PUT", "/v3/REST/widgetcustomvalue/1", b'{"Value": "ok"}').status in (200, 304)
    assert ("PUT", "/v3/REST/widgetcustomvalue/1") in env.since(mark)


# 3 and 6. Bodies and paths the gateway cannot read one way: refused whoever asks (every malformed trick).
@pytest.mark.parametrize("trick", sorted(MALFORMED))
@pytest.mark.parametrize("kind", ["recipient_post", "send31", "manage", "csvimport", "recipient_put"])
def test_malformed_calls_are_refused_for_any_agent(env: Env, kind: str, trick: str) -> None:
    spec = Spec(kind, target=1, trick=trick)
    method, target, body = render(spec, {i: f"a{i}" for i in range(1, 6)})
    if not malformed(spec):
        pytest.skip("not malformed for this kind (no key in the path, or a send body naming no list)")
    denied_and_unreached(env, OPEN, method, target, body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"sandboxmode": false, "Messages": []}',
        b'{"SandboxMode": "true", "Messages": []}',
        b'{"SandboxMode": true, "sandboxMode": false, "Messages": []}',
        b'{"SandboxMode": true, "\\u017fandboxMode": false, "Messages": []}',
    ],
)
def test_sandbox_spellings_decide_and_are_forwarded_canonically(env: Env, body: bytes) -> None:
    who = agent("sandboxed", {Area.SEND: Access.WRITE})
    env.gateway.policy = Policy(
        {**env.gateway.policy.agents, who.name: who}, env.gateway.policy.audit_path, max_body_bytes=64 * 1024
    )
    denied_and_unreached(env, who, "POST", "/v3.1/send", body)
    mark = env.mark()
    sandbox = b'{"sandboxmode": true, "Messages": [{"From": {"Email": "news@example.com"}, "To": [{"Email": "a@x.org"}], "Subject": "s", "TextPart": "t"}]}'
    answer = env.call(who, "POST", "/v3.1/send", sandbox)
    assert answer.status == 200 and env.since(mark) == [("POST", "/v3.1/send")]
    assert answer.json()["Messages"][0]["Status"] == "success"


def test_globals_recipients_count(env: Env) -> None:
    body = orjson.dumps(
        {"SandboxMode": True, "Globals": {"Bcc": [{"Email": f"g{i}@x.org"} for i in range(3)]},
         "Messages": [{"From": {"Email": "news@example.com"}, "To": [{"Email": "a@x.org"}], "Subject": "s", "TextPart": "t"}]}
    )  # fmt: skip
    answer = denied_and_unreached(env, SMALL, "POST", "/v3.1/send", body)
    assert "4 recipients exceed" in answer.json()["ErrorMessage"]


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", b"/v3/REST/campaigndraft/1/schedule/../../../contact"),
        ("GET", b"/v3/REST/contact/..%2F..%2Fapikey"),
        ("GET", b"/v3/REST/contact/%2e%2e/%2e%2e/apikey"),
        ("PUT", b"/v3/REST/contactslist/%252e%252e"),  # escaped twice: a decoding proxy reads '..'
        ("GET", b"/v3/REST/contact/%252e%252e%252fapikey"),
        ("GET", b"/v3/REST//apikey"),
        ("GET", b"/v3/REST/apikey?_method=DELETE"),
        ("POST", b"/v3/REST/contact?Email=x%40y.org"),
        ("HEAD", b"/v3/REST/contact"),
        ("OPTIONS", b"/v3/REST/contact"),
        ("PATCH", b"/v3/REST/contact/1"),
        ("GET", b"/v4/contacts/1"),
        ("GET", b"/v3.1/REST/contact"),
        ("POST", b"/v3/REST/contact/1/managecontactslists/../../../contactslist"),
    ],
)
def test_paths_and_methods_outside_the_shapes_never_reach_mailjet(
    env: Env, method: str, target: bytes
) -> None:
    mark = env.mark()
    answer = env.call(OPEN, method, target, b"{}" if method == "POST" else b"")
    assert answer.status in (400, 403, 405), answer.body
    assert env.since(mark) == []


# 7. Body cap: answered 413 from the announced length, and while a chunked body arrives.
def test_bodies_over_the_cap_are_413(env: Env) -> None:
    big = b'{"Name": "' + b"x" * (70 * 1024) + b'"}'
    for chunked in (False, True):
        mark = env.mark()
        answer = env.call(OPEN, "POST", "/v3/REST/contactslist", big, chunked=chunked)
        assert answer.status == 413 and env.since(mark) == []
        assert answer.json()["StatusCode"] == 413


# 5. Responses: asked uncompressed; secrets masked at any depth; an answer that cannot be masked is a 502.
def test_secrets_are_masked_and_the_upstream_is_asked_for_identity(env: Env) -> None:
    answer = env.call(OPEN, "GET", "/v3/REST/apikey", headers=[(b"accept-encoding", b"gzip")])
    assert answer.status == 200 and b"content-encoding" not in answer.headers
    assert all(row["SecretKey"] == "***" for row in answer.json()["Data"])


async def odd_upstream(scope: dict, receive, send) -> None:
    """An upstream with answers the gateway must not pass on as they are: gzip whatever was asked, text,
    secrets under other resources (small, and streamed in pieces that split the name), a subscription without
    its list."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    row = {"APIKey": "k", "SecretKey": "REAL-SECRET", "Nested": [{"secretkey": "REAL-SECRET"}]}
    plain = orjson.dumps({"Count": 1, "Data": [row], "Total": 1})
    headers = [(b"content-type", b"application/json")]
    pieces = [plain]
    if "text" in path:
        pieces, headers = [b"SecretKey=REAL-SECRET"], [(b"content-type", b"text/plain")]
    elif path.startswith("/v3/REST/listrecipient"):
        pieces = [orjson.dumps({"Count": 1, "Data": [{"ID": 5, "IsUnsubscribed": False}], "Total": 1})]
    elif "streamed" in path:
        big = b'{"Count": 1, "Data": [{"Filler": "' + b"x" * 300_000 + b'", "Sec'
        pieces = [big, b'retKey": "REAL-SECRET"}], "Total": 1}']
    elif "gzip" in path or path == "/v3/REST/apikey":
        pieces, headers = [gzip.compress(plain)], [*headers, (b"content-encoding", b"gzip")]
    sized = [(b"content-length", b"%d" % sum(map(len, pieces)))] if len(pieces) == 1 else []
    await send({"type": "http.response.start", "status": 200, "headers": [*headers, *sized]})
    for piece in pieces:
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


def test_answers_that_cannot_be_masked_are_not_passed_on(tmp_path) -> None:
    policy = Policy({OPEN.name: OPEN, LISTED.name: LISTED}, tmp_path / "audit.jsonl")
    with serve_gateway(odd_upstream) as upstream_url:  # type: ignore[arg-type]
        app = create_gateway_app(
            policy, upstream_url, "k", "s", audit=AuditLog(tmp_path / "audit.jsonl", fsync=False)
        )
        with serve_gateway(app) as url:
            auth = (OPEN.name, token_for(OPEN.name))
            for target in (b"/v3/REST/apikey", b"/v3/REST/apikey/text", b"/v3/REST/contact/gzip@x.org"):
                answer = raw_request(url, "GET", target, auth=auth, headers=[(b"accept-encoding", b"gzip")])
                assert answer.status == 502 and b"REAL-SECRET" not in answer.body, target
            for target in (b"/v3/REST/apikey/plain", b"/v3/REST/user/plain@x.org"):  # masked anywhere
                answer = raw_request(url, "GET", target, auth=auth)
                assert answer.status == 200 and b"REAL-SECRET" not in answer.body, target
                assert answer.json()["Data"][0]["Nested"][0]["secretkey"] == "***"
            try:
                cut = raw_request(url, "GET", b"/v3/REST/user/streamed@x.org", auth=auth)
                assert b"REAL-SECRET" not in cut.body
            except (ValueError, IndexError, ConnectionError):
                pass  # the connection was dropped mid-answer: nothing of the secret came through
            app.audit.close()
            reasons = [r["reason"] for r in iter_records(tmp_path / "audit.jsonl")]
            assert any("names a secret field; cut before it" in reason for reason in reasons), reasons
            owner = raw_request(
                url, "PUT", b"/v3/REST/listrecipient/5", b"{}", auth=(LISTED.name, token_for(LISTED.name))
            )
            assert owner.status == 403 and "came back without ListID" in owner.json()["ErrorMessage"]
