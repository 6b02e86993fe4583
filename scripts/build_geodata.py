"""Derive the committed geography files in data/ from public Census and ZIP code data.

Inputs: the npm package us-atlas (Census Bureau cartographic boundaries, 2017, as
unprojected TopoJSON; the version is pinned below), PyPI `zipcodes` (ZIP centroids and
place names), PyPI `us` (state postal codes; `pip install -e '.[scripts]'`) and, for the
state, three files kept in data/sources/ (see its README): the state's description
(`<name>.json`, naming the other two), its table of prosecutorial districts by county, and
the Census 2020 ZCTA-to-county relationship rows of its ZIP code areas. Another state is
three more files there, not code. Outputs (see docs/data-format.md):

    data/gazetteer/us-states.csv        data/<state>/counties.geojson
    data/gazetteer/us-counties.csv      data/<state>/districts.json
    data/gazetteer/zip-areas.csv        data/<state>/state.json
                                        data/<state>/zip-counties.csv
                                        data/<state>/state-lines.geojson

Re-running with the same inputs rewrites byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "data" / "sources"
#: The us-atlas release the committed files were derived from: pinned, so a re-run in a
#: year's time reads the same boundaries.
US_ATLAS = "us-atlas@3.0.1"

sys.path.insert(0, str(REPO))
from voterguide.geo.address import normalise  # noqa: E402 - the app's own name matching

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_M
DECIMALS = 5

ZIP_MARGIN_M = 1500
ZIP_UNCLIPPED_CAP_M = 30_000
ZIP_CAP_M = 40_000
#: How far from its post office a ZIP code that is no ZCTA (PO boxes, unique ZIPs), in a
#: place with no ZCTA of its own name, is taken to reach: box holders live around it.
POST_OFFICE_REACH_M = 10_000

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
    """Download the pinned us-atlas with `npm pack` into workdir; the extracted package."""
    result = subprocess.run(
        ["npm", "pack", US_ATLAS, "--json", "--pack-destination", str(workdir)],
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


def all_zips() -> list[dict]:
    """Every ZIP code of the PyPI package ``zipcodes``, of any type, sorted by ZIP."""
    import zipcodes

    return sorted(zipcodes.list_all(), key=lambda z: z["zip_code"])


def has_point(row: dict) -> bool:
    """True when the ZIP table gives the ZIP a position ("0.0000" means it has none)."""
    try:
        return (float(row["lat"]), float(row["long"])) != (0.0, 0.0)
    except (TypeError, ValueError):
        return False


def standard_zips(rows: list[dict]) -> list[dict]:
    """The STANDARD ZIP codes that have a position."""
    return [z for z in rows if z["zip_code_type"] == "STANDARD" and has_point(z)]


def read_csv_rows(path: Path) -> list[dict]:
    """Rows of a CSV file (a byte order mark is tolerated)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def state_description(code: str) -> tuple[dict, Path]:
    """The description of a state in data/sources (the .json whose "code" is the state)."""
    for path in sorted(SOURCES.glob("*.json")):
        description = json.loads(path.read_text(encoding="utf-8"))
        if description.get("code") == code:
            return description, path
    raise SystemExit(f"no description of {code} in {SOURCES}: see its README")


Relationship = dict[str, list[tuple[str, int]]]


def read_relationship(path: Path) -> tuple[Relationship, dict[str, int]]:
    """ZCTA -> its parts [(county FIPS, land m2)], and each ZCTA's whole land area."""
    parts: Relationship = defaultdict(list)
    land: dict[str, int] = {}
    for row in read_csv_rows(path):
        parts[row["zcta"]].append((row["county_geoid"], int(row["arealand_part"])))
        land[row["zcta"]] = int(row["arealand_zcta"])
    return dict(parts), land


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


def district_key(value: str) -> tuple[int, str]:
    """Sort district keys numerically when they are numbers ("2" before "10")."""
    return (int(value), "") if value.isdigit() else (math.inf, value)  # type: ignore[return-value]


