"""Convert a world TopoJSON file into the compact map of country outlines the pages draw.

The stocktake's world map is drawn on the server from ``data/world-110m.json``: one
SVG path per country, keyed by its M49 code, already projected. That file was made
once from ``countries-110m.json`` of the npm package ``world-atlas`` (Natural Earth's
1:110m Admin 0 countries as TopoJSON; its ids are ISO 3166-1 numeric codes, which are
the M49 codes of countries) with::

    python -m meadow.stocktake.mapdata countries-110m.json meadow/stocktake/data/world-110m.json

It needs nothing but the standard library. The steps:

* decode the TopoJSON arcs (quantised, delta-encoded) to longitude and latitude;
* project them with the Equal Earth projection (Šavrič, Patterson and Jenny, 2018),
  which keeps areas true, so that large and small countries compare fairly;
* simplify each arc lightly (Douglas-Peucker, tolerance ``TOLERANCE`` in map units);
  arcs are shared by neighbours, so simplifying arcs rather than rings keeps borders
  that two countries share identical;
* cut the few rings that cross the antimeridian (Russia's Chukotka, Fiji) into a
  western and an eastern piece, clipped at longitude 180 (these are simplified as
  rings);
* round to one decimal and write each country as one SVG path of closed rings with
  relative coordinates.

Antarctica (010) is left out: it is no country and would take a quarter of the
map. Natural Earth draws three areas without an ISO code. Two are drawn as part of
the country the UN's M49 standard counts them in (``PART_OF``: Northern Cyprus with
Cyprus, Somaliland with Somalia); the third, Kosovo, which M49 does not list, is kept
as plain land under ``"other"``, drawn without a link or a colour.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

WIDTH = 1000.0
TOLERANCE = 0.35
LEFT_OUT = frozenset({"010"})
# Shapes without an id, by their Natural Earth name, drawn with a country's shape.
PART_OF = {"N. Cyprus": "196", "Somaliland": "706"}

# Equal Earth coefficients.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
# Half the width of the projected world (at the equator, longitude 180) in projection units.
HALF_WIDTH = 2 * math.sqrt(3) * math.pi / (3 * A1)

Point = tuple[float, float]


def equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth projection of a point in degrees, in projection units (y up)."""
    lam = math.radians(lon)
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * lam
        * math.cos(theta)
        / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc of a quantised topology as a list of (longitude, latitude)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        points: list[Point] = []
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker simplification that keeps both ends."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance and index > 0:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(indices: Iterable[int], arcs: list[list[Point]]) -> list[Point]:
    ring: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def crosses_antimeridian(ring: Sequence[Point]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in itertools.pairwise(ring))


def _clip(ring: list[Point], edge: float, keep_below: bool) -> list[Point]:
    """Sutherland-Hodgman: the part of a ring on one side of the meridian ``edge``."""

    def inside(p: Point) -> bool:
        return p[0] <= edge if keep_below else p[0] >= edge

    out: list[Point] = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(_crossing(previous, current, edge))
            out.append(current)
        elif inside(previous):
            out.append(_crossing(previous, current, edge))
    return out


def _crossing(a: Point, b: Point, edge: float) -> Point:
    t = (edge - a[0]) / (b[0] - a[0])
    return edge, a[1] + t * (b[1] - a[1])


