"""`mailjet-connector resources`: the catalog as a table, as JSON and as the docs page."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mailjet_connector import catalog
from mailjet_connector.catalog.docs import render_markdown
from mailjet_connector.cli import app

runner = CliRunner()


def test_json_covers_every_resource_with_every_attribute() -> None:
    result = runner.invoke(app, ["resources", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["name"] for r in records] == [r.name for r in catalog.all_resources()]
    message = next(r for r in records if r["name"] == "message")
    assert message["path"] == "/v3/REST/message"
    assert message["cursor"] == {
        "field": "ArrivedAt",
        "from_filter": "FromTS",
        "to_filter": "ToTS",
        "from_inclusive": False,
        "doc": "",
    }
    assert message["area"] == "statistics"
    assert {"name": "ContactID", "link": "contact", "type": "int"}.items() <= message["fields"][5].items()
    assert "_by_name" not in message


def test_json_marks_secrets_without_holding_any() -> None:
    records = json.loads(runner.invoke(app, ["resources", "--json"]).output)
    apikey = next(r for r in records if r["name"] == "apikey")
    secret = next(f for f in apikey["fields"] if f["name"] == "SecretKey")
    assert secret["secret"] is True
    assert secret["default"] is None


def test_table_lists_every_resource() -> None:
    result = runner.invoke(app, ["resources"])
    assert result.exit_code == 0, result.output
    for resource in catalog.all_resources():
        assert resource.name in result.output
    assert "ArrivedAt > FromTS, <= ToTS" in result.output


def test_markdown_is_the_docs_page() -> None:
    result = runner.invoke(app, ["resources", "--markdown"])
    assert result.exit_code == 0
    assert result.output == render_markdown(catalog.all_resources())


def test_json_and_markdown_together_is_a_usage_error() -> None:
    result = runner.invoke(app, ["resources", "--json", "--markdown"])
    assert result.exit_code == 2
    assert "choose one" in result.output


def test_help_has_an_example() -> None:
    result = runner.invoke(app, ["resources", "--help"])
    assert result.exit_code == 0
    assert "mailjet-connector resources --json" in result.output
