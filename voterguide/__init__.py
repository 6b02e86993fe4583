"""voterguide: find your district attorney race and what the candidates would do."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from . import config, content
from .caching import PageCache
from .extensions import Runtime, cache, csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, commands."""
    settings = config.from_environment()
    settings.update(config.parse(overrides or {}))
    config.check(settings)
    instance_path = settings["INSTANCE_PATH"]
    app = Flask(__name__, instance_path=str(Path(instance_path).resolve()) if instance_path
                else None)
    config.resolve_paths(settings, app.instance_path)
    app.config.update(settings)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"],
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["ENV"] == "production",
        WTF_CSRF_TIME_LIMIT=None,
    )
    register_extensions(app)
    register_runtime(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_middleware(app)
    return app


def register_middleware(app: Flask) -> None:
    """The WSGI layers in front of Flask: the kept public answers (web/snapshots.py), and
    outside them, behind nginx (deploy/), the visitor's address and scheme (ProxyFix), so
    that every layer inside sees the request as the app does."""
    from .web import snapshots

    snapshots.install(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    """Bind the request rules, the database and its migrations, CSRF protection, sign-in,
    caches and limits."""
    from . import web
    from .web import limits
    from .web.access import sessions_only_where_used

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True)
    web.init_app(app)  # first: its request boundary must run after every other hook
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:"):
        # A writer waits this long for another one (a publication) instead of failing.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {})["timeout"] = float(
            app.config["SQLITE_BUSY_SECONDS"])
    db.init_app(app)
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_in_production_shape)
        # One machine's processes see a publish through a file, not a query a request.
        seconds = float(app.config["CONTENT_SIGNAL_SECONDS"])
        if app.config["REDIS_URL"]:  # several machines: a counter in the Redis they share
            from .geo.providers import redis_client

            content.watch_redis(str(db.engine.url), redis_client(app.config["REDIS_URL"]),
                                seconds)
        else:
            content.watch(str(db.engine.url), app.instance_path, seconds)
    # The migrations ship inside the package; SQLite alters tables by copying them (batch).
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    sessions_only_where_used(app, login_manager)  # voters get no cookie

    @login_manager.user_loader
    def load_staff_user(user_id: str):
        from .models import StaffUser
        from .web.access import session_is_current

        user = db.session.get(StaffUser, int(user_id)) if user_id.isdigit() else None
        return (user if user is not None and user.is_active and session_is_current(user)
                else None)  # disabled, or signed out since: no session

    cache.init_app(app, config=config.page_cache_config(app.config))
    app.config.update(RATELIMIT_STORAGE_URI=config.rate_limit_storage(app.config),
                      RATELIMIT_HEADERS_ENABLED=True)
    limiter.init_app(app)
    limits.only_where_declared(app, limiter)  # a public page costs the limiter nothing


def _sqlite_in_production_shape(dbapi_connection, _record) -> None:
    """SQLite in write-ahead-log mode: readers never wait for a writer (a long publication)
    and a writer never waits for readers; the mode is kept in the file itself."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        journal = dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]
        if journal not in ("wal", "memory"):
            dbapi_connection.execute("PRAGMA journal_mode=WAL")


def register_runtime(app: Flask) -> None:
    """Build what every request shares: the configured geocoders and the caches (tests
    replace ``runtime(app).locator`` with a fake)."""
    from .geo.providers import build_locator
    from .outreach.images import ImageCache

    # geopy and urllib3 log request URLs at DEBUG level, and a URL may hold an address.
    for name in ("geopy", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        locator = build_locator(app.config)
    except ValueError as error:  # an unknown geocoder or option: a setting, not a crash
        raise config.ConfigurationError(str(error)) from None
    app.extensions["voterguide"] = Runtime(
        locator=locator,
        page_cache=PageCache(cache, float(app.config["PAGE_CACHE_SECONDS"])),
        share_images=ImageCache(int(app.config["SHARE_IMAGE_CACHE_SIZE"])))


def register_blueprints(app: Flask) -> None:
    """Mount the public guide, the outreach tools, the open data, the API and the staff area
    (one blueprint tree under /staff: its own pages and the campaign report)."""
    from .api import views as api
    from .guide import views as guide
    from .opendata import views as opendata
    from .outreach import staff as outreach_staff  # noqa: F401  (nests the campaign report)
    from .outreach import views as outreach
    from .questionnaire import views as questionnaire
    from .staff import (
        editing,  # noqa: F401  (adds the editing views to the staff area)
        invitations,  # noqa: F401  (adds the invitations and the tracker)
        profile_pages,  # noqa: F401  (adds the offices' profiles and figures)
        season,  # noqa: F401  (adds the season set-up: elections, races, questionnaires)
    )
    from .staff import views as staff

    app.register_blueprint(guide.blueprint)
    outreach.register(app)
    app.register_blueprint(opendata.blueprint)
    app.register_blueprint(questionnaire.blueprint)
    app.register_blueprint(staff.blueprint)
    api.register(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly pages for 4xx and 5xx errors, JSON ones under /api."""
    from .web import errors

    errors.register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share (the staff pages' wordings in their domain)."""
    from .templating import register
    from .web.staff_words import translate_staff_wordings

    register(app)
    translate_staff_wordings(app)


def register_commands(app: Flask) -> None:
    """Add the flask commands: places, staff, outreach, setup (and Flask-Migrate's db)."""
    from .cli import register

    register(app)