def split_at_antimeridian(ring: Sequence[Point]) -> list[list[Point]]:
    """A ring that crosses longitude 180 as its pieces inside -180..180."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        unwrapped.append((lon, lat))
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        moved = [(lon + shift, lat) for lon, lat in unwrapped]
        piece = _clip(_clip(moved, 180.0, True), -180.0, False)
        if len(piece) >= 3 and abs(_area(piece)) > 1e-9:
            pieces.append(piece)
    return pieces


def _area(ring: Sequence[Point]) -> float:
    return (
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, [*ring[1:], ring[0]], strict=True)) / 2
    )


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _path(rings: list[list[Point]]) -> str:
    """Closed rings as one SVG path with relative moves, coordinates to one decimal."""
    parts: list[str] = []
    cx = cy = 0
    for ring in rings:
        # Integer tenths, so that relative steps add up exactly.
        tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
        deduplicated = [tenths[0]]
        for p in tenths[1:]:
            if p != deduplicated[-1]:
                deduplicated.append(p)
        if deduplicated[-1] == deduplicated[0]:
            deduplicated.pop()
        if len(deduplicated) < 3:
            continue
        x0, y0 = deduplicated[0]
        steps = [f"M{_num(x0 - cx)} {_num(y0 - cy)}" if parts else f"M{_num(x0)} {_num(y0)}"]
        parts_of_ring = []
        px, py = x0, y0
        for x, y in deduplicated[1:]:
            parts_of_ring.append(f"{_num(x - px)} {_num(y - py)}")
            px, py = x, y
        steps.append("l" + " ".join(parts_of_ring) + "z")
        parts.append("".join(steps))
        # After "z" the current point is the ring's start.
        cx, cy = x0, y0
    # The first move is absolute, the others relative to the last ring's start.
    return "".join(p if i == 0 else "m" + p[1:] for i, p in enumerate(parts))


def _num(tenths: int) -> str:
    """A number of tenths written as short as SVG allows: 12, 1.5, -0.3 -> -.3."""
    sign = "-" if tenths < 0 else ""
    whole, fraction = divmod(abs(tenths), 10)
    if fraction == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction}" if whole else f"{sign}.{fraction}"


def convert(topology: dict[str, Any], *, width: float = WIDTH) -> dict[str, Any]:
    """The compact map: width, height, projection, and a path per M49 code."""
    geometries = topology["objects"]["countries"]["geometries"]
    raw = decode_arcs(topology)
    scale = width / (2 * HALF_WIDTH)
    wanted = [g for g in geometries if str(g.get("id", "")) not in LEFT_OUT]
    used = {abs(i) if i >= 0 else ~i for g in wanted for p in _polygons(g) for r in p for i in r}
    projected: list[list[Point]] = [[] for _ in raw]
    top = -math.inf
    bottom = math.inf
    for index in used:
        points = [equal_earth(lon, lat) for lon, lat in raw[index]]
        projected[index] = points
        for _x, y in points:
            top = max(top, y)
            bottom = min(bottom, y)
    # Map units: x from 0 to width, y down from the northernmost point.
    arcs = [
        simplify([((x + HALF_WIDTH) * scale, (top - y) * scale) for x, y in arc], TOLERANCE)
        for arc in projected
    ]

    def to_map(lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat)
        return (x + HALF_WIDTH) * scale, (top - y) * scale

    countries: dict[str, str] = {}
    other: list[str] = []
    for geometry in wanted:
        rings: list[list[Point]] = []
        for polygon in _polygons(geometry):
            for indices in polygon:
                ring = _ring(indices, raw)
                if not crosses_antimeridian(ring):
                    rings.append(_ring(indices, arcs))
                    continue
                for piece in split_at_antimeridian(ring):
                    closed = [to_map(lon, lat) for lon, lat in [*piece, piece[0]]]
                    rings.append(simplify(closed, TOLERANCE))
        path = _path(rings)
        if not path:
            continue
        name = str((geometry.get("properties") or {}).get("name", ""))
        code = str(geometry.get("id") or PART_OF.get(name, ""))
        if code:
            code = code.zfill(3)
            # A second shape starts with an absolute move: paths join as they are.
            countries[code] = countries.get(code, "") + path
        else:
            other.append(path)
    return {
        "source": "world-atlas 2.0.2 countries-110m.json (Natural Earth 4.1.0, 1:110m Admin 0)",
        "projection": "Equal Earth",
        "width": round(width, 1),
        "height": round((top - bottom) * scale, 1),
        "countries": dict(sorted(countries.items())),
        "other": other,
    }


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m meadow.stocktake.mapdata SOURCE.json OUTPUT.json", file=sys.stderr)
        return 2
    source, output = Path(argv[0]), Path(argv[1])
    topology = json.loads(source.read_text(encoding="utf-8"))
    result = convert(topology)
    output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"), indent=None)
    output.write_text(text + "\n", encoding="utf-8")
    print(f"{len(result['countries'])} countries, {len(text):,} characters -> {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
