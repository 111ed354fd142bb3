"""The two-way mapping file (TOML): which table, which columns go where, and what deletions and conflicts mean.

```toml
[database]
url = "crm.duckdb"                 # a DuckDB file, or postgresql://user@host/db
table = "customers"                # a table or view (schema.table works)
key = "email"                      # the column matched with the contact's Email
updated_at = "updated_at"          # optional: change detection and the `newest` rule (else row hashes)
filter = "plan <> 'internal'"      # optional: the rows that take part (an SQL condition)
create_table = false               # create the table from the mapping when it is missing
state_schema = "mailjet_twoway"    # our schema in that database: state, conflicts, the Mailjet copy

[columns]                          # column = Mailjet field or contact property, with a direction
name = { field = "Name" }                                  # direction "both" by default
plan = { property = "plan", type = "str", direction = "to_mailjet" }
excluded = { field = "IsExcludedFromCampaigns", direction = "from_mailjet" }

[lists]                            # a boolean column per list ...
flags = { newsletter = "Newsletter", promos = "Promotions" }
# column = "lists"                 # ... or one text column listing them (comma-separated)
# names = ["Newsletter", "Promotions"]
direction = "both"

[deletions]
database = "mark"                  # a row deleted in the table: propagate | mark | ignore
mailjet = "mark"                   # a contact gone from Mailjet: propagate | mark | ignore
mark_column = "deleted_in_mailjet" # set to true by mailjet = "mark"

[conflicts]
rule = "newest"                    # mailjet_wins | database_wins | newest | manual
```

`load_mapping` reads and validates the file; every problem is a `MappingError` of one line that names the
key and says what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.errors import MappingError
from mailjet_connector.importer.properties import DATATYPES
from mailjet_connector.toml_checks import read_toml

__all__ = [
    "CONFLICT_RULES",
    "DELETIONS",
    "DIRECTIONS",
    "Column",
    "Mapping",
    "MappingError",
    "load_mapping",
    "parse_mapping",
]

DIRECTIONS = ("both", "to_mailjet", "from_mailjet")
DELETIONS = ("propagate", "mark", "ignore")
CONFLICT_RULES = ("mailjet_wins", "database_wins", "newest", "manual")
SCOPES = ("all", "lists")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_CONTACT = catalog.get("contact")
# Contact fields a column may map to (Email is the key; ID, counts and timestamps are Mailjet's own).
FIELDS = {f.name: f for f in _CONTACT.fields if f.name not in ("Email", "ID")}
_SECTIONS = {"database", "columns", "lists", "deletions", "conflicts", "mailjet", "journal"}


@dataclass(frozen=True)
class Column:
    """One mapped value: a table column <-> a contact field, a contact property or a list membership.

    Args:
        column: the table's column.
        target: `field:Name`, `property:plan` or `list:Newsletter` (the value's name on both sides).
        kind: the value's type: str, int, float, bool, datetime.
        direction: both, to_mailjet or from_mailjet.
    """

    column: str
    target: str
    kind: str
    direction: str

    @property
    def to_mailjet(self) -> bool:
        return self.direction in ("both", "to_mailjet")

    @property
    def from_mailjet(self) -> bool:
        return self.direction in ("both", "from_mailjet")

    @property
    def name(self) -> str:
        """The field, property or list name (without its `field:` prefix)."""
        return self.target.split(":", 1)[1]

    @property
    def writable(self) -> bool:
        """Whether a run can write it to Mailjet (read-only contact fields cannot be)."""
        return not (self.target.startswith("field:") and FIELDS[self.name].read_only)


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file (see the module docstring for each key)."""

    url: str
    table: str
    key: str
    columns: tuple[Column, ...]
    lists: tuple[Column, ...] = ()  # one per list: `list:Name`, kind bool
    list_column: str | None = None  # the lists live in one text column (else a flag column per list)
    updated_at: str | None = None
    filter: str | None = None
    create_table: bool = False
    state_schema: str = "mailjet_twoway"
    database_deletion: str = "mark"
    mailjet_deletion: str = "mark"
    mark_column: str | None = None
    rule: str = "mailjet_wins"
    scope: str = "all"
    journal: str | None = None
    source: str = ""  # where the mapping was read from
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> tuple[Column, ...]:
        """Every mapped value: columns, then list memberships."""
        return self.columns + self.lists

    @property
    def properties(self) -> dict[str, str]:
        """Mapped contact property -> its Datatype."""
        return {c.name: c.kind for c in self.columns if c.target.startswith("property:")}

    @property
    def list_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.lists)

    @property
    def dataset(self) -> str:
        """The schema the sync engine keeps our copy of the Mailjet contacts in."""
        return f"{self.state_schema}_mailjet"


