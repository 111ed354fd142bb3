"""The mapping file: what it accepts, and a one-line error naming the key for what it does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailjet_connector.errors import InputError, MappingError
from mailjet_connector.twoway import load_mapping, parse_mapping

BASE: dict[str, Any] = {"database": {"url": "crm.duckdb", "table": "customers"}}


def with_(**sections: Any) -> dict[str, Any]:
    return {**BASE, **sections}


def test_a_full_mapping_reads_with_its_defaults(tmp_path: Path) -> None:
    path = tmp_path / "crm.toml"
    path.write_text(
        '[database]\nurl = "crm.duckdb"\ntable = "app.customers"\nupdated_at = "updated_at"\n'
        "filter = \"plan <> 'internal'\"\n"
        '[columns]\nname = "Name"\nplan = { property = "plan", direction = "to_mailjet" }\n'
        'score = { property = "score", type = "int" }\n'
        'unsubscribed_at = { field = "UnsubscribedAt", direction = "from_mailjet" }\n'
        '[lists]\ncolumn = "lists"\nnames = ["Newsletter", "Events"]\n'
        '[conflicts]\nrule = "newest"\n'
    )
    mapping = load_mapping(path, url="postgresql://me@localhost/crm")
    assert mapping.url == "postgresql://me@localhost/crm" and mapping.key == "email"
    assert [(c.column, c.target, c.kind, c.direction) for c in mapping.columns] == [
        ("name", "field:Name", "str", "both"),
        ("plan", "property:plan", "str", "to_mailjet"),
        ("score", "property:score", "int", "both"),
        ("unsubscribed_at", "field:UnsubscribedAt", "datetime", "from_mailjet"),
    ]
    assert mapping.list_column == "lists" and mapping.list_names == ("Newsletter", "Events")
    assert (mapping.database_deletion, mapping.mailjet_deletion, mapping.mark_column) == (
        "mark", "mark", "deleted_in_mailjet")  # fmt: skip
    assert mapping.properties == {"plan": "str", "score": "int"}
    assert mapping.dataset == "mailjet_twoway_mailjet"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "database.url is missing"),
        (with_(extra={}), "unknown section [extra]"),
        (with_(columns={"name": {"field": "Nme"}}), "'Nme' is not a contact field"),
        (with_(columns={"n": {"field": "CreatedAt"}}), 'set direction = "from_mailjet"'),
        (
            with_(columns={"n": {"field": "Name", "direction": "up"}}),
            "columns.n.direction = 'up': one of both",
        ),
        (with_(columns={"n": {"property": "x", "type": "text"}}), "type 'text' is not one of"),
        (with_(columns={"n": {"property": "x", "field": "Name"}}), "give either field ="),
        (with_(columns={"email": "Name"}), "column 'email' is mapped twice"),
        (with_(columns={"a": "Name", "b": "Name"}), "field:name is mapped by two columns"),
        (with_(conflicts={"rule": "newest"}), "needs database.updated_at"),
        (with_(conflicts={"rule": "loudest"}), "conflicts.rule = 'loudest': one of"),
        (with_(deletions={"database": "shred"}), "deletions.database = 'shred'"),
        (with_(lists={"column": "lists"}), "lists.column needs names"),
        (with_(lists={"flags": {"news": "A,B"}}), "no commas"),
        (with_(lists={}, mailjet={"scope": "lists"}), "needs a [lists] section"),
        ({"database": {"url": "x", "table": "a b"}}, "must be a name or schema.name"),
        ({"database": {"url": "x", "table": "t", "color": 1}}, "database.color is not a known key"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_mappings_fail_in_one_line_naming_the_key(data: dict[str, Any], words: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping(data, source="crm.toml")
    message = str(caught.value)
    assert words in message and "\n" not in message and message.startswith("crm.toml: ")
    assert isinstance(caught.value, InputError)


def test_an_unreadable_file_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read the mapping file"):
        load_mapping(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[database\n")
    with pytest.raises(MappingError, match="not valid TOML"):
        load_mapping(tmp_path / "bad.toml")
