"""California's ZIP codes, towns, counties and points, on the real data, served beside
Alabama's: checked against the Census relationship and the county list vendored in
data/sources (the app loads only what scripts/build_geodata.py derived from them)."""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict

import pytest
import zipcodes

from voterguide.extensions import runtime
from voterguide.geo.boundaries import district_index
from voterguide.geo.districts import Reason
from voterguide.geo.geocoding import Location, Precision

from .reference import SOURCES, circuit, circuit_of

COUNTIES = SOURCES / "california-counties.csv"
RELATIONSHIP = SOURCES / "zcta-county-2020-ca.csv"
OUTSIDE = "outside"


def rows(path) -> list[dict]:
    """A CSV file's rows."""
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def district_of_name(county_name: str) -> str:
    """The division id of a California county's district, from its Census name alone
    ("Los Angeles County" -> ocd-division/country:us/state:ca/county:los_angeles)."""
    key = re.sub(r"[^a-z0-9]+", "_", county_name.removesuffix(" County").lower()).strip("_")
    return f"ocd-division/country:us/state:ca/county:{key}"


@functools.cache
def district_of() -> dict[str, str]:
    """County FIPS -> district id: each county elects its own district attorney."""
    return {row["county_fips"]: district_of_name(row["county_name"]) for row in rows(COUNTIES)}


@functools.cache
def zcta_parts() -> dict[str, dict[str, int]]:
    """ZCTA -> {district or OUTSIDE: land m2}, the land outside California under OUTSIDE."""
    parts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    whole: dict[str, int] = {}
    for row in rows(RELATIONSHIP):
        parts[row["zcta"]][district_of()[row["county_geoid"]]] += int(row["arealand_part"])
        whole[row["zcta"]] = int(row["arealand_zcta"])
    for zcta, land in whole.items():
        rest = land - sum(parts[zcta].values())
        if rest > 0:
            parts[zcta][OUTSIDE] = rest
    return {z: dict(p) for z, p in parts.items()}


@pytest.fixture
def locator(app):
    """The app's own locator (the embedded geocoder)."""
    return runtime(app).locator


@pytest.fixture
def look_up(app, locator):
    """Address -> Match, as the guide does it, with both states covered."""
    index = district_index()
    assert index.states >= {"AL", "CA"}
    return lambda text: index.lookup(locator.locate(text))


def offered(match) -> set[str]:
    """The choices of a match, with OUTSIDE when outside is one."""
    return set(match.choice_ids) | ({OUTSIDE} if match.outside else set())


def test_the_vendored_sources_agree_with_each_other():
    assert len(district_of()) == 58
    assert set(district_of()) == {row["county_geoid"] for row in rows(RELATIONSHIP)}
    assert len([z for z in zcta_parts() if "90000" <= z <= "96199"]) == 1802


# --- ZIP codes ---------------------------------------------------------------------------


def test_every_zcta_offers_exactly_the_counties_it_touches_largest_first(look_up):
    """Certain where the ZIP lies in one county; otherwise a picker with exactly the
    counties it touches, largest share first, and "outside" for a part in Nevada or
    Oregon."""
    for zcta, land in zcta_parts().items():
        match = look_up(zcta)
        assert offered(match) == set(land), zcta
        assert match.ambiguous == (len(land) > 1), zcta
        in_state = {d: a for d, a in land.items() if d != OUTSIDE}
        assert match.choice_ids[0] == max(in_state, key=in_state.get), zcta


def test_most_california_zips_are_answered_certain(look_up):
    single = [z for z, land in zcta_parts().items() if len(land) == 1]
    assert len(single) > 1500
    assert [z for z in single if look_up(z).ambiguous] == []


@pytest.mark.parametrize(("zip_code", "counties"), [
    ("90001", {"Los Angeles County"}),
    ("94102", {"San Francisco County"}),
    ("95814", {"Sacramento County"}),
    ("92101", {"San Diego County"}),
    ("93721", {"Fresno County"}),
])
def test_city_zips_are_certain(look_up, client, zip_code, counties):
    expected = {district_of_name(c) for c in counties}
    match = look_up(zip_code)
    assert set(match.choice_ids) == expected and not match.ambiguous
    response = client.post("/", data={"address": zip_code})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/districts/ca-county-")


