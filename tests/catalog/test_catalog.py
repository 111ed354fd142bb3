"""The catalog checks itself: names, keys, filters, cursors, links and verbs agree with each other."""

from __future__ import annotations

import re

import pytest

from mailjet_connector import catalog
from mailjet_connector.catalog import Area, FieldType, Op, Resource, Verb
from mailjet_connector.catalog.enums import MESSAGE_STATES

RESOURCES = catalog.all_resources()
BY_NAME = {r.name: r for r in RESOURCES}


def each_resource(select=lambda r: True):
    """Parametrize over resources (optionally a subset) with the catalog name as the test id."""
    chosen = [r for r in RESOURCES if select(r)]
    return pytest.mark.parametrize("res", chosen, ids=[r.name for r in chosen])


# Every Mailjet resource named in mailjet-api.md §2.1-§2.4 and §3 ...
DOCUMENTED = [
    *["contact", "contactslist", "listrecipient", "contactmetadata", "contactdata", "contacthistorydata"],
    *["contactfilter", "contactslistsignup", "csvimport", "message", "messagehistory", "messageinformation"],
    *["messagesentstatistics", "messagestate", "campaign", "campaigndraft", "newsletter", "campaignoverview"],
    *[
        "statcounters",
        "statistics/link-click",
        "statistics/recipient-esp",
        "openinformation",
        "clickstatistics",
    ],
    *["bouncestatistics", "geostatistics", "toplinkclicked", "useragentstatistics", "contactstatistics"],
    *[
        "listrecipientstatistics",
        "senderstatistics",
        "campaignstatistics",
        "liststatistics",
        "messagestatistics",
    ],
    *["domainstatistics", "graphstatistics", "openstatistics", "apikeytotals", "campaigngraphstatistics"],
    *[
        "sender",
        "metasender",
        "dns",
        "eventcallbackurl",
        "parseroute",
        "apikey",
        "user",
        "myprofile",
        "preferences",
    ],
    *["template", "batchjob"],
    # ... and the rarely needed ones of §2.4, which with the above make META's 63.
    *["apikeyaccess", "apikeyaccessgrantor", "apitoken", "apppreferences", "axtesting", "campaignaggregate"],
    *[
        "aggregategraphstatistics",
        "newslettertemplate",
        "newslettertemplatecategory",
        "preset",
        "useractivity",
    ],
    *["widget", "widgetcustomvalue", "workflow", "workflowstatistics", "metadata"],
]

COMPUTED = set(
    [
        "statcounters",
        "statistics_link_click",
        "statistics_recipient_esp",
        "messagehistory",
        "messageinformation",
        "messagesentstatistics",
        "campaignoverview",
        "geostatistics",
        "toplinkclicked",
        "useragentstatistics",
        "contactstatistics",
        "listrecipientstatistics",
        "senderstatistics",
        "campaignstatistics",
        "liststatistics",
        "messagestatistics",
        "domainstatistics",
        "graphstatistics",
        "openstatistics",
        "apikeytotals",
        "campaigngraphstatistics",
    ]
)


def linked_key_owner(res: Resource, key: tuple[str, ...]) -> str | None:
    """The link field through which `key` (not a field of `res`) resolves: a unique key of the target."""
    for fld in res.fields:
        if fld.link and key in BY_NAME[fld.link].unique_keys:
            return fld.name
    return None


def test_documented_list_covers_meta():
    # 63 resources in the recorded /metadata answer, plus the two newer statistics/* endpoints.
    assert len(set(DOCUMENTED)) == len(DOCUMENTED) == 63 + 2


def test_names_are_unique():
    names = [r.name for r in RESOURCES]
    mailjet_names = [r.mailjet_name.lower() for r in RESOURCES]
    assert len(set(names)) == len(names)
    assert len(set(mailjet_names)) == len(mailjet_names)


@pytest.mark.parametrize("mailjet_name", DOCUMENTED)
def test_documented_resource_is_present(mailjet_name):
    assert catalog.by_mailjet_name(mailjet_name) is not None


def test_computed_set_is_exactly_the_derived_resources():
    assert {r.name for r in RESOURCES if r.computed} == COMPUTED


@each_resource()
def test_name_is_snake_case_of_mailjet_name(res: Resource):
    assert res.name == re.sub(r"[^a-z0-9]+", "_", res.mailjet_name.lower())
    assert re.fullmatch(r"[a-z][a-z0-9_]*", res.name)


@each_resource()
def test_has_area_doc_and_readable_fields(res: Resource):
    assert isinstance(res.area, Area)
    assert res.doc
    assert res.fields
    assert res.api in ("REST", "v4")


