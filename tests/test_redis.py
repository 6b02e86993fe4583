"""What several app machines share through Redis when VOTERGUIDE_REDIS_URL is set, against
a real redis-server the harness starts (tests/support/services.py): the page cache, the
geocoders' rate limits and rests, and the staff sign-in limit. Two apps on one database
stand for two machines; each has its own instance folder, so only Redis joins them. Without
the setting, each machine keeps the embedded defaults."""

from __future__ import annotations

import pytest
import redis

from voterguide import config
from voterguide.extensions import cache, runtime
from voterguide.extensions import db as _db
from voterguide.geo.geocoding import Precision
from voterguide.geo.providers import build_locator
from voterguide.geo.resilience import RedisProviderState

from .support import PASSWORD, settings, sign_in

ADDRESS = "2000 University Blvd, Tuscaloosa, AL 35401"


@pytest.fixture
def machines(make_app, redis_url, tmp_path):
    """make(**overrides): an app on the test's database and Redis, with its own folders."""
    count = iter(range(1, 100))

    def make(**overrides):
        folder = tmp_path / f"machine-{next(count)}"
        return make_app(REDIS_URL=redis_url, INSTANCE_PATH=str(folder),
                        GEOCODING_STATE_DIR=str(folder / "geocoders"), **overrides)

    return make


def test_without_redis_each_machine_keeps_its_own(app):
    assert type(cache.cache).__name__ == "SimpleCache"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_the_page_cache_is_shared_by_every_machine(machines, redis_url, monkeypatch):
    first, second = machines(PAGE_CACHE_SECONDS=60), machines(PAGE_CACHE_SECONDS=60)
    page = first.test_client().get("/districts/al-circuit-6").get_data(as_text=True)
    assert "6th Judicial Circuit" in page
    keys = redis.Redis.from_url(redis_url).keys("voterguide:page:*")
    assert len(keys) == 1 and b"al-circuit-6" in keys[0]

    from voterguide.guide import views

    monkeypatch.setattr(views, "district_html", lambda slug: pytest.fail("rendered again"))
    assert second.test_client().get("/districts/al-circuit-6").get_data(as_text=True) == page


def test_a_publish_through_one_machine_shows_through_the_other(machines):
    from voterguide import content

    first, second = machines(PAGE_CACHE_SECONDS=60), machines(PAGE_CACHE_SECONDS=60)
    reader = second.test_client()
    before = reader.get("/districts/al-circuit-6")
    with first.app_context():
        from voterguide.models import Candidate

        candidate = _db.session.scalars(_db.select(Candidate).where(
            Candidate.slug == "al-circuit-6-kendall-lassiter")).one()
        candidate.name = "Kendall Lassiter-Moreno"
        content.bump(_db.session)
        _db.session.commit()
    after = reader.get("/districts/al-circuit-6", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Kendall Lassiter-Moreno" in after.get_data(as_text=True)


def two_locators(redis_url, tmp_path, chain_settings, **census):
    """Two locators (two machines) whose census state lives in Redis, folders apart."""
    made = []
    for number in (1, 2):
        overrides = settings(tmp_path / f"{number}.sqlite3",
                             **chain_settings(GEOCODE_CACHE_DAYS=0, REDIS_URL=redis_url,
                                              GEOCODING_STATE_DIR=str(tmp_path / f"m{number}")))
        overrides["GEOCODER_OPTIONS"]["census"].update(census)
        made.append(build_locator({**config.DEFAULTS, **overrides}))
    return made


def test_the_geocoder_rate_limit_holds_across_machines(redis_url, tmp_path, chain_settings,
                                                       standin):
    standin.mode, standin.delay = "ok", 0.0
    standin.requests.clear()
    first, second = two_locators(redis_url, tmp_path, chain_settings, rate="0.2", max_wait="0.1")
    assert isinstance(first.providers[0].state, RedisProviderState)
    assert first.locate(ADDRESS).precision is Precision.ADDRESS
    assert second.locate(ADDRESS).precision is Precision.ZIP  # no slot: the offline answered
    assert len(standin.requests) == 1
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()


def test_a_rest_after_failures_holds_across_machines(redis_url, tmp_path, chain_settings,
                                                     standin):
    standin.requests.clear()
    standin.mode = "500"
    first, second = two_locators(redis_url, tmp_path, chain_settings, failures="2",
                                 cooldown="60")
    for _ in range(2):
        assert first.locate(ADDRESS).precision is Precision.ZIP
    asked = len(standin.requests)
    standin.mode = "ok"
    assert second.providers[0].state.resting()
    assert second.locate(ADDRESS).precision is Precision.ZIP  # the census rests everywhere
    assert len(standin.requests) == asked
    standin.mode = "ok"


def test_a_provider_asking_to_wait_rests_on_every_machine(redis_url, tmp_path, chain_settings,
                                                          standin):
    first, second = two_locators(redis_url, tmp_path, chain_settings)
    first.providers[0].state.failed(retry_after=30)
    assert second.providers[0].state.resting()
    second.providers[0].state.succeeded()  # a success resets failures, not the rest
    assert first.providers[0].state.resting()


def test_redis_out_of_reach_skips_the_online_geocoder_and_still_answers(tmp_path,
                                                                        chain_settings, standin):
    standin.requests.clear()
    overrides = settings(tmp_path / "x.sqlite3", **chain_settings(
        GEOCODE_CACHE_DAYS=0, REDIS_URL=f"unix://{tmp_path}/nobody-here.sock"))
    locator = build_locator({**config.DEFAULTS, **overrides})
    assert locator.locate(ADDRESS).precision is Precision.ZIP
    assert standin.requests == []


def test_the_sign_in_limit_is_counted_across_machines(machines):
    first, second = (machines(LOGIN_RATE_LIMIT="3 per minute", LOGIN_LOCK_AFTER=100)
                     for _ in range(2))
    with first.app_context():
        from voterguide.staff.accounts import create_user

        create_user(_db.session, "editor@example.org", PASSWORD, "editor")
        _db.session.commit()
    assert first.config["RATELIMIT_STORAGE_URI"].startswith("redis+unix://")
    for client in (first.test_client(), second.test_client(), first.test_client()):
        assert sign_in(client, "editor@example.org", "wrong password!!").status_code == 401
    assert sign_in(second.test_client(), "editor@example.org").status_code == 429


@pytest.mark.parametrize("value", ["redis:/oops", "http://cache:6379", "unix://relative",
                                   "redis://", "redis://a b"])
def test_a_bad_redis_url_is_refused_by_name(database, value):
    from voterguide import create_app

    with pytest.raises(config.ConfigurationError, match="VOTERGUIDE_REDIS_URL"):
        create_app(settings(database, REDIS_URL=value))


def test_an_explicit_backend_wins_over_redis(make_app, redis_url, tmp_path):
    app = make_app(REDIS_URL=redis_url, PAGE_CACHE_TYPE="FileSystemCache",
                   RATE_LIMIT_STORAGE_URI="memory://x", CACHE_DIR=str(tmp_path / "pages"))
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://x"
    with app.app_context():
        assert type(runtime(app).page_cache.cache.cache).__name__ == "FileSystemCache"
