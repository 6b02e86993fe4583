"""Shared fixtures: an app on a real SQLite file with Alabama and the demo election loaded,
its test client and CLI runner, and a fake geocoder that tests program per case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from geopy import exc as geopy_exc
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location as GeopyLocation

from voterguide import create_app
from voterguide.extensions import db as _db
from voterguide.geo.geocoding import Locator

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: The browser tests' default viewport, and how long they wait for anything.
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


def settings(database: Path, **overrides) -> dict:
    """Test settings: a SQLite file, the embedded data, CSRF off unless a test wants it."""
    return {"DATABASE_URL": f"sqlite:///{database}", "DATA_DIR": str(DATA_DIR),
            "STATES": "al", "GEOCODER": "offline", "WTF_CSRF_ENABLED": False,
            "TESTING": True, "PAGE_CACHE_SECONDS": 0, "LOGIN_FAILURE_DELAY": 0,
            "GEOCODING_STATE_DIR": str(Path(database).parent / "geocoders"), **overrides}


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    """A database with Alabama's districts and the demo election, built once per run."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    app = create_app(settings(path))
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def database_path(seeded_database, tmp_path) -> Path:
    """This test's own copy of the seeded database."""
    path = tmp_path / "voterguide.sqlite3"
    shutil.copy(seeded_database, path)
    return path


@pytest.fixture
def app(database_path):
    """The app on this test's database."""
    app = create_app(settings(database_path))
    with app.app_context():
        yield app


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


class FakeGeocoder(Geocoder):
    """A geopy geocoder that answers from a table, or fails as told: no network."""

    def __init__(self):
        super().__init__()
        self.answers: dict[str, GeopyLocation | None] = {}
        self.error: Exception | None = None
        self.queries: list[str] = []

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        """Record the query; raise the programmed error or return the programmed answer."""
        self.queries.append(query)
        if self.error:
            raise self.error
        return self.answers.get(query)

    def answer(self, query: str, lat: float, lon: float, **voterguide) -> None:
        """Program a match for a query (precision details go in raw["voterguide"])."""
        raw = {"voterguide": voterguide} if voterguide else {}
        self.answers[query] = GeopyLocation(query, (lat, lon), raw)

    def fail(self, error: Exception | None = None) -> None:
        """Make every later call fail like an unreachable service."""
        self.error = error or geopy_exc.GeocoderUnavailable("down")


@pytest.fixture
def fake_geocoder(app) -> FakeGeocoder:
    """Replace the app's geocoder with a programmable fake."""
    geocoder = FakeGeocoder()
    app.extensions["voterguide.locator"] = Locator(geocoder, "fake")
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


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """Create a staff user: make_user(email, role)."""
    from voterguide.staff.accounts import create_user

    def make(email: str = "editor@example.org", role: str = "editor"):
        user = create_user(_db.session, email, PASSWORD, role)
        _db.session.commit()
        return user

    return make


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign a test client in as a staff user; return the response."""
    return client.post("/staff/login", data={"email": email, "password": password})


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
def server(seeded_database, tmp_path_factory) -> str:
    """The app in gunicorn on a copy of the seeded database, CSRF on; yields its base URL."""
    from .servers import gunicorn

    workdir = tmp_path_factory.mktemp("browser")
    database = workdir / "voterguide.sqlite3"
    shutil.copy(seeded_database, database)
    with gunicorn(database, workdir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def standin():
    """A stand-in for online geocoders on 127.0.0.1 (tests/standins.py), for one module."""
    from . import standins

    stand_in = standins.start()
    yield stand_in
    stand_in.shutdown()
    stand_in.server_close()


@pytest.fixture
def new_page(browser, server):
    """Open a page in a fresh browser context (options as for browser.new_context)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=server, **{"viewport": DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
