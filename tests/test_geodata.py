"""Checks on the committed geography files written by scripts/build_geodata.py."""

import csv
import datetime as dt
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
REFERENCE = DATA / "sources" / "alabama-judicial-circuits.csv"  # the statute's table
OCD_AL = "ocd-division/country:us/state:al"


def load_script():
    """Import scripts/build_geodata.py as a module."""
    path = REPO / "scripts" / "build_geodata.py"
    spec = importlib.util.spec_from_file_location("build_geodata", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def counties():
    """Alabama county features keyed by FIPS, with shapely geometries."""
    collection = json.loads((DATA / "al" / "counties.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    return {f["id"]: (f["properties"], shape(f["geometry"])) for f in collection["features"]}


@pytest.fixture(scope="module")
def districts():
    """The parsed districts.json."""
    return json.loads((DATA / "al" / "districts.json").read_text(encoding="utf-8"))


def read_csv(path):
    """Rows of a CSV file as dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_67_alabama_counties_match_reference(counties):
    reference = {row["county_fips"]: row["county"] for row in read_csv(REFERENCE)}
    assert len(counties) == 67
    assert all(fips.startswith("01") for fips in counties)
    assert {fips: props["name"] for fips, (props, _) in counties.items()} == reference
    for fips, (props, _) in counties.items():
        assert props == {"fips": fips, "name": props["name"], "state": "AL"}


def test_county_geometries_valid(counties):
    for fips, (_, geometry) in counties.items():
        assert geometry.geom_type in ("Polygon", "MultiPolygon"), fips
        assert geometry.is_valid and not geometry.is_empty, fips
        assert geometry.area > 0, fips
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert shapely.is_ccw(polygon.exterior), fips
            assert not any(shapely.is_ccw(ring) for ring in polygon.interiors), fips


def test_circuits_match_reference(districts):
    expected = {}
    for row in read_csv(REFERENCE):
        expected.setdefault(f"{OCD_AL}/circuit:{row['circuit']}", set()).add(row["county_fips"])
    actual = {d["id"]: set(d["counties"]) for d in districts["districts"]
              if d["boundary"] == "counties"}
    assert actual == expected


def test_every_county_in_exactly_one_circuit(counties, districts):
    assigned = Counter(
        fips for d in districts["districts"] if d["boundary"] == "counties"
        for fips in d["counties"]
    )
    assert set(assigned) == set(counties)
    assert set(assigned.values()) == {1}


def test_district_ids_and_names(districts):
    assert districts["state"] == "AL"
    assert districts["boundary_accuracy_m"] >= 500
    ids = [d["id"] for d in districts["districts"]]
    assert len(ids) == len(set(ids)) == 42
    circuits = [d for d in districts["districts"] if d["boundary"] == "counties"]
    assert [d["id"] for d in circuits] == [f"{OCD_AL}/circuit:{n}" for n in range(1, 42)]
    names = {d["slug"]: d["name"] for d in circuits}
    assert names["al-circuit-1"] == "1st Judicial Circuit"
    assert names["al-circuit-2"] == "2nd Judicial Circuit"
    assert names["al-circuit-3"] == "3rd Judicial Circuit"
    assert names["al-circuit-11"] == "11th Judicial Circuit"
    assert names["al-circuit-12"] == "12th Judicial Circuit"
    assert names["al-circuit-13"] == "13th Judicial Circuit"
    assert names["al-circuit-22"] == "22nd Judicial Circuit"
    assert names["al-circuit-41"] == "41st Judicial Circuit"
    assert names["al-circuit-10"] == "10th Judicial Circuit (Birmingham Division)"
    for d in districts["districts"]:
        assert d["office"] == "District Attorney"
        assert d["slug"] == d["id"].removeprefix("ocd-division/country:us/state:").replace(
            "/division:", "-").replace("/circuit:", "-circuit-")
        assert d["description"].endswith(".")


def test_descriptions_list_counties(districts):
    by_slug = {d["slug"]: d for d in districts["districts"]}
    assert by_slug["al-circuit-1"]["description"] == "Choctaw, Clarke and Washington counties."
    assert by_slug["al-circuit-6"]["description"] == "Tuscaloosa County."
    assert by_slug["al-circuit-3"]["description"] == "Barbour and Bullock counties."


def test_bessemer_division_is_unmapped(districts):
    by_slug = {d["slug"]: d for d in districts["districts"]}
    bessemer = by_slug["al-circuit-10-bessemer"]
    assert bessemer["id"] == f"{OCD_AL}/circuit:10/division:bessemer"
    assert bessemer["name"] == "10th Judicial Circuit (Bessemer Division)"
    assert bessemer["boundary"] == "unmapped"
    assert bessemer["counties"] == ["01073"]
    assert "geometry" not in bessemer
    assert "Bessemer" in by_slug["al-circuit-10"]["description"]
    assert bessemer["ballot_note"].startswith(
        "If you live in the Bessemer Cutoff, you also vote for the Bessemer Division")


def test_no_code_names_a_county_or_an_office():
    """Another state is data: the script knows no county, division or circuit by name."""
    text = (REPO / "scripts" / "build_geodata.py").read_text(encoding="utf-8")
    for word in ("Jefferson", "Bessemer", "Birmingham", "01073", '"AL"'):
        assert word not in text.split("def parse_args")[0], word


def test_the_us_atlas_version_is_pinned():
    script = load_script()
    assert script.US_ATLAS == "us-atlas@3.0.1"
    state = json.loads((DATA / "al" / "state.json").read_text(encoding="utf-8"))
    assert any("us-atlas 3.0.1" in source for source in state["sources"])


def test_zip_counties_follow_the_census_relationship():
    """Every ZCTA of the relationship file, its parts largest first, land as published."""
    published = {}
    for row in read_csv(DATA / "sources" / "zcta-county-2020-al.csv"):
        published.setdefault(row["zcta"], {})[row["county_geoid"]] = int(row["arealand_part"])
    derived = {row["zip"]: row for row in read_csv(DATA / "al" / "zip-counties.csv")}
    assert {z for z, row in derived.items() if row["evidence"] == "zcta"} == set(published)
    for zcta, parts in published.items():
        listed = [p.split(":") for p in derived[zcta]["counties"].split()]
        areas = [int(area) for _, area in listed]
        assert areas == sorted(areas, reverse=True), zcta
        assert {f: int(a) for f, a in listed if len(f) == 5} == parts, zcta
    assert derived["30165"]["counties"].startswith("13:")  # mostly in Georgia


def test_zips_that_are_no_zcta_say_their_evidence():
    import zipcodes

    derived = {row["zip"]: row for row in read_csv(DATA / "al" / "zip-counties.csv")}
    for z in zipcodes.filter_by(state="AL"):
        if z["zip_code"] not in derived:
            continue
        row = derived[z["zip_code"]]
        assert row["evidence"] in ("zcta", "town", "post-office"), row
        assert row["counties"], row
    assert derived["35270"]["evidence"] == "town"  # Birmingham, with no position at all
    assert len(derived) >= 839


def test_state_lines_are_shared_with_neighbours_only(counties):
    lines = json.loads((DATA / "al" / "state-lines.geojson").read_text(encoding="utf-8"))
    neighbours = {f["properties"]["neighbour"]: shape(f["geometry"]) for f in lines["features"]}
    assert set(neighbours) == {"FL", "GA", "MS", "TN"}
    outline = shapely.union_all([g for _, g in counties.values()]).boundary
    for state, line in neighbours.items():
        assert line.length > 1 and outline.buffer(1e-4).covers(line), state
    # The Gulf coast is no state line: Dauphin Island's shore is far from all of them.
    assert shapely.union_all(list(neighbours.values())).distance(Point(-88.11, 30.25)) > 0.3


def test_circuits_cover_the_state(counties, districts):
    geometry = {fips: g for fips, (_, g) in counties.items()}
    circuits = [
        shapely.union_all([geometry[f] for f in d["counties"]])
        for d in districts["districts"] if d["boundary"] == "counties"
    ]
    union = shapely.union_all(circuits)
    total = sum(g.area for g in geometry.values())
    assert union.area == pytest.approx(total, rel=1e-6)
    assert sum(c.area for c in circuits) == pytest.approx(total, rel=1e-6)


@pytest.mark.parametrize(("lat", "lon", "fips"), [
    (33.2098, -87.5692, "01125"),  # Tuscaloosa
    (32.3668, -86.3000, "01101"),  # Montgomery
    (30.6954, -88.0399, "01097"),  # Mobile
    (34.7304, -86.5861, "01089"),  # Huntsville
])
def test_known_points(counties, lat, lon, fips):
    hits = [f for f, (_, g) in counties.items() if g.covers(Point(lon, lat))]
    assert hits == [fips]


def test_state_json():
    state = json.loads((DATA / "al" / "state.json").read_text(encoding="utf-8"))
    assert (state["code"], state["name"], state["fips"]) == ("AL", "Alabama", "01")
    assert {"label": "Register to vote", "label_es": "Inscríbase para votar",
            "url": "https://www.sos.alabama.gov/alabama-votes/voter/register-to-vote"} in (
        state["voter_tools"])
    assert all(tool["url"].startswith("https://") for tool in state["voter_tools"])
    # Each tool goes to a page of its own (checking and finding a polling place is one).
    assert len({tool["url"] for tool in state["voter_tools"]}) == len(state["voter_tools"])
    assert state["sources"]
    # The voting facts, each with its source; deadlines by rule and per election.
    voting = state["voting"]
    for fact in ("photo_id", "polling_hours", "absentee"):
        assert voting[fact]["text"] and voting[fact]["source"], fact
        assert voting[fact]["url"].startswith("https://www.sos.alabama.gov/"), fact
    kinds = {d["kind"] for d in voting["deadlines"]}
    assert kinds == {"registration", "absentee_application", "absentee_ballot"}
    assert all(d["rule"] and d["source"] and d["url"].startswith("https://")
               for d in voting["deadlines"])
    for election in voting["elections"]:
        day = dt.date.fromisoformat(election["date"])
        assert set(election["deadlines"]) <= kinds
        # A date no official calendar has confirmed says so, and follows the rule.
        assert election["confirmed"] or election["note"]
        days_before = {d["kind"]: d["days_before"] for d in voting["deadlines"]}
        for kind, date in election["deadlines"].items():
            assert (day - dt.date.fromisoformat(date)).days == days_before[kind]


def test_state_json_is_what_the_script_derives_from_the_sources():
    """state.json's voter tools and voting facts are the sources' own, copied by
    scripts/build_geodata.py, not edited by hand."""
    state = json.loads((DATA / "al" / "state.json").read_text(encoding="utf-8"))
    source = json.loads((DATA / "sources" / "alabama.json").read_text(encoding="utf-8"))
    assert state["voter_tools"] == source["voter_tools"]
    assert state["voting"] == source["voting"]


def test_us_counties_csv():
    rows = read_csv(DATA / "gazetteer" / "us-counties.csv")
    assert len(rows) > 3000
    assert all(re.fullmatch(r"\d{5}", row["fips"]) for row in rows)
    assert len({row["fips"] for row in rows}) == len(rows)
    assert all(re.fullmatch(r"[A-Z]{2}", row["state"]) and row["name"] for row in rows)
    assert all(-90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
               for row in rows)
    tuscaloosa = next(row for row in rows if row["fips"] == "01125")
    assert (tuscaloosa["state"], tuscaloosa["name"]) == ("AL", "Tuscaloosa")


def test_county_points_are_inside(counties):
    rows = read_csv(DATA / "gazetteer" / "us-counties.csv")
    for row in rows:
        if row["state"] == "AL":
            point = Point(float(row["lon"]), float(row["lat"]))
            assert counties[row["fips"]][1].distance(point) < 1e-4, row["fips"]


def test_zip_areas_csv():
    rows = read_csv(DATA / "gazetteer" / "zip-areas.csv")
    assert len(rows) > 25000
    assert all(re.fullmatch(r"\d{5}", row["zip"]) for row in rows)
    assert [row["zip"] for row in rows] == sorted({row["zip"] for row in rows})
    radius = {row["zip"]: int(row["radius_m"]) for row in rows}
    assert all(1500 < r <= 40000 for r in radius.values())
    assert radius["35401"] < 15000
    touched = {row["zip"]: row["counties"].split() for row in rows}
    assert touched["35401"] == ["01125"]  # central Tuscaloosa: one county
    assert all(re.fullmatch(r"\d{5}", f) for fips in touched.values() for f in fips)


def test_alabama_zips_touch_the_county_the_zip_table_names(counties):
    """Every Alabama ZIP's listed counties include the one PyPI zipcodes gives for it."""
    import zipcodes

    names = {props["name"] + " County": fips for fips, (props, _) in counties.items()}
    touched = {row["zip"]: row["counties"].split()
               for row in read_csv(DATA / "gazetteer" / "zip-areas.csv")}
    for z in zipcodes.filter_by(state="AL", zip_code_type="STANDARD"):
        if z["county"] in names and z["zip_code"] in touched:
            assert names[z["county"]] in touched[z["zip_code"]], z["zip_code"]
            assert all(f.startswith("01") for f in touched[z["zip_code"]]), z["zip_code"]


def test_decode_tiny_topology():
    script = load_script()
    # Two unit squares side by side sharing arc 0; quantized with scale (0.5, 2) and
    # translate (10, 20), so the left square is [10, 10.5] x [20, 22].
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2], "translate": [10, 20]},
        "arcs": [
            [[1, 0], [0, 1]],
            [[1, 1], [-1, 0], [0, -1], [1, 0]],
            [[1, 0], [1, 0], [0, 1], [-1, 0]],
        ],
        "objects": {"squares": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "L", "properties": {"name": "left"}, "arcs": [[0, 1]]},
            {"type": "Polygon", "id": "R", "arcs": [[2, ~0]]},
            {"type": "MultiPolygon", "id": "B", "arcs": [[[0, 1]], [[2, ~0]]]},
        ]}},
    }
    features = script.topo_features(topology, "squares")
    props, left = features["L"]
    assert props == {"name": "left"}
    assert list(left.exterior.coords) == [
        (10.5, 20), (10.5, 22), (10, 22), (10, 20), (10.5, 20)]
    right = features["R"][1]
    assert list(right.exterior.coords) == [
        (10.5, 20), (11, 20), (11, 22), (10.5, 22), (10.5, 20)]
    both = features["B"][1]
    assert both.geom_type == "MultiPolygon" and both.area == pytest.approx(2)
    assert left.is_valid and right.is_valid and left.intersection(right).area == 0


