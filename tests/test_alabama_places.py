"""Every Alabama ZIP code, town, the state line and Jefferson County's two races, on the real
data, checked against the Census relationship and the statute's table in data/sources (the
app loads only what scripts/build_geodata.py derived from them)."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest
import shapely
import zipcodes
from shapely.geometry import shape

from voterguide.extensions import runtime
from voterguide.geo.address import normalise
from voterguide.geo.boundaries import district_index
from voterguide.geo.districts import Reason
from voterguide.geo.geocoding import AddressNotFound, Location, Precision

from .reference import (
    BESSEMER,
    BIRMINGHAM,
    CIRCUITS,
    JEFFERSON,
    OUTSIDE,
    circuit,
    circuit_of,
    districts_of_zcta,
    rows,
    zcta_parts,
)
from .support import DATA_DIR as DATA


@pytest.fixture
def locator(app):
    """The app's own locator (the embedded geocoder)."""
    return runtime(app).locator


@pytest.fixture
def look_up(app, locator):
    """Address -> Match, as the guide does it."""
    index = district_index()
    return lambda text: index.lookup(locator.locate(text))


def offered(match) -> set[str]:
    """The choices of a match, with OUTSIDE when outside is one."""
    return set(match.choice_ids) | ({OUTSIDE} if match.outside else set())


# --- ZIP codes ---------------------------------------------------------------------------


def test_every_zcta_offers_exactly_the_districts_it_touches_largest_first(look_up):
    """No certain answer where another district is possible, no picker missing the true one,
    no district the ZIP doesn't touch."""
    assert len(zcta_parts()) == 658
    for zcta in zcta_parts():
        land = districts_of_zcta(zcta)
        match = look_up(zcta)
        assert offered(match) == set(land), zcta
        assert match.ambiguous == (len(land) > 1), zcta
        # Largest share first: the district with most of the ZIP's land is offered first.
        in_state = {d: a for d, a in land.items() if d != OUTSIDE}
        assert match.choice_ids[0] == max(in_state, key=in_state.get), zcta


def test_single_circuit_zips_are_all_answered_certain(look_up):
    single = [z for z in zcta_parts() if len(districts_of_zcta(z)) == 1]
    assert len(single) == 436  # two thirds of the 658 ZCTAs
    needless = [z for z in single if look_up(z).ambiguous]
    assert needless == []


#: The ZIP codes the old Voronoi model got wrong: a certain answer although part of the ZIP
#: lies in another circuit, or a picker without the true circuit. Circuits by the Census
#: 2020 relationship and Code of Alabama §12-11-2 ("outside": a part in Georgia).
WRONG_BEFORE = {
    "35603": {8, 36}, "35614": {11, 39}, "35976": {27, 32, 41}, "36016": {3, 20},
    "36049": {2, 12}, "36081": {3, 12}, "36360": {12, 33}, "36420": {21, 22},
    "36426": {21, 35}, "36502": {21, 28, 35}, "36703": {4, 19}, "36726": {4, 35},
    "36855": {5, OUTSIDE}, "36874": {26, 37},
    "35010": {5, 19, 40}, "35079": {10, 41}, "35179": {8, 25, 32}, "35654": {31, 34, 36},
    "35954": {9, 16}, "35957": {9, 27, 41}, "36027": {3, 20, 26}, "36069": {12, 15},
    "36272": {7, 9, 16}, "36804": {5, 26, 37},
}


@pytest.mark.parametrize(("zip_code", "circuits"), sorted(WRONG_BEFORE.items()))
def test_the_zips_the_old_model_got_wrong(look_up, zip_code, circuits, client):
    expected = {c if c == OUTSIDE else circuit(c) for c in circuits}
    assert set(districts_of_zcta(zip_code)) == expected  # the table agrees with the Census
    match = look_up(zip_code)
    assert offered(match) == expected and match.ambiguous
    response = client.post("/", data={"address": zip_code})
    assert response.status_code == 303 and response.headers["Location"].startswith("/choose?")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for county in match.counties:
        assert district_index().county_names[county] + " County" in page


