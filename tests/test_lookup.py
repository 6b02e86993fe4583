"""Place -> districts: the pure index on hand-made shapes, then Alabama's counties and city
centres against the statute's table (data/sources, not the files the app loads)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from shapely.geometry import LineString, box

from voterguide.geo.boundaries import district_index
from voterguide.geo.districts import DistrictIndex, DistrictShape, Reason
from voterguide.geo.geocoding import Location, Precision, Spot

from .reference import BESSEMER, BIRMINGHAM, circuit, circuit_of, rows
from .support import DATA_DIR as DATA

# Two counties side by side, one degree square each, near the equator.
WEST, EAST = box(0, 0, 1, 1), box(1, 0, 2, 1)
#: The line with a state the index doesn't cover: the west edge only (the rest is "coast").
WEST_LINE = LineString([(0, 0), (0, 1)])


@pytest.fixture
def index() -> DistrictIndex:
    """District A = county 1, district B = county 2, an unmapped office inside B."""
    return DistrictIndex(
        [DistrictShape("A", "XX", frozenset({"1"}), WEST),
         DistrictShape("B", "XX", frozenset({"2"}), EAST),
         DistrictShape("B-east", "XX", frozenset({"2"}), None)],
        {"1": WEST, "2": EAST}, states={"XX"}, accuracy_m=1000, state_lines=WEST_LINE)


def point(lat: float, lon: float, **kw) -> Location:
    """A precise location."""
    return Location(lat, lon, kw.pop("precision", Precision.POINT), **kw)


def test_a_point_well_inside_is_certain(index):
    match = index.lookup(point(0.5, 0.5))
    assert (match.choice_ids, match.reason, match.ambiguous) == (("A",), Reason.CERTAIN, False)
    assert match.choices[0].certain and not match.outside


def test_a_point_near_a_border_asks_nearest_first(index):
    match = index.lookup(point(0.5, 0.995))  # ~550 m from the line, accuracy is 1000 m
    assert match.choice_ids == ("A", "B")
    assert match.reason is Reason.BORDER and match.ambiguous
    assert not any(p.certain for p in match.choices)


def test_a_point_on_the_border_is_in_both(index):
    assert set(index.lookup(point(0.5, 1.0)).choice_ids) == {"A", "B"}
    assert index.districts_at(0.5, 1.0) == []  # "within" is strict: the rule is to ask


def test_a_point_beyond_the_accuracy_is_outside(index):
    match = index.lookup(point(0.5, -0.5))
    assert (match.reason, match.district_ids, match.ambiguous) == (Reason.OUTSIDE, (), False)


@pytest.mark.parametrize("lon", [-0.005, 0.005])  # ~550 m either side of the state line
def test_near_the_state_line_outside_is_a_choice_never_certain(index, lon):
    match = index.lookup(point(0.5, lon))
    assert match.choice_ids == ("A",) and match.outside and match.ambiguous
    assert match.reason is Reason.STATE_LINE and not match.choices[0].certain


def test_a_geocoder_that_names_a_covered_state_settles_the_line(index):
    match = index.lookup(point(0.5, 0.005, state="XX"))
    assert (match.choice_ids, match.outside, match.reason) == (("A",), False, Reason.CERTAIN)


def test_a_coast_is_no_state_line_but_offshore_is_never_certain(index):
    ashore = index.lookup(point(0.995, 0.5))  # 550 m inside the north edge, a coast
    assert (ashore.choice_ids, ashore.reason) == (("A",), Reason.CERTAIN)
    offshore = index.lookup(point(1.005, 0.5))
    assert offshore.choice_ids == ("A",) and offshore.outside and offshore.ambiguous


def test_without_state_lines_the_whole_outline_counts():
    index = DistrictIndex([DistrictShape("A", "XX", frozenset({"1"}), WEST)], {"1": WEST},
                          states={"XX"}, accuracy_m=1000)
    assert index.lookup(point(0.995, 0.5)).outside


def test_a_state_not_covered_is_outside_even_near_the_line(index):
    assert index.lookup(point(0.5, 0.5, state="ZZ")).reason is Reason.OUTSIDE


def test_an_office_inside_another_is_possible_as_well_not_instead(index):
    match = index.lookup(point(0.5, 1.5))
    assert (match.choice_ids, match.reason, match.ambiguous) == (("B",), Reason.CERTAIN, False)
    [also] = match.also
    assert (also.district_id, also.reason, also.certain) == ("B-east", Reason.SHARED_COUNTY,
                                                             False)
    assert [s.id for s in index.inside("B")] == ["B-east"]
    assert [s.id for s in index.around("B-east")] == ["B"]


def test_an_unmapped_office_inside_no_district_is_a_choice():
    alone = DistrictIndex(
        [DistrictShape("A", "XX", frozenset({"1"}), WEST),
         DistrictShape("U", "XX", frozenset({"2"}), None)],
        {"1": WEST, "2": EAST}, states={"XX"}, accuracy_m=1000)
    match = alone.lookup(point(0.5, 1.5, precision=Precision.COUNTY, counties=("1", "2")))
    assert match.choice_ids == ("A", "U") and match.also == ()


def test_counties_decide_exactly(index):
    near_line = point(0.5, 0.999, precision=Precision.ZIP, counties=("1",))
    assert index.lookup(near_line).choice_ids == ("A",)
    both = point(0.5, 0.2, precision=Precision.ZIP, counties=("1", "2"))
    match = index.lookup(both)
    assert match.choice_ids == ("A", "B") and match.reason is Reason.COARSE
    assert [p.district_id for p in match.also] == ["B-east"]


def test_shares_order_the_choices_and_are_reported(index):
    location = point(0.5, 0.2, precision=Precision.ZIP, counties=("2", "1"), shares=(0.7, 0.3))
    match = index.lookup(location)
    assert [(p.district_id, p.share) for p in match.choices] == [("B", 0.7), ("A", 0.3)]


def test_a_county_of_another_state_is_outside_as_a_choice(index):
    location = point(0.5, 0.2, precision=Precision.ZIP, counties=("1", "13285"),
                     shares=(0.99, 0.01))
    match = index.lookup(location)
    assert match.choice_ids == ("A",) and match.outside and match.ambiguous
    assert match.outside_share == pytest.approx(0.01)
    assert not match.choices[0].certain


def test_unknown_counties_are_outside(index):
    assert index.lookup(point(0.5, 0.5, counties=("9",))).reason is Reason.OUTSIDE


def test_a_place_without_a_point_is_placed_by_its_counties(index):
    match = index.lookup(Location(None, None, Precision.ZIP, counties=("1",)))
    assert match.choice_ids == ("A",) and match.reason is Reason.CERTAIN
    assert index.lookup(Location(None, None, Precision.ZIP)).reason is Reason.OUTSIDE


def test_a_wide_spot_is_coarse(index):
    spot = Location(0.5, 0.8, Precision.CITY, spots=(Spot(0.5, 0.8, 40_000),))
    match = index.lookup(spot)
    assert match.choice_ids[0] == "A" and "B" in match.choice_ids
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


def test_a_polygon_district_is_kept_for_a_county_match_only_when_the_point_is_near():
    west_half = box(0, 0, 0.5, 1)
    index = DistrictIndex(
        [DistrictShape("P", "XX", frozenset({"1"}), west_half, from_counties=False),
         DistrictShape("A", "XX", frozenset({"1"}), WEST)],
        {"1": WEST}, states={"XX"}, accuracy_m=1000)
    far = point(0.5, 0.9, precision=Precision.ADDRESS, counties=("1",))
    assert index.lookup(far).choice_ids == ("A",)
    near = point(0.5, 0.2, precision=Precision.ADDRESS, counties=("1",))
    assert set(index.lookup(near).choice_ids) == {"A", "P"}
    coarse = point(0.5, 0.9, precision=Precision.ZIP, counties=("1",))
    assert set(index.lookup(coarse).choice_ids) == {"A", "P"}


# --- Alabama's counties and city centres, against the statute's table ----------------------


@pytest.fixture
def alabama(app):
    """The index over the seeded Alabama districts."""
    return district_index()


def alabama_counties() -> list[dict]:
    """Alabama's rows of the national county gazetteer (a point inside each county)."""
    return [row for row in rows(DATA / "gazetteer" / "us-counties.csv") if row["state"] == "AL"]


