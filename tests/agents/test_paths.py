"""URLs resolved strictly against the catalog's shapes (#16, class 6): what is not one of them is refused,
never forwarded; what is forwarded is spelled from the catalog."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.agents.paths import PathError, canonical_query, parse_key, resolve_path, route_for


def path_of(method: str, raw: str) -> str:
    return resolve_path(method, raw.encode()).path()


@pytest.mark.parametrize(
    ("method", "raw", "canonical"),
    [
        ("GET", "/v3/REST/contact", "/v3/REST/contact"),
        ("GET", "/v3/rest/CONTACT/", "/v3/REST/contact"),
        ("GET", "/v3/REST/contact/007", "/v3/REST/contact/7"),
        ("GET", "/v3/REST/contact/ann%40example.com", "/v3/REST/contact/ann@example.com"),
        ("POST", "/v3/REST/contact/managemanycontacts", "/v3/REST/contact/managemanycontacts"),
        ("GET", "/v3/REST/contact/ManageManyContacts/12", "/v3/REST/contact/managemanycontacts/12"),
        ("POST", "/v3/REST/contact/5/ManageContactsLists", "/v3/REST/contact/5/managecontactslists"),
        ("GET", "/v3/REST/statistics/link-click", "/v3/REST/statistics/link-click"),
        ("GET", "/v3/REST/eventcallbackurl/open|FALSE", "/v3/REST/eventcallbackurl/open|false"),
        ("POST", "/v3/DATA/contactslist/1/csvdata/TEXT:PLAIN", "/v3/DATA/contactslist/1/CSVData/text:plain"),
        (
            "GET",
            "/v3/DATA/BatchJob/4/JSONError/application:json/last",
            "/v3/DATA/batchjob/4/JSONError/application:json/LAST",
        ),
        ("POST", "/V3.1/Send", "/v3.1/send"),
        ("POST", "/v3/send", "/v3/send"),
        ("DELETE", "/v4/contacts/42", "/v4/contacts/42"),
    ],
)
def test_known_shapes_resolve_to_their_catalog_spelling(method: str, raw: str, canonical: str) -> None:
    assert path_of(method, raw) == canonical


MALFORMED = [
    "/v3/REST/campaigndraft/1/schedule/../../../contact",
    "/v3/REST/./contact",
    "/v3/REST/contact/%2e%2e/apikey",
    "/v3/REST/contact/..%2Fapikey",
    "/v3/REST/contact%2F1",
    "/v3/REST/contact%5C1",
    "/v3/REST//contact",
    "/v3/REST/contact//",
    "/v3/REST/contact/1%00",
    "/v3/REST/contact/1%0d%0aX-Evil:%201",
    "/v3/REST/contact/%zz",
    "/v3/REST/contact/%C0%AE%C0%AE",
    "/v3/REST/message/../contact",
    "/v3/REST/message/not-an-id",
    "/v3/REST/listrecipient/%202",
    "/v3/REST/contact/1/managecontactslists/2/3",
    "/v3/REST/contact/managemanycontacts/12/extra",
    "/v3/REST/contact/managemanycontacts/job",
    "/v3/DATA/contactslist/abc/CSVData/text:plain",
    "/v3/DATA/batchjob/1/CSVError/text:csv/9",
    "v3/REST/contact",
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_paths_are_400(raw: str) -> None:
    with pytest.raises(PathError) as caught:
        resolve_path("GET" if "DATA" not in raw else "POST", raw.encode())
    assert caught.value.status == 400 and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("method", "raw"),
    [
        ("GET", "/"),
        ("GET", "/v3/REST/nosuch"),
        ("GET", "/v3/REST/contact/1/explode"),
        ("GET", "/v3.1/REST/contact"),
        ("GET", "/v3.1/send"),
        ("PUT", "/v3/send"),
        ("GET", "/v4/contacts/1"),
        ("GET", "/v4/contacts"),
        ("GET", "/v3/DATA/contactslist/1/CSVData/text:csv"),
        ("GET", "/v3/DATA/user/1/CSVData/text:plain"),
        ("GET", "/_emulator/requests"),
        ("GET", "/v3/wrongresourcepath"),
    ],
)
def test_unknown_shapes_are_403(method: str, raw: str) -> None:
    with pytest.raises(PathError) as caught:
        resolve_path(method, raw.encode())
    assert caught.value.status == 403


def test_keys_follow_the_catalog_key_type() -> None:
    contact, message, events = catalog.get("contact"), catalog.get("message"), catalog.get("eventcallbackurl")
    assert parse_key(contact, "ann@example.com") == "ann@example.com"
    assert parse_key(message, 12) == "12"
    for bad in ("../contact", "..", " 2", "2 ", "", "a/b", "-1", "ann"):
        with pytest.raises(PathError):
            parse_key(message if bad != "ann" else contact, bad)
    assert parse_key(events, "open|TRUE") == "open|true"
    with pytest.raises(PathError):
        parse_key(events, "open|maybe")
    with pytest.raises(PathError):
        parse_key(message, True)


def test_tool_keys_are_escaped_then_checked() -> None:
    with pytest.raises(PathError, match="slash"):
        route_for("GET", "message", "../contact")
    with pytest.raises(PathError):
        route_for("GET", "message", "..")
    assert route_for("GET", "contact", "a+b@example.com").path() == "/v3/REST/contact/a%2Bb@example.com"
    assert (
        route_for("POST", "contactslist", 3, "managecontact").path()
        == "/v3/REST/contactslist/3/managecontact"
    )


def test_query_strings_are_catalog_parameters_first_one_wins() -> None:
    route = resolve_path("GET", b"/v3/REST/contact")
    assert canonical_query(route, "GET", b"limit=3&LIMIT=9&Sort=Email+DESC&") == "Limit=3&Sort=Email%20DESC"
    assert canonical_query(route, "GET", b"email=a%2Bb%40x.io") == "Email=a%2Bb%40x.io"
    for bad in (b"_method=DELETE", b"Limit=%zz", b"Limit=%00", b"a%20b=1"):
        with pytest.raises(PathError):
            canonical_query(route, "GET", bad)
    with pytest.raises(PathError, match="only accepted on REST reads"):
        canonical_query(resolve_path("PUT", b"/v3/REST/contact/1"), "PUT", b"Limit=1")


@given(st.text(min_size=1, max_size=30))
def test_any_segment_either_is_refused_or_round_trips(text: str) -> None:
    """A key given as text comes out escaped: the canonical path always resolves back to the same route."""
    try:
        route = route_for("GET", "contact", text)
    except PathError:
        return
    again = resolve_path("GET", route.path().encode())
    assert again == route and "/.." not in route.path() and route.path().count("/") == 4
