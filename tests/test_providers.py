"""Online geocoders through real HTTP on loopback: the Census, Nominatim and Pelias formats,
and every way a provider fails, one case at a time. The guide must answer correctly in each."""

from __future__ import annotations

import datetime as dt

import pytest

from voterguide import config
from voterguide.extensions import runtime
from voterguide.geo.geocoding import (
    AddressNotFound,
    GeocoderUnavailable,
    Precision,
)
from voterguide.geo.providers import build_locator

from .support import settings

ADDRESS = "2000 University Blvd, Tuscaloosa, AL 35401"
BIRMINGHAM = "710 20th St N, Birmingham, AL 35203"
CIRCUIT_6 = "/districts/al-circuit-6"


@pytest.fixture(autouse=True)
def reset(standin):
    """Every test starts with a healthy, fast stand-in and no recorded requests."""
    standin.mode, standin.delay = "ok", 0.0
    standin.requests.clear()


@pytest.fixture
def chain_app(make_app, chain_settings):
    """The app with census then offline."""
    app = make_app(**chain_settings())
    with app.app_context():
        yield app


@pytest.fixture
def clock(time_machine):
    """A clock that stands still until the test moves it (time.time, monotonic, datetime)."""
    time_machine.move_to(dt.datetime(2028, 7, 1, 12, tzinfo=dt.UTC), tick=False)
    return time_machine


def locate(app, address=ADDRESS):
    """Geocode through the app's locator."""
    return runtime(app).locator.locate(address)


def test_the_census_places_an_address_by_its_county(chain_app, standin):
    location = locate(chain_app)
    assert location.precision is Precision.ADDRESS
    assert location.counties == ("01125",) and location.state == "AL"
    assert standin.requests == ["/geocoder/geographies/onelineaddress"]
    response = chain_app.test_client().post("/", data={"address": ADDRESS})
    assert response.headers["Location"] == CIRCUIT_6


def test_a_census_match_in_jefferson_county_goes_to_the_page_with_both_races(chain_app):
    response = chain_app.test_client().post("/", data={"address": BIRMINGHAM})
    assert response.headers["Location"] == "/districts/al-circuit-10"


@pytest.mark.parametrize(("mode", "delay"), [
    ("500", 0), ("503", 0), ("429", 0), ("badjson", 0), ("missing", 0), ("ok", 1.5),
])
def test_a_failing_census_falls_back_to_the_offline_geocoder(chain_app, standin, mode, delay):
    standin.mode, standin.delay = mode, delay
    location = locate(chain_app)
    # The offline geocoder answered: a slow census was abandoned at its timeout (had it been
    # waited for, its address-level answer would have come back after 1.5 s).
    assert location.precision is Precision.ZIP
    assert location.counties == ("01125",)
    response = chain_app.test_client().post("/", data={"address": ADDRESS})
    assert response.headers["Location"] == CIRCUIT_6


def test_no_match_online_is_looked_up_offline_then_not_found(chain_app, standin):
    standin.mode = "empty"
    assert locate(chain_app).precision is Precision.ZIP
    with pytest.raises(AddressNotFound):
        locate(chain_app, "1 Nowhere Rd, Qqqqq, ZZ")


def test_an_outage_with_no_offline_answer_is_unavailable_not_not_found(chain_app, standin):
    standin.mode = "503"
    with pytest.raises(GeocoderUnavailable):
        locate(chain_app, "1 Nowhere Rd, Qqqqq, ZZ")
    response = chain_app.test_client().post("/", data={"address": "1 Nowhere Rd, Qqqqq, ZZ"})
    assert response.status_code == 503
    api = chain_app.test_client().get("/api/v1/lookup?address=1+Nowhere+Rd")
    assert api.status_code == 503 and api.json["error"]["code"] == "geocoder_unavailable"


def test_a_429_rests_the_provider_for_its_retry_after(chain_app, standin):
    standin.mode = "429"
    locate(chain_app)
    assert standin.requests == ["/geocoder/geographies/onelineaddress"]
    standin.mode = "ok"
    locate(chain_app, "Dothan, AL")
    assert len(standin.requests) == 1  # still resting: asked the offline geocoder only


def test_repeated_failures_rest_the_provider_then_it_is_tried_again(make_app, chain_settings,
                                                                   standin, clock):
    app = make_app(**chain_settings(GEOCODING_FAILURES=2, GEOCODING_COOLDOWN=30,
                                    GEOCODE_CACHE_DAYS=0))
    with app.app_context():
        standin.mode = "500"
        locate(app)
        locate(app)
        assert len(standin.requests) == 2
        locate(app)
        assert len(standin.requests) == 2  # resting
        clock.shift(29)
        locate(app)
        assert len(standin.requests) == 2  # still resting
        clock.shift(2)
        standin.mode = "ok"
        assert locate(app).precision is Precision.ADDRESS
        assert len(standin.requests) == 3


