"""Derive the committed geography files in data/ from public Census and ZIP code data.

Inputs: the npm package us-atlas@3 (Census Bureau cartographic boundaries, 2017, as
unprojected TopoJSON), PyPI `zipcodes` (ZIP centroids), PyPI `us` (state postal codes) and
a reference table of the state's prosecutorial districts. Outputs (see docs/data-format.md):

    data/gazetteer/us-states.csv        data/<state>/counties.geojson
    data/gazetteer/us-counties.csv      data/<state>/districts.json
    data/gazetteer/zip-areas.csv        data/<state>/state.json

Re-running with the same inputs rewrites byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CIRCUITS = REPO.parent / "shared" / "reference" / "alabama-judicial-circuits.csv"

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_M
DECIMALS = 5

ZIP_MARGIN_M = 1500
ZIP_UNCLIPPED_CAP_M = 30_000
ZIP_CAP_M = 40_000

# How far the county lines in counties.geojson may be from the true lines. Figures for
# Alabama from us-atlas 3.0.1 (the script reprints the measured ones):
#   * us-atlas quantizes to 0.00359 deg of longitude x 0.00086 deg of latitude, about
#     335 m x 95 m here, so a vertex may be ~170 m off east-west before any simplification;
#   * it then simplifies the Census 1:5,000,000 file (itself generalized) by Visvalingam
#     with a spherical area threshold of 1e-7 sr, about 4 km2 per removed triangle: the
#     median spacing of consecutive vertices on Alabama county lines is ~5.9 km (10th
#     percentile ~3.1 km), so over a 6 km chord a dropped vertex can sit up to
#     2 * 4 km2 / 6 km ~ 1.4 km off the line, less on typical gentle bends;
#   * 20 of 597 Alabama standard ZIP centroids fall outside the county `zipcodes` names,
#     median 1.7 km and 90th percentile 4.1 km away. Most are ZIPs that truly span a county
#     line, so this bounds the error only loosely; the small misfits (23 m, 82 m, 143 m,
#     ~490 m) look like simplification error.
# Vertex spacing far above 1 km says 500 m would be optimistic along the many river and
# creek boundaries; 1000 m covers quantization plus a typical simplification chord. Being
# too wide only means a few more voters near a county line are asked to confirm.
BOUNDARY_ACCURACY_M = 1000

STATES = {
    "AL": {
        "statute": "Code of Alabama §12-11-2",
        "sources": [
            "Prosecutorial districts: Code of Alabama §12-11-2",
            "Voter tools: Alabama Secretary of State, https://www.alabamavotes.gov/",
        ],
        "voter_tools": [
            {"label": "Check your registration",
             "url": "https://myinfo.alabamavotes.gov/voterview"},
            {"label": "Register to vote", "url": "https://www.alabamavotes.gov/"},
            {"label": "Find your polling place",
             "url": "https://myinfo.alabamavotes.gov/voterview"},
        ],
    },
}

JEFFERSON_FIPS = "01073"
BIRMINGHAM_NAME = "10th Judicial Circuit (Birmingham Division)"
BIRMINGHAM_DESCRIPTION = (
    "Jefferson County. Jefferson County has two separately elected district attorneys: "
    "the whole county votes for the Birmingham Division district attorney, and the "
    "Bessemer Division has its own district attorney."
)
BESSEMER = {
    "id": "ocd-division/country:us/state:al/circuit:10/division:bessemer",
    "slug": "al-circuit-10-bessemer",
    "name": "10th Judicial Circuit (Bessemer Division)",
    "office": "District Attorney",
    "boundary": "unmapped",
    "counties": [JEFFERSON_FIPS],
    "description": (
        "The Bessemer Division, often called the “Bessemer Cutoff”, is a separate division "
        "of the Jefferson County circuit court with its own district attorney. It covers "
        "the western and southwestern part of Jefferson County, around the city of "
        "Bessemer. No public boundary file for the division exists, so this guide cannot "
        "tell from an address whether you live in it. Your sample ballot shows whether the "
        "Bessemer Division district attorney is on your ballot; you can also look up your "
        "polling place with the Alabama Secretary of State."
    ),
}


# --- TopoJSON -------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Absolute coordinates of every arc, undoing quantization and delta encoding."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            steps = np.cumsum(np.asarray(arc, dtype=np.int64)[:, :2], axis=0)
            arcs.append(steps * transform["scale"] + transform["translate"])
        else:
            arcs.append(np.asarray(arc, dtype=float)[:, :2])
    return arcs


def ring_coords(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """Coordinates of a ring joined from arcs, where index ~i means arc i reversed."""
    parts = []
    for position, index in enumerate(indices):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if position == 0 else points[1:])
    return np.concatenate(parts)


def topo_polygon(arcs: list[np.ndarray], rings: list[list[int]]) -> Polygon:
    """Polygon from TopoJSON rings, skipping rings that quantization collapsed."""
    exterior, *holes = (ring_coords(arcs, ring) for ring in rings)
    if len(exterior) < 4:
        return Polygon()
    return Polygon(exterior, [hole for hole in holes if len(hole) >= 4])


def topo_geometry(arcs: list[np.ndarray], geometry: dict) -> Polygon | MultiPolygon | Point:
    """Shapely geometry of a TopoJSON Polygon or MultiPolygon (a Point if fully collapsed)."""
    if geometry["type"] == "Polygon":
        polygons = [topo_polygon(arcs, geometry["arcs"])]
    elif geometry["type"] == "MultiPolygon":
        polygons = [topo_polygon(arcs, rings) for rings in geometry["arcs"]]
    else:
        raise ValueError(f"unsupported TopoJSON geometry type {geometry['type']!r}")
    polygons = [polygon for polygon in polygons if not polygon.is_empty]
    if not polygons:
        rings = geometry["arcs"] if geometry["type"] == "Polygon" else sum(geometry["arcs"], [])
        return Point(np.concatenate([ring_coords(arcs, ring) for ring in rings]).mean(axis=0))
    if geometry["type"] == "Polygon":
        return polygons[0]
    return MultiPolygon(polygons)


def topo_features(topology: dict, name: str) -> dict[str, tuple[dict, Polygon | MultiPolygon]]:
    """Map each geometry id of a named TopoJSON object to (properties, shapely geometry)."""
    arcs = decode_arcs(topology)
    return {
        geometry["id"]: (geometry.get("properties", {}), topo_geometry(arcs, geometry))
        for geometry in topology["objects"][name]["geometries"]
    }


# --- Inputs ---------------------------------------------------------------------------


def fetch_us_atlas(workdir: Path) -> Path:
    """Download us-atlas@3 with `npm pack` into workdir and return the extracted package."""
    result = subprocess.run(
        ["npm", "pack", "us-atlas@3", "--json", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True, cwd=workdir,
    )
    tarball = workdir / json.loads(result.stdout)[0]["filename"]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def us_states() -> list:
    """Every state, territory and DC, from the PyPI package ``us``."""
    import us

    return sorted([*us.states.STATES_AND_TERRITORIES, us.states.DC], key=lambda s: s.fips)


def state_codes() -> dict[str, str]:
    """Map state FIPS codes to postal codes, territories and DC included."""
    return {state.fips: state.abbr for state in us_states()}


def standard_zips() -> list[dict]:
    """Every STANDARD ZIP code with coordinates, sorted by ZIP."""
    import zipcodes

    rows = [
        z for z in zipcodes.list_all()
        if z["zip_code_type"] == "STANDARD" and z["lat"] and z["long"]
    ]
    return sorted(rows, key=lambda z: z["zip_code"])


def read_circuits(path: Path) -> list[dict]:
    """Rows of the circuit,county,county_fips reference table."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- Geometry helpers -----------------------------------------------------------------