def county_district(key: str, rows: list[dict], description: dict) -> dict:
    """One district of the state's table: a union of counties, named from the description."""
    state, kind = description["code"].lower(), description["kind"]
    names = sorted(row["county"] for row in rows)
    pattern = description.get("district_name", "{key}")
    name = rows[0].get("name") or pattern.format(
        key=key, ordinal=ordinal(int(key)) if key.isdigit() else key, county=names[0])
    plain = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")  # "San Francisco" -> "san_francisco"
    district = {
        "id": f"ocd-division/country:us/state:{state}/{kind}:{plain}",
        "slug": f"{state}-{kind}-{plain.replace('_', '-')}",
        "name": name,
        "office": description["office"],
        "boundary": "counties",
        "counties": sorted(row["county_fips"] for row in rows),
        "description": county_list(names),
    }
    district.update(description.get("districts", {}).get(key, {}))
    return district


def unmapped_district(entry: dict, inside: dict, office: str) -> dict:
    """An office inside another district's area with no boundary of its own: it lies
    somewhere in that district's counties."""
    district = {"id": entry["id"], "slug": entry["slug"], "name": entry["name"],
                "office": entry.get("office", office), "boundary": "unmapped",
                "counties": inside["counties"], "description": entry["description"]}
    if entry.get("ballot_note"):
        district["ballot_note"] = entry["ballot_note"]
    return district


def read_district_table(path: Path, description: dict, counties: dict) -> list[dict]:
    """The state's district table as rows of ``<kind>``, ``county`` (its us-atlas name) and
    ``county_fips`` (and ``name`` if given). The county's name may be written as the Census
    writes it ("Alameda County") or bare ("Alameda"). Where every county is a district of its
    own (``"district_per_county": true``), the table needs no ``<kind>`` column: the county's
    name is the key. Fails unless every county of the state is listed exactly once."""
    kind = description["kind"]
    rows = read_csv_rows(path)
    per_county = description.get("district_per_county", False)
    if rows and not per_county and kind not in rows[0]:
        raise SystemExit(f"the district table needs a {kind!r} column")
    listed = sorted(row["county_fips"] for row in rows)
    if listed != sorted(counties):
        raise SystemExit("district table does not list each county exactly once")
    table = []
    for row in rows:
        fips = row["county_fips"]
        written = row.get("county") or row.get("county_name") or ""
        atlas_name = counties[fips][0]["name"]
        if county_name(written) != atlas_name.lower():
            raise SystemExit(f"county name mismatch for {fips}: {written}")
        entry = {kind: atlas_name if per_county else row[kind], "county": atlas_name,
                 "county_fips": fips}
        if row.get("name"):
            entry["name"] = row["name"]
        table.append(entry)
    return table


def districts_document(rows: list[dict], description: dict, atlas: str) -> dict:
    """districts.json: every district of the table, each office without a boundary of its
    own right after the district it lies in."""
    kind = description["kind"]
    keys = sorted({row[kind] for row in rows}, key=district_key)
    inner = defaultdict(list)
    for entry in description.get("offices_without_boundary", []):
        inner[entry["inside"]].append(entry)
    districts = []
    for key in keys:
        district = county_district(key, [r for r in rows if r[kind] == key], description)
        districts.append(district)
        districts += [unmapped_district(e, district, description["office"]) for e in inner[key]]
    return {
        "state": description["code"],
        "boundary_accuracy_m": BOUNDARY_ACCURACY_M,
        "source": f"{description['statute']}; county boundaries from the Census Bureau "
                  f"cartographic boundary files, 2017, via the npm package {atlas}",
        "districts": districts,
    }


def state_document(code: str, name: str, fips: str, description: dict, atlas: str) -> dict:
    """state.json: name, FIPS code, official voter tools, voting facts and sources."""
    return {
        "code": code,
        "name": name,
        "fips": fips,
        "voter_tools": description["voter_tools"],
        "voting": description.get("voting", {}),
        "office_selection": description["office_selection"],
        "sources": [
            *description["sources"],
            f"County boundaries: Census Bureau cartographic boundary files, 2017 ({atlas})",
        ],
    }


# --- ZIP code areas from the Census relationship ----------------------------------------