@each_resource()
def test_field_names_are_unique(res: Resource):
    names = [f.name for f in res.fields]
    assert len(set(names)) == len(names)


@each_resource()
def test_keys_sort_and_filter_fields_exist(res: Resource):
    names = {f.name for f in res.fields}
    assert set(res.primary_key) <= names
    for key in res.unique_keys:
        assert key and (set(key) <= names or linked_key_owner(res, key) is not None), key
    for sort in res.sort:
        assert sort.field in names, sort.field
    for flt in res.filters:
        if flt.op is Op.SPECIAL:
            assert flt.field is None or flt.field in names, flt.name
        else:
            assert flt.field in names, flt.name


@each_resource()
def test_filter_names_are_unique_ignoring_case(res: Resource):
    names = [f.name.lower() for f in res.filters]
    assert len(set(names)) == len(names)


@each_resource(lambda r: r.cursor is not None)
def test_cursor_field_and_filters_exist(res: Resource):
    cursor = res.cursor
    assert res.field(cursor.field) is not None
    for name in (cursor.from_filter, cursor.to_filter):
        if name is not None:
            flt = res.filter(name)
            assert flt is not None, name
            assert flt.field == cursor.field, name
    if cursor.from_filter:
        expected = Op.GE if cursor.from_inclusive else Op.GT
        assert res.filter(cursor.from_filter).op is expected


@each_resource()
def test_link_targets_exist(res: Resource):
    for fld in res.fields:
        if fld.link is not None:
            assert fld.link in BY_NAME, (fld.name, fld.link)
            assert fld.name.endswith("ID") or fld.name == "ID", fld.name


@each_resource()
def test_required_fields_are_writable(res: Resource):
    for fld in res.fields:
        assert not (fld.required and fld.read_only), fld.name


@each_resource()
def test_defaults_respect_choices(res: Resource):
    for fld in res.fields:
        if fld.choices and fld.default is not None:
            assert fld.default in fld.choices, fld.name


@each_resource(lambda r: r.parent is not None)
def test_parent_and_its_filter_exist(res: Resource):
    parent, filter_name = res.parent
    assert parent in BY_NAME
    assert res.filter(filter_name) is not None


@each_resource(lambda r: r.computed)
def test_computed_resources_are_get_only(res: Resource):
    assert res.verbs == (Verb.GET,)
    assert not res.actions
    assert all(f.read_only for f in res.fields)


@each_resource(lambda r: r.verbs == (Verb.GET,))
def test_get_only_resources_have_read_only_fields(res: Resource):
    assert all(f.read_only for f in res.fields), [f.name for f in res.fields if not f.read_only]


@each_resource()
def test_verbs_and_actions_are_valid(res: Resource):
    assert Verb.GET in res.verbs
    assert len(set(res.verbs)) == len(res.verbs)
    names = [a.name.lower() for a in res.actions]
    assert len(set(names)) == len(names)
    for act in res.actions:
        assert act.verbs and all(isinstance(v, Verb) for v in act.verbs)
        assert act.scope in ("item", "collection")
        assert act.area is None or isinstance(act.area, Area)


@each_resource(lambda r: any(f.required for f in r.filters))
def test_required_filters_are_documented(res: Resource):
    for flt in res.filters:
        if flt.required:
            assert flt.doc, flt.name


def test_today_default_resources_are_the_event_rows():
    assert {r.name for r in RESOURCES if r.today_default} == {
        "openinformation",
        "clickstatistics",
        "bouncestatistics",
    }


def test_secret_fields_are_marked():
    assert catalog.get("apikey").field("SecretKey").secret


def test_message_states_have_unique_ids():
    ids = [s.id for s in MESSAGE_STATES]
    assert len(set(ids)) == len(ids) == 21


def test_lookup_by_mailjet_name_with_slash():
    assert catalog.get("statistics/link-click").name == "statistics_link_click"
    assert catalog.get("statistics/link-click").path == "/v3/REST/statistics/link-click"


# Python types a default may take per wire type (None = the type's empty value).
DEFAULT_TYPES = {
    FieldType.INT: (int,),
    FieldType.UNIX: (int,),
    FieldType.NUM: (int, float),
    FieldType.STR: (str,),
    FieldType.EMAIL: (str,),
    FieldType.TS: (str,),
    FieldType.BOOL: (bool,),
    FieldType.KV: (tuple, list),
    FieldType.JSON: (tuple, list, dict),
}


@each_resource()
def test_defaults_match_field_types(res: Resource):
    for fld in res.fields:
        if fld.default is None:
            continue
        assert isinstance(fld.default, DEFAULT_TYPES[fld.type]), fld.name
        assert fld.type is FieldType.BOOL or not isinstance(fld.default, bool), fld.name