def test_a_zip_across_a_county_line_asks_by_county(look_up, client):
    two = sorted(z for z, land in zcta_parts().items() if len(land) == 2
                 and OUTSIDE not in land)[0]
    match = look_up(two)
    assert match.ambiguous and set(match.choice_ids) == set(zcta_parts()[two])
    response = client.post("/", data={"address": two})
    assert response.status_code == 303 and response.headers["Location"].startswith("/choose?")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for county in match.counties:
        assert district_index().county_names[county] + " County" in page


@pytest.mark.parametrize("zip_code", ["89010", "89019", "89060", "89061", "89439", "97635"])
def test_zips_of_neighbours_that_reach_into_california_offer_both(look_up, zip_code):
    land = zcta_parts()[zip_code]
    assert OUTSIDE in land
    match = look_up(zip_code)
    assert offered(match) == set(land) and match.ambiguous


def test_every_california_zip_code_is_known_and_offers_its_post_offices_county(look_up):
    """PO boxes and unique ZIP codes too."""
    by_name = {row["county_name"].lower(): row["county_fips"] for row in rows(COUNTIES)}
    checked = 0
    for z in zipcodes.filter_by(state="CA"):
        match = look_up(z["zip_code"])
        assert match.choice_ids, z["zip_code"]
        fips = by_name.get(z["county"].lower())
        if fips:
            assert district_of()[fips] in match.choice_ids, z["zip_code"]
            checked += 1
    assert checked > 2500


# --- Towns and counties --------------------------------------------------------------------


def test_every_town_offers_exactly_the_counties_of_its_zip_codes(look_up):
    towns: dict[str, set[str]] = defaultdict(set)
    for z in zipcodes.filter_by(state="CA"):
        if z["zip_code"] in zcta_parts():
            for name in (z["city"], *z["acceptable_cities"]):
                towns[name].add(z["zip_code"])
    county_named = {row["county_name"].removesuffix(" County"): row["county_fips"]
                    for row in rows(COUNTIES)}
    assert len(towns) > 1000
    for town, zips in towns.items():
        expected = set().union(*(zcta_parts()[z] for z in zips))
        if town in county_named:
            expected.add(district_of()[county_named[town]])
        match = look_up(f"{town}, CA")
        assert offered(match) == expected, town


def test_every_county_is_certain_by_name(look_up):
    for row in rows(COUNTIES):
        for text in (f"{row['county_name']}, California", f"{row['county_name']}, CA"):
            match = look_up(text)
            assert match.choice_ids == (district_of()[row["county_fips"]],), text
            assert not match.ambiguous, text


def test_san_francisco_is_a_city_and_county(look_up, client):
    sf = district_of_name("San Francisco County")
    assert look_up("San Francisco County, CA").choice_ids == (sf,)
    # The town is its ZIP codes, and 94128 (the airport) lies in San Mateo County.
    assert look_up("San Francisco, CA").choice_ids[0] == sf
    page = client.get("/districts/ca-county-san-francisco").get_data(as_text=True)
    assert "City and County of San Francisco" in page


@pytest.mark.parametrize(("lat", "lon", "county"), [
    (34.0537, -118.2427, "Los Angeles County"),  # Los Angeles City Hall
    (36.7378, -119.7871, "Fresno County"),  # Fresno City Hall
    (35.3733, -119.0187, "Kern County"),  # Bakersfield
    (40.5865, -122.3917, "Shasta County"),  # Redding
    (37.3387, -121.8853, "Santa Clara County"),  # San José
])
def test_points_in_cities_are_certain(app, client, lat, lon, county):
    match = district_index().lookup(Location(lat, lon, Precision.POINT))
    assert match.choice_ids == (district_of_name(county),) and not match.ambiguous
    response = client.get(f"/api/v1/lookup?lat={lat}&lon={lon}")
    [found] = response.get_json()["districts"]
    assert (found["id"], found["certain"]) == (district_of_name(county), True)


@pytest.mark.parametrize(("lat", "lon"), [
    (39.1653, -119.7674),  # Carson City, Nevada, near the line
    (42.1961, -121.7817),  # Klamath Falls, Oregon
    (34.4839, -114.3225),  # Lake Havasu City, Arizona, by the Colorado River
])
def test_points_just_across_the_line_with_a_neighbour_are_never_certain(app, lat, lon):
    match = district_index().lookup(Location(lat, lon, Precision.POINT))
    assert not match.choices or match.outside, match


