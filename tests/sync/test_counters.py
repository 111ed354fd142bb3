"""statcounters under the API's documented rules (issue #17, item 1), and refusals that do not abort a sync.

The emulator enforces the rules of `catalog.counters` (400 naming the parameter); the sync must plan only
legal requests, windows split to at most 100 slices, and still cover every legal combination.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from urllib.parse import parse_qsl

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.catalog.counters import broken_rule, legal_combinations, max_span
from mailjet_connector.cli import app
from mailjet_connector.sync import SyncOptions, run_sync
from mailjet_connector.sync.incremental import Window, split_window
from tests.sync.conftest import dataset_rows, make_options


def _requests(server, path: str) -> list[dict]:
    entries = httpx.get(f"{server.url}/_emulator/requests").json()["Data"]
    return [e for e in entries if e["path"].endswith(path)]


@pytest.mark.slow
def test_default_cli_sync_succeeds_against_the_rule_enforcing_emulator(tmp_path):
    result = CliRunner().invoke(app, [
        "sync", "--emulator", "--emulator-scale", "tiny", "--dataset-url", str(tmp_path / "d.duckdb"),
        "--pipelines-dir", str(tmp_path / "p"), "--json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert report["partial"] is False and report["failed"] == {}
    assert report["resources"]["statcounters"]["rows"] > 0


def test_sync_asks_only_legal_counters_and_covers_each_legal_combination(small_emulator, tmp_path):
    server = small_emulator
    options = SyncOptions(
        server.api_key,
        server.api_secret,
        base_url=server.url,
        resources=["statcounters"],
        dataset_url=str(tmp_path / "s.duckdb"),
        pipelines_dir=str(tmp_path / "p"),
        clock=server.state.clock.now,
        rate_limit="5000/s",
    )  # fmt: skip  (the default counter sources, timings and resolutions)
    httpx.delete(f"{server.url}/_emulator/requests").raise_for_status()
    report = run_sync(options)
    assert not report.partial, report.failed
    asked = [dict(parse_qsl(e["query"])) for e in _requests(server, "/statcounters")]
    assert asked and all(e["status"] == 200 for e in _requests(server, "/statcounters"))
    combos = set()
    for params in asked:
        combo = (params["CounterSource"], params["CounterTiming"], params["CounterResolution"])
        assert broken_rule(*combo) is None, combo
        combos.add(combo)
        span = max_span(combo[2])
        if span is not None:
            assert int(params["ToTS"]) - int(params["FromTS"]) <= span, params
    assert combos == set(legal_combinations(options.counter_sources, options.counter_timings,
                                            options.counter_resolutions))  # fmt: skip
    # The first run's 366 days of Day slices: 4 requests of <= 100 days, end to end, per source.
    day = sorted(
        (int(p["FromTS"]), int(p["ToTS"])) for p in asked
        if (p["CounterSource"], p["CounterTiming"], p["CounterResolution"]) == ("APIKey", "Message", "Day")
    )  # fmt: skip
    assert len(day) == 4 and all(a[1] == b[0] for a, b in itertools.pairwise(day))
    rows = dataset_rows(options, "statcounters").values()
    assert {(r["counter_source"], r["counter_timing"], r["counter_resolution"]) for r in rows} <= combos


def test_split_window_covers_the_window_exactly():
    window = Window(100, 100 + 250 * 3600 + 7)
    parts = split_window(window, max_span("Hour"))
    assert parts[0].lo == window.lo and parts[-1].hi == window.hi
    assert all(a.hi == b.lo for a, b in itertools.pairwise(parts))
    assert all(p.hi - p.lo <= 100 * 3600 for p in parts) and len(parts) == 3
    assert split_window(window, None) == [window]


class _RefusingTransport(httpx.HTTPTransport):
    """An account whose key may not read one resource: Mailjet's 403 for it, the emulator for the rest."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(self.path):
            body = {"ErrorInfo": "", "ErrorMessage": "Access denied", "StatusCode": 403}
            return httpx.Response(403, json=body, request=request)
        return super().handle_request(request)


def test_a_refused_resource_is_reported_and_the_rest_loads(small_emulator, tmp_path):
    server = small_emulator
    resources = ["contactslist", "campaigngraphstatistics", "template"]
    options = make_options(
        server, tmp_path, resources=resources, transport=_RefusingTransport("/campaigngraphstatistics")
    )
    report = run_sync(options)
    assert report.partial and list(report.failed) == ["campaigngraphstatistics"]
    assert "403" in report.failed["campaigngraphstatistics"]
    assert report.to_dict()["failed"] == report.failed
    assert len(dataset_rows(options, "contactslist")) == report.resources["contactslist"].new > 0
    assert len(dataset_rows(options, "template")) == report.resources["template"].new > 0
    # The refused stream's run is closed: the next sync starts afresh, it does not resume forever.
    again = run_sync(replace(options, transport=None))
    assert not again.resumed and not again.partial
    assert len(dataset_rows(options, "campaigngraphstatistics")) > 0


def test_counter_flags_that_leave_no_legal_combination_are_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, [
        "sync", "--emulator", "--emulator-scale", "tiny", "--resources", "statcounters",
        "--counter-source", "List", "--counter-timing", "Event", "--dataset-url", str(tmp_path / "d.duckdb"),
    ])  # fmt: skip
    assert result.exit_code == 2
    assert "no statcounters combination" in result.output and "Traceback" not in result.output
    unknown = CliRunner().invoke(app, ["sync", "--emulator", "--counter-timing", "Weekly"])
    assert unknown.exit_code == 2 and "--counter-timing takes Message, Event" in unknown.output
