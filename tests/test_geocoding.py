"""The offline geocoder, the address parser's fallbacks, and the Locator's error mapping."""

from __future__ import annotations

import pytest
from geopy import exc as geopy_exc

from voterguide import config
from voterguide.geo import address
from voterguide.geo.geocoding import (
    AddressNotFound,
    GeocoderUnavailable,
    Locator,
    Precision,
)
from voterguide.geo.offline import OfflineGeocoder, load_gazetteer
from voterguide.geo.providers import build_locator

from .support import DATA_DIR, FakeGeocoder

TUSCALOOSA, JEFFERSON, HOUSTON, DALE, HENRY = "01125", "01073", "01069", "01045", "01067"


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    """The embedded geocoder over the committed gazetteer, preferring Alabama."""
    return OfflineGeocoder(load_gazetteer(str(DATA_DIR)), preferred_states=("AL",))


@pytest.fixture(scope="module")
def locator(geocoder) -> Locator:
    """The app's interface over the embedded geocoder."""
    return Locator(geocoder, "offline")


@pytest.mark.parametrize(("text", "zip_code", "city", "state", "county"), [
    ("1600 Main St, Tuscaloosa, AL 35401", "35401", "Tuscaloosa", "AL", None),
    ("Tuscaloosa, AL 35401-1234", "35401", "Tuscaloosa", "AL", None),
    ("35401", "35401", None, None, None),
    ("Jefferson County, Alabama", None, "Jefferson County", "Alabama", "Jefferson"),
    ("Dothan", None, "Dothan", None, None),
    ("Bayou La Batre, AL", None, "Batre", "AL", None),  # usaddress mislabels; see other_cities
    # usaddress raises RepeatedLabelError on this one; the fallback still reads it.
    ("123 Main St Apt 4 Apt 5, Mobile AL 36602", "36602", "Mobile", "AL", None),
    ("RR 2 Box 45, Clanton, AL 35045", "35045", "Clanton", "AL", None),
])
def test_parse_reads_the_parts(text, zip_code, city, state, county):
    parts = address.parse(text)
    assert (parts.zip_code, parts.city, parts.state, parts.county) == (zip_code, city, state,
                                                                       county)


def test_parse_offers_the_comma_reading_when_usaddress_mislabels_the_city():
    assert "Bayou La Batre" in address.parse("Bayou La Batre, AL").other_cities


@pytest.mark.parametrize("text", [
    "", " ", ",,,,", "#&*(!)", "😀😀", "<script>alert(1)</script>", "a" * 5000, "\x00\x01",
    "Straße 5, 10115 Berlin", "東京都千代田区", "12345678901234567890", "-1", "AL AL AL AL AL",
    "Apt 4 Apt 5 Apt 6 Unit 7", "P.O. Box 12, Box 13", "1 2 3 4 5 6 7 8 9 0",
])
def test_parse_never_raises(text):
    assert isinstance(address.parse(text), address.AddressParts)


@pytest.mark.parametrize(("text", "expected"), [
    ("33.2098, -87.5692", (33.2098, -87.5692)),
    ("33.2098 -87.5692", (33.2098, -87.5692)),
    ("+30.5, -88", (30.5, -88.0)),
    ("33.5186° N, 86.8104° W", (33.5186, -86.8104)),
    ("33.5186N 86.8104W", (33.5186, -86.8104)),
    ("0, 0", (0.0, 0.0)),
    ("95, 10", None),
    ("33.2, -187", None),
    ("35401", None),
    ("Main St 12, 5", None),
])
def test_coordinates(text, expected):
    assert address.coordinates(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Saint Clair", "st clair"),
    ("St. Clair", "st clair"),
    ("Mount Vernon", "mt vernon"),
    ("  Peñón  ", "penon"),
])
def test_normalise(text, expected):
    assert address.normalise(text) == expected


