"""Charts of a series drawn on the server as SVG: no script, so they work offline and in PDFs.

``series_chart`` draws the observations as a line with points, on axes labelled with
years and values, with the baseline and target as marked points and, when there is
one, the projection to the target year as a dashed line. The SVG carries a title and
a description for screen readers; pages show the same numbers in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
HEIGHT = 300
# Room for the value labels on the left and the year labels below.
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 36


@dataclass(frozen=True)
class Point:
    x: float  # decimal year: 2015.0 is the middle of 2015
    y: float
    label: str  # the period as people write it: 2015, 2014/15


@dataclass(frozen=True)
class Projection:
    start: Point
    end: Point


def period_x(start: date, end: date) -> float:
    """Where a period sits on a time axis of years: its middle, with years on whole numbers."""
    middle = start + (end - start) / 2
    first = date(middle.year, 1, 1)
    length = (date(middle.year + 1, 1, 1) - first).days
    return middle.year + ((middle - first).days + 0.5) / length - 0.5


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers spanning ``low``..``high``: steps of 1, 2 or 5 times a power of ten."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step:
        ticks.append(round(value, 12))
        value += step
    while len(ticks) > 1 and ticks[-2] >= high:
        ticks.pop()
    return ticks


def year_ticks(low: float, high: float, most: int = 10) -> list[int]:
    first, last = math.floor(low), math.ceil(high)
    span = max(last - first, 1)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if span / s <= most)
    start = math.ceil(first / step) * step
    return list(range(start, last + 1, step)) or [first]


def _decimals(step: float) -> int:
    """Fewest decimals that write every multiple of ``step`` exactly (0.25 -> 2)."""
    for decimals in range(9):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return decimals
    return 8


def number(value: float, step: float | None = None, figures: int = 4) -> str:
    """A value as a short label: the decimals an axis step needs, else a few figures."""
    if step:
        return f"{value:,.{_decimals(step)}f}"
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, figures - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{min(decimals, 8)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def series_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str = "",
    baseline: Point | None = None,
    target: Point | None = None,
    projection: Projection | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """An SVG line chart of one series; ``chart_id`` makes its element ids unique on a page."""
    marks = [p for p in (baseline, target) if p is not None]
    if projection is not None:
        marks += [projection.start, projection.end]
    everything = [*points, *marks]
    if not everything:
        return SafeString("")
    xs = [p.x for p in everything]
    ys = [p.y for p in everything]
    x_ticks = year_ticks(min(xs), max(xs))
    y_ticks = nice_ticks(min(ys), max(ys))
    x_low, x_high = min(min(xs), x_ticks[0]) - 0.5, max(max(xs), x_ticks[-1]) + 0.5
    y_low, y_high = min(y_ticks[0], min(ys)), max(y_ticks[-1], max(ys))
    if y_high == y_low:
        y_high = y_low + 1
    step = y_ticks[1] - y_ticks[0] if len(y_ticks) > 1 else None
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM

    def sx(x: float) -> float:
        return round(MARGIN_LEFT + (x - x_low) / (x_high - x_low) * plot_w, 1)

    def sy(y: float) -> float:
        return round(MARGIN_TOP + (y_high - y) / (y_high - y_low) * plot_h, 1)

    bottom, left, right = MARGIN_TOP + plot_h, MARGIN_LEFT, MARGIN_LEFT + plot_w
    parts: list[SafeString] = []
    parts.append(
        format_html_join(
            "",
            '<g class="chart__tick"><line x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text></g>',
            (
                (left, sy(t), right, sy(t), left - 6, sy(t), number(t, step))
                for t in y_ticks
                if y_low <= t <= y_high
            ),
        )
    )
    parts.append(
        format_html_join(
            "",
            '<g class="chart__tick chart__tick--x"><line x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text x="{}" y="{}" text-anchor="middle">{}</text></g>',
            ((sx(t), bottom, sx(t), bottom + 5, sx(t), bottom + 20, t) for t in x_ticks),
        )
    )
    parts.append(
        format_html(
            '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            left,
            MARGIN_TOP,
            left,
            bottom,
            left,
            bottom,
            right,
            bottom,
        )
    )
    if unit:
        parts.append(
            format_html(
                '<text class="chart__unit" x="{}" y="{}" text-anchor="start">{}</text>',
                left + 4,
                MARGIN_TOP + 10,
                unit,
            )
        )
    if projection is not None:
        parts.append(
            format_html(
                '<line class="chart__projection" x1="{}" y1="{}" x2="{}" y2="{}">'
                "<title>{}</title></line>",
                sx(projection.start.x),
                sy(projection.start.y),
                sx(projection.end.x),
                sy(projection.end.y),
                _("Projection: %(value)s in %(year)s")
                % {"value": number(projection.end.y), "year": projection.end.label},
            )
        )
    ordered = sorted(points, key=lambda p: p.x)
    if len(ordered) > 1:
        path = " ".join(f"{sx(p.x)},{sy(p.y)}" for p in ordered)
        parts.append(format_html('<polyline class="chart__line" points="{}"/>', path))
    parts.append(
        format_html_join(
            "",
            '<circle class="chart__point" cx="{}" cy="{}" r="3.5"><title>{}: {}</title></circle>',
            ((sx(p.x), sy(p.y), p.label, number(p.y)) for p in ordered),
        )
    )
    if baseline is not None:
        x, y = sx(baseline.x), sy(baseline.y)
        parts.append(
            format_html(
                '<rect class="chart__baseline" x="{}" y="{}" width="10" height="10" '
                'transform="rotate(45 {} {})"><title>{}</title></rect>',
                x - 5,
                y - 5,
                x,
                y,
                _("Baseline: %(value)s in %(year)s")
                % {"value": number(baseline.y), "year": baseline.label},
            )
        )
    if target is not None:
        x, y = sx(target.x), sy(target.y)
        parts.append(
            format_html(
                '<circle class="chart__target" cx="{}" cy="{}" r="7"><title>{}</title></circle>'
                '<circle class="chart__target-centre" cx="{}" cy="{}" r="2.5"/>',
                x,
                y,
                _("Target: %(value)s by %(year)s")
                % {"value": number(target.y), "year": target.label},
                x,
                y,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" direction="ltr" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        # Every part was built by format_html, which escaped what it put in.
        mark_safe("".join(parts)),
    )
