"""Inline SVG charts (bars, lines, sparklines) that read without colour: labels, dash patterns and markers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape as _escape

__all__ = ["bar_chart", "escape", "line_chart", "sparkline"]

# Series are told apart by dash pattern and marker shape as well as colour (readable in greyscale).
_STYLES = (
    ("#1f5fa8", "", "circle"),
    ("#b3541e", "6 3", "square"),
    ("#2e7d32", "2 3", "triangle"),
    ("#6a3d9a", "10 3 2 3", "diamond"),
)
_FONT = 12
# Control characters are not allowed in XML (SVG is XML): a URL or user agent could carry one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: str) -> str:
    """Text safe inside SVG/HTML: markup escaped, control characters dropped."""
    return _escape(_CONTROL.sub("", text))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _svg(ident: str, title: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg class="chart" id="{ident}" role="img" aria-labelledby="{ident}-t" viewBox="0 0 {width} {height}"'
        f' preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(title)}</title>{body}</svg>'
    )


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} {y + 3:.1f}Z" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}L{x - 4:.1f} {y:.1f}Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def bar_chart(
    ident: str, title: str, labels: Sequence[str], values: Sequence[float], *, label_width: int = 220
) -> str:
    """Horizontal bars, one per label, each with its value written next to it.

    Args:
        ident: a document-unique id for the SVG (its title gets `<ident>-t`).
        title: the accessible name of the chart.
        labels / values: one bar each, drawn in the given order.
        label_width: room on the left for the labels (longer labels are cut with an ellipsis).

    Returns:
        The `<svg>` element as a string.
    """
    row, width = 22, 640
    height = max(row * len(labels) + 10, 30)
    top = max((float(v) for v in values), default=0.0) or 1.0
    room = width - label_width - 70
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * row
        length = max(room * float(value) / top, 1.0 if value else 0.0)
        text = label if len(label) <= label_width // 7 else label[: label_width // 7 - 1] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="{_FONT}">{escape(text)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" '
            f'fill="{_STYLES[0][0]}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" font-size="{_FONT}">{_fmt(value)}</text>'
        )
    return _svg(ident, title, width, height, "".join(parts))


def line_chart(ident: str, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float]]) -> str:
    """Lines over shared x labels (days), with axis ticks, a legend and a distinct dash and marker per series.

    Args:
        ident: a document-unique id for the SVG.
        title: the accessible name of the chart.
        x_labels: one label per point (every few are written under the axis).
        series: name -> one value per x label.

    Returns:
        The `<svg>` element as a string.
    """
    width, height, left, right, top, bottom = 640, 260, 56, 12, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((float(v) for values in series.values() for v in values), default=0.0) or 1.0
    n = max(len(x_labels), 1)

    def x_at(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h - plot_h * float(v) / peak

    parts = [_axes(left, top, plot_w, plot_h, peak)]
    step = max(1, n // 6)
    for i in range(0, len(x_labels), step):
        parts.append(
            f'<text x="{x_at(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11">'
            f"{escape(x_labels[i])}</text>"
        )
    for k, (name, values) in enumerate(series.items()):
        colour, dash, shape = _STYLES[k % len(_STYLES)]
        points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline class="series" points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        if len(values) <= 60:  # markers on dense series would hide the lines
            parts.extend(_marker(shape, x_at(i), y_at(v), colour) for i, v in enumerate(values))
        lx = left + k * 140
        parts.append(
            f'<line x1="{lx}" y1="12" x2="{lx + 24}" y2="12" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            f"{_marker(shape, lx + 12, 12, colour)}"
            f'<text x="{lx + 30}" y="16" font-size="{_FONT}">{escape(name)}</text>'
        )
    return _svg(ident, title, width, height, "".join(parts))


def _axes(left: int, top: int, plot_w: int, plot_h: int, peak: float) -> str:
    lines = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for fraction in (0.5, 1.0):
        y = top + plot_h - plot_h * fraction
        lines.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ccc" stroke-dasharray="2 2"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{_fmt(peak * fraction)}</text>'
        )
    lines.append(f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end" font-size="11">0</text>')
    return "".join(lines)


def sparkline(ident: str, title: str, values: Sequence[float]) -> str:
    """A small line without axes for a table cell; the highest point is marked.

    Args:
        ident: a document-unique id for the SVG.
        title: the accessible name (say what the line shows and its total).
        values: the points, in order.

    Returns:
        The `<svg>` element as a string (an empty baseline when there are no values).
    """
    width, height = 100, 24
    peak = max((float(v) for v in values), default=0.0) or 1.0
    n = len(values)
    if n == 0:
        body = f'<line x1="0" y1="{height - 2}" x2="{width}" y2="{height - 2}" stroke="#999"/>'
        return _svg(ident, title, width, height, body)
    xs = [width * i / (n - 1) if n > 1 else width / 2 for i in range(n)]
    ys = [height - 2 - (height - 4) * float(v) / peak for v in values]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    top = max(range(n), key=lambda i: values[i])
    body = (
        f'<polyline class="series" points="{points}" fill="none" stroke="{_STYLES[0][0]}" stroke-width="1.5"/>'
        f'<circle cx="{xs[top]:.1f}" cy="{ys[top]:.1f}" r="2" fill="{_STYLES[1][0]}"/>'
    )
    return _svg(ident, title, width, height, body)
