"""What the tests share that is not a fixture: settings for a test app, the fake geocoder,
spreadsheets to upload, servers on loopback. Test modules import from here, never from
conftest.py or from one another."""

from __future__ import annotations

from pathlib import Path

from .databases import TestDatabase
from .fakes import FakeGeocoder
from .paths import CHROMIUM, DATA_DIR, HOST, REPO

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DATA_DIR", "DESKTOP", "HOST", "PASSWORD", "PHONE",
           "REPO", "TIMEOUT_MS", "FakeGeocoder", "settings", "sign_in"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: The browser tests' viewports, and how long they wait for anything.
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
TIMEOUT_MS = 10_000
#: Every staff user's password in the tests.
PASSWORD = "correct horse battery staple"


def settings(database: TestDatabase | Path, **overrides) -> dict:
    """Test settings: the test's database (a SQLite file or a PostgreSQL database), the
    embedded data, CSRF off unless a test wants it."""
    if isinstance(database, TestDatabase):
        url, folder = database.url, database.folder
    else:
        url, folder = f"sqlite:///{database}", Path(database).parent
    return {"DATABASE_URL": url, "DATA_DIR": str(DATA_DIR),
            "STATES": "al,ca", "GEOCODER": "offline", "WTF_CSRF_ENABLED": False,
            # Tests change rows directly, without the content version a publish bumps: no
            # kept pages (test_snapshots.py and the gunicorn servers keep them).
            "TESTING": True, "PAGE_CACHE_SECONDS": 0, "SNAPSHOT_SECONDS": 0,
            # A cheap hash: the tests sign in hundreds of times (production: scrypt).
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "GEOCODING_STATE_DIR": str(folder / "geocoders"), **overrides}


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign a test client in as a staff user; return the response."""
    return client.post("/staff/login", data={"email": email, "password": password})
