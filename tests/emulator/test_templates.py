"""Template detailcontent: POST blanks, PUT keeps, new-style answers and 404, and sends by TemplateID."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailjet_rest import Client

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.resources.content import PARTS, merge_content
from mailjet_connector.emulator.send.lookup import template_content
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import MAIN, OTHER, TestClient

MODERN = "application/json; charset=UTF-8"
UNKNOWN = "The resource with the specified ID you are trying to reach does not exist."


@pytest.fixture
def template_id(client) -> int:
    response = client.post("/v3/REST/template", json={"Name": "Receipt", "Purposes": ["transactional"]})
    assert response.status_code == 201, response.text
    return response.json()["Data"][0]["ID"]


def test_new_template_has_empty_content(client, template_id):
    response = client.get(f"/v3/REST/template/{template_id}/detailcontent")
    assert response.status_code == 200
    assert response.headers["content-type"] == MODERN
    assert response.content == (
        b'{"Count":1,"Data":[{"Html-part":null,"Text-part":null,"MJMLContent":null,"Headers":null}],'
        b'"Total":1}'
    )


def test_post_blanks_put_keeps(client, state, template_id):
    url = f"/v3/REST/template/{template_id}/detailcontent"
    headers = {"Subject": "Receipt {{var:order}}", "From": "Shop <shop@example.com>"}
    posted = client.post(url, json={"Html-part": "<p>H</p>", "Text-part": "T", "Headers": headers})
    assert posted.status_code == 201 and posted.headers["content-type"] == MODERN
    put = client.put(url, json={"Text-part": "T2"})
    assert put.status_code == 200
    assert put.json()["Data"][0] == {
        "Html-part": "<p>H</p>",
        "Text-part": "T2",
        "MJMLContent": None,
        "Headers": headers,
    }
    client.post(url, json={"MJMLContent": "<mjml></mjml>"})
    stored = template_content(state.accounts[MAIN[0]], template_id)
    assert stored == {"Html-part": None, "Text-part": None, "MJMLContent": "<mjml></mjml>", "Headers": None}


def test_unknown_template_is_a_new_style_404(client):
    response = client.get("/v3/REST/template/999/detailcontent")
    assert response.status_code == 404
    assert response.headers["content-type"] == MODERN
    body = response.json()
    assert set(body) == {"ErrorIdentifier", "StatusCode", "ErrorMessage"}
    assert (body["StatusCode"], body["ErrorMessage"]) == (404, UNKNOWN)
    assert b": " not in response.content  # compact JSON


def test_another_accounts_template_is_unknown(client, template_id):
    response = client.get(f"/v3/REST/template/{template_id}/detailcontent", auth=OTHER)
    assert response.status_code == 404 and response.json()["ErrorMessage"] == UNKNOWN


def test_detailcontent_needs_credentials(state, template_id):
    with TestClient(create_app(state)) as anonymous:
        response = anonymous.get(f"/v3/REST/template/{template_id}/detailcontent")
    assert response.status_code == 401 and response.content == b""


def test_detailcontent_refuses_delete_and_bad_values(client, template_id):
    url = f"/v3/REST/template/{template_id}/detailcontent"
    assert client.delete(url).status_code == 405
    assert client.post(url, json={"Headers": "x"}).status_code == 400
    assert client.post(url, json=["x"]).status_code == 400


def test_builder_metadata_is_accepted_and_not_stored(client, template_id):
    # Found by replaying mailjet-apiv3-python's own integration tests: TemplateContentBuilder.set_meta adds
    # Author/Name/Locale to the content, and the test expects 200/201 from Mailjet.
    url = f"/v3/REST/template/{template_id}/detailcontent"
    body = {"Author": "CI", "Name": "n", "Locale": "en_US", "Text-part": "T", "MJMLContent": "<mjml/>"}
    response = client.post(url, json=body)
    assert response.status_code == 201, response.text
    assert set(response.json()["Data"][0]) == {"Html-part", "Text-part", "MJMLContent", "Headers"}
    assert client.post(url, json={"Author": 5}).status_code == 400


def test_other_spelling_reaches_the_same_content(client, template_id):
    client.post(f"/v3/REST/template/{template_id}/detailcontent", json={"Text-part": "T"})
    response = client.get(f"/v3/REST/Template/{template_id}/DetailContent")
    assert response.status_code == 200 and response.json()["Data"][0]["Text-part"] == "T"


def test_official_client_template_flow(emulator):
    """Create a template, set its content, send it by TemplateID with variables (issue #5 acceptance)."""
    state: EmulatorState = emulator.state
    account = state.accounts[emulator.api_key]
    sender = next(
        r["Email"]
        for r in account.table("sender").iter_raw()
        if r["Status"] == "Active" and "*" not in r["Email"]
    )
    auth = (emulator.api_key, emulator.api_secret)
    with Client(auth=auth, api_url=emulator.url + "/", timeout=30) as mj:
        created = mj.template.create(data={"Name": "Order shipped", "Purposes": ["transactional"]})
        assert created.status_code == 201
        template_id = created.json()["Data"][0]["ID"]
        content = {
            "Html-part": "<p>Hi {{var:name}}, order {{var:order}} shipped</p>",
            "Text-part": "Hi {{var:name}}, order {{var:order}} shipped",
            "Headers": {"Subject": "Order {{var:order}}", "From": f"Shop <{sender}>"},
        }
        assert mj.template_detailcontent.create(id=template_id, data=content).status_code == 201
        assert (
            mj.template_detailcontent.get(id=template_id).json()["Data"][0]["Headers"] == content["Headers"]
        )
    message = {
        "From": {"Email": sender},
        "To": [{"Email": "buyer@example.org", "Name": "Buyer"}],
        "TemplateID": template_id,
        "TemplateLanguage": True,
        "Variables": {"name": "Ann", "order": "A-42"},
    }
    with Client(auth=auth, api_url=emulator.url + "/", version="v3.1", timeout=30) as mj:
        sent = mj.send.create(data={"Messages": [message]})
    assert sent.status_code == 200, sent.text
    message_id = sent.json()["Messages"][0]["To"][0]["MessageID"]
    delivered = account.extra["sent_content"][message_id]
    assert delivered["Subject"] == "Order A-42"
    assert delivered["TextPart"] == "Hi Ann, order A-42 shipped"
    assert delivered["HTMLPart"] == "<p>Hi Ann, order A-42 shipped</p>"


part_values = st.one_of(st.none(), st.text(max_size=5))
bodies = st.dictionaries(st.sampled_from(["Html-part", "Text-part", "MJMLContent"]), part_values)
stored = st.one_of(st.none(), st.fixed_dictionaries({p: part_values for p in PARTS if p != "Headers"}))


@given(stored, bodies)
def test_post_replaces_and_put_patches(current, body):
    posted = merge_content(current, body, "POST")
    put = merge_content(current, body, "PUT")
    assert set(posted) == set(put) == set(PARTS)
    for part in PARTS:
        if part in body:
            assert posted[part] == put[part] == body[part]
        else:
            assert posted[part] is None
            assert put[part] == (current or {}).get(part)
