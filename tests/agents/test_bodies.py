"""What a body means to the policy, from the catalog's link metadata (#16, classes 1 and 3): recipients with
Globals and any key case, SandboxMode by type, contacts lists in ID, Alt and bare form at any depth."""

from __future__ import annotations

import pytest

from mailjet_connector.agents.calls import Call
from mailjet_connector.agents.policy import SendInfo
from mailjet_connector.agents.strict_json import BodyError
from mailjet_connector.catalog.links import owner_links, spellings


def http(method: str, path: str, raw: bytes) -> Call:
    return Call.from_http(method, path.encode(), b"", raw)


def test_list_spellings_come_from_the_catalog() -> None:
    names = set(spellings("contactslist"))
    assert {
        "listid",
        "listalt",
        "contactslistid",
        "contactslistalt",
        "contactlistid",
        "contactlistalt",
    } <= names
    assert {"listrecipient", "widget", "widgetcustomvalue", "campaigndraft", "csvimport"} <= set(
        owner_links("contactslist")
    )
    assert "contact" not in owner_links("contactslist")


def test_v31_recipients_include_globals_and_any_case() -> None:
    call = http(
        "POST",
        "/v3.1/send",
        b'{"sandboxmode": true, "globals": {"bcc": [{"Email": "g1@x.io"}, {"Email": "g2@x.io"}]},'
        b' "messages": [{"to": [{"Email": "a@x.io"}]}, {"To": [{"Email": "b@x.io"}], "Bcc": []}]}',
    )
    assert call.facts.send == SendInfo(2 + 1 + 1, True)  # message 1 takes the Globals' Bcc, message 2 its own
    assert b'"SandboxMode":true' in call.body_bytes() and b'"Messages"' in call.body_bytes()
    assert b'"To":[{"Email":"a@x.io"}]' in call.body_bytes()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"SandboxMode": "true", "Messages": []}', "SandboxMode must be true or false"),
        (b'{"SandboxMode": 1, "Messages": []}', "SandboxMode must be true or false"),
        (b'{"Messages": {"To": []}}', "Messages must be an array"),
        (b'{"Messages": [{"To": {"Email": "a@x.io"}}]}', "To must be an array"),
        (b'{"Globals": [], "Messages": []}', "Globals must be an object"),
        (b"[]", "must be a JSON object"),
    ],
)
def test_send_bodies_the_policy_cannot_read_are_refused(raw: bytes, words: str) -> None:
    with pytest.raises(BodyError, match=words):
        http("POST", "/v3.1/send", raw)


def test_v3_counts_every_address_and_is_never_sandbox() -> None:
    call = http("POST", "/v3/send", b'{"to": "Ann <a@x.io>, b@x.io", "BCC": "c@x.io", "SandboxMode": true}')
    assert call.facts.send == SendInfo(3, False)
    bulk = http("POST", "/v3/send", b'{"Messages": [{"Recipients": [{}, {}]}, {"Cc": "d@x.io"}]}')
    assert bulk.facts.send == SendInfo(3, False)


def test_lists_are_found_in_every_form_and_rewritten_canonically() -> None:
    call = http(
        "POST",
        "/v3/REST/contact/5/managecontactslists",
        b'{"ContactsLists": [{"listid": "3", "Action": "addnoforce"}, {"LISTALT": "abc", "Action": "unsub"},'
        b' {"List": 4}]}',
    )
    found = [(ref.spelling.id_name, ref.list_id, ref.alt) for ref in call.facts.lists]
    assert found == [("ListID", 3, None), ("ListID", None, "abc"), ("ListID", 4, None)]
    assert call.body == {
        "ContactsLists": [
            {"Action": "addnoforce", "ListID": 3},
            {"Action": "unsub", "ListAlt": "abc"},
            {"ListID": 4},
        ]
    }
    call.facts.lists[1].resolve(7)
    assert call.body["ContactsLists"][1] == {"Action": "unsub", "ListID": 7}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"ListID": " 2", "ContactID": 1}',
        b'{"ListID": 2.0, "ContactID": 1}',
        b'{"ListID": true, "ContactID": 1}',
        b'{"ListID": -2, "ContactID": 1}',
        b'{"ListID": [2], "ContactID": 1}',
        b'{"ListID": "2e0", "ContactID": 1}',
        b'{"ListAlt": " abc", "ContactID": 1}',
        b'{"ListAlt": true, "ContactID": 1}',
        b'{"ListID": 1, "ListAlt": "abc"}',
    ],
)
def test_list_values_are_checked_by_type(raw: bytes) -> None:
    with pytest.raises(BodyError):
        http("POST", "/v3/REST/listrecipient", raw)


def test_list_owned_objects_named_in_a_body_are_noted() -> None:
    call = http("POST", "/v3/REST/widgetcustomvalue", b'{"widgetid": "5", "Name": "n"}')
    assert [(o.resource, o.key) for o in call.facts.owned] == [("widget", "5")]
    assert call.body == {"Name": "n", "WidgetID": 5}


def test_a_data_upload_is_forwarded_as_received_and_get_takes_no_body() -> None:
    csv = b'"email"\n"a@x.io"\n'
    call = Call.from_http("POST", b"/v3/DATA/contactslist/1/CSVData/text:plain", b"", csv, b"text/plain")
    assert call.body_bytes() == csv and call.request().list_ids == (1,)
    with pytest.raises(BodyError):
        Call.from_http("POST", b"/v3/DATA/contactslist/1/CSVData/text:plain", b"", csv, b"text/plain\r\nX: 1")
    with pytest.raises(BodyError, match="takes no body"):
        http("GET", "/v3/REST/contact", b'{"a": 1}')