def local_metres(lon: np.ndarray, lat: np.ndarray, lon0, lat0) -> np.ndarray:
    """Equirectangular distance in metres from (lon0, lat0), dx scaled by cos(lat0)."""
    dx = (lon - lon0) * np.cos(np.radians(lat0)) * METRES_PER_DEGREE
    dy = (lat - lat0) * METRES_PER_DEGREE
    return np.hypot(dx, dy)


def to_local_plane(geometry, lon0: float, lat0: float):
    """The geometry in metres on a plane centred at (lon0, lat0)."""
    scale = np.array([math.cos(math.radians(lat0)) * METRES_PER_DEGREE, METRES_PER_DEGREE])
    return shapely.transform(geometry, lambda coords: (coords - (lon0, lat0)) * scale)


def clean_polygon(geometry):
    """Round to DECIMALS, repair with make_valid if needed and orient exteriors CCW."""
    geometry = shapely.transform(geometry, lambda coords: np.round(coords, DECIMALS))
    if not geometry.is_valid:
        parts = shapely.get_parts(shapely.make_valid(geometry))
        polygons = [p for p in parts if isinstance(p, Polygon | MultiPolygon)]
        geometry = shapely.set_precision(shapely.union_all(polygons), 10**-DECIMALS)
    return shapely.orient_polygons(geometry)


