"""Point -> districts: the pure index on hand-made shapes, then every Alabama place."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import zipcodes
from shapely.geometry import box

from voterguide.extensions import runtime
from voterguide.geo.boundaries import district_index
from voterguide.geo.districts import DistrictIndex, DistrictShape, Reason
from voterguide.geo.geocoding import Location, Precision, Spot

from .support import DATA_DIR, REPO

REFERENCE = REPO.parent / "shared" / "reference" / "alabama-judicial-circuits.csv"
BESSEMER = "ocd-division/country:us/state:al/circuit:10/division:bessemer"


def circuit(n: int) -> str:
    """The division id of an Alabama circuit."""
    return f"ocd-division/country:us/state:al/circuit:{n}"


# Two counties side by side, one degree square each, along the equator-ish latitude 0..1.
WEST, EAST = box(0, 0, 1, 1), box(1, 0, 2, 1)


@pytest.fixture
def index() -> DistrictIndex:
    """District A = county 1, district B = county 2, and an unmapped office inside county 2."""
    return DistrictIndex(
        [DistrictShape("A", "XX", frozenset({"1"}), WEST),
         DistrictShape("B", "XX", frozenset({"2"}), EAST),
         DistrictShape("B-east", "XX", frozenset({"2"}), None)],
        {"1": WEST, "2": EAST}, states={"XX"}, accuracy_m=1000)


def point(lat: float, lon: float, **kw) -> Location:
    """A precise location."""
    return Location(lat, lon, kw.pop("precision", Precision.POINT), **kw)


def test_a_point_well_inside_is_certain(index):
    match = index.lookup(point(0.5, 0.5))
    assert (match.district_ids, match.reason, match.ambiguous) == (("A",), Reason.CERTAIN, False)


def test_a_point_near_a_border_asks_nearest_first(index):
    match = index.lookup(point(0.5, 0.995))  # ~550 m from the line, accuracy is 1000 m
    assert match.district_ids[:2] == ("A", "B")
    assert match.reason is Reason.BORDER and match.ambiguous


def test_a_point_on_the_border_is_in_both(index):
    assert set(index.lookup(point(0.5, 1.0)).district_ids) >= {"A", "B"}
    assert index.districts_at(0.5, 1.0) == []  # "within" is strict: the rule is to ask


def test_a_point_beyond_the_accuracy_is_outside(index):
    assert index.lookup(point(0.5, -0.5)).reason is Reason.OUTSIDE
    assert index.lookup(point(0.5, -0.5)).district_ids == ()


def test_a_state_not_covered_is_outside_even_near_the_line(index):
    assert index.lookup(point(0.5, 0.5, state="ZZ")).reason is Reason.OUTSIDE


def test_a_county_with_an_unmapped_office_offers_both(index):
    match = index.lookup(point(0.5, 1.5))
    assert match.district_ids == ("B", "B-east")
    assert match.reason is Reason.SHARED_COUNTY


def test_counties_decide_exactly(index):
    near_line = point(0.5, 0.999, precision=Precision.ZIP, counties=("1",))
    assert index.lookup(near_line).district_ids == ("A",)
    both = point(0.5, 0.2, precision=Precision.ZIP, counties=("1", "2"))
    match = index.lookup(both)
    assert match.district_ids == ("A", "B", "B-east") and match.reason is Reason.COARSE


def test_unknown_counties_are_outside(index):
    assert index.lookup(point(0.5, 0.5, counties=("9",))).reason is Reason.OUTSIDE


def test_a_wide_spot_is_coarse(index):
    spot = Location(0.5, 0.8, Precision.CITY, spots=(Spot(0.5, 0.8, 40_000),))
    match = index.lookup(spot)
    assert match.district_ids[0] == "A" and "B" in match.district_ids
    assert match.reason is Reason.COARSE


def test_bulk_lookup_agrees_with_single_lookups(index):
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(-0.5, 1.5, 500), rng.uniform(-0.5, 2.5, 500)
    pairs = index.districts_at_many(lats, lons)
    bulk = defaultdict(list)
    for p, d in zip(*pairs, strict=True):
        bulk[int(p)].append(index.mapped[d].id)
    for i in range(500):
        assert sorted(bulk[i]) == index.districts_at(lats[i], lons[i])


# --- Every Alabama place, against the statute's table -------------------------------------

def expected_circuits() -> dict[str, str]:
    """County FIPS -> circuit id, read from the reference table beside the repository."""
    if REFERENCE.exists():
        with open(REFERENCE, newline="", encoding="utf-8") as file:
            return {row["county_fips"]: circuit(int(row["circuit"]))
                    for row in csv.DictReader(file)}
    # Without ../shared, the committed districts file (checked in test_geodata) stands in.
    districts = json.loads(Path(DATA_DIR / "al" / "districts.json").read_text())["districts"]
    return {f: d["id"] for d in districts if d["boundary"] == "counties" for f in d["counties"]}


def alabama_counties() -> list[dict]:
    """Alabama's rows of the national county gazetteer."""
    with open(DATA_DIR / "gazetteer" / "us-counties.csv", newline="", encoding="utf-8") as file:
        return [row for row in csv.DictReader(file) if row["state"] == "AL"]


