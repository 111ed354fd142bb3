"""Every filter of Mailjet's Domo connector guide narrows what the sync reads (issue #17, items 4 and 5).

Each test proves the narrowing twice: on the emulator's request log (what was asked) and on row counts
(what was loaded, against the API's own answer to the same question).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import httpx
import pytest

from mailjet_connector.client import Client
from mailjet_connector.sync import run_sync
from tests.sync.conftest import dataset_rows, make_options


def _control(server, method: str, path: str, body=None) -> None:
    httpx.request(method, f"{server.url}/_emulator{path}", json=body).raise_for_status()


def _asked(server, name: str) -> list[tuple[str, dict[str, str]]]:
    """(path, params) of every call made for `name` (listing or by ID) since the log was last cleared."""
    entries = httpx.get(f"{server.url}/_emulator/requests").json()["Data"]
    path = re.compile(rf"^/v3/REST/{name}(/\d+)?$")
    return [(e["path"], dict(parse_qsl(e["query"]))) for e in entries if path.match(e["path"])]


def _client(server) -> Client:
    return Client(server.api_key, server.api_secret, base_url=server.url, rate_limit="5000/s")


def _forget(server) -> None:
    httpx.delete(f"{server.url}/_emulator/requests").raise_for_status()


@pytest.mark.slow
def test_deleted_campaigns_and_lists_are_left_out_unless_included(small_emulator, tmp_path):
    server = small_emulator
    _control(server, "PUT", f"/accounts/{server.api_key}/rows/campaign/2", {"IsDeleted": True})
    names = ["campaign", "campaignstatistics", "contactslist", "liststatistics", "listrecipient"]
    default = make_options(server, tmp_path / "a", resources=names, include_deleted=False)
    _forget(server)
    run_sync(default)
    for name in ("campaign", "contactslist", "liststatistics"):
        assert all(p.get("IsDeleted") == "false" for _, p in _asked(server, name)), name
        assert not any(r["is_deleted"] for r in dataset_rows(default, name).values()), name
    assert all(p.get("IgnoreDeleted") == "true" for _, p in _asked(server, "listrecipient"))
    with _client(server) as client:
        for name in ("campaign", "contactslist"):
            live = client.count(name, {"IsDeleted": "false"})
            assert len(dataset_rows(default, name)) == live < client.count(name), name
        assert len(dataset_rows(default, "listrecipient")) == client.count(
            "listrecipient", {"IgnoreDeleted": "true"}
        )
    assert "2" not in {str(r["campaign_id"]) for r in dataset_rows(default, "campaignstatistics").values()}

    everything = make_options(server, tmp_path / "b", resources=names, include_deleted=True)
    run_sync(everything)
    assert dataset_rows(everything, "campaign")["2"]["is_deleted"] is True
    assert any(r["is_deleted"] for r in dataset_rows(everything, "contactslist").values())
    lists_only = make_options(
        server, tmp_path / "c", resources=names, include_deleted=False, include_deleted_lists=True
    )
    run_sync(lists_only)
    assert "2" not in dataset_rows(lists_only, "campaign")
    assert any(r["is_deleted"] for r in dataset_rows(lists_only, "contactslist").values())


def test_starring_or_deleting_a_campaign_is_caught_by_a_plain_incremental_run(small_emulator, tmp_path):
    server = small_emulator
    key = server.api_key
    default = make_options(server, tmp_path / "a", resources=["campaign"], include_deleted=False)
    everything = make_options(server, tmp_path / "b", resources=["campaign"])
    run_sync(default), run_sync(everything)
    starred = dataset_rows(default, "campaign")["1"]["is_starred"]
    # Neither edit moves SendStartAt, the campaign's cursor: a window would not see them.
    _control(server, "PUT", f"/accounts/{key}/rows/campaign/1", {"IsStarred": not starred})
    _control(server, "PUT", f"/accounts/{key}/rows/campaign/3", {"IsDeleted": True})
    _control(server, "POST", "/clock", {"advance": 3600})
    again = run_sync(default)
    assert (again.resources["campaign"].updated, again.resources["campaign"].deleted) == (1, 1)
    rows = dataset_rows(default, "campaign")
    assert rows["1"]["is_starred"] is (not starred)
    assert rows["3"]["_mj_deleted_at"] is not None  # deleted campaigns are left out: marked gone
    run_sync(everything)
    rows = dataset_rows(everything, "campaign")
    assert rows["1"]["is_starred"] is (not starred) and rows["3"]["is_deleted"] is True
    assert rows["3"]["_mj_deleted_at"] is None


def test_campaign_narrows_messages_campaign_statistics_and_statcounters(small_emulator, tmp_path):
    server = small_emulator
    names = ["campaign", "campaignstatistics", "message", "openinformation", "statcounters"]
    options = make_options(server, tmp_path, resources=names, campaigns=(3,))
    _forget(server)
    run_sync(options)
    assert [path for path, _ in _asked(server, "campaignstatistics")] == ["/v3/REST/campaignstatistics/3"]
    for name in ("campaign", "message", "openinformation"):
        assert _asked(server, name) and all(p.get("CampaignID") == "3" for _, p in _asked(server, name)), name
    counters = [p for _, p in _asked(server, "statcounters")]
    assert counters and {(p["CounterSource"], p.get("SourceID")) for p in counters} == {("Campaign", "3")}
    with _client(server) as client:
        assert len(dataset_rows(options, "message")) == client.count("message", {"CampaignID": 3}) > 0
    assert [r["campaign_id"] for r in dataset_rows(options, "campaignstatistics").values()] == [3]
    assert {r["source_id"] for r in dataset_rows(options, "statcounters").values()} == {3}


def test_list_narrows_lists_recipients_messages_and_statcounters(small_emulator, tmp_path):
    server = small_emulator
    names = ["contactslist", "listrecipient", "contact", "message", "statcounters"]
    options = make_options(server, tmp_path, resources=names, lists=(3,), counter_sources=("APIKey", "List"))
    _forget(server)
    run_sync(options)
    assert [path for path, _ in _asked(server, "contactslist")] == ["/v3/REST/contactslist/3"]
    for name in ("listrecipient", "contact"):
        assert all(p.get("ContactsList") == "3" for _, p in _asked(server, name)), name
    with _client(server) as client:
        sent_to_list = sorted(c["ID"] for c in client.iter("campaign", {"ContactsList": 3}))
        assert sent_to_list == [1, 3]
        messages = sum(client.count("message", {"CampaignID": c}) for c in sent_to_list)
        recipients = client.count("listrecipient", {"ContactsList": 3})
    assert sorted({int(p["CampaignID"]) for _, p in _asked(server, "message")}) == sent_to_list
    assert len(dataset_rows(options, "message")) == messages < len(list(_client(server).iter("message")))
    assert len(dataset_rows(options, "listrecipient")) == recipients
    assert list(dataset_rows(options, "contactslist")) == ["3"]
    counters = {(p["CounterSource"], p.get("SourceID")) for _, p in _asked(server, "statcounters")}
    assert counters == {("List", "3")}


@pytest.mark.slow
def test_newsletter_tool_segment_status_starred_and_status_filters(small_emulator, tmp_path):
    server = small_emulator
    with _client(server) as client:
        campaigns = list(client.iter("campaign"))
        segments = list(client.iter("contactfilter"))
    no_tool = make_options(server, tmp_path / "a", resources=["campaign", "contactfilter"], newsletter_tool=False,
                           segment_status=("used", "deleted"))  # fmt: skip
    _forget(server)
    run_sync(no_tool)
    assert all(p.get("IsNewsletterTool") == "false" for _, p in _asked(server, "campaign"))
    assert sorted(int(k) for k in dataset_rows(no_tool, "campaign")) == [
        c["ID"] for c in campaigns if not c["NewsLetterID"]
    ]
    assert sorted(p["Status"] for _, p in _asked(server, "contactfilter")) == ["deleted", "used"]
    got = sorted(r["status"] for r in dataset_rows(no_tool, "contactfilter").values())
    assert got == sorted(s["Status"] for s in segments if s["Status"] in ("used", "deleted"))
    starred = make_options(server, tmp_path / "b", resources=["campaign"], starred_only=True)
    run_sync(starred)
    assert sorted(int(k) for k in dataset_rows(starred, "campaign")) == [
        c["ID"] for c in campaigns if c["IsStarred"]
    ]
    status = campaigns[0]["Status"]
    by_status = make_options(server, tmp_path / "c", resources=["campaign"], campaign_status=(status,))
    run_sync(by_status)
    assert sorted(int(k) for k in dataset_rows(by_status, "campaign")) == [
        c["ID"] for c in campaigns if c["Status"] == status
    ]


def test_docs_name_the_resources_each_flag_narrows():
    from pathlib import Path

    from mailjet_connector.sync.filters import narrowed_resources
    from mailjet_connector.sync.source import syncable

    docs = (Path(__file__).parents[2] / "docs" / "sync.md").read_text()
    for flag, names in narrowed_resources(syncable()).items():
        assert f"| `{flag}` | {', '.join(names)} |" in docs, flag