def rounded(coords) -> list[list[float]]:
    """A coordinate sequence as [lon, lat] lists rounded to DECIMALS."""
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in coords]


def geojson_geometry(geometry) -> dict:
    """GeoJSON dict of a Polygon or MultiPolygon with rounded coordinates."""
    def rings(polygon):
        return [rounded(polygon.exterior.coords), *(rounded(r.coords) for r in polygon.interiors)]

    if isinstance(geometry, Polygon):
        return {"type": "Polygon", "coordinates": rings(geometry)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geometry.geoms]}


# --- Outputs --------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Write a CSV with Unix line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_json(path: Path, data) -> None:
    """Write stable, human-readable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_feature_collection(path: Path, features: list[dict]) -> None:
    """Write a GeoJSON FeatureCollection with one compact feature per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def county_rows(counties: dict, codes: dict[str, str]) -> list[list]:
    """us-counties.csv rows: fips, state, name and a point inside the county."""
    rows = []
    for fips, (properties, geometry) in sorted(counties.items()):
        point = geometry.point_on_surface()
        rows.append([fips, codes[fips[:2]], properties["name"],
                     f"{point.y:.{DECIMALS}f}", f"{point.x:.{DECIMALS}f}"])
    return rows


def voronoi_cells(points: np.ndarray) -> np.ndarray:
    """Voronoi cell of each (lon, lat) point; coincident points share one cell."""
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    sites = shapely.points(unique)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites)))
    site_index, cell_index = shapely.STRtree(cells).query(sites, predicate="within")
    if len(site_index) != len(unique):
        raise RuntimeError("Voronoi cells do not match ZIP centroids one to one")
    cell_of_site = np.empty(len(unique), dtype=np.int64)
    cell_of_site[site_index] = cell_index
    return cells[cell_of_site[inverse.ravel()]]


