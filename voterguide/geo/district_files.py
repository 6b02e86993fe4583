"""Loading another state's districts from the files a state publishes: a CSV of district
-> county FIPS codes (a statute's table of circuits, say), or GeoJSON polygons (a GIS export).

Both check before anything is written: unknown counties, a county in two districts, counties
no district covers, invalid geometry (repaired with shapely's make_valid, or refused with the
reason), and districts that overlap. The state's counties must be loaded first.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import County, State
from .boundaries import BoundaryDataError, bump_version, load_district

#: Overlap or gap smaller than this share of a county's area is boundary noise, not news.
NOISE_SHARE = 0.01


@dataclass
class DistrictFileReport:
    """What a district file holds and what is wrong or odd about it."""

    districts: list[dict] = field(default_factory=list)
    uncovered_counties: list[str] = field(default_factory=list)  # "Name (FIPS)"
    overlaps: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)


def _counties(session: Session, state_code: str) -> dict[str, County]:
    """The state's loaded counties by FIPS; a clear error if there are none."""
    if session.get(State, state_code) is None:
        raise BoundaryDataError(f"State {state_code} is not loaded: load its counties first "
                                f"(flask load-state {state_code.lower()}).")
    counties = {c.fips: c for c in session.scalars(select(County)
                                                   .where(County.state_code == state_code))}
    if not counties:
        raise BoundaryDataError(f"State {state_code} has no counties loaded.")
    return counties


def _slug(text: str) -> str:
    """A lower-case URL slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_county_csv(session: Session, text: str, state_code: str, kind: str
                    ) -> DistrictFileReport:
    """Districts from a CSV with a district column (its number or name) and county_fips;
    optional columns: name, id. Columns may be in any order; headers are case-insensitive."""
    counties = _counties(session, state_code)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {h.strip().lower(): h for h in reader.fieldnames or []}
    district_column = headers.get("district") or headers.get(kind.lower())
    if not district_column or "county_fips" not in headers:
        raise BoundaryDataError(f"The CSV needs a 'district' (or '{kind}') column and a "
                                f"'county_fips' column; it has {list(headers)}.")
    members: dict[str, dict] = {}
    owner: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
        key = (row.get(district_column) or "").strip()
        fips = (row.get(headers["county_fips"]) or "").strip().zfill(5)
        if not key:
            raise BoundaryDataError(f"Row {number}, column {district_column}: empty.")
        if fips not in counties:
            raise BoundaryDataError(f"Row {number}, column county_fips: {fips!r} is not a "
                                    f"county of {state_code}.")
        if fips in owner and owner[fips] != key:
            raise BoundaryDataError(f"Row {number}: county {fips} is already in district "
                                    f"{owner[fips]!r}; a county belongs to one district.")
        owner[fips] = key
        entry = members.setdefault(key, {
            "id": (row.get(headers.get("id", ""), "") or "").strip()
            or f"ocd-division/country:us/state:{state_code.lower()}/{_slug(kind)}:{_slug(key)}",
            "slug": f"{state_code.lower()}-{_slug(kind)}-{_slug(key)}",
            "name": (row.get(headers.get("name", ""), "") or "").strip()
            or f"{kind.title()} {key}",
            "office": "District Attorney", "boundary": "counties", "counties": []})
        entry["counties"].append(fips)
    if not members:
        raise BoundaryDataError("The CSV has no rows.")
    report = DistrictFileReport(districts=list(members.values()))
    report.uncovered_counties = [f"{counties[f].name} ({f})" for f in sorted(counties)
                                 if f not in owner]
    for entry in report.districts:
        names = sorted(counties[f].name for f in entry["counties"])
        entry["description"] = (f"{names[0]} County." if len(names) == 1
                                else f"{', '.join(names[:-1])} and {names[-1]} counties.")
    return report


def read_geojson(session: Session, text: str, state_code: str, kind: str,
                 id_property: str = "id", name_property: str = "name") -> DistrictFileReport:
    """Districts from a GeoJSON FeatureCollection of (multi)polygons in longitude/latitude."""
    counties = _counties(session, state_code)
    try:
        document = json.loads(text)
        features = document["features"]
    except (ValueError, KeyError, TypeError) as error:
        raise BoundaryDataError(f"Not a GeoJSON FeatureCollection: {error}") from error
    report = DistrictFileReport()
    shapes: list[tuple[str, BaseGeometry]] = []
    county_shapes = {f: shapely.from_wkb(c.boundary) for f, c in counties.items()}
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        key = str(props.get(id_property) or feature.get("id") or "").strip()
        label = f"Feature {number}" + (f" ({key})" if key else "")
        if not key:
            raise BoundaryDataError(f"{label}: no {id_property!r} property to name it by.")
        geometry = _polygonal(feature.get("geometry"), label, report)
        touched = sorted(f for f, shape in county_shapes.items()
                         if shape.intersection(geometry).area > NOISE_SHARE * shape.area)
        if not touched:
            raise BoundaryDataError(f"{label}: lies outside every county of {state_code}.")
        name = str(props.get(name_property) or f"{kind.title()} {key}")
        report.districts.append({
            "id": key if key.startswith("ocd-division/") else
            f"ocd-division/country:us/state:{state_code.lower()}/{_slug(kind)}:{_slug(key)}",
            "slug": f"{state_code.lower()}-{_slug(kind)}-{_slug(key)}", "name": name,
            "office": "District Attorney", "boundary": "polygon", "counties": touched,
            "geometry": shapely.geometry.mapping(geometry),
            "description": str(props.get("description") or "")})
        shapes.append((name, geometry))
    if not shapes:
        raise BoundaryDataError("The GeoJSON has no features.")
    for i, (name_a, a) in enumerate(shapes):
        for name_b, b in shapes[i + 1:]:
            shared = a.intersection(b).area
            if shared > NOISE_SHARE * min(a.area, b.area):
                report.overlaps.append(f"{name_a} and {name_b} overlap "
                                       f"({shared / min(a.area, b.area):.0%} of the smaller).")
    union = shapely.union_all([g for _, g in shapes])
    report.uncovered_counties = [
        f"{counties[f].name} ({f})" for f, shape in sorted(county_shapes.items())
        if shape.difference(union).area > NOISE_SHARE * shape.area]
    return report


def _polygonal(geojson: dict | None, label: str, report: DistrictFileReport) -> BaseGeometry:
    """A valid (multi)polygon from GeoJSON: repaired if possible, else refused with why."""
    try:
        geometry = shapely.geometry.shape(geojson)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException
            ) as error:
        raise BoundaryDataError(f"{label}: unreadable geometry ({error}).") from error
    if geometry.is_empty:
        raise BoundaryDataError(f"{label}: the geometry is empty.")
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        geometry = shapely.make_valid(geometry)
        report.repaired.append(f"{label}: {reason}; repaired.")
    polygons = [g for g in getattr(geometry, "geoms", [geometry])
                if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise BoundaryDataError(f"{label}: a {geometry.geom_type} is not an area; districts "
                                "must be polygons.")
    geometry = shapely.union_all(polygons)
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BoundaryDataError(f"{label}: coordinates are not longitude/latitude.")
    return geometry


def apply(session: Session, report: DistrictFileReport, state_code: str) -> None:
    """Write the districts (insert or update by id; flushes)."""
    known = set(_counties(session, state_code))
    for entry in report.districts:
        load_district(session, state_code, entry, known)
    bump_version(session)


def read_file(path: Path) -> str:
    """A district file's text (UTF-8, with or without BOM)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise BoundaryDataError(f"Cannot read {path}: {error}") from error