CIRCUIT_OF = expected_circuits()
COUNTY_FIPS = {row["name"] + " County": row["fips"] for row in alabama_counties()}


@pytest.fixture
def alabama(app):
    """The index over the seeded Alabama districts."""
    return district_index()


def check(match, expected: set[str]) -> None:
    """A match is right if it offers every expected district, and is certain only if exact."""
    assert expected <= set(match.district_ids), (expected, match)
    if not match.ambiguous:
        assert set(match.district_ids) == expected


def test_every_county_point_lands_in_its_circuit(alabama):
    rows = alabama_counties()
    assert len(rows) == 67
    for row in rows:
        match = alabama.lookup(point(float(row["lat"]), float(row["lon"])))
        expected = {CIRCUIT_OF[row["fips"]]} | ({BESSEMER} if row["fips"] == "01073" else set())
        check(match, expected)


def test_every_alabama_zip_offers_the_circuit_of_its_county(app, alabama):
    locator = runtime(app).locator
    checked = 0
    for z in zipcodes.filter_by(state="AL"):
        if z["county"] not in COUNTY_FIPS:
            continue
        match = alabama.lookup(locator.locate(z["zip_code"]))
        assert CIRCUIT_OF[COUNTY_FIPS[z["county"]]] in match.district_ids, z["zip_code"]
        checked += 1
    assert checked > 800


def test_every_alabama_town_offers_the_circuits_of_all_its_zip_codes(app, alabama):
    locator = runtime(app).locator
    towns = defaultdict(set)
    for z in zipcodes.filter_by(state="AL"):
        if z["county"] in COUNTY_FIPS:
            towns[z["city"]].add(CIRCUIT_OF[COUNTY_FIPS[z["county"]]])
    for town, circuits in towns.items():
        match = alabama.lookup(locator.locate(f"{town}, AL"))
        assert circuits <= set(match.district_ids), town


@pytest.mark.parametrize(("lat", "lon", "n"), [
    (33.2098, -87.5692, 6),  # Tuscaloosa
    (32.3668, -86.3000, 15),  # Montgomery
    (30.6954, -88.0399, 13),  # Mobile
    (34.7304, -86.5861, 23),  # Huntsville
    (31.2232, -85.3905, 20),  # Dothan (Houston County)
])
def test_city_centres_are_certain(alabama, lat, lon, n):
    match = alabama.lookup(point(lat, lon))
    assert match.district_ids == (circuit(n),)


def test_jefferson_county_offers_both_offices(alabama):
    match = alabama.lookup(point(33.5186, -86.8104))  # downtown Birmingham
    assert match.district_ids == (circuit(10), BESSEMER)
    assert match.reason is Reason.SHARED_COUNTY


def test_a_polygon_district_is_kept_for_a_county_match_only_when_the_point_is_near():
    west_half = box(0, 0, 0.5, 1)
    index = DistrictIndex(
        [DistrictShape("P", "XX", frozenset({"1"}), west_half, from_counties=False),
         DistrictShape("A", "XX", frozenset({"1"}), WEST)],
        {"1": WEST}, states={"XX"}, accuracy_m=1000)
    far = point(0.5, 0.9, precision=Precision.ADDRESS, counties=("1",))
    assert index.lookup(far).district_ids == ("A",)
    near = point(0.5, 0.2, precision=Precision.ADDRESS, counties=("1",))
    assert set(index.lookup(near).district_ids) == {"A", "P"}
    coarse = point(0.5, 0.9, precision=Precision.ZIP, counties=("1",))
    assert set(index.lookup(coarse).district_ids) == {"A", "P"}
