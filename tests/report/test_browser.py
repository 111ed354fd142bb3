"""The report in headless Chromium: every section renders with non-empty charts, no console error, a screenshot."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from mailjet_connector.report import build_report
from mailjet_connector.report.sections import SECTIONS
from tests.report.browser import CHROMIUM, run_chromium
from tests.report.conftest import SyncedDataset

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run installs it)"
)
# The PNG magic number.
PNG = b"\x89PNG\r\n\x1a\n"


def _section(dom: str, ident: str) -> str:
    match = re.search(rf'<section id="{ident}".*?</section>', dom, re.S)
    assert match, f"section {ident} missing from the rendered DOM"
    return match.group(0)


@pytest.mark.slow
def test_report_renders_every_section_in_chromium(small_dataset: SyncedDataset, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    build_report(str(small_dataset.path), output=page)
    rendered = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert rendered.console == []
    for section in SECTIONS:
        body = _section(rendered.output, section.ident)
        charts = re.findall(r'<svg class="chart".*?</svg>', body, re.S)
        assert charts, f"no chart in section {section.ident}"
        for chart in charts:
            assert re.search(r"<(rect|polyline|path|circle) ", chart), f"empty chart in {section.ident}"
        assert "<table>" in body, f"no data table in section {section.ident}"
    assert not re.search(r'(src|href)="https?:', rendered.output), "the report must not reference the network"


def test_report_screenshot(small_dataset: SyncedDataset, tmp_path: Path) -> None:
    page, shot = tmp_path / "report.html", tmp_path / "report.png"
    build_report(str(small_dataset.path), output=page)
    rendered = run_chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=600,2200")
    assert rendered.console == []
    assert shot.read_bytes()[:8] == PNG
    # REPORT_SCREENSHOT=docs/report-screenshot.png refreshes the README's picture.
    target = os.environ.get("REPORT_SCREENSHOT")
    if target:
        shutil.copy(shot, target)


def test_console_errors_are_caught(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text('<html><body><script>console.error("boom"); missing();</script></body></html>')
    rendered = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert any("boom" in line for line in rendered.console)
    assert any("ReferenceError" in line for line in rendered.console)