def test_decode_unquantized_and_collapsed_rings():
    script = load_script()
    topology = {
        "arcs": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [1, 2], [1, 1]]],
        "objects": {"o": {"geometries": [
            {"type": "Polygon", "id": "hole-collapsed", "arcs": [[0], [1]]},
            {"type": "Polygon", "id": "all-collapsed", "arcs": [[1]]},
        ]}},
    }
    features = script.topo_features(topology, "o")
    square = features["hole-collapsed"][1]
    assert square.area == 16 and not square.interiors
    assert features["all-collapsed"][1].equals(Point(1, 4 / 3))


def test_ordinals():
    ordinal = load_script().ordinal
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31, 41, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
        "31st", "41st", "111th"]


def test_another_state_is_data_not_code():
    """A state whose every county elects its own district attorney, described in data only."""
    script = load_script()
    description = {"code": "ZZ", "kind": "county", "office": "District Attorney",
                   "statute": "A constitution", "district_name": "{key} County"}
    rows = [{"county": "Alpha", "county_fips": "99001"},
            {"county": "San Beta", "county_fips": "99002"}]
    document = script.districts_document(rows, description, "us-atlas test")
    assert [(d["id"], d["slug"], d["name"], d["counties"], d["description"])
            for d in document["districts"]] == [
        ("ocd-division/country:us/state:zz/county:alpha", "zz-county-alpha", "Alpha County",
         ["99001"], "Alpha County."),
        ("ocd-division/country:us/state:zz/county:san_beta", "zz-county-san-beta",
         "San Beta County", ["99002"], "San Beta County.")]