def test_a_zip_code_is_placed_by_its_counties(locator):
    location = locator.locate("2000 University Blvd, Tuscaloosa, AL 35401")
    assert location.precision is Precision.ZIP
    assert location.counties == (TUSCALOOSA,)
    assert location.state == "AL"
    assert location.lat == pytest.approx(33.2, abs=0.1)


def test_a_city_is_every_county_its_zip_codes_touch(locator):
    location = locator.locate("Dothan, AL")
    assert location.precision is Precision.CITY
    assert {HOUSTON, DALE, HENRY} <= set(location.counties)


def test_a_bare_city_name_is_looked_for_in_the_preferred_states(locator):
    assert locator.locate("Dothan").state == "AL"


def test_a_county_by_name(locator):
    location = locator.locate("Jefferson County, Alabama")
    assert (location.precision, location.counties) == (Precision.COUNTY, (JEFFERSON,))


def test_a_county_name_in_several_states_and_none_preferred_names_them_all(geocoder):
    bare = OfflineGeocoder(geocoder.gazetteer, preferred_states=())
    every = bare.geocode("Jefferson County").raw["voterguide"]
    assert "state" not in every and len(every["counties"]) > 20 and JEFFERSON in every["counties"]
    assert bare.geocode("Jefferson County, AL").raw["voterguide"]["counties"] == [JEFFERSON]


def test_coordinates_are_a_point(locator):
    location = locator.locate("32.3668, -86.3")
    assert (location.precision, location.lat, location.lon) == (Precision.POINT, 32.3668, -86.3)


def test_another_state_is_found_and_says_so(locator):
    assert locator.locate("Atlanta, GA 30303").state == "GA"
    assert locator.locate("Austin, Texas").state == "TX"


@pytest.mark.parametrize("text", [
    "asdfghjkl", "10 Downing Street, London SW1A 2AA, United Kingdom", "Alabama", "00000",
    "Paris, France", "Nowhere Town, AL", "<b>bold</b>", "😀",
])
def test_unknown_places_are_not_found(locator, text):
    with pytest.raises(AddressNotFound):
        locator.locate(text)


def test_the_geocoder_speaks_geopy(geocoder):
    found = geocoder.geocode("35401", exactly_one=False)
    assert isinstance(found, list) and found[0].address == "Tuscaloosa, AL 35401"
    assert found[0].raw["voterguide"]["precision"] == "zip"


@pytest.mark.parametrize("error", [
    geopy_exc.GeocoderUnavailable("down"),
    geopy_exc.GeocoderTimedOut("slow"),
    geopy_exc.GeocoderServiceError("500"),
    geopy_exc.GeocoderRateLimited("429", retry_after=3),
    geopy_exc.GeocoderAuthenticationFailure("key"),
])
def test_an_outage_is_never_reported_as_not_found(error):
    fake = FakeGeocoder()
    fake.fail(error)
    with pytest.raises(GeocoderUnavailable):
        Locator(fake, "fake").locate("anything")


def test_no_match_is_not_found_and_a_bad_query_too():
    fake = FakeGeocoder()
    with pytest.raises(AddressNotFound):
        Locator(fake, "fake").locate("nowhere")
    fake.fail(geopy_exc.GeocoderQueryError("bad query"))
    with pytest.raises(AddressNotFound):
        Locator(fake, "fake").locate("nowhere")


def test_a_plain_geopy_match_is_taken_as_a_street_address():
    fake = FakeGeocoder()
    fake.answer("1 Main St", 33.0, -87.0)
    location = Locator(fake, "fake").locate("1 Main St")
    assert (location.precision, location.counties, location.spots) == (Precision.ADDRESS, (), ())


def test_unknown_geocoder_names_are_refused():
    with pytest.raises(ValueError, match="Unknown geocoder 'nope'"):
        build_locator({**config.DEFAULTS, "GEOCODER": "nope", "DATA_DIR": str(DATA_DIR)})
