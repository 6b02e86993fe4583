"""Settings from the environment, with documented defaults.

Every setting can be overridden by an environment variable of the same name prefixed with
``VOTERGUIDE_`` (for example ``VOTERGUIDE_DATABASE_URL``); tests pass a plain dict instead.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The key Flask signs sessions and CSRF tokens with in development. Production refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"

DEFAULTS: dict[str, object] = {
    # "development" or "production". Production refuses the development secret key.
    "ENV": "development",
    # Flask's signing key for sessions and CSRF tokens.
    "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
    # Any SQLAlchemy URL: sqlite:///path/to/file.sqlite3 or postgresql+psycopg://...
    "DATABASE_URL": f"sqlite:///{PROJECT_ROOT / 'instance' / 'voterguide.sqlite3'}",
    # Which geocoder turns an address into a place: "offline" (embedded, ZIP and city level).
    "GEOCODER": "offline",
    # Where the state folders and the national gazetteer live.
    "DATA_DIR": str(PROJECT_ROOT / "data"),
    # The states this deployment covers, as folders of DATA_DIR, comma-separated.
    "STATES": "al",
    # Longest address the form accepts, in characters.
    "ADDRESS_MAX_LENGTH": 200,
    # How long a rendered district or candidate page is reused, in seconds (0: never).
    "PAGE_CACHE_SECONDS": 5,
    # The organisation that runs this guide, shown in the footer and the about page.
    "ORGANISATION": "voterguide",
    # Staff sign-in: failed attempts before an account is locked, for how many minutes, and
    # how many seconds each failed attempt waits before answering.
    "LOGIN_LOCK_AFTER": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_FAILURE_DELAY": 1,
    # Largest spreadsheet or photo staff may upload, in bytes (public forms stay at 64 KB).
    "STAFF_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    # Largest candidate photo, in bytes, and its longest side once re-encoded, in pixels.
    "PHOTO_MAX_BYTES": 5 * 1024 * 1024,
    "PHOTO_MAX_SIDE": 800,
}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Return the settings: defaults overridden by VOTERGUIDE_* environment variables."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        value = environ.get(f"VOTERGUIDE_{name}")
        if value is None:
            continue
        settings[name] = int(value) if isinstance(default, int) else value
    if environ.get("SECRET_KEY") and "VOTERGUIDE_SECRET_KEY" not in environ:
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    return settings


class ConfigurationError(RuntimeError):
    """The settings are unsafe or inconsistent; the app refuses to start."""


def check(settings: dict[str, object]) -> None:
    """Refuse settings that must never reach production."""
    if settings["ENV"] not in ("development", "production"):
        raise ConfigurationError("VOTERGUIDE_ENV must be 'development' or 'production'.")
    if settings["ENV"] == "production" and settings["SECRET_KEY"] in ("", DEVELOPMENT_SECRET_KEY):
        raise ConfigurationError(
            "VOTERGUIDE_SECRET_KEY must be set to a long random value in production."
        )