@pytest.mark.parametrize(("zip_code", "outside_state"), [("30165", "GA"), ("38852", "MS")])
def test_zips_of_other_states_that_reach_into_alabama_offer_both(look_up, zip_code,
                                                                  outside_state):
    [county] = [c for c in zcta_parts()[zip_code] if c != OUTSIDE]
    match = look_up(zip_code)
    assert match.choice_ids == (circuit_of()[county],) and match.outside and match.ambiguous
    assert match.outside_share > 0.9


def test_a_zip_without_a_position_is_a_place_without_a_point(locator, look_up, client):
    location = locator.locate("35270")  # a unique Birmingham ZIP the ZIP table gives 0, 0
    assert (location.lat, location.lon, location.precision) == (None, None, Precision.ZIP)
    assert BIRMINGHAM in look_up("35270").choice_ids
    response = client.post("/", data={"address": "35270"})
    assert response.status_code == 303  # a place, not "the address service is not answering"


def test_every_alabama_zip_code_is_known_and_offers_its_post_offices_county(look_up):
    """PO boxes and unique ZIP codes too: never a certain answer that leaves out the county
    the ZIP table puts the post office in."""
    names = {n.lower() + " county": f for f, n in district_index().county_names.items()}
    checked = 0
    for z in zipcodes.filter_by(state="AL"):
        match = look_up(z["zip_code"])
        assert match.choice_ids, z["zip_code"]
        fips = names.get(z["county"].lower())
        if fips:
            assert circuit_of()[fips] in match.choice_ids, z["zip_code"]
            checked += 1
    assert checked > 830


# --- Towns -------------------------------------------------------------------------------


def towns() -> dict[str, set[str]]:
    """Alabama town names (as the ZIP table writes them) -> their ZCTA ZIP codes."""
    found = defaultdict(set)
    for z in zipcodes.filter_by(state="AL"):
        if z["zip_code"] in zcta_parts():
            for name in (z["city"], *z["acceptable_cities"]):
                found[name].add(z["zip_code"])
    return found


def test_every_town_offers_exactly_the_districts_of_its_zip_codes(look_up):
    """...and of the county of the same name, when there is one ("Houston, AL": the town
    in Winston County, or Houston County)."""
    county_named = {row["county"]: row["county_fips"] for row in rows(CIRCUITS)}
    for town, zips in towns().items():
        expected = set().union(*(districts_of_zcta(z) for z in zips))
        if town in county_named:
            expected.add(circuit_of()[county_named[town]])
        match = look_up(f"{town}, AL")
        assert offered(match) == expected, town
        assert match.ambiguous == (len(expected) > 1), town


@pytest.mark.parametrize("town", ["Troy", "Selma", "Athens", "Atmore", "Brewton", "Ozark",
                                  "Luverne", "Guntersville"])
def test_towns_no_longer_inherit_the_old_errors(look_up, town):
    match = look_up(f"{town}, Alabama")
    assert match.ambiguous and len(match.choice_ids) >= 2


@pytest.mark.parametrize("name", ["Crestline", "Chastang", "Bexar", "Arkadelphia",
                                  "Bladon Springs", "Chulafinnee", "Blount Springs"])
def test_community_names_voters_type_are_known(look_up, name):
    """Names the ZIP table lists for a ZIP code's places but not for its mail used to be
    "not found": now they offer every district of the ZIP codes that list them."""
    zips = [z["zip_code"] for z in zipcodes.filter_by(state="AL")
            if name in z["unacceptable_cities"]]
    assert zips, name
    expected = set().union(*(districts_of_zcta(z) for z in zips if z in zcta_parts()))
    match = look_up(f"{name}, AL")
    assert expected and expected <= offered(match), (name, match)
    # Typed alone, the name is Alabama's and any covered state's that has it too
    # (Crestline, California).
    alone = look_up(name).choice_ids
    assert set(match.choice_ids) <= set(alone)
    assert {d for d in alone if "/state:al/" in d} == set(match.choice_ids)


