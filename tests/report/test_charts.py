"""Inline SVG charts: well-formed, one mark per value, labels escaped, readable without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.report.charts import bar_chart, line_chart, sparkline

SVG = "{http://www.w3.org/2000/svg}"
values = st.lists(st.integers(min_value=0, max_value=10**9), max_size=40)
labels = st.text(min_size=0, max_size=60)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed markup, e.g. an unescaped "<" or "&" in a label
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    return root


@given(st.lists(st.tuples(labels, st.integers(min_value=0, max_value=10**9)), max_size=30))
def test_bar_chart_draws_one_bar_per_value_with_its_number(pairs: list[tuple[str, int]]) -> None:
    root = _parse(bar_chart("c", "A & B <title>", [p[0] for p in pairs], [p[1] for p in pairs]))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == len(pairs)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for _, value in pairs:
        assert f"{value:,}" in texts  # the value is written, not only drawn
    assert all(float(b.get("width", "0")) >= 0 for b in bars)


@given(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=90))
def test_line_chart_has_one_line_and_legend_entry_per_series(n_series: int, n_points: int) -> None:
    series = {f"s{i}": [float((i + 1) * k) for k in range(n_points)] for i in range(n_series)}
    root = _parse(line_chart("l", "Lines", [str(k) for k in range(n_points)], series))
    lines = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "series"]
    assert len(lines) == n_series
    dashes = {p.get("stroke-dasharray") for p in lines}
    assert len(dashes) == n_series  # series differ by dash pattern, not only colour
    legend = {t.text for t in root.iter(f"{SVG}text")}
    assert set(series) <= legend


def test_line_chart_points_stay_inside_the_plot() -> None:
    root = _parse(line_chart("l", "Lines", ["a", "b", "c"], {"x": [0.0, 5.0, 10.0]}))
    line = next(p for p in root.iter(f"{SVG}polyline") if p.get("class") == "series")
    points = [tuple(map(float, p.split(","))) for p in (line.get("points") or "").split()]
    assert len(points) == 3
    assert all(0 <= x <= 640 and 0 <= y <= 260 for x, y in points)
    assert points[2][1] < points[0][1]  # the highest value is drawn highest


@given(values)
def test_sparkline_is_well_formed_for_any_values(vals: list[int]) -> None:
    root = _parse(sparkline("s", "Sends", [float(v) for v in vals]))
    marks = list(root.iter(f"{SVG}polyline")) + list(root.iter(f"{SVG}line"))
    assert marks  # an empty series still draws a baseline
