"""Loading a state's counties and districts from ``data/<state>/`` into the database, and
building the district index from the database once per process."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import shapely
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import content
from ..models import BoundaryKind, BoundaryVersion, County, District, DistrictCounty, State
from .districts import DistrictIndex, DistrictShape

DEFAULT_ACCURACY_M = 500.0


class BoundaryDataError(ValueError):
    """A state's data files are missing or inconsistent; the message says which and why."""


@dataclass(frozen=True)
class LoadReport:
    """What loading a state's boundaries changed."""

    state: str
    counties: int
    districts: int


def load_state(session: Session, state_dir: Path) -> LoadReport:
    """Insert or update a state's counties and districts from its data folder (flushes)."""
    state_dir = Path(state_dir)
    try:
        meta = json.loads((state_dir / "state.json").read_text(encoding="utf-8"))
        counties = json.loads((state_dir / "counties.geojson").read_text(encoding="utf-8"))
        districts = json.loads((state_dir / "districts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BoundaryDataError(f"Cannot read the data in {state_dir}: {error}") from error
    state = session.get(State, meta["code"]) or State(code=meta["code"])
    state.name, state.fips, state.voter_tools = meta["name"], meta["fips"], meta["voter_tools"]
    state.facts = meta.get("voting", {})
    state.office_selection = meta.get("office_selection", {})
    session.add(state)
    for feature in counties["features"]:
        props = feature["properties"]
        geometry = shapely.geometry.shape(feature["geometry"])
        if not geometry.is_valid or geometry.is_empty:
            raise BoundaryDataError(f"County {props['fips']} has an invalid boundary.")
        county = session.get(County, props["fips"]) or County(fips=props["fips"])
        county.state_code, county.name = state.code, props["name"]
        county.boundary = shapely.to_wkb(geometry)
        session.add(county)
    session.flush()
    known_counties = {f["properties"]["fips"] for f in counties["features"]}
    for entry in districts["districts"]:
        load_district(session, state.code, entry, known_counties)
    bump_version(session)
    return LoadReport(state.code, len(counties["features"]), len(districts["districts"]))


def load_district(session: Session, state_code: str, entry: dict, known: set[str]) -> None:
    """Insert or update one district and its counties."""
    missing = sorted(set(entry["counties"]) - known)
    if missing:
        raise BoundaryDataError(f"District {entry['id']} names unknown counties {missing}.")
    district = session.get(District, entry["id"]) or District(id=entry["id"])
    district.slug, district.name = entry["slug"], entry["name"]
    district.state_code, district.office = state_code, entry["office"]
    district.description = entry.get("description", "")
    district.boundary_kind = BoundaryKind(entry["boundary"])
    district.polygon = None
    if district.boundary_kind is BoundaryKind.POLYGON:
        district.polygon = shapely.to_wkb(shapely.geometry.shape(entry["geometry"]))
    session.add(district)
    session.flush()
    wanted = set(entry["counties"])
    current = set(session.scalars(select(DistrictCounty.county_fips)
                                  .where(DistrictCounty.district_id == district.id)))
    for fips in wanted - current:
        session.add(DistrictCounty(district_id=district.id, county_fips=fips))
    for fips in current - wanted:
        session.delete(session.get(DistrictCounty, (district.id, fips)))


def accuracy_of(data_dir: Path, states: list[str]) -> float:
    """The coarsest boundary accuracy declared by the covered states' district files."""
    accuracies = [DEFAULT_ACCURACY_M]
    for state in states:
        path = Path(data_dir) / state.lower() / "districts.json"
        if path.exists():
            accuracies.append(float(json.loads(path.read_text(encoding="utf-8"))
                                    .get("boundary_accuracy_m", DEFAULT_ACCURACY_M)))
    return max(accuracies)


def ballot_notes(data_dir: Path, states: list[str]) -> dict[str, str]:
    """Each district's ``ballot_note`` (who votes for an office inside another's area), from
    the covered states' district files."""
    notes = {}
    for state in states:
        path = Path(data_dir) / state.lower() / "districts.json"
        if path.exists():
            for entry in json.loads(path.read_text(encoding="utf-8")).get("districts", []):
                if entry.get("ballot_note"):
                    notes[entry["id"]] = entry["ballot_note"]
    return notes


def state_lines(data_dir: Path, covered: set[str], outlines: dict[str, object]):
    """Where the covered states meet a state this guide doesn't cover: each state's
    ``state-lines.geojson``, less the lines with covered neighbours. A state without the
    file counts its whole outline (``outlines[state]``), coast and all: safe, if wordy."""
    lines = []
    for state in sorted(covered):
        path = Path(data_dir) / state.lower() / "state-lines.geojson"
        if not path.exists():
            if state in outlines:
                lines.append(shapely.boundary(outlines[state]))
            continue
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as error:
            raise BoundaryDataError(f"Cannot read {path}: {error}") from error
        lines += [shapely.geometry.shape(f["geometry"]) for f in features
                  if f["properties"].get("neighbour") not in covered]
    return shapely.union_all(lines) if lines else shapely.GeometryCollection()


def build_index(session: Session, accuracy_m: float, data_dir: Path | None = None,
                states: list[str] | None = None) -> DistrictIndex:
    """Build the district index from the database (county unions or explicit polygons) and
    the covered states' data files (ballot notes, state lines)."""
    rows = list(session.scalars(select(County)))
    counties = {c.fips: shapely.from_wkb(c.boundary) for c in rows}
    names = {c.fips: c.name for c in rows}
    notes = ballot_notes(data_dir, states or []) if data_dir else {}
    shapes = []
    query = select(District).order_by(District.id)
    if states:  # a database may hold more states than this deployment covers
        query = query.where(District.state_code.in_([s.upper() for s in states]))
    for district in session.scalars(query):
        fips = frozenset(c.fips for c in district.counties)
        if district.boundary_kind is BoundaryKind.COUNTIES:
            geometry = shapely.union_all([counties[f] for f in sorted(fips)])
        elif district.boundary_kind is BoundaryKind.POLYGON:
            geometry = shapely.from_wkb(district.polygon)
        else:
            geometry = None
        shapes.append(DistrictShape(district.id, district.state_code, fips, geometry,
                                    name=district.name, slug=district.slug,
                                    from_counties=district.boundary_kind is not
                                    BoundaryKind.POLYGON,
                                    ballot_note=notes.get(district.id, ""),
                                    county_names=tuple(sorted(names[f] for f in fips)),
                                    office=district.office))
    covered = {shape.state for shape in shapes}
    outlines = {state: shapely.union_all([s.geometry for s in shapes
                                          if s.state == state and s.geometry is not None])
                for state in covered}
    lines = state_lines(data_dir, covered, outlines) if data_dir else None
    state_names = {s.code: s.name for s in session.scalars(select(State))}
    return DistrictIndex(shapes, counties, covered, accuracy_m, state_lines=lines,
                         state_names=state_names, county_names=names)


def bump_version(session: Session) -> None:
    """Mark the boundaries as changed, for every process's index and, since district pages
    show counties and maps, every page cache (flushes)."""
    version = session.get(BoundaryVersion, 1) or BoundaryVersion(id=1, number=0)
    version.number += 1
    session.add(version)
    session.flush()
    content.bump(session)


def current_version(session: Session) -> int:
    """The boundaries' version number (0 before anything was loaded)."""
    return session.scalar(select(BoundaryVersion.number).where(BoundaryVersion.id == 1)) or 0


@dataclass
class BuiltIndex:
    """A process's index, the boundary version it was built from, and when that was checked."""

    index: DistrictIndex
    version: int
    checked_at: float


_index_lock = threading.Lock()


def district_index() -> DistrictIndex:
    """The app's district index: built on first use, rebuilt when another process has loaded
    changed boundaries (checked at most every BOUNDARY_CHECK_SECONDS)."""
    from ..extensions import db, runtime

    state = runtime()
    built = state.district_index
    now = time.monotonic()
    if built is not None and now - built.checked_at < current_app.config["BOUNDARY_CHECK_SECONDS"]:
        return built.index
    with _index_lock:
        built = state.district_index
        version = current_version(db.session)
        if built is None or built.version != version:
            settings = current_app.config
            states = [s.strip() for s in settings["STATES"].split(",") if s.strip()]
            index = build_index(db.session, accuracy_of(settings["DATA_DIR"], states),
                                settings["DATA_DIR"], states)
            built = BuiltIndex(index, version, now)
            state.district_index = built
        built.checked_at = now
        return built.index


def forget_index() -> None:
    """Drop this process's index so its next lookup sees changed boundaries at once."""
    from ..extensions import runtime

    runtime().district_index = None