def load_mapping(path: str | Path, *, url: str | None = None) -> Mapping:
    """Read and validate a mapping file.

    Args:
        path: the TOML file.
        url: a database URL that replaces the file's `database.url`.

    Raises:
        MappingError: the file is missing, is not TOML, or does not describe a usable mapping.
    """
    path = Path(path)
    data = read_toml(path, "the mapping file", MappingError)
    if url is not None:
        data.setdefault("database", {})["url"] = url
    return parse_mapping(data, source=str(path))


def parse_mapping(data: dict[str, Any], *, source: str = "mapping") -> Mapping:
    """Validate a mapping already parsed from TOML (see `load_mapping`).

    Raises:
        MappingError: one line naming the key at fault.
    """
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise MappingError(
            f"{source}: unknown section [{unknown[0]}]; sections: {', '.join(sorted(_SECTIONS))}"
        )
    db = _table(data, "database", source)
    _only(
        db,
        "database",
        {"url", "table", "key", "updated_at", "filter", "create_table", "state_schema"},
        source,
    )
    url = _text(db, "url", "database", source, required=True)
    table = _text(db, "table", "database", source, required=True)
    if not _TABLE.match(table):
        raise MappingError(
            f"{source}: database.table {table!r} must be a name or schema.name (letters, digits, _)"
        )
    key = _ident(db, "key", "database", source, default="email")
    updated_at = _ident(db, "updated_at", "database", source)
    state_schema = _ident(db, "state_schema", "database", source, default="mailjet_twoway")
    create = db.get("create_table", False)
    if not isinstance(create, bool):
        raise MappingError(f"{source}: database.create_table must be true or false")
    columns = tuple(_column(name, spec, source) for name, spec in _table(data, "columns", source).items())
    lists, list_column = _lists(_table(data, "lists", source), source)
    deletions = _table(data, "deletions", source)
    _only(deletions, "deletions", {"database", "mailjet", "mark_column"}, source)
    db_deletion = _choice(deletions, "database", DELETIONS, "mark", "deletions", source)
    mj_deletion = _choice(deletions, "mailjet", DELETIONS, "mark", "deletions", source)
    mark_column = _ident(deletions, "mark_column", "deletions", source)
    if mj_deletion == "mark" and mark_column is None:
        mark_column = "deleted_in_mailjet"
    conflicts = _table(data, "conflicts", source)
    _only(conflicts, "conflicts", {"rule"}, source)
    rule = _choice(conflicts, "rule", CONFLICT_RULES, "mailjet_wins", "conflicts", source)
    mailjet = _table(data, "mailjet", source)
    _only(mailjet, "mailjet", {"scope"}, source)
    scope = _choice(mailjet, "scope", SCOPES, "all", "mailjet", source)
    journal = _table(data, "journal", source)
    _only(journal, "journal", {"path"}, source)
    mapping = Mapping(
        url=url,
        table=table,
        key=key,
        columns=columns,
        lists=lists,
        list_column=list_column,
        updated_at=updated_at,
        filter=_text(db, "filter", "database", source),
        create_table=create,
        state_schema=state_schema,
        database_deletion=db_deletion,
        mailjet_deletion=mj_deletion,
        mark_column=mark_column if mj_deletion == "mark" else None,
        rule=rule,
        scope=scope,
        journal=_text(journal, "path", "journal", source),
        source=source,
    )
    _check_whole(mapping, source)
    return mapping


def _check_whole(mapping: Mapping, source: str) -> None:
    used = [mapping.key, *(c.column for c in mapping.columns)]
    used += [mapping.list_column] if mapping.list_column else [c.column for c in mapping.lists]
    used += [c for c in (mapping.updated_at, mapping.mark_column) if c]
    seen: set[str] = set()
    for column in used:
        if column.lower() in seen:
            raise MappingError(f"{source}: column {column!r} is mapped twice; give each value its own column")
        seen.add(column.lower())
    targets = [c.target.lower() for c in mapping.values]
    twice = next((t for t in targets if targets.count(t) > 1), None)
    if twice:
        raise MappingError(f"{source}: {twice} is mapped by two columns; keep one")
    if mapping.rule == "newest" and mapping.updated_at is None:
        raise MappingError(
            f'{source}: conflicts.rule = "newest" needs database.updated_at (the column holding each row\'s'
            " last change)"
        )
    if mapping.scope == "lists" and not mapping.lists:
        raise MappingError(f'{source}: mailjet.scope = "lists" needs a [lists] section')