# --- Both states in one deployment ---------------------------------------------------------


def shared_town_names() -> list[str]:
    """Town names the ZIP table has in both states (ZCTAs in both)."""
    def names(state, relationship):
        return {z["city"] for z in zipcodes.filter_by(state=state) if z["zip_code"] in relationship}

    from .reference import zcta_parts as alabama_parts
    return sorted(names("AL", alabama_parts()) & names("CA", zcta_parts()))


def test_a_town_name_in_both_states_is_offered_in_both_unless_the_state_settles_it(look_up):
    shared = shared_town_names()
    assert "Riverside" in shared and len(shared) > 20
    for town in shared:
        both = look_up(town)
        states = {d.split("/state:")[1][:2] for d in both.choice_ids}
        assert states == {"al", "ca"}, town
        assert {d.split("/state:")[1][:2] for d in look_up(f"{town}, CA").choice_ids} == {"ca"}
        assert {d.split("/state:")[1][:2] for d in look_up(f"{town}, AL").choice_ids} == {"al"}


def test_the_picker_names_each_countys_state(client):
    response = client.post("/", data={"address": "Riverside"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/choose?")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Riverside County, California" in page
    assert "St. Clair County, Alabama" in page


def test_alabama_answers_are_unchanged_beside_california(look_up):
    assert look_up("Tuscaloosa, AL").choice_ids == (circuit(6),)
    assert look_up("35401").choice_ids == (circuit(6),)
    assert look_up("Jefferson Co").choice_ids == (circuit(10),)
    assert look_up("Baldwin").choice_ids == (circuit(28),)
    assert circuit_of()["01125"] == circuit(6)


def test_one_state_deployment_still_narrows(make_app):
    app = make_app(STATES="al")
    with app.app_context():
        index = district_index()
        assert index.states == {"AL"}
        assert runtime(app).locator.locate("Fresno, CA").state == "CA"
        assert index.lookup(runtime(app).locator.locate("Fresno, CA")).reason is Reason.OUTSIDE


def test_all_districts_lists_both_states_grouped(client):
    page = client.get("/districts/").get_data(as_text=True)
    alabama, california = page.index('id="state-AL"'), page.index('id="state-CA"')
    assert alabama < page.index("Tuscaloosa County") < california
    assert california < page.index("Los Angeles County")
    assert page.count("ca-county-") >= 58


def test_a_california_district_without_a_race_says_so(client):
    page = client.get("/districts/ca-county-los-angeles").get_data(as_text=True)
    assert "No races have been added for this district yet." in page
    assert "nonpartisan election" in page and "majority" in page


def test_the_line_between_two_covered_states_is_a_district_line_not_an_edge():
    """Only lines with states the guide doesn't cover make "outside" possible: with a
    neighbour covered too (Georgia, say), their shared line is just a line between
    districts. Alabama and California share none, so both keep all of theirs."""
    import shapely

    from voterguide.geo.boundaries import state_lines

    from .support import DATA_DIR

    columbus = shapely.points(-84.9877, 32.4609)  # on the Chattahoochee, the line with Georgia
    tahoe = shapely.points(-120.0324, 39.0968)  # Stateline, by the line with Nevada
    alone = state_lines(DATA_DIR, {"AL"}, {})
    beside_georgia = state_lines(DATA_DIR, {"AL", "GA"}, {})
    both = state_lines(DATA_DIR, {"AL", "CA"}, {})
    assert shapely.distance(alone, columbus) < 0.05
    assert shapely.distance(beside_georgia, columbus) > 0.3
    assert shapely.distance(both, columbus) < 0.05 and shapely.distance(both, tahoe) < 0.05
    assert shapely.distance(state_lines(DATA_DIR, {"CA", "NV"}, {}), tahoe) > 0.3


def test_the_default_deployment_covers_every_state_folder(tmp_path):
    from voterguide import create_app

    from .support import settings

    given = settings(tmp_path / "default.sqlite3")
    del given["STATES"]
    assert create_app(given).config["STATES"] == "al,ca"
