"""The stocktake's pictures, drawn on the server as SVG: they need no script and print as seen.

``world_map`` colours each country of ``data/world-110m.json`` (made by
:mod:`meadow.stocktake.mapdata`) by a class, with a link to its page and a tooltip.
``bar`` draws one horizontal bar of stacked segments; pages put bars in table rows, so
that the table gives the same numbers to a screen reader.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

MAP_FILE = Path(__file__).resolve().parent / "data" / "world-110m.json"


@cache
def map_data() -> dict[str, Any]:
    """The projected country outlines (read once per process)."""
    data: dict[str, Any] = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class MapCountry:
    """How one country is drawn: its link, class and tooltip."""

    url: str
    css_class: str
    title: str
    code: str = ""


def world_map(
    countries: Mapping[str, MapCountry],
    *,
    map_id: str,
    title: str,
    description: str,
) -> SafeString:
    """The world map with every country in ``countries`` (keyed by M49 code) coloured and
    linked; outlines of other areas are drawn as plain land."""
    data = map_data()
    shapes: list[SafeString] = []
    for m49, path in data["countries"].items():
        country = countries.get(m49)
        if country is None:
            shapes.append(format_html('<path class="map__land" d="{}"/>', path))
            continue
        shapes.append(
            format_html(
                '<a href="{}" class="map__link"><path class="map__country {}" d="{}" '
                'data-m49="{}" data-code="{}"><title>{}</title></path></a>',
                country.url,
                country.css_class,
                path,
                m49,
                country.code,
                country.title,
            )
        )
    shapes.extend(format_html('<path class="map__land" d="{}"/>', path) for path in data["other"])
    return format_html(
        # A group, not an image: its countries are links a keyboard and a screen
        # reader reach.
        '<svg class="world-map" viewBox="0 0 {} {}" role="group" '
        'aria-labelledby="{}-title {}-desc" direction="ltr" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc><g>{}</g></svg>',
        data["width"],
        data["height"],
        map_id,
        map_id,
        map_id,
        title,
        map_id,
        description,
        mark_safe("".join(shapes)),  # every shape was built by format_html
    )


@dataclass(frozen=True)
class Segment:
    css_class: str
    value: float


def bar(segments: Sequence[Segment], total: float, title: str) -> SafeString:
    """A horizontal bar: segments side by side, each as wide as its share of ``total``.

    The bar is a picture of numbers that the surrounding table states, so it is hidden
    from screen readers; its title is a tooltip for the eye.
    """
    if total <= 0:
        total = max(sum(s.value for s in segments), 1.0)
    x = 0.0
    rects = []
    for segment in segments:
        width = max(segment.value, 0.0) / total * 100
        if width <= 0:
            continue
        rects.append((segment.css_class, round(x, 3), round(min(width, 100 - x), 3)))
        x += width
    return format_html(
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
        '<rect class="bar__track" x="0" y="0" width="100" height="10"/>{}</svg>',
        title,
        format_html_join(
            "",
            '<rect class="bar__segment {}" x="{}" y="0" width="{}" height="10"/>',
            rects,
        ),
    )
