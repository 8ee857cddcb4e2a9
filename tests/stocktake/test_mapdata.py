"""The map converter and the committed map file."""

from __future__ import annotations

import itertools
import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meadow.stocktake import mapdata
from meadow.stocktake.svg import MAP_FILE, MapCountry, Segment, bar, map_data, world_map


def test_equal_earth_known_points() -> None:
    assert mapdata.equal_earth(0, 0) == (0.0, 0.0)
    x, y = mapdata.equal_earth(180, 0)
    assert x == pytest.approx(mapdata.HALF_WIDTH)
    assert y == 0.0
    # At the pole theta = asin(sqrt(3)/2) = pi/3.
    _x, top = mapdata.equal_earth(0, 90)
    t = math.pi / 3
    assert top == pytest.approx(1.340264 * t - 0.081106 * t**3 + 0.000893 * t**7 + 0.003796 * t**9)
    # Symmetric about the equator and the central meridian.
    a = mapdata.equal_earth(30, 40)
    b = mapdata.equal_earth(-30, -40)
    assert a == pytest.approx((-b[0], -b[1]))


def test_decode_quantised_delta_arcs() -> None:
    topology = {
        "transform": {"scale": [0.5, 2.0], "translate": [10, -20]},
        "arcs": [[[0, 0], [2, 0], [0, 3]]],
    }
    assert mapdata.decode_arcs(topology) == [[(10.0, -20.0), (11.0, -20.0), (11.0, -14.0)]]


def test_simplify_keeps_ends_and_corners() -> None:
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 5.0)]
    assert mapdata.simplify(line, 0.1) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]


def test_antimeridian_ring_is_cut_into_two_pieces() -> None:
    ring = [(170.0, 10.0), (-170.0, 10.0), (-170.0, 20.0), (170.0, 20.0), (170.0, 10.0)]
    assert mapdata.crosses_antimeridian(ring)
    pieces = mapdata.split_at_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        lons = [lon for lon, _lat in piece]
        assert min(lons) >= -180 and max(lons) <= 180
        assert 180.0 in {abs(lon) for lon in lons}


def test_convert_a_tiny_topology() -> None:
    """Two squares sharing an edge; one without an id is kept as plain land."""
    topology = {
        "type": "Topology",
        "arcs": [
            [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]],
            [[10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
            [[10.0, 0.0], [20.0, 0.0], [20.0, 10.0], [10.0, 10.0]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "4"},
                    {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"name": "X"}},
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "010"},
                ],
            }
        },
    }
    result = mapdata.convert(topology, width=100)
    assert set(result["countries"]) == {"004"}  # Antarctica left out, ids padded
    assert len(result["other"]) == 1
    path = result["countries"]["004"]
    assert re.fullmatch(r"M[-\d. ]+l[-\d. ]+z", path)
    assert result["width"] == 100


def test_the_committed_map_file() -> None:
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    assert data["projection"] == "Equal Earth"
    codes = set(data["countries"])
    assert len(codes) > 170
    assert all(re.fullmatch(r"\d{3}", c) for c in codes)
    assert {"826", "250", "404", "076", "156", "036", "643", "242"} <= codes
    assert "010" not in codes
    assert all(p.startswith("M") and p.endswith("z") for p in data["countries"].values())
    assert MAP_FILE.stat().st_size < 100_000
    assert map_data() == data


def test_world_map_links_and_escapes() -> None:
    svg = world_map(
        {"826": MapCountry("/place/GBR", "map--full", "<United Kingdom>: Full", "GBR")},
        map_id="m",
        title="Title & more",
        description="Description",
    )
    assert '<a href="/place/GBR" class="map__link"><path class="map__country map--full"' in svg
    assert "<title>&lt;United Kingdom&gt;: Full</title>" in svg
    assert '<title id="m-title">Title &amp; more</title>' in svg
    assert svg.count('class="map__land"') == len(map_data()["countries"]) - 1 + len(
        map_data()["other"]
    )


def test_bar_segments_are_shares_of_the_total() -> None:
    svg = bar([Segment("bar--full", 1), Segment("bar--partial", 3)], 8, "t")
    assert '<rect class="bar__segment bar--full" x="0.0" y="0" width="12.5"' in svg
    assert '<rect class="bar__segment bar--partial" x="12.5" y="0" width="37.5"' in svg
    assert 'aria-hidden="true"' in svg
    empty = bar([Segment("bar--full", 0)], 0, "t")
    assert "bar__segment" not in empty


@given(
    points=st.lists(
        st.tuples(st.floats(-1000, 1000, allow_nan=False), st.floats(-1000, 1000, allow_nan=False)),
        min_size=2,
        max_size=40,
    ),
    tolerance=st.floats(0.01, 50),
)
def test_simplify_drops_only_points_near_the_kept_line(
    points: list[tuple[float, float]], tolerance: float
) -> None:
    kept = mapdata.simplify(points, tolerance)
    assert kept[0] == points[0] and kept[-1] == points[-1]
    # A subsequence of the input, whose dropped points lie near the line between the kept
    # points on either side.
    positions = []
    start = 0
    for p in kept:
        start = points.index(p, start)
        positions.append(start)
        start += 1
    for a, b in itertools.pairwise(positions):
        (x1, y1), (x2, y2) = points[a], points[b]
        length = math.hypot(x2 - x1, y2 - y1)
        for px, py in points[a + 1 : b]:
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs((y2 - y1) * px - (x2 - x1) * py + x2 * y1 - y2 * x1) / length
            assert distance <= tolerance * (1 + 1e-9) + 1e-9
