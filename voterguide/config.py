"""Settings from the environment, with documented defaults.

Every setting can be overridden by an environment variable of the same name prefixed with
``VOTERGUIDE_`` (for example ``VOTERGUIDE_DATABASE_URL``); tests pass a plain dict instead.
"""

from __future__ import annotations

import os
import re
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
    # Geocoders in order of preference, e.g. "census,nominatim,offline": the guide's own
    # ("offline": embedded, ZIP and town level; "census") or any geopy geocoder by name.
    # Each takes options from VOTERGUIDE_GEOCODER_<NAME>_<OPTION> (see geo/providers.py).
    "GEOCODER": "offline",
    # Seconds one geocoder may take, and a whole lookup across the chain.
    "GEOCODING_TIMEOUT": 3.0,
    "GEOCODING_BUDGET": 6.0,
    # Failures in a row after which a geocoder rests, and for how many seconds.
    "GEOCODING_FAILURES": 3,
    "GEOCODING_COOLDOWN": 60.0,
    # Who we are to online geocoders (Nominatim requires it).
    "GEOCODING_USER_AGENT": "voterguide (https://github.com/voterguide)",
    # Where the workers share each geocoder's rate limit and failure state.
    "GEOCODING_STATE_DIR": str(PROJECT_ROOT / "instance" / "geocoders"),
    # Days a cached online geocoding result is kept (0: no cache), and how many at most.
    "GEOCODE_CACHE_DAYS": 30.0,
    "GEOCODE_CACHE_SIZE": 200_000,
    # Key for hashing addresses in the cache; empty: derived from SECRET_KEY.
    "GEOCODE_CACHE_KEY": "",
    # Where the state folders and the national gazetteer live.
    "DATA_DIR": str(PROJECT_ROOT / "data"),
    # The states this deployment covers, as folders of DATA_DIR, comma-separated.
    "STATES": "al",
    # Longest address the form accepts, in characters.
    "ADDRESS_MAX_LENGTH": 200,
    # How often, in seconds, a server process checks whether districts were reloaded.
    "BOUNDARY_CHECK_SECONDS": 10.0,
    # How long a rendered district or candidate page is reused, in seconds (0: never).
    "PAGE_CACHE_SECONDS": 5,
    # Where rendered pages are kept: a Flask-Caching backend. SimpleCache is each process's
    # memory; pages are keyed by the guide's version in the database, so none goes stale.
    "PAGE_CACHE_TYPE": "SimpleCache",
    # The organisation that runs this guide, shown in the footer and the about page.
    "ORGANISATION": "voterguide",
    # The public address of the guide, e.g. https://guide.example.org (no path), used for canonical
    # links, link cards, QR codes, flyers and calendar files. Empty: taken from each request.
    "SITE_URL": "",
    # Which sites may show the embeddable lookup (/embed) in a frame: a space-separated
    # list of origins (https://partner.example.org), or * for any site. Every other page
    # may be framed by this site only.
    "EMBED_ALLOWED_ORIGINS": "*",
    # At most this many distinct campaign codes (?ref=) are counted per day; visits with
    # further new codes that day count under "(other)", so a flood of codes stays small.
    "CAMPAIGN_MAX_CODES_PER_DAY": 500,
    # Share images (link-card pictures) kept in memory per process.
    "SHARE_IMAGE_CACHE_SIZE": 128,
    # Staff sign-in: failed attempts before an account is locked, and for how many minutes.
    "LOGIN_LOCK_AFTER": 5,
    "LOGIN_LOCK_MINUTES": 15,
    # Failed sign-ins allowed from one address before it gets a "try again later" (429), as
    # a limit such as "10 per minute" or "10/minute;50/hour". Nobody's request thread waits.
    "LOGIN_RATE_LIMIT": "10 per minute",
    # Where rate limits are counted: memory:// (each server process counts on its own), or a
    # shared store such as redis://host:6379 (see the Flask-Limiter documentation).
    "RATE_LIMIT_STORAGE_URI": "memory://",
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
        settings[name] = type(default)(value) if isinstance(default, int | float) else value
    settings["GEOCODER_OPTIONS"] = geocoder_options(environ)
    if environ.get("SECRET_KEY") and "VOTERGUIDE_SECRET_KEY" not in environ:
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    return settings

#: One entry of EMBED_ALLOWED_ORIGINS: *, 'self', or a scheme://host[:port] origin, where the
#: host may start with a *. wildcard (as Content-Security-Policy allows).
EMBED_ORIGIN = re.compile(r"\*|'self'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def geocoder_options(environ) -> dict[str, dict[str, str]]:
    """Per-geocoder options from VOTERGUIDE_GEOCODER_<NAME>_<OPTION> variables."""
    options: dict[str, dict[str, str]] = {}
    prefix = "VOTERGUIDE_GEOCODER_"
    for key, value in environ.items():
        if key.startswith(prefix):
            name, _, option = key[len(prefix):].partition("_")
            if name and option:
                options.setdefault(name.lower(), {})[option.lower()] = value
    return options


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
    site_url = str(settings.get("SITE_URL") or "")
    if site_url and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?",
                                     site_url):
        raise ConfigurationError(
            "VOTERGUIDE_SITE_URL must be an http(s) address such as https://guide.example.org."
        )
    for origin in str(settings.get("EMBED_ALLOWED_ORIGINS") or "").split():
        if not EMBED_ORIGIN.fullmatch(origin):
            raise ConfigurationError(
                f"VOTERGUIDE_EMBED_ALLOWED_ORIGINS: {origin!r} is not * or an origin such as "
                "https://partner.example.org."
            )