def test_every_county_point_lands_in_its_circuit(alabama):
    counties = alabama_counties()
    assert len(counties) == 67
    for row in counties:
        match = alabama.lookup(point(float(row["lat"]), float(row["lon"])))
        assert circuit_of()[row["fips"]] in match.choice_ids, row
        if not match.ambiguous:
            assert match.choice_ids == (circuit_of()[row["fips"]],)


@pytest.mark.parametrize(("lat", "lon", "n"), [
    (33.2098, -87.5692, 6),  # Tuscaloosa
    (32.3668, -86.3000, 15),  # Montgomery
    (30.6954, -88.0399, 13),  # Mobile
    (34.7304, -86.5861, 23),  # Huntsville
    (31.2232, -85.3905, 20),  # Dothan (Houston County)
])
def test_city_centres_are_certain(alabama, lat, lon, n):
    match = alabama.lookup(point(lat, lon))
    assert match.choice_ids == (circuit(n),) and match.reason is Reason.CERTAIN


def test_downtown_birmingham_has_the_birmingham_race_for_certain(alabama):
    match = alabama.lookup(point(33.5186, -86.8104))
    assert (match.choice_ids, match.reason) == ((BIRMINGHAM,), Reason.CERTAIN)
    assert [(p.district_id, p.certain) for p in match.also] == [(BESSEMER, False)]