def test_a_name_shared_by_two_places_offers_both(look_up):
    """Midway: one in Bullock County, one in ... every ZIP with that name is offered."""
    places = [z for z in zipcodes.filter_by(state="AL")
              if "midway" in {normalise(n) for n in (z["city"], *z["acceptable_cities"])}]
    expected = set().union(*(districts_of_zcta(z["zip_code"]) for z in places
                             if z["zip_code"] in zcta_parts()))
    assert expected <= offered(look_up("Midway, AL"))


# --- Messy input ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "circuits"), [
    ("Tuscaloosa AL", {6}),
    ("Mobile AL", {13}),
    ("Huntsville Alabama", {23}),
    ("tuscaloosa, al", {6}),
    ("Tuscaloosa Co., AL", {6}),
    ("Tuscaloosa County Alabama", {6}),
    ("Madison Co AL", {23}),
    ("Jefferson Co", {10}),  # not Jefferson, Colorado
    ("Saint Clair Co", {30}),
    ("Montgomery, Ala.", {15}),
    ("  2000   University Blvd ,Tuscaloosa AL 35401 ", {6}),
    ("123 Co Rd 45, Clanton AL 35045", {19}),  # a county road is no county
    ("Tuscaloosa, AL, USA", {6}),  # as phones and geocoders write it
    ("Huntsville, Alabama, United States", {23}),
    ("123 main st montgomery al", {15}),
])
def test_messy_input_is_read_as_voters_mean_it(look_up, text, circuits):
    match = look_up(text)
    assert set(match.choice_ids) >= {circuit(c) for c in circuits}, match


def test_a_name_typed_alone_may_be_a_county(look_up):
    assert look_up("Baldwin").choice_ids == (circuit(28),)  # no town of that name
    # Jefferson: a town (its post office in Marengo County) and a county; either is meant.
    [post_office] = [z for z in zipcodes.filter_by(state="AL") if z["city"] == "Jefferson"]
    assert post_office["county"] == "Marengo County"
    assert {circuit(10), circuit(17)} <= set(look_up("Jefferson").choice_ids)
    assert circuit(17) not in look_up("Jefferson County").choice_ids


def test_dothan_alabama_without_a_comma_offers_houston_county(look_up):
    assert circuit(20) in look_up("Dothan AL").choice_ids


@pytest.mark.parametrize(("text", "suggestion"), [
    ("Tuscalosa", "Tuscaloosa, AL"),
    ("Huntsvile, AL", "Huntsville, AL"),
    ("Montgomry Alabama", "Montgomery, AL"),
    ("Jeffersn County", "Jefferson County, AL"),
])
def test_near_misses_get_a_did_you_mean(locator, text, suggestion):
    with pytest.raises(AddressNotFound) as raised:
        locator.locate(text)
    assert raised.value.suggestions[0] == suggestion


def test_a_mistyped_zip_does_not_decide_alone(look_up):
    """Tuscaloosa with a Montgomery ZIP: both are offered, never the ZIP's alone."""
    assert set(look_up("Tuscaloosa, AL 36104").choice_ids) == {circuit(6), circuit(15)}


@pytest.mark.parametrize("text", ["Atlanta", "Columbus, GA", "Nashville Tennessee",
                                  "Jefferson, CO", "09001"])
def test_places_of_other_states_are_outside(look_up, text):
    assert look_up(text).reason is Reason.OUTSIDE


# --- The state line --------------------------------------------------------------------------


@pytest.mark.parametrize(("lat", "lon"), [
    (32.4609, -84.9877),  # downtown Columbus, Georgia
    (32.8779, -85.1830),  # West Point, Georgia
    (34.9920, -86.8478),  # Ardmore, Tennessee
    (34.7960, -88.1940),  # east of Iuka, Mississippi
    (30.9960, -87.2570),  # Century, Florida, at the line
    (30.2830, -87.5100),  # Perdido Key, Florida
])
def test_points_just_across_the_line_are_never_certain(alabama, lat, lon):
    match = alabama.lookup(Location(lat, lon, Precision.POINT))
    assert not match.choices or match.outside, match