def zcta_parts(zcta: str, parts: list[tuple[str, int]], land: int,
               state_of_zip: dict[str, str]) -> list[tuple[str, int]]:
    """A ZCTA's parts, largest first; land the rows do not place (a ZCTA mostly in another
    state lists only its part here) is a part in its own state, county unknown."""
    parts = sorted(parts, key=lambda p: (-p[1], p[0]))
    rest = land - sum(area for _, area in parts)
    if rest > 0:
        parts.append((state_of_zip.get(zcta, "") or "00", rest))
        parts.sort(key=lambda p: (-p[1], p[0]))
    return parts


def zip_county_rows(relationship: Relationship, zcta_land: dict[str, int], zips: list[dict],
                    state: str, counties: dict, codes: dict[str, str]) -> list[list]:
    """zip-counties.csv rows: each ZIP code the state's voters may type, with the counties
    its area lies in, largest share first, and the evidence for them.

    * ``zcta``: the ZIP is a ZCTA: its parts, with their land areas, from the relationship;
    * ``town``: a ZIP that is no ZCTA (a PO box or unique ZIP): the counties of the ZCTAs
      of the same town (their land summed), and the post office's own county;
    * ``post-office``: no ZCTA has its town's name: the post office's county and every
      county within POST_OFFICE_REACH_M of it.
    """
    fips_of_state = {code: fips for fips, code in codes.items()}
    state_of_zip = {z["zip_code"]: fips_of_state.get(z["state"], "") for z in zips}
    county_of = {(codes[f[:2]], counties[f][0]["name"].lower()): f for f in counties}
    rows, town_land = [], defaultdict(lambda: defaultdict(int))
    by_name = defaultdict(list)
    for z in zips:
        if z["state"] == state:
            for place in (z["city"], *z.get("acceptable_cities", [])):
                by_name[normalise(place)].append(z)
    for zcta, parts in sorted(relationship.items()):
        whole = zcta_parts(zcta, parts, zcta_land[zcta], state_of_zip)
        rows.append([zcta, "zcta", format_parts(whole)])
        if zcta in state_of_zip:
            for fips, area in whole:
                town_land[zcta][fips] += area
    fips = sorted(counties)
    tree = shapely.STRtree([counties[f][1] for f in fips])
    for z in zips:
        if z["state"] != state or z["zip_code"] in relationship:
            continue
        named = county_of.get((state, county_name(z.get("county") or "")))
        town = [t["zip_code"] for t in by_name.get(normalise(z["city"]), [])
                if t["zip_code"] in relationship]
        if town:
            land = defaultdict(int)
            for zcta in town:
                for county, area in town_land[zcta].items():
                    land[county] += area
            if named and named not in land:
                land[named] = 0
            rows.append([z["zip_code"], "town", format_parts(
                sorted(land.items(), key=lambda p: (-p[1], p[0])))])
        elif has_point(z):
            lon, lat = float(z["long"]), float(z["lat"])
            centre = shapely.points(lon, lat)
            reach = POST_OFFICE_REACH_M / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
            near = sorted((shapely.distance(centre, counties[fips[i]][1]), fips[i])
                          for i in tree.query(centre, predicate="dwithin", distance=reach))
            found = list(dict.fromkeys([*([named] if named else []), *(f for _, f in near)]))
            if found:
                rows.append([z["zip_code"], "post-office", " ".join(found)])
    return sorted(rows)


def format_parts(parts: list[tuple[str, int]]) -> str:
    """Parts as "FIPS:land_m2 FIPS:land_m2", in the order given."""
    return " ".join(f"{fips}:{area}" for fips, area in parts)


