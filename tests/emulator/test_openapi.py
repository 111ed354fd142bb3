"""Tests for the OpenAPI document generated from the catalog."""

from __future__ import annotations

import schemathesis

from mailjet_connector import catalog
from mailjet_connector.emulator.control.openapi import openapi_document


def test_document_loads_in_schemathesis() -> None:
    schema = schemathesis.openapi.from_dict(openapi_document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations and all(op is not None for op in operations)


def test_every_readable_resource_has_a_listing_with_typed_items() -> None:
    document = openapi_document()
    for resource in catalog.readable():
        base = "/v3/REST" if resource.api == "REST" else "/v4"
        listing = document["paths"][f"{base}/{resource.mailjet_name}"]["get"]
        names = {p["name"] for p in listing["parameters"]}
        assert {"Limit", "Offset", "countOnly", "countrecords"} <= names, resource.name
        assert {f.name for f in resource.filters} <= names | {"Limit", "Offset", "Sort"}, resource.name
        envelope = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        item = document["components"]["schemas"][envelope]["properties"]["Data"]["items"]["$ref"].split("/")[
            -1
        ]
        assert set(document["components"]["schemas"][item]["properties"]) == {f.name for f in resource.fields}


def test_verbs_follow_the_catalog() -> None:
    paths = openapi_document()["paths"]
    contact = catalog.get("contact")
    assert "post" in paths[contact.path] and "put" in paths[contact.path + "/{id}"]
    assert "delete" not in paths[contact.path + "/{id}"]
    body = paths[contact.path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["Email"] and "ID" not in body["properties"]


def test_basic_auth_and_error_responses_are_declared() -> None:
    document = openapi_document()
    assert document["components"]["securitySchemes"]["basicAuth"] == {"type": "http", "scheme": "basic"}
    listing = document["paths"]["/v3/REST/contact"]["get"]
    assert {"400", "401", "404"} <= set(listing["responses"])


def test_only_emulated_actions_are_documented() -> None:
    paths = openapi_document()["paths"]
    assert "post" in paths["/v3/REST/sender/{id}/validate"]
    assert "post" in paths["/v3/REST/contact/{id}/managecontactslists"]
    for unemulated in (
        "/v3/REST/contact/export",
        "/v3/REST/workflow/{id}/start",
        "/v3/REST/user/{id}/activate",
    ):
        assert unemulated not in paths
    assert "/v3/REST/workflow" in paths  # the resource itself stays documented


def test_emulated_set_can_be_given() -> None:
    paths = openapi_document(emulated={("dns", "check")})["paths"]
    assert "/v3/REST/dns/{id}/check" in paths and "/v3/REST/sender/{id}/validate" not in paths
