"""Make aftersales/devices/data/basemap.json, the map screens' plain vector base (no tiles, no internet).

Input: ``land-50m.json`` of the npm package world-atlas (Natural Earth 1:50m land, public domain;
``npm pack world-atlas@2.0.2`` and unpack it). Output: the land polygons that reach the box below
(China and its neighbours), longitudes and latitudes rounded to 0.01 degree, points nearer than
MIN_STEP degrees to the previous one dropped. Land only, no borders: a plain base to put machines on.

    python scripts/devices_basemap.py path/to/land-50m.json
"""

import json
import sys
from pathlib import Path

BOX = (60.0, 0.0, 150.0, 58.0)  # west, south, east, north
MIN_STEP = 0.08
OUT = Path(__file__).resolve().parent.parent / "aftersales" / "devices" / "data" / "basemap.json"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points: list[tuple[float, float]]) -> list[list[float]]:
    kept: list[list[float]] = []
    for lon, lat in points:
        if kept and abs(lon - kept[-1][0]) < MIN_STEP and abs(lat - kept[-1][1]) < MIN_STEP:
            continue
        kept.append([round(lon, 2), round(lat, 2)])
    return kept


def reaches_box(points: list[tuple[float, float]]) -> bool:
    west, south, east, north = BOX
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return max(lons) >= west and min(lons) <= east and max(lats) >= south and min(lats) <= north


def main(path: str) -> None:
    topology = json.loads(Path(path).read_text())
    arcs = decode_arcs(topology)
    rings = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            outer = ring(polygon[0], arcs)
            if reaches_box(outer):
                simplified = simplify(outer)
                if len(simplified) >= 4:
                    rings.append(simplified)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = {"source": "Natural Earth 1:50m land (public domain), via world-atlas 2.0.2", "box": BOX, "rings": rings}
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}: {len(rings)} rings, {sum(len(r) for r in rings)} points, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
