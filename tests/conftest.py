"""Shared fixtures: an app on a real SQLite file with Alabama and the demo election loaded,
its test client and CLI runner, ``make_app(**overrides)`` for apps with other settings, a
fake geocoder that tests program per case, staff users, a gunicorn server and a browser.

Helpers that are not fixtures live in tests/support; test modules import them from there.
"""

from __future__ import annotations

import pytest

from voterguide import create_app
from voterguide.extensions import db as _db
from voterguide.extensions import runtime
from voterguide.geo.geocoding import Locator

# Names other test modules imported from here before tests/support existed; kept so that
# they go on working until they import from tests.support.
from .support import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    DATA_DIR,
    DESKTOP,
    PASSWORD,
    REPO,
    TIMEOUT_MS,
    FakeGeocoder,
    databases,
    settings,
    sign_in,
)


def pytest_configure(config):
    """On PostgreSQL, a test database is dropped WITH (FORCE) after its test, closing the
    connections of apps the test never disposed of; psycopg then warns as it collects them.
    Nothing leaks past the test, so that one warning is not an error there."""
    if databases.kind() == "postgresql":
        config.addinivalue_line(
            "filterwarnings",
            "ignore:<psycopg.Connection object at 0x[0-9a-f]+> was deleted while still open"
            ":ResourceWarning")


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run is the run of every test that uses a database (every fixture that
    makes one goes through ``database_server``). A test that uses none (a cleaner's table of
    cases, a geocoder against its loopback stand-in, a migration from an old SQLite release,
    the wheel) would run exactly as it did on SQLite, so it runs once, in the SQLite run."""
    if databases.kind() != "postgresql":
        return
    kept, deselected = [], []
    for item in items:
        (kept if "database_server" in getattr(item, "fixturenames", ()) else deselected
         ).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_header(config):
    if databases.kind() == "postgresql":
        return ("database: a throwaway PostgreSQL server; tests that use no database ran in "
                "the SQLite run and are deselected")
    return "database: SQLite files"


@pytest.fixture(scope="session")
def database_server():
    """The run's throwaway PostgreSQL cluster when VOTERGUIDE_TEST_DATABASE=postgresql (else
    None: the run is on SQLite files). See tests/support/databases.py."""
    if databases.kind() != "postgresql":
        yield None
        return
    from .support.services import postgresql

    with postgresql() as server:
        yield server


@pytest.fixture(scope="session")
def redis_service():
    """A throwaway redis-server for the run (tests/support/services.py), started on first use."""
    from .support.services import redis_server

    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(redis_service) -> str:
    """The URL of an empty Redis database: settings REDIS_URL=redis_url for a test app."""
    import redis

    url = redis_service.url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory, database_server):
    """A database with Alabama's districts and the demo election, built once per run."""
    seed = databases.empty_database(tmp_path_factory.mktemp("seed"), database_server, "seed")
    app = create_app(settings(seed))
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # a template database takes no connections; on SQLite, the last connection's close
        # folds the write-ahead log in before the file is copied
        _db.engine.dispose()
    made = databases.SeedDatabase(seed)
    yield made
    made.close()


@pytest.fixture
def database(seeded_database, tmp_path) -> databases.TestDatabase:
    """This test's own copy of the seeded database (its URL; ``rows(sql)`` reads what was
    committed, ``read_bytes()`` everything stored)."""
    copy = seeded_database.copy(tmp_path)
    yield copy
    seeded_database.drop(copy)


@pytest.fixture
def database_path(database) -> databases.TestDatabase:
    """The old name of ``database``: on SQLite it also stands for the file's path."""
    return database


@pytest.fixture
def make_app(database):
    """Build an app on this test's database with settings overridden: make_app(KEY=value)."""
    apps = []

    def make(**overrides):
        made = create_app(settings(database, **overrides))
        apps.append(made)
        return made

    yield make
    for made in apps:
        with made.app_context():
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app on this test's database, its app context pushed."""
    made = make_app()
    with made.app_context():
        yield made


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for flask commands."""
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The database session of this test's app."""
    return _db


@pytest.fixture
def fake_geocoder(app) -> FakeGeocoder:
    """Replace the app's geocoder with a programmable fake."""
    geocoder = FakeGeocoder()
    runtime(app).locator = Locator(geocoder, "fake")
    return geocoder


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run, shared by every browser test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def make_user(app):
    """Create a staff user: make_user(email, role)."""
    from voterguide.staff.accounts import create_user

    def make(email: str = "editor@example.org", role: str = "editor"):
        user = create_user(_db.session, email, PASSWORD, role)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def editor(client, make_user):
    """The client, signed in as an editor."""
    make_user("editor@example.org", "editor")
    assert sign_in(client, "editor@example.org").status_code == 303
    return client


@pytest.fixture
def admin(client, make_user):
    """The client, signed in as an admin."""
    make_user("admin@example.org", "admin")
    assert sign_in(client, "admin@example.org").status_code == 303
    return client


@pytest.fixture(scope="session")
def gunicorn_server():
    """Start gunicorn on a database: a context manager, gunicorn_server(database, workdir,
    **environment) yields the base URL (see tests/support/servers.py)."""
    from .support.servers import gunicorn

    return gunicorn


@pytest.fixture(scope="session")
def server(seeded_database, tmp_path_factory, gunicorn_server) -> str:
    """The app in gunicorn on a copy of the seeded database, CSRF on; yields its base URL."""
    workdir = tmp_path_factory.mktemp("browser")
    database = seeded_database.copy(workdir)
    with gunicorn_server(database, workdir) as base_url:
        yield base_url
    seeded_database.drop(database)


@pytest.fixture(scope="module")
def standin():
    """A stand-in for online geocoders on 127.0.0.1 (tests/support/standins.py), per module."""
    from .support import standins

    stand_in = standins.start()
    yield stand_in
    stand_in.shutdown()
    stand_in.server_close()


@pytest.fixture
def chain_settings(standin):
    """Settings overrides for a chain of stand-in providers ahead of the offline geocoder:
    chain_settings(chain="census,offline", **more), to pass to make_app."""

    def make(chain: str = "census,offline", **overrides) -> dict:
        options = {name: {"domain": standin.domain, "scheme": "http"}
                   for name in ("census", "nominatim", "pelias")}
        defaults = {"GEOCODING_TIMEOUT": 0.5, "GEOCODING_BUDGET": 2.0,
                    "GEOCODING_COOLDOWN": 60.0, "SECRET_KEY": "test-key"}
        return {"GEOCODER": chain, "GEOCODER_OPTIONS": options, **defaults, **overrides}

    return make


@pytest.fixture
def new_page(browser, server):
    """Open a page in a fresh browser context (options as for browser.new_context)."""
    contexts = []

    from .support.browser import RECORD_VIOLATIONS

    def open_page(**options):
        context = browser.new_context(base_url=server, **{"viewport": DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_VIOLATIONS)  # read with support.browser.csp_violations
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