def farthest_vertex_m(geometries: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Distance in metres from each centre to the farthest vertex of its geometry."""
    coords, index = shapely.get_coordinates(geometries, return_index=True)
    distance = local_metres(coords[:, 0], coords[:, 1], lon[index], lat[index])
    farthest = np.zeros(len(geometries))
    np.maximum.at(farthest, index, distance)
    return farthest


def zip_cells(zips: list[dict], outlines: dict[str, object]) -> np.ndarray:
    """Each ZIP's Voronoi cell among all standard ZIP centroids, clipped to its state."""
    lon = np.array([float(z["long"]) for z in zips])
    lat = np.array([float(z["lat"]) for z in zips])
    cells = voronoi_cells(np.column_stack([lon, lat]))
    states = np.array([outlines.get(z["state"]) for z in zips], dtype=object)
    shapely.prepare(list(outlines.values()))
    inside = shapely.contains_xy(states, lon, lat)
    clipped = cells.copy()
    clipped[inside] = shapely.intersection(cells[inside], states[inside])
    unclipped = ~inside | shapely.is_empty(clipped)
    clipped[unclipped] = cells[unclipped]
    return clipped


def zip_area_rows(zips: list[dict], outlines: dict[str, object], counties: dict,
                  codes: dict[str, str]) -> list[list]:
    """zip-areas.csv rows: each ZIP's reach from its centroid and the counties it may touch.

    The area is the ZIP's Voronoi cell within its state, grown by a margin; a ZIP touches
    the counties that area meets, and always the county the ZIP table names for it.
    """
    lon = np.array([float(z["long"]) for z in zips])
    lat = np.array([float(z["lat"]) for z in zips])
    cells = zip_cells(zips, outlines)
    inside = shapely.contains_xy(np.array([outlines.get(z["state"]) for z in zips],
                                          dtype=object), lon, lat)
    radius = np.ceil(farthest_vertex_m(cells, lon, lat) + ZIP_MARGIN_M)
    radius[~inside] = np.minimum(radius[~inside], ZIP_UNCLIPPED_CAP_M)
    radius = np.minimum(radius, ZIP_CAP_M).astype(int)
    # Grow each cell by the margin, in degrees of longitude (the shorter degree) so the
    # margin is at least ZIP_MARGIN_M in every direction.
    margin = ZIP_MARGIN_M / (111_320 * np.cos(np.radians(lat)))
    areas = shapely.buffer(cells, margin, quad_segs=4)
    fips = sorted(counties)
    tree = shapely.STRtree([counties[f][1] for f in fips])
    zip_index, county_index = tree.query(areas, predicate="intersects")
    touched: dict[int, set[str]] = {}
    for z, c in zip(zip_index, county_index, strict=True):
        # A ZIP belongs to its own state: the margin may cross a state line, the ZIP does not.
        if codes[fips[c][:2]] == zips[z]["state"]:
            touched.setdefault(int(z), set()).add(fips[c])
    by_name = {(codes[f[:2]], counties[f][0]["name"].lower()): f for f in fips}
    rows = []
    for i, z in enumerate(zips):
        named = by_name.get((z["state"], county_name(z.get("county") or "")))
        found = touched.get(i, set()) | ({named} if named else set())
        rows.append([z["zip_code"], int(radius[i]), " ".join(sorted(found))])
    return rows


def county_name(written: str) -> str:
    """A county name as the ZIP table writes it ("Tuscaloosa County"), in us-atlas form."""
    lowered = written.lower().strip()
    for suffix in (" county", " parish", " borough", " census area", " municipality",
                   " city and borough"):
        lowered = lowered.removesuffix(suffix)
    return lowered.replace("saint ", "st. ")


def state_counties(counties: dict, fips: str) -> dict[str, tuple[dict, object]]:
    """The counties of one state, geometries cleaned for GeoJSON."""
    return {
        code: (properties, clean_polygon(geometry))
        for code, (properties, geometry) in sorted(counties.items())
        if code.startswith(fips)
    }


def county_features(counties: dict, state: str) -> list[dict]:
    """GeoJSON features of a state's counties."""
    return [
        {
            "type": "Feature",
            "id": fips,
            "properties": {"fips": fips, "name": properties["name"], "state": state},
            "geometry": geojson_geometry(geometry),
        }
        for fips, (properties, geometry) in counties.items()
    ]


def ordinal(number: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def county_list(names: list[str]) -> str:
    """'Tuscaloosa County.' or 'Choctaw, Clarke and Washington counties.'"""
    if len(names) == 1:
        return f"{names[0]} County."
    return f"{', '.join(names[:-1])} and {names[-1]} counties."


def circuit_district(number: int, rows: list[dict], state: str) -> dict:
    """The district of one judicial circuit, a union of counties."""
    district = {
        "id": f"ocd-division/country:us/state:{state.lower()}/circuit:{number}",
        "slug": f"{state.lower()}-circuit-{number}",
        "name": f"{ordinal(number)} Judicial Circuit",
        "office": "District Attorney",
        "boundary": "counties",
        "counties": sorted(row["county_fips"] for row in rows),
        "description": county_list(sorted(row["county"] for row in rows)),
    }
    if district["counties"] == [JEFFERSON_FIPS]:
        district["name"] = BIRMINGHAM_NAME
        district["description"] = BIRMINGHAM_DESCRIPTION
    return district


def check_circuits(rows: list[dict], counties: dict) -> None:
    """Fail unless every county of the state is in exactly one circuit, under its name."""
    listed = sorted(row["county_fips"] for row in rows)
    if listed != sorted(counties):
        raise SystemExit("circuit table does not list each county exactly once")
    for row in rows:
        if counties[row["county_fips"]][0]["name"] != row["county"]:
            raise SystemExit(f"county name mismatch for {row['county_fips']}: {row['county']}")


def districts_document(rows: list[dict], state: str, statute: str, atlas: str) -> dict:
    """districts.json: every circuit, plus the unmapped Bessemer Division in Alabama."""
    numbers = sorted({int(row["circuit"]) for row in rows})
    districts = []
    for number in numbers:
        districts.append(circuit_district(
            number, [r for r in rows if int(r["circuit"]) == number], state))
        if districts[-1]["counties"] == [JEFFERSON_FIPS]:
            districts.append(BESSEMER)
    return {
        "state": state,
        "boundary_accuracy_m": BOUNDARY_ACCURACY_M,
        "source": f"{statute}; county boundaries from the Census Bureau cartographic "
                  f"boundary files, 2017, via the npm package {atlas}",
        "districts": districts,
    }


def state_document(code: str, name: str, fips: str, config: dict, atlas: str) -> dict:
    """state.json: name, FIPS code, official voter tools and sources."""
    return {
        "code": code,
        "name": name,
        "fips": fips,
        "voter_tools": config["voter_tools"],
        "sources": [
            *config["sources"],
            f"County boundaries: Census Bureau cartographic boundary files, 2017 ({atlas})",
        ],
    }


# --- Accuracy -------------------------------------------------------------------------


def county_misfits(zips: list[dict], counties: dict) -> list[float]:
    """Metres from each ZIP centroid outside its named county to that county."""
    by_name = {properties["name"]: geometry for properties, geometry in counties.values()}
    distances = []
    for z in zips:
        geometry = by_name.get(z["county"].removesuffix(" County"))
        lon, lat = float(z["long"]), float(z["lat"])
        if geometry is not None and not geometry.covers(Point(lon, lat)):
            distances.append(to_local_plane(geometry, lon, lat).distance(Point(0, 0)))
    return distances


def vertex_spacing_m(counties: dict) -> list[float]:
    """Metres between consecutive vertices of every county ring."""
    spacing = []
    for _, geometry in counties.values():
        for ring in shapely.get_rings(geometry):
            coords = shapely.get_coordinates(ring)
            mid_lat = (coords[1:, 1] + coords[:-1, 1]) / 2
            dx = np.diff(coords[:, 0]) * np.cos(np.radians(mid_lat)) * METRES_PER_DEGREE
            dy = np.diff(coords[:, 1]) * METRES_PER_DEGREE
            spacing.extend(np.hypot(dx, dy).tolist())
    return spacing


# --- Main -----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="AL", type=str.upper, choices=sorted(STATES))
    parser.add_argument("--circuits", default=DEFAULT_CIRCUITS, type=Path,
                        help="reference table circuit,county,county_fips")
    parser.add_argument("--us-atlas", type=Path,
                        help="an extracted us-atlas@3 package (default: npm pack it)")
    return parser.parse_args()


def build(args: argparse.Namespace, atlas_dir: Path) -> None:
    """Derive and write every output file, then print a short summary."""
    topology = json.loads((atlas_dir / "counties-10m.json").read_text(encoding="utf-8"))
    version = json.loads((atlas_dir / "package.json").read_text(encoding="utf-8"))["version"]
    atlas = f"us-atlas {version}"
    codes = state_codes()
    counties = topo_features(topology, "counties")
    states = topo_features(topology, "states")
    outlines = {codes[fips]: geometry for fips, (_, geometry) in states.items()}
    fips = next(f for f, code in codes.items() if code == args.state)
    name = next(p["name"] for f, (p, _) in states.items() if f == fips)
    config = STATES[args.state]
    out = REPO / "data" / args.state.lower()

    write_csv(REPO / "data/gazetteer/us-states.csv", ["fips", "code", "name"],
              [[s.fips, s.abbr, s.name] for s in us_states()])
    gazetteer = county_rows(counties, codes)
    write_csv(REPO / "data/gazetteer/us-counties.csv", ["fips", "state", "name", "lat", "lon"],
              gazetteer)
    zips = standard_zips()
    write_csv(REPO / "data/gazetteer/zip-areas.csv", ["zip", "radius_m", "counties"],
              zip_area_rows(zips, outlines, counties, codes))

    local = state_counties(counties, fips)
    rows = read_circuits(args.circuits)
    check_circuits(rows, local)
    write_feature_collection(out / "counties.geojson", county_features(local, args.state))
    districts = districts_document(rows, args.state, config["statute"], atlas)
    write_json(out / "districts.json", districts)
    write_json(out / "state.json", state_document(args.state, name, fips, config, atlas))

    state_zips = [z for z in zips if z["state"] == args.state]
    misfits = county_misfits(state_zips, local)
    spacing = vertex_spacing_m(local)
    p90 = statistics.quantiles(misfits, n=10)[-1] if len(misfits) > 1 else float("nan")
    print(f"{len(gazetteer)} US counties, {len(zips)} standard ZIPs; {args.state}: "
          f"{len(local)} counties, {len(districts['districts'])} districts")
    print(f"{len(misfits)} of {len(state_zips)} {args.state} ZIP centroids outside their "
          f"county: median {statistics.median(misfits or [0]):.0f} m, 90th pct {p90:.0f} m; "
          f"median vertex spacing {statistics.median(spacing):.0f} m; "
          f"boundary_accuracy_m = {BOUNDARY_ACCURACY_M}")


def main() -> None:
    """Entry point."""
    args = parse_args()
    if args.us_atlas:
        build(args, args.us_atlas)
        return
    with tempfile.TemporaryDirectory() as workdir:
        build(args, fetch_us_atlas(Path(workdir)))


if __name__ == "__main__":
    main()