@pytest.fixture
def alabama(app):
    """The index over the seeded Alabama districts."""
    return district_index()


def test_points_along_the_whole_state_line_are_never_certain(alabama):
    """A point every 5 km along the line with each neighbour, 300 m to either side."""
    lines = json.loads((DATA / "al" / "state-lines.geojson").read_text(encoding="utf-8"))
    line = shapely.union_all([shape(f["geometry"]) for f in lines["features"]])
    for distance in np.arange(0, line.length, 0.05):
        on = line.interpolate(distance)
        for dx, dy in ((0.003, 0), (-0.003, 0), (0, 0.003), (0, -0.003)):
            match = alabama.lookup(Location(on.y + dy, on.x + dx, Precision.POINT))
            assert not match.choices or match.outside, (on, dx, dy)


def test_typed_zero_zero_is_outside_not_an_outage(client):
    response = client.post("/", data={"address": "0, 0"})
    assert response.status_code == 422
    assert "outside the area this guide covers" in response.get_data(as_text=True)


# --- Jefferson County ----------------------------------------------------------------------


def jefferson_zips() -> list[str]:
    """The ZCTAs wholly in Jefferson County."""
    return [z for z, parts in zcta_parts().items() if set(parts) == {JEFFERSON}]


def test_every_jefferson_zip_has_the_birmingham_race_certain_and_bessemer_perhaps(look_up):
    zips = jefferson_zips()
    assert len(zips) > 40
    for zip_code in zips:
        match = look_up(zip_code)
        assert match.choice_ids == (BIRMINGHAM,) and match.choices[0].certain, zip_code
        assert [(p.district_id, p.certain) for p in match.also] == [(BESSEMER, False)]


@pytest.mark.parametrize("text", ["Birmingham, AL", "Bessemer, AL", "Hueytown AL",
                                  "Jefferson County, Alabama", "35203",
                                  "710 20th St N, Birmingham, AL 35203", "33.40, -86.95"])
def test_every_jefferson_lookup_shows_the_birmingham_race(client, look_up, text):
    match = look_up(text)
    assert BIRMINGHAM in match.choice_ids and BESSEMER in {p.district_id for p in match.also}
    response = client.post("/", data={"address": text})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(
        as_text=True)
    assert "Birmingham Division" in page


def test_random_points_in_jefferson_county_have_the_birmingham_race(alabama):
    county = alabama.counties[JEFFERSON]
    rng = np.random.default_rng(10)
    west, south, east, north = county.bounds
    points = shapely.points(rng.uniform(west, east, 2000), rng.uniform(south, north, 2000))
    for p in points[shapely.contains(county, points)][:300]:
        match = alabama.lookup(Location(p.y, p.x, Precision.POINT))
        assert BIRMINGHAM in match.choice_ids and BESSEMER in {d.district_id for d in match.also}


def test_the_birmingham_page_shows_the_bessemer_race_under_a_plain_sentence(client):
    page = client.get("/districts/al-circuit-10").get_data(as_text=True)
    assert "If you live in the Bessemer Cutoff, you also vote for the Bessemer Division " \
           "district attorney." in page
    birmingham, _, bessemer = page.partition("Perhaps also on your ballot")
    assert "10th Judicial Circuit (Birmingham Division)" in birmingham
    assert "10th Judicial Circuit (Bessemer Division)" in bessemer
    assert "Which of these" not in page


def test_the_bessemer_page_shows_the_birmingham_race_as_certain(client):
    page = client.get("/districts/al-circuit-10-bessemer").get_data(as_text=True)
    assert "Every voter in Jefferson County also votes for the 10th Judicial Circuit " \
           "(Birmingham Division) district attorney." in page
