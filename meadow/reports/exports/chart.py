"""Simple charts of a country's indicator series, drawn without a plotting library.

``plan(series, box)`` works out what to draw in a box: the value axis with round ticks,
the years, and for each series a line through its points, or bars when there is one
series of a dozen years or fewer. The PDF draws the plan with fpdf2's lines and
rectangles, the DOCX as a PNG picture drawn with Pillow.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from meadow.reports.document import Series

PALETTE = (
    (31, 119, 180),
    (214, 95, 14),
    (44, 160, 44),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
)
MAX_BAR_YEARS = 12


def tick_label(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100 or float(value).is_integer():
        return (
            f"{value:,.0f}"
            if float(value).is_integer() or abs(value) >= 10_000
            else f"{value:,.1f}"
        )
    return f"{value:.3g}"


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values for an axis covering low to high."""
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    value = math.floor(low / step) * step
    out = []
    while value < high + step * 0.999:
        out.append(round(value, 10))
        value += step
    return out


@dataclass
class Box:
    left: float
    top: float
    right: float
    bottom: float


@dataclass
class Line:
    label: str
    color: tuple[int, int, int]
    points: list[tuple[float, float]]


@dataclass
class Plan:
    box: Box
    bars: bool
    # (y, label) of each value tick, (x, label) of each year shown
    value_ticks: list[tuple[float, str]] = field(default_factory=list)
    year_ticks: list[tuple[float, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    # bars: (x left, y top, width, height, color)
    rects: list[tuple[float, float, float, float, tuple[int, int, int]]] = field(
        default_factory=list
    )
    # bars: (x centre, y top, the value) to print above each bar
    labels: list[tuple[float, float, str]] = field(default_factory=list)


def plan(series: Sequence[Series], box: Box) -> Plan | None:
    """What to draw in the box (None when no series has a point)."""
    drawn = [s for s in series if s.points]
    points = [p for s in drawn for p in s.points]
    if not points:
        return None
    years = sorted({int(p[0]) for p in points})
    values = [float(p[1]) for p in points]
    bars = len(drawn) == 1 and len(years) <= MAX_BAR_YEARS
    low = min(0.0, min(values)) if bars else min(values)
    high = max(max(values), 0.0) if bars else max(values)
    axis = ticks(low, high)
    low, high = axis[0], axis[-1]
    width = box.right - box.left

    def y_of(value: float) -> float:
        return box.bottom - (value - low) / (high - low) * (box.bottom - box.top)

    def x_of(year: int) -> float:
        if bars:
            return box.left + width / len(years) * (years.index(year) + 0.5)
        if years[0] == years[-1]:
            return box.left + width / 2
        return box.left + (year - years[0]) / (years[-1] - years[0]) * width

    out = Plan(box=box, bars=bars)
    out.value_ticks = [(y_of(v), tick_label(v)) for v in axis]
    step = max(1, math.ceil(len(years) / 10))
    out.year_ticks = [(x_of(year), str(year)) for year in years[::step]]
    for n, item in enumerate(drawn):
        color = PALETTE[n % len(PALETTE)]
        coords = [(x_of(int(year)), y_of(float(value))) for year, value in sorted(item.points)]
        out.lines.append(Line(item.label or str(n + 1), color, coords))
        if bars:
            bar = width / len(years) * 0.6
            base = y_of(max(low, 0.0))
            for (x, y), (_year, value) in zip(coords, sorted(item.points), strict=True):
                out.rects.append((x - bar / 2, min(y, base), bar, abs(base - y), color))
                out.labels.append((x, min(y, base), tick_label(float(value))))
    return out


def png(series: Sequence[Series], font: Path, width: int = 1200, height: int = 560) -> bytes | None:
    """The chart as a PNG picture (None when there is nothing to draw)."""
    from PIL import Image, ImageDraw, ImageFont

    drawing = plan(series, Box(110, 30, width - 30, height - 110))
    if drawing is None:
        return None
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    small = ImageFont.truetype(str(font), 22)
    box = drawing.box
    for y, label in drawing.value_ticks:
        draw.line([(box.left, y), (box.right, y)], fill=(200, 200, 200), width=1)
        draw.text((box.left - 10, y), label, fill=(90, 90, 90), font=small, anchor="rm")
    for x, label in drawing.year_ticks:
        draw.text((x, box.bottom + 12), label, fill=(90, 90, 90), font=small, anchor="mt")
    draw.line([(box.left, box.bottom), (box.right, box.bottom)], fill=(60, 60, 60), width=2)
    draw.line([(box.left, box.top), (box.left, box.bottom)], fill=(60, 60, 60), width=2)
    for left, top, w, h, color in drawing.rects:
        draw.rectangle([(left, top), (left + w, top + h)], fill=color)
    for x, y, label in drawing.labels:
        draw.text((x, y - 6), label, fill=(60, 60, 60), font=small, anchor="mb")
    if not drawing.bars:
        for line in drawing.lines:
            if len(line.points) > 1:
                draw.line(line.points, fill=line.color, width=4, joint="curve")
            for x, y in line.points:
                draw.ellipse([(x - 5, y - 5), (x + 5, y + 5)], fill=line.color)
    x = box.left
    for line in drawing.lines:
        draw.rectangle([(x, height - 50), (x + 20, height - 30)], fill=line.color)
        draw.text((x + 28, height - 40), line.label, fill=(60, 60, 60), font=small, anchor="lm")
        x += 60 + draw.textlength(line.label, font=small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
