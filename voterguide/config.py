"""Settings: one typed table, each setting with its default, what it takes and what it means.

Every setting can be set by an environment variable of the same name prefixed with
``VOTERGUIDE_`` (for example ``VOTERGUIDE_DATABASE_URL``); tests pass a plain dict to
``create_app()`` instead. Both are checked the same way: a value of the wrong type or out of
range stops the app with one line naming the variable and what it takes.

A small table rather than a library: the dict that tests pass must be checked exactly like
the environment, and environment-only parsers (environs) would check one of the two.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flask.cli import NoAppException
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PACKAGE_DIR = Path(__file__).resolve().parent

#: The key Flask signs sessions and CSRF tokens with in development. Production refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


def default_data_dir() -> Path:
    """Where the state folders are: inside the installed package (a wheel maps the
    repository's top-level ``data/`` to ``voterguide/data``), else the checkout's ``data/``."""
    installed = PACKAGE_DIR / "data"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "data"


class ConfigurationError(NoAppException):
    """The settings are unsafe, inconsistent or of the wrong type; the app refuses to start.

    A NoAppException, so that ``flask`` prints it as one line (not a traceback) and says
    the app's commands are missing because of it."""

    def format_message(self) -> str:
        """The line ``flask`` prints, saying why voterguide's commands are not listed."""
        return f"{self.message} (voterguide's commands are unavailable until this is fixed.)"


@dataclass(frozen=True)
class Setting:
    """One setting: its name (without VOTERGUIDE_), default, parser and meaning."""

    name: str
    default: object
    parse: Callable[[object], object]
    meaning: str

    @property
    def variable(self) -> str:
        """The environment variable that sets it."""
        return f"VOTERGUIDE_{self.name}"


class Refused(ValueError):
    """A value a parser refuses; the message says what the setting takes."""


def text(value: object) -> str:
    """Any text."""
    if not isinstance(value, str):
        raise Refused("text")
    return value


def choice(*options: str) -> Callable[[object], str]:
    """One of a few words."""
    def parse(value: object) -> str:
        if value not in options:
            raise Refused(" or ".join(repr(o) for o in options))
        return str(value)
    return parse


def _bounds(minimum: float | None, maximum: float | None) -> str:
    """', 0 or more' / ', from 1 to 100': the range, as a reader would say it."""
    if minimum is not None and maximum is not None:
        return f", from {minimum:g} to {maximum:g}"
    if minimum is not None:
        return f", {minimum:g} or more"
    return ""


def number(unit: str = "", minimum: float | None = None,
           maximum: float | None = None) -> Callable[[object], float]:
    """A number (fractions allowed) within a range."""
    takes = f"a number{f' of {unit}' if unit else ''}{_bounds(minimum, maximum)}"

    def parse(value: object) -> float:
        try:
            if isinstance(value, bool):
                raise ValueError
            got = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Refused(takes) from None
        if not math.isfinite(got) or (minimum is not None and got < minimum) or (
                maximum is not None and got > maximum):
            raise Refused(takes)
        return got
    return parse


def whole(unit: str = "", minimum: int | None = None,
          maximum: int | None = None) -> Callable[[object], int]:
    """A whole number within a range."""
    takes = f"a whole number{f' of {unit}' if unit else ''}{_bounds(minimum, maximum)}"

    def parse(value: object) -> int:
        try:
            if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
                raise ValueError
            got = int(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Refused(takes) from None
        if (minimum is not None and got < minimum) or (maximum is not None and got > maximum):
            raise Refused(takes)
        return got
    return parse


def database_url(value: object) -> str:
    """A SQLAlchemy database URL, or empty for the SQLite file in the instance folder."""
    value = text(value)
    if value:
        try:
            make_url(value)
        except ArgumentError:
            raise Refused("a database URL such as sqlite:///path/to/file.sqlite3 or "
                          "postgresql+psycopg://user:password@host/name") from None
    return value


def site_url(value: object) -> str:
    """An http(s) origin without a path, or empty."""
    value = text(value)
    if value and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?", value):
        raise Refused("an http(s) address such as https://guide.example.org (no path)")
    return value


#: One entry of EMBED_ALLOWED_ORIGINS: *, 'self', or a scheme://host[:port] origin, where the
#: host may start with a *. wildcard (as Content-Security-Policy allows).
EMBED_ORIGIN = re.compile(r"\*|'self'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def web_address(value: object) -> str:
    """An http(s) address (a path allowed), or empty."""
    value = text(value)
    if value and not re.fullmatch(r"https?://[^\s<>\"']+", value):
        raise Refused("an http(s) address such as https://example.org/corrections")
    return value


def email(value: object) -> str:
    """An e-mail address, or empty."""
    value = text(value)
    if value and not re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", value):
        raise Refused("an e-mail address such as guide@example.org")
    return value


def origins(value: object) -> str:
    """Space-separated origins that may frame the embed, or *."""
    value = text(value)
    if not all(EMBED_ORIGIN.fullmatch(origin) for origin in value.split()):
        raise Refused("* or origins such as https://partner.example.org, separated by spaces")
    return value


def rate_limit(value: object) -> str:
    """A rate limit as Flask-Limiter reads it: 10 per minute, 10/minute;50/hour."""
    from limits import parse_many

    value = text(value)
    try:
        parse_many(value)
    except ValueError:
        raise Refused("a limit such as 10 per minute or 10/minute;50/hour") from None
    return value


def days_list(value: object) -> str:
    """Whole numbers of days, comma-separated (e.g. 14,7,2), or empty."""
    value = text(value)
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and int(part) <= 365 for part in parts):
        raise Refused("whole numbers of days from 0 to 365, comma-separated, such as 14,7,2")
    return ",".join(parts)


def email_address(value: object) -> str:
    """An email address (as a sender: name@example.org), or empty."""
    value = text(value)
    if value and not re.fullmatch(r"[^@\s<>]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise Refused("an email address such as guide@example.org")
    return value


def redis_url(value: object) -> str:
    """A Redis server's URL (redis://, rediss:// or unix://), or empty for none."""
    value = text(value)
    if value and not re.fullmatch(r"(rediss?://[^\s/]+(/[0-9]+)?|unix:///\S+)", value):
        raise Refused("a Redis URL such as redis://10.0.0.5:6379/0 or "
                      "unix:///run/redis/redis.sock")
    return value


def limits_storage(url: str) -> str:
    """The limits library's name for a Redis URL (it spells a socket redis+unix://)."""
    return "redis+" + url if url.startswith("unix://") else url


def folder(value: object) -> str:
    """A folder path, or empty for the default."""
    return str(value) if isinstance(value, Path) else text(value)


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", choice("development", "production"),
            "production refuses to start without a secret key set"),
    Setting("SECRET_KEY", "", text,
            "signs sessions and CSRF tokens: set a long random value in production; empty: "
            "a random key made once into the instance folder (secret_key), outside production"),
    Setting("INSTANCE_PATH", "", folder,
            "the instance folder for the SQLite file and the geocoders' shared state; empty: "
            "instance/ in a checkout, <venv>/var/voterguide-instance when installed"),
    Setting("DATABASE_URL", "", database_url,
            "any SQLAlchemy URL; empty: voterguide.sqlite3 in the instance folder"),
    Setting("GEOCODER", "offline", text,
            "geocoders in order of preference, e.g. census,nominatim,offline; each takes "
            "options from VOTERGUIDE_GEOCODER_<NAME>_<OPTION> (see geo/providers.py)"),
    Setting("GEOCODING_TIMEOUT", 3.0, number("seconds", 0.1, 120),
            "seconds one geocoder may take"),
    Setting("GEOCODING_BUDGET", 6.0, number("seconds", 0.1, 300),
            "seconds a whole lookup may take across the chain"),
    Setting("GEOCODING_FAILURES", 3, whole("", 1, 1000),
            "failures in a row after which a geocoder rests"),
    Setting("GEOCODING_COOLDOWN", 60.0, number("seconds", 0),
            "how long a failing geocoder rests"),
    Setting("GEOCODING_USER_AGENT", "voterguide (https://github.com/voterguide)", text,
            "who we are to online geocoders (Nominatim requires it)"),
    Setting("GEOCODING_STATE_DIR", "", folder,
            "where the workers share each geocoder's rate limit and failure state; empty: "
            "geocoders/ in the instance folder"),
    Setting("GEOCODE_CACHE_DAYS", 30.0, number("days", 0),
            "days a cached online geocoding result is kept (0: no cache)"),
    Setting("GEOCODE_CACHE_SIZE", 200_000, whole("", 1),
            "cached geocoding results kept at most"),
    Setting("GEOCODE_CACHE_KEY", "", text,
            "the key for hashing addresses in the cache; empty: derived from the secret key"),
    Setting("DATA_DIR", "", folder,
            "where the state folders and the gazetteer live; empty: the data installed with "
            "the package (data/ in a checkout)"),
    Setting("STATES", "", text,
            "the states this deployment covers: folders of the data directory, "
            "comma-separated; empty: every state folder there (one with a state.json)"),
    Setting("ADDRESS_MAX_LENGTH", 200, whole("characters", 20, 2000),
            "the longest address the form accepts"),
    Setting("BOUNDARY_CHECK_SECONDS", 10.0, number("seconds", 0),
            "how often each server process checks whether districts were reloaded (by a "
            "flask command) and rebuilds its index"),
    Setting("PAGE_CACHE_SECONDS", 5.0, number("seconds", 0),
            "how long a rendered district or candidate page is reused (0: never)"),
    Setting("PAGE_CACHE_TYPE", "SimpleCache", text,
            "where rendered pages are kept: a Flask-Caching backend (SimpleCache: each "
            "process's memory; pages are keyed by the guide's version, so none goes stale)"),
    Setting("CONTENT_CHECK_SECONDS", 0.0, number("seconds", 0, 60),
            "how long each server process may reuse the published guide's version before "
            "reading it again (0: every request reads it); a publish shows on the other "
            "machines within this time, at once on the machine that published"),
    Setting("CONTENT_SIGNAL_SECONDS", 10.0, number("seconds", 0, 3600),
            "one machine's processes learn of a publish from a small file in the instance "
            "folder instead of a database query a request; a process reuses the version "
            "while the file is unchanged, for at most this long (0: no file). With "
            "REDIS_URL, a counter in Redis instead (several machines share no instance "
            "folder), read by each process at most every 0.25 s; several machines without "
            "Redis: set it to 0"),
    Setting("PUBLIC_MAX_AGE", 30, whole("seconds", 0, 86400),
            "how long browsers, nginx and CDNs may keep a public page before asking again "
            "(Cache-Control max-age; 0: ask every time); a publish shows after at most this "
            "plus PUBLIC_STALE_SECONDS"),
    Setting("PUBLIC_STALE_SECONDS", 30, whole("seconds", 0, 86400),
            "how long after that a cache may still answer with the old page while it fetches "
            "the new one (stale-while-revalidate)"),
    Setting("SNAPSHOT_SECONDS", 30.0, number("seconds", 0, 3600),
            "how long each server process may answer a public page again from the whole "
            "answer it kept (web/snapshots.py), while the guide's version is unchanged "
            "(0: never kept)"),
    Setting("SNAPSHOT_MEGABYTES", 32.0, number("megabytes", 0, 4096),
            "the memory each server process's kept public answers may take at most (the "
            "least recently used go first; 0: none kept)"),
    Setting("TRUSTED_PROXIES", 0, whole("", 0, 5),
            "how many proxies (nginx, a load balancer) stand in front of the app: their "
            "X-Forwarded-For and X-Forwarded-Proto are believed (sign-in limits count the "
            "visitor's address, links use https); 0: none, the headers are ignored"),
    Setting("REDIS_URL", "", redis_url,
            "a Redis server that every app machine shares (redis://host:6379/0 or "
            "unix:///path/redis.sock): the page cache, the geocoders' rate limits and rests, "
            "and the sign-in limits then live there; empty: each machine on its own"),
    Setting("ORGANISATION", "voterguide", text,
            "who runs this guide, shown in the footer and the about page"),
    Setting("SITE_NAME", "Prosecutor Voter Guide", text,
            "the guide's one name: page titles, the header, link cards and flyers"),
    Setting("CONTACT_EMAIL", "", email,
            "where voters and candidates write, and send corrections (empty: the about page "
            "points to the source code's issue tracker instead)"),
    Setting("CORRECTIONS_URL", "", web_address,
            "a form for reporting a correction (empty: the contact address, else the issue "
            "tracker)"),
    Setting("SOURCE_URL", "https://github.com/voterguide/voterguide", web_address,
            "where the guide's source code is published (the licence requires a link)"),
    Setting("DATA_LICENCE", "CC BY 4.0", text,
            "the licence of the open data downloads, as named on the about page"),
    Setting("DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/", web_address,
            "the text of that licence"),
    Setting("SITE_URL", "", site_url,
            "the public address, e.g. https://guide.example.org (no path), for canonical "
            "links, link cards, QR codes, flyers and calendar files; empty: from each request"),
    Setting("EXTRA_HOSTS", "", text,
            "other Host names this server answers to, space-separated (e.g. a LAN address in "
            "development); SITE_URL's host and the loopback names always are, every other "
            "Host gets a 400"),
    Setting("EMBED_ALLOWED_ORIGINS", "*", origins,
            "space-separated origins allowed to frame /embed, or * for any site (every other "
            "page: this site only)"),
    Setting("CAMPAIGN_MAX_CODES_PER_DAY", 500, whole("", 1),
            "distinct campaign codes (?ref=) counted per day; later new codes count as "
            "(other), so a flood of codes stays small"),
    Setting("SHARE_IMAGE_CACHE_SIZE", 128, whole("", 1),
            "share images (link-card pictures) kept in memory per process"),
    Setting("SQLITE_BUSY_SECONDS", 30.0, number("seconds", 0.1, 600),
            "how long a SQLite writer waits for another (a publication) before giving up"),
    Setting("LOGIN_LOCK_AFTER", 5, whole("", 1, 100),
            "wrong passwords in a row for a staff account from one address, after which "
            "that address (not the account) is locked out of it"),
    Setting("LOGIN_LOCK_MINUTES", 15, whole("minutes", 1),
            "how long an address stays locked out of an account"),
    Setting("LOGIN_ACCOUNT_LOCK_AFTER", 100, whole("", 10, 1_000_000),
            "wrong passwords in a row for a staff account from anywhere, after which the "
            "account itself is locked (until an admin unlocks it or the time below passes)"),
    Setting("LOGIN_ACCOUNT_LOCK_MINUTES", 60, whole("minutes", 1),
            "how long a locked staff account stays locked"),
    Setting("PASSWORD_CHECKS_AT_ONCE", 1, whole("", 1, 1000),
            "staff passwords checked at the same time across this machine's server "
            "processes (a check takes a core for a tenth of a second); a sign-in that finds "
            "none free is asked to retry (a 503), so a flood of sign-ins leaves the public "
            "pages their cores"),
    Setting("PASSWORD_HASH_METHOD", "scrypt", text,
            "how staff passwords are hashed, as werkzeug names it (scrypt, or e.g. "
            "pbkdf2:sha256:600000); existing hashes keep working whatever it is"),
    Setting("LOGIN_RATE_LIMIT", "10 per minute", rate_limit,
            "failed staff sign-ins allowed from one address before it is asked to wait (a "
            "429), e.g. 10 per minute or 10/minute;50/hour; nobody's request thread waits"),
    Setting("RATE_LIMIT_STORAGE_URI", "memory://", text,
            "where rate limits are counted: memory:// (each server process on its own) or a "
            "shared store such as redis://host:6379"),
    Setting("STAFF_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, whole("bytes", 1024),
            "the largest spreadsheet or photo staff may upload (public forms: 64 KB)"),
    Setting("PHOTO_MAX_BYTES", 5 * 1024 * 1024, whole("bytes", 1024),
            "the largest candidate photo"),
    Setting("PHOTO_MAX_PIXELS", 40_000_000, whole("pixels", 10_000, 200_000_000),
            "the most pixels (width × height) a candidate photo may have, checked before it "
            "is decoded"),
    Setting("PHOTO_MAX_SIDE", 800, whole("pixels", 16, 4000),
            "a candidate photo's longest side once re-encoded"),
    Setting("SMTP_HOST", "", text,
            "the mail server that sends candidates their invitations, reminders and receipts; "
            "empty: no email (staff print letters with each candidate's access code)"),
    Setting("SMTP_PORT", 587, whole("", 1, 65535), "the mail server's port"),
    Setting("SMTP_SECURITY", "starttls", choice("starttls", "ssl", "none"),
            "how the connection to the mail server is encrypted (none: only on loopback)"),
    Setting("SMTP_USERNAME", "", text, "the mail server's user name; empty: no sign-in"),
    Setting("SMTP_PASSWORD", "", text, "the mail server's password"),
    Setting("SMTP_SENDER", "", email_address,
            "the address candidates' emails come from (and that they can reply to)"),
    Setting("SMTP_TIMEOUT", 10.0, number("seconds", 0.5, 120),
            "how long one conversation with the mail server may take"),
    Setting("QUESTIONNAIRE_WORD_LIMIT", 250, whole("words", 10, 5000),
            "the most words a candidate's explanation may have (shown and enforced)"),
    Setting("QUESTIONNAIRE_REMINDER_DAYS", "14,7,2", days_list,
            "days before a questionnaire's deadline on which `flask questionnaire remind` "
            "reminds candidates who have not answered"),
    Setting("QUESTIONNAIRE_MAX_REMINDERS", 3, whole("", 0, 20),
            "reminders a candidate gets at most, scheduled and by hand together"),
    Setting("QUESTIONNAIRE_LINK_DAYS", 120, whole("days", 1, 730),
            "how long an invitation works when its questionnaire has no deadline"),
    Setting("QUESTIONNAIRE_RATE_LIMIT", "10 per minute;60 per hour", rate_limit,
            "links and access codes that do not work, tried from one address, before it is "
            "asked to wait (a 429)"),
    Setting("QUESTIONNAIRE_TOKEN_KEY", "", text,
            "the key candidates' links and codes are derived from; empty: derived from the "
            "secret key (changing either stops every link and code sent)"),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}
#: Every setting's default (what create_app starts from).
DEFAULTS: dict[str, object] = {setting.name: setting.default for setting in SETTINGS}


def parse(values: Mapping[str, object]) -> dict[str, object]:
    """Check and convert the voterguide settings among values; pass the rest (Flask's own
    settings a test sets, GEOCODER_OPTIONS) through unchanged."""
    parsed = dict(values)
    for name, value in values.items():
        setting = BY_NAME.get(name)
        if setting is None:
            continue
        try:
            parsed[name] = setting.parse(value)
        except Refused as refusal:
            raise ConfigurationError(f"{setting.variable} is {_shown(value)}, but it takes "
                                     f"{refusal}.") from None
    return parsed


def _shown(value: object) -> str:
    """A value as the message quotes it: short, on one line."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Return the settings: defaults overridden by VOTERGUIDE_* environment variables."""
    environ = os.environ if environ is None else environ
    values = dict(DEFAULTS)
    values.update({s.name: environ[s.variable] for s in SETTINGS if s.variable in environ})
    if environ.get("SECRET_KEY") and "VOTERGUIDE_SECRET_KEY" not in environ:
        values["SECRET_KEY"] = environ["SECRET_KEY"]
    settings = parse(values)
    settings["GEOCODER_OPTIONS"] = geocoder_options(environ)
    return settings


def geocoder_options(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Per-geocoder options from VOTERGUIDE_GEOCODER_<NAME>_<OPTION> variables."""
    options: dict[str, dict[str, str]] = {}
    prefix = "VOTERGUIDE_GEOCODER_"
    for key, value in environ.items():
        if key.startswith(prefix):
            name, _, option = key[len(prefix):].partition("_")
            if name and option:
                options.setdefault(name.lower(), {})[option.lower()] = value
    return options


def check(settings: dict[str, object]) -> None:
    """Refuse combinations of settings that must never reach production."""
    if settings["ENV"] == "production" and settings["SECRET_KEY"] in ("", DEVELOPMENT_SECRET_KEY):
        raise ConfigurationError(
            "VOTERGUIDE_SECRET_KEY must be set to a long random value in production."
        )
    if settings["SMTP_HOST"] and not settings["SMTP_SENDER"]:
        raise ConfigurationError("VOTERGUIDE_SMTP_SENDER must be set (the address candidates' "
                                 "emails come from) when VOTERGUIDE_SMTP_HOST is.")
    if settings["ENV"] == "production" and not settings["SITE_URL"]:
        raise ConfigurationError(
            "VOTERGUIDE_SITE_URL must be set in production (e.g. https://guide.example.org): "
            "absolute addresses come from it, never from the Host a client sends."
        )


def instance_secret_key(instance: Path) -> str:
    """The key in the instance folder's ``secret_key`` file, made at random the first time.

    Made with O_EXCL, so of two processes starting at once one writes it and both read it;
    readable by its owner only. Never a fixed key that a stranger could know.
    """
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the other process may be writing it this very moment
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        raise ConfigurationError(f"{path} is empty: delete it to make a new key.") from None
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def resolve_paths(settings: dict[str, object], instance_path: str) -> None:
    """Fill the settings left empty with their places in the instance folder and package."""
    instance = Path(instance_path)
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = instance_secret_key(instance)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'voterguide.sqlite3'}"
    if not settings["GEOCODING_STATE_DIR"]:
        settings["GEOCODING_STATE_DIR"] = str(instance / "geocoders")
    if not settings["DATA_DIR"]:
        settings["DATA_DIR"] = str(default_data_dir())
    if not str(settings["STATES"]).strip():
        settings["STATES"] = ",".join(every_state(Path(str(settings["DATA_DIR"]))))


def every_state(data_dir: Path) -> list[str]:
    """The state folders of a data directory (those with a state.json), in name order."""
    return sorted(path.parent.name for path in data_dir.glob("*/state.json"))


def page_cache_config(settings: Mapping[str, object]) -> dict[str, object]:
    """Flask-Caching's settings for the page cache: the configured backend, or Redis when
    VOTERGUIDE_REDIS_URL is set and the backend was left at its default."""
    if settings.get("REDIS_URL") and settings["PAGE_CACHE_TYPE"] == BY_NAME[
            "PAGE_CACHE_TYPE"].default:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings["REDIS_URL"],
                "CACHE_KEY_PREFIX": "voterguide:page:"}
    return {"CACHE_TYPE": settings["PAGE_CACHE_TYPE"], "CACHE_THRESHOLD": 512}


def rate_limit_storage(settings: Mapping[str, object]) -> str:
    """Where Flask-Limiter counts: the configured store, or Redis when VOTERGUIDE_REDIS_URL
    is set and the store was left at memory://."""
    if settings.get("REDIS_URL") and settings["RATE_LIMIT_STORAGE_URI"] == BY_NAME[
            "RATE_LIMIT_STORAGE_URI"].default:
        return limits_storage(str(settings["REDIS_URL"]))
    return str(settings["RATE_LIMIT_STORAGE_URI"])