def test_the_rate_limit_holds_across_workers(database_path, chain_settings, standin, clock):
    """Two locators stand for two worker processes sharing the state directory."""
    overrides = settings(database_path, **chain_settings(GEOCODE_CACHE_DAYS=0))
    overrides["GEOCODER_OPTIONS"]["census"].update(rate="1", max_wait="0.1")
    everything = {**config.DEFAULTS, **overrides}
    first, second = build_locator(everything), build_locator(everything)
    assert first.locate(ADDRESS).precision is Precision.ADDRESS
    assert second.locate(ADDRESS).precision is Precision.ZIP  # no slot: the offline answered
    assert len(standin.requests) == 1
    clock.shift(1.0)
    assert second.locate(ADDRESS).precision is Precision.ADDRESS


@pytest.mark.parametrize("chain", ["nominatim,offline", "pelias,offline"])
def test_geopy_providers_by_name(make_app, chain_settings, chain):
    app = make_app(**chain_settings(chain=chain))
    with app.app_context():
        location = locate(app)
        assert location.precision is Precision.ADDRESS
        assert (round(location.lat, 4), round(location.lon, 4)) == (33.2098, -87.5692)
        assert app.test_client().post("/", data={"address": ADDRESS}).headers[
            "Location"] == CIRCUIT_6


@pytest.mark.parametrize("mode", ["500", "badjson", "missing", "429"])
@pytest.mark.parametrize("chain", ["nominatim,offline", "pelias,offline"])
def test_geopy_providers_fail_over_too(make_app, chain_settings, standin, chain, mode):
    standin.mode = mode
    app = make_app(**chain_settings(chain=chain))
    with app.app_context():
        assert locate(app).precision is Precision.ZIP


def test_the_cache_answers_the_second_time_and_holds_no_address(chain_app, standin,
                                                                 database_path):
    locate(chain_app)
    locate(chain_app, ADDRESS.upper() + "  ")  # the same address, written differently
    assert len(standin.requests) == 1
    rows = database_path.rows("SELECT key, provider, location FROM geocode_cache")
    assert len(rows) == 1 and len(rows[0][0]) == 64 and rows[0][1] == "census"
    dump = "\n".join(str(r) for r in rows).lower()
    assert "university" not in dump and "35401" not in dump and "tuscaloosa" not in dump
    assert "33.21" in dump  # rounded to about 100 m
    assert b"University" not in database_path.read_bytes()
    stats = runtime(chain_app).locator.cache.stats()
    assert (stats[0]["hits"], stats[0]["misses"], stats[0]["hit_rate"]) == (1, 1, 0.5)


def test_the_cache_expires_and_is_bounded(make_app, chain_settings, standin, database_path,
                                          clock):
    app = make_app(**chain_settings(GEOCODE_CACHE_DAYS=1, GEOCODE_CACHE_SIZE=1))
    with app.app_context():
        locate(app)
        clock.shift(dt.timedelta(hours=23))
        locate(app)
        assert len(standin.requests) == 1  # still fresh
        clock.shift(dt.timedelta(hours=2))
        locate(app)
        assert len(standin.requests) == 2  # expired
        locate(app, BIRMINGHAM)
        assert database_path.rows("SELECT count(*) FROM geocode_cache") == [(1,)]


def test_an_offline_only_chain_has_no_cache(app):
    assert runtime(app).locator.cache is None


def test_options_come_from_the_environment():
    settings_ = config.from_environment({
        "VOTERGUIDE_GEOCODER": "nominatim,offline",
        "VOTERGUIDE_GEOCODER_NOMINATIM_DOMAIN": "nominatim.example.org",
        "VOTERGUIDE_GEOCODER_NOMINATIM_USER_AGENT": "our-guide",
        "VOTERGUIDE_GEOCODER_NOMINATIM_RATE": "2",
        "VOTERGUIDE_GEOCODING_TIMEOUT": "1.5",
    })
    assert settings_["GEOCODER_OPTIONS"] == {"nominatim": {
        "domain": "nominatim.example.org", "user_agent": "our-guide", "rate": "2"}}
    assert settings_["GEOCODING_TIMEOUT"] == 1.5


@pytest.mark.parametrize(("chain", "options", "message"), [
    ("nope", {}, "Unknown geocoder 'nope'"),
    ("pelias", {"pelias": {"colour": "red"}}, "cannot be built"),
    ("", {}, "names no geocoder"),
])
def test_configuration_errors_are_clear(chain, options, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        build_locator({**config.DEFAULTS, "GEOCODER": chain, "GEOCODER_OPTIONS": options,
                       "GEOCODING_STATE_DIR": str(tmp_path)})