def state_lines(topology: dict, state_fips: str, codes: dict[str, str]) -> list[dict]:
    """GeoJSON features of the lines a state shares with each neighbouring state: the arcs
    its outline and theirs have in common (a coast is shared with nobody)."""
    arcs = decode_arcs(topology)
    used = defaultdict(set)
    for geometry in topology["objects"]["states"]["geometries"]:
        rings = geometry["arcs"] if geometry["type"] == "Polygon" else sum(geometry["arcs"], [])
        for ring in rings:
            used[geometry["id"]].update(i if i >= 0 else ~i for i in ring)
    features = []
    for neighbour in sorted(used):
        shared = sorted(used[state_fips] & used[neighbour]) if neighbour != state_fips else []
        if shared:
            lines = shapely.line_merge(shapely.multilinestrings(
                [shapely.linestrings(arcs[i]) for i in shared]))
            parts = shapely.get_parts(lines)
            features.append({
                "type": "Feature",
                "properties": {"state": codes[state_fips], "neighbour": codes[neighbour]},
                "geometry": {"type": "MultiLineString",
                             "coordinates": [rounded(p.coords) for p in parts]},
            })
    return features


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
    parser.add_argument("--state", default="AL", type=str.upper,
                        help="the state's postal code; data/sources/ describes it")
    parser.add_argument("--districts", "--circuits", dest="districts", type=Path,
                        help="the table <kind>,county,county_fips (default: the one the "
                             "state's description names)")
    parser.add_argument("--zcta", type=Path,
                        help="the state's rows of the Census ZCTA-to-county relationship "
                             "(default: the one the state's description names)")
    parser.add_argument("--us-atlas", type=Path,
                        help=f"an extracted {US_ATLAS} package (default: npm pack it)")
    return parser.parse_args()


def build(args: argparse.Namespace, atlas_dir: Path) -> None:
    """Derive and write every output file, then print a short summary."""
    topology = json.loads((atlas_dir / "counties-10m.json").read_text(encoding="utf-8"))
    version = json.loads((atlas_dir / "package.json").read_text(encoding="utf-8"))["version"]
    if f"us-atlas@{version}" != US_ATLAS:
        raise SystemExit(f"{atlas_dir} holds us-atlas {version}, not the pinned {US_ATLAS}")
    atlas = f"us-atlas {version}"
    codes = state_codes()
    counties = topo_features(topology, "counties")
    states = topo_features(topology, "states")
    outlines = {codes[fips]: geometry for fips, (_, geometry) in states.items()}
    fips = next(f for f, code in codes.items() if code == args.state)
    name = next(p["name"] for f, (p, _) in states.items() if f == fips)
    description, described_in = state_description(args.state)
    table = args.districts or described_in.parent / description["district_table"]
    zcta = args.zcta or described_in.parent / description["zcta_county"]
    out = REPO / "data" / args.state.lower()

    write_csv(REPO / "data/gazetteer/us-states.csv", ["fips", "code", "name", "ap"],
              [[s.fips, s.abbr, s.name, s.ap_abbr or ""] for s in us_states()])
    gazetteer = county_rows(counties, codes)
    write_csv(REPO / "data/gazetteer/us-counties.csv", ["fips", "state", "name", "lat", "lon"],
              gazetteer)
    every_zip = all_zips()
    zips = standard_zips(every_zip)
    write_csv(REPO / "data/gazetteer/zip-areas.csv", ["zip", "radius_m", "counties"],
              zip_area_rows(zips, outlines, counties, codes))

    local = state_counties(counties, fips)
    rows = read_district_table(table, description, local)
    write_feature_collection(out / "counties.geojson", county_features(local, args.state))
    districts = districts_document(rows, description, atlas)
    write_json(out / "districts.json", districts)
    write_json(out / "state.json", state_document(args.state, name, fips, description, atlas))
    relationship, zcta_land = read_relationship(zcta)
    zip_rows = zip_county_rows(relationship, zcta_land, every_zip, args.state, counties, codes)
    write_csv(out / "zip-counties.csv", ["zip", "evidence", "counties"], zip_rows)
    lines = state_lines(topology, fips, codes)
    write_feature_collection(out / "state-lines.geojson", lines)

    state_zips = [z for z in zips if z["state"] == args.state]
    misfits = county_misfits(state_zips, local)
    spacing = vertex_spacing_m(local)
    p90 = statistics.quantiles(misfits, n=10)[-1] if len(misfits) > 1 else float("nan")
    evidence = Counter(row[1] for row in zip_rows)
    print(f"{len(gazetteer)} US counties, {len(zips)} standard ZIPs; {args.state}: "
          f"{len(local)} counties, {len(districts['districts'])} districts, "
          f"{len(zip_rows)} ZIP codes by their counties ({dict(sorted(evidence.items()))}), "
          f"state lines with {', '.join(f['properties']['neighbour'] for f in lines)}")
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