def test_an_office_inside_another_district_is_written_after_it_from_data():
    script = load_script()
    description = {"code": "ZZ", "kind": "circuit", "office": "District Attorney",
                   "statute": "A statute", "district_name": "{ordinal} Judicial Circuit",
                   "offices_without_boundary": [{
                       "id": "ocd-division/country:us/state:zz/circuit:2/division:east",
                       "slug": "zz-circuit-2-east", "name": "2nd Circuit (East)",
                       "inside": "2", "description": "East.", "ballot_note": "If east, too."}]}
    rows = [{"circuit": "10", "county": "C", "county_fips": "99003"},
            {"circuit": "2", "county": "A", "county_fips": "99001"},
            {"circuit": "2", "county": "B", "county_fips": "99002"}]
    districts = script.districts_document(rows, description, "x")["districts"]
    assert [d["name"] for d in districts] == ["2nd Judicial Circuit", "2nd Circuit (East)",
                                              "10th Judicial Circuit"]
    inner = districts[1]
    assert (inner["boundary"], inner["counties"], inner["ballot_note"]) == (
        "unmapped", ["99001", "99002"], "If east, too.")
    assert districts[0]["description"] == "A and B counties."


def test_zip_county_rows_from_a_tiny_relationship():
    script = load_script()
    square = shapely.geometry.box(-87, 33, -86, 34)
    counties = {"01001": ({"name": "Alpha"}, square),
                "01003": ({"name": "Beta"}, shapely.geometry.box(-86, 33, -85, 34))}
    codes = {"01": "AL", "13": "GA"}
    relationship = {"35001": [("01003", 10), ("01001", 90)], "30001": [("01001", 5)]}
    land = {"35001": 100, "30001": 50}
    zips = [
        {"zip_code": "35001", "state": "AL", "city": "Alpha", "acceptable_cities": [],
         "county": "Alpha County", "lat": "33.5", "long": "-86.5"},
        {"zip_code": "30001", "state": "GA", "city": "Gee", "acceptable_cities": [],
         "county": "", "lat": "34.2", "long": "-85.2"},
        {"zip_code": "35002", "state": "AL", "city": "Alpha", "acceptable_cities": [],
         "county": "Beta County", "lat": "33.5", "long": "-85.5"},  # a PO box of Alpha
        {"zip_code": "35003", "state": "AL", "city": "Lone", "acceptable_cities": [],
         "county": "Beta County", "lat": "33.5", "long": "-85.99"},  # near Alpha's line
        {"zip_code": "35004", "state": "AL", "city": "Nowhere", "acceptable_cities": [],
         "county": "", "lat": "0.0000", "long": "0.0000"},  # no position, no county
    ]
    rows = script.zip_county_rows(relationship, land, zips, "AL", counties, codes)
    assert rows == [
        ["30001", "zcta", "13:45 01001:5"],
        ["35001", "zcta", "01001:90 01003:10"],
        ["35002", "town", "01001:90 01003:10"],
        ["35003", "post-office", "01003 01001"],
    ]


def test_state_lines_from_a_tiny_topology():
    script = load_script()
    topology = {
        "arcs": [[[0, 0], [0, 1]], [[0, 1], [-1, 1], [-1, 0], [0, 0]],
                 [[0, 0], [1, 0], [1, 1], [0, 1]]],
        "objects": {"states": {"geometries": [
            {"type": "Polygon", "id": "01", "arcs": [[0, 1]]},
            {"type": "Polygon", "id": "13", "arcs": [[2, ~0]]},
        ]}},
    }
    [line] = script.state_lines(topology, "01", {"01": "AL", "13": "GA"})
    assert line["properties"] == {"state": "AL", "neighbour": "GA"}
    assert line["geometry"] == {"type": "MultiLineString", "coordinates": [[[0, 0], [0, 1]]]}
