"""Small district maps as inline SVG paths, drawn from the boundary data: no tile server,
no script, a few kilobytes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

#: Width of the drawing in SVG units; the height follows the shape.
WIDTH = 300.0


@dataclass(frozen=True)
class SvgMap:
    """Paths for an inline SVG: the surrounding state, and the district on top."""

    width: float
    height: float
    context_path: str
    district_path: str


def draw(district: BaseGeometry, context: BaseGeometry) -> SvgMap:
    """Project both shapes into a WIDTH-wide box framed on the context, simplified to fit."""
    min_lon, min_lat, max_lon, max_lat = context.bounds
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * x_scale, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = WIDTH / span_x
    height = span_y * scale

    def project(geometry: BaseGeometry) -> BaseGeometry:
        """Longitude/latitude to SVG units (y grows downward)."""
        simplified = shapely.simplify(geometry, tolerance=0.5 / scale)
        return shapely.transform(simplified, lambda xy: _to_svg(xy, min_lon, max_lat,
                                                                x_scale, scale))

    return SvgMap(WIDTH, round(height, 1), path(project(context)), path(project(district)))


def _to_svg(xy, min_lon: float, max_lat: float, x_scale: float, scale: float):
    """Vectorised projection of an (n, 2) array of lon/lat pairs."""
    out = xy.copy()
    out[:, 0] = (xy[:, 0] - min_lon) * x_scale * scale
    out[:, 1] = (max_lat - xy[:, 1]) * scale
    return out


def path(geometry: BaseGeometry) -> str:
    """An SVG path ``d`` attribute for a polygon or multipolygon, one subpath per ring."""
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = [f"{x:.1f} {y:.1f}" for x, y in ring.coords[:-1]]
            if len(coords) >= 3:
                parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)
