"""Loading a state's districts from a CSV of counties or from GeoJSON polygons."""

from __future__ import annotations

import json

import pytest
import shapely
from sqlalchemy import select

from voterguide.geo.boundaries import district_index
from voterguide.geo.geocoding import Location, Precision
from voterguide.models import BoundaryKind, District

from .support import REPO

REFERENCE = REPO / "data" / "sources" / "alabama-judicial-circuits.csv"  # the statute's table


def write(tmp_path, name: str, text: str):
    """A file in the test's folder."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(runner, *args):
    """Invoke a flask command; its result."""
    return runner.invoke(args=["places", *(str(a) for a in args)])


def test_the_reference_table_loads_as_the_same_circuits(runner, db, tmp_path):
    text = REFERENCE.read_text(encoding="utf-8")
    path = write(tmp_path, "circuits.csv", "\ufeff" + text)
    result = run(runner, "load-districts-csv", path, "--state", "al", "--kind", "circuit",
                 "--dry-run")
    assert result.exit_code == 0, result.output
    assert "41 districts" in result.output and "not covered" not in result.output
    result = run(runner, "load-districts-csv", path, "--state", "AL", "--kind", "circuit")
    assert result.exit_code == 0, result.output
    six = db.session.get(District, "ocd-division/country:us/state:al/circuit:6")
    assert [c.fips for c in six.counties] == ["01125"]


@pytest.mark.parametrize(("text", "message"), [
    ("circuit,county_fips\n1,99999\n", "not a county of AL"),
    ("circuit,county_fips\n1,01125\n2,01125\n", "already in district"),
    ("name,fips\nx,01125\n", "needs a 'district'"),
    ("circuit,county_fips\n", "no rows"),
    ("circuit,county_fips\n,01125\n", "Row 2, column circuit: empty"),
])
def test_bad_csv_files_are_refused_and_nothing_changes(runner, db, tmp_path, text, message):
    before = db.session.scalars(select(District.id).order_by(District.id)).all()
    result = run(runner, "load-districts-csv", write(tmp_path, "d.csv", text), "--state", "AL",
                 "--kind", "circuit")
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalars(select(District.id).order_by(District.id)).all() == before


def test_uncovered_counties_are_reported(runner, tmp_path):
    path = write(tmp_path, "d.csv", "district,county_fips,name\nA,01125,Alpha District\n")
    result = run(runner, "load-districts-csv", path, "--state", "AL", "--dry-run")
    assert "not covered by any district" in result.output and "Autauga (01001)" in result.output


def feature(key, geometry, name=None):
    """A GeoJSON feature."""
    return {"type": "Feature", "properties": {"id": key, "name": name or f"Zone {key}"},
            "geometry": geometry}


def square(west, south, size):
    """A square polygon as GeoJSON."""
    return shapely.geometry.mapping(shapely.geometry.box(west, south, west + size,
                                                         south + size))


def test_polygons_load_are_repaired_and_reported_and_looked_up(runner, db, app, tmp_path):
    bow_tie = {"type": "Polygon", "coordinates": [[[-87.9, 33.0], [-87.3, 33.4],
                                                   [-87.3, 33.0], [-87.9, 33.4],
                                                   [-87.9, 33.0]]]}
    collection = {"type": "FeatureCollection", "features": [
        feature("east", square(-86.5, 32.2, 0.4)),
        feature("west", square(-86.7, 32.2, 0.4)),  # overlaps "east"
        feature("tie", bow_tie),
    ]}
    path = write(tmp_path, "zones.geojson", json.dumps(collection))
    result = run(runner, "load-districts-geojson", path, "--state", "AL", "--kind", "zone")
    assert result.exit_code == 0, result.output
    assert "repaired: Feature 3 (tie): Self-intersection" in result.output
    assert "overlap: Zone east and Zone west overlap" in result.output
    assert "not covered by any district" in result.output
    east = db.session.get(District, "ocd-division/country:us/state:al/zone:east")
    assert east.boundary_kind is BoundaryKind.POLYGON and east.slug == "al-zone-east"
    match = district_index().lookup(Location(32.4, -86.1, Precision.POINT))
    assert "ocd-division/country:us/state:al/zone:east" in match.district_ids


@pytest.mark.parametrize(("document", "message"), [
    ("not json", "Not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": []}', "no features"),
    (json.dumps({"type": "FeatureCollection", "features": [feature(
        "line", {"type": "LineString", "coordinates": [[-87, 33], [-86, 34]]})]}),
     "is not an area"),
    (json.dumps({"type": "FeatureCollection", "features": [feature(
        "far", square(10, 10, 1))]}), "outside every county"),
    (json.dumps({"type": "FeatureCollection", "features": [feature(
        "bad", {"type": "Polygon", "coordinates": "nope"})]}), "unreadable geometry"),
    (json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {}, "geometry": square(-87, 33, 0.1)}]}),
     "no 'id' property"),
])
def test_bad_geojson_is_refused_with_a_reason(runner, tmp_path, document, message):
    result = run(runner, "load-districts-geojson", write(tmp_path, "d.geojson", document),
                 "--state", "AL")
    assert result.exit_code != 0 and message in result.output


def test_a_state_without_counties_is_refused(runner, tmp_path):
    path = write(tmp_path, "d.csv", "district,county_fips\n1,13121\n")
    result = run(runner, "load-districts-csv", path, "--state", "GA")
    assert result.exit_code != 0 and "State GA is not loaded" in result.output


def test_a_server_process_sees_districts_loaded_by_another_process(database_path, tmp_path):
    """The CLI runs in its own process: the server's index must notice the new version."""
    from voterguide import create_app

    from .support import settings

    server = create_app(settings(database_path, BOUNDARY_CHECK_SECONDS=0))
    cli = create_app(settings(database_path))
    east = Location(32.4, -86.1, Precision.POINT)
    zone = "ocd-division/country:us/state:al/zone:east"
    with server.app_context():
        assert zone not in district_index().lookup(east).district_ids
    collection = {"type": "FeatureCollection", "features": [feature("east",
                                                                     square(-86.5, 32.2, 0.4))]}
    path = write(tmp_path, "zones.geojson", json.dumps(collection))
    result = cli.test_cli_runner().invoke(args=["places", "load-districts-geojson", str(path),
                                                "--state", "AL", "--kind", "zone"])
    assert result.exit_code == 0, result.output
    with server.app_context():
        assert zone in district_index().lookup(east).district_ids
