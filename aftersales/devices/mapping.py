"""Server-drawn maps (SVG, no script, no internet): Web Mercator, on the bundled land outline
(``data/basemap.json``) or, when ``DEVICES["TILE_URL"]`` names a tile server (an intranet one), on its
tiles drawn as SVG images.

A ``View`` frames a set of points: the zoom is the largest at which they fit ``WIDTH`` x ``HEIGHT``
pixels with a margin, and SVG coordinates are pixels of that zoom relative to the view's corner."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

WIDTH, HEIGHT = 960, 600
TILE = 256
MAX_ZOOM = 16
MAX_LAT = 85.05
DEFAULT_CENTRE = (104.0, 35.0)  # China, when there is nothing to frame
DEFAULT_ZOOM = 4
BASEMAP = Path(__file__).resolve().parent / "data" / "basemap.json"


def world_xy(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixels of the whole world at ``zoom``."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    scale = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


@dataclass(frozen=True)
class View:
    zoom: int
    left: float  # world pixels of the view's top-left corner
    top: float
    width: int = WIDTH
    height: int = HEIGHT

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = world_xy(lon, lat, self.zoom)
        return round(x - self.left, 1), round(y - self.top, 1)

    def lonlat_box(self) -> tuple[float, float, float, float]:
        scale = TILE * 2**self.zoom

        def lon(x: float) -> float:
            return x / scale * 360.0 - 180.0

        def lat(y: float) -> float:
            return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))

        return lon(self.left), lat(self.top + self.height), lon(self.left + self.width), lat(self.top)


def frame(
    points: Iterable[tuple[float, float]],
    *,
    margin: float = 0.1,
    width: int = WIDTH,
    height: int = HEIGHT,
    max_zoom: int = 14,
) -> View:
    """The view that shows every (lon, lat) of ``points`` (China as a whole when there are none), at
    most ``max_zoom`` (the fleet map stays at province scale; a track may come closer)."""
    points = list(points)
    if not points:
        x, y = world_xy(*DEFAULT_CENTRE, DEFAULT_ZOOM)
        return View(DEFAULT_ZOOM, x - width / 2, y - height / 2, width, height)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    zoom = MAX_ZOOM
    while zoom > 1:
        x0, y0 = world_xy(min(lons), max(lats), zoom)
        x1, y1 = world_xy(max(lons), min(lats), zoom)
        if (x1 - x0) <= width * (1 - 2 * margin) and (y1 - y0) <= height * (1 - 2 * margin):
            break
        zoom -= 1
    zoom = min(zoom, max_zoom)
    x0, y0 = world_xy(min(lons), max(lats), zoom)
    x1, y1 = world_xy(max(lons), min(lats), zoom)
    return View(zoom, (x0 + x1) / 2 - width / 2, (y0 + y1) / 2 - height / 2, width, height)


@cache
def _rings() -> list[list[list[float]]]:
    return json.loads(BASEMAP.read_text())["rings"]


def land_paths(view: View) -> list[str]:
    """SVG path data of the bundled land polygons that reach the view."""
    west, south, east, north = view.lonlat_box()
    paths = []
    for ring in _rings():
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if max(lons) < west or min(lons) > east or max(lats) < south or min(lats) > north:
            continue
        step = max(1, len(ring) // 4000)
        coords = [view.xy(lon, lat) for lon, lat in ring[::step]]
        paths.append("M" + "L".join(f"{x:g},{y:g}" for x, y in coords) + "Z")
    return paths


@dataclass(frozen=True)
class Tile:
    href: str
    x: float
    y: float


def tiles(view: View) -> list[Tile]:
    """The tiles of ``DEVICES["TILE_URL"]`` ({z}/{x}/{y}) under the view; none without a tile server."""
    url = settings.DEVICES.get("TILE_URL", "")
    if not url:
        return []
    first_x, first_y = int(view.left // TILE), int(view.top // TILE)
    last_x, last_y = int((view.left + view.width) // TILE), int((view.top + view.height) // TILE)
    count = 2**view.zoom
    found = []
    for ty in range(max(0, first_y), min(count - 1, last_y) + 1):
        for tx in range(first_x, last_x + 1):
            href = url.format(z=view.zoom, x=tx % count, y=ty)
            found.append(Tile(href, round(tx * TILE - view.left, 1), round(ty * TILE - view.top, 1)))
    return found


def polyline(view: View, points: Iterable[tuple[float, float]]) -> str:
    """SVG ``points`` of a polyline (for a track)."""
    return " ".join(f"{x:g},{y:g}" for x, y in (view.xy(lon, lat) for lon, lat in points))


def graticule(view: View, step: int = 10) -> list[str]:
    """Meridians and parallels every ``step`` degrees (paths), for orientation on the plain base."""
    west, south, east, north = view.lonlat_box()
    lines = []
    for lon in range(int(math.floor(west / step) * step), int(east) + 1, step):
        (x0, y0), (x1, y1) = view.xy(lon, north), view.xy(lon, south)
        lines.append(f"M{x0:g},{y0:g}L{x1:g},{y1:g}")
    for lat in range(int(math.floor(south / step) * step), int(north) + 1, step):
        (x0, y0), (x1, y1) = view.xy(west, lat), view.xy(east, lat)
        lines.append(f"M{x0:g},{y0:g}L{x1:g},{y1:g}")
    return lines