def _column(name: str, spec: Any, source: str) -> Column:
    where = f"columns.{name}"
    if not _IDENT.match(name):
        raise MappingError(f"{source}: {where}: a column name is letters, digits and _")
    if isinstance(spec, str):
        spec = {"field": spec} if spec in FIELDS else {"property": spec}
    if not isinstance(spec, dict):
        raise MappingError(
            f'{source}: {where} must be a table such as {{ field = "Name" }} or {{ property = "plan" }}'
        )
    _only(spec, where, {"field", "property", "type", "direction"}, source)
    direction = _choice(spec, "direction", DIRECTIONS, "both", where, source)
    if ("field" in spec) == ("property" in spec):
        raise MappingError(
            f"{source}: {where}: give either field = (a contact field) or property = (a contact property)"
        )
    if "field" in spec:
        wanted = str(spec["field"])
        found = next((f for n, f in FIELDS.items() if n.lower() == wanted.lower()), None)
        if found is None:
            raise MappingError(
                f"{source}: {where}: {wanted!r} is not a contact field; fields: {', '.join(FIELDS)}"
            )
        if "type" in spec:
            raise MappingError(f"{source}: {where}: a field's type comes from Mailjet; remove type =")
        if found.read_only and direction != "from_mailjet":
            raise MappingError(
                f'{source}: {where}: {found.name} is read-only in Mailjet; set direction = "from_mailjet"'
            )
        kind = {"bool": "bool", "ts": "datetime", "int": "int"}.get(found.type.value, "str")
        return Column(name, f"field:{found.name}", kind, direction)
    prop = str(spec["property"]).strip()
    if not prop:
        raise MappingError(f"{source}: {where}: property = must name a contact property")
    kind = str(spec.get("type", "str"))
    if kind not in DATATYPES:
        raise MappingError(f"{source}: {where}: type {kind!r} is not one of {', '.join(DATATYPES)}")
    return Column(name, f"property:{prop}", kind, direction)


def _lists(section: dict[str, Any], source: str) -> tuple[tuple[Column, ...], str | None]:
    if not section:
        return (), None
    _only(section, "lists", {"flags", "column", "names", "direction"}, source)
    direction = _choice(section, "direction", DIRECTIONS, "both", "lists", source)
    flags, column = section.get("flags"), section.get("column")
    if (flags is None) == (column is None):
        raise MappingError(
            f'{source}: [lists] takes either flags = {{ column = "List name" }} (a boolean column per list) or'
            ' column = "lists" with names = [...] (one text column)'
        )
    if flags is not None:
        if not isinstance(flags, dict) or not flags:
            raise MappingError(
                f'{source}: lists.flags must be a table such as {{ newsletter = "Newsletter" }}'
            )
        out = []
        for name, list_name in flags.items():
            if not _IDENT.match(name):
                raise MappingError(f"{source}: lists.flags.{name}: a column name is letters, digits and _")
            out.append(Column(name, f"list:{_list_name(list_name, source)}", "bool", direction))
        return tuple(out), None
    if not isinstance(column, str) or not _IDENT.match(column):
        raise MappingError(f"{source}: lists.column must be a column name (letters, digits, _)")
    names = section.get("names")
    if not isinstance(names, list) or not names:
        raise MappingError(
            f'{source}: lists.column needs names = ["List", ...]: the lists that column may name'
        )
    return tuple(Column(column, f"list:{_list_name(n, source)}", "bool", direction) for n in names), column


def _list_name(value: Any, source: str) -> str:
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text or "," in text:
        raise MappingError(f"{source}: list name {value!r}: give a list's name (no commas) or its ID")
    return text


def _table(data: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    found = data.get(name, {})
    if not isinstance(found, dict):
        raise MappingError(f"{source}: {name} must be a [{name}] section")
    return found


def _only(section: dict[str, Any], where: str, allowed: set[str], source: str) -> None:
    extra = sorted(set(section) - allowed)
    if extra:
        raise MappingError(
            f"{source}: {where}.{extra[0]} is not a known key; keys: {', '.join(sorted(allowed))}"
        )


def _text(
    section: dict[str, Any], key: str, where: str, source: str, *, required: bool = False
) -> str | None:
    value = section.get(key)
    if value is None:
        if required:
            raise MappingError(f"{source}: {where}.{key} is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{source}: {where}.{key} must be a non-empty string")
    return value.strip()


def _ident(
    section: dict[str, Any], key: str, where: str, source: str, default: str | None = None
) -> str | None:
    value = _text(section, key, where, source) or default
    if value is not None and not _IDENT.match(value):
        raise MappingError(f"{source}: {where}.{key} {value!r} must be a plain name (letters, digits, _)")
    return value


def _choice(
    section: dict[str, Any], key: str, choices: tuple[str, ...], default: str, where: str, source: str
) -> str:
    value = section.get(key, default)
    if value not in choices:
        raise MappingError(f"{source}: {where}.{key} = {value!r}: one of {', '.join(choices)}")
    return str(value)
