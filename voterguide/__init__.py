"""voterguide: find your district attorney race and what the candidates would do."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, render_template

from . import config
from .caching import PageCache
from .extensions import csrf, db, login_manager, migrate


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
    register_geocoder(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the database, its migrations, CSRF protection and staff sign-in."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True)
    db.init_app(app)
    # The migrations ship inside the package; SQLite alters tables by copying them (batch).
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    app.before_request(allow_staff_uploads)  # before CSRF reads the form: it sets the limit
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_staff_user(user_id: str):
        from .models import StaffUser

        return db.session.get(StaffUser, int(user_id)) if user_id.isdigit() else None

    app.extensions["voterguide.page_cache"] = PageCache(float(app.config["PAGE_CACHE_SECONDS"]))


def allow_staff_uploads() -> None:
    """Let staff upload endpoints take files up to STAFF_UPLOAD_MAX_BYTES (others: 64 KB)."""
    from flask import current_app, request

    from .staff.views import UPLOAD_ENDPOINTS

    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config["STAFF_UPLOAD_MAX_BYTES"])


def register_geocoder(app: Flask) -> None:
    """Build the configured geocoder once; tests replace app.extensions entry directly."""
    from .geo.providers import build_locator

    # geopy and urllib3 log request URLs at DEBUG level, and a URL may hold an address.
    for name in ("geopy", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        app.extensions["voterguide.locator"] = build_locator(app.config)
    except ValueError as error:  # an unknown geocoder or option: a setting, not a crash
        raise config.ConfigurationError(str(error)) from None


def register_blueprints(app: Flask) -> None:
    """Mount the public guide, the outreach tools, the open data, the API and the staff pages."""
    from .api import views as api
    from .guide import views as guide
    from .opendata import views as opendata
    from .outreach import staff as outreach_staff
    from .outreach import views as outreach
    from .staff import editing  # noqa: F401  (adds the editing views to the staff blueprint)
    from .staff import views as staff

    app.register_blueprint(guide.blueprint)
    outreach.register(app)
    app.register_blueprint(opendata.blueprint)
    app.register_blueprint(staff.blueprint)
    app.register_blueprint(outreach_staff.blueprint)
    api.register(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly pages for 4xx and 5xx errors."""
    from flask import request
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

    from .api.views import blueprint as api
    from .api.views import http_error as api_http_error

    def render_error(error: HTTPException):
        if request.path.startswith(api.url_prefix + "/"):
            return api_http_error(error)  # URLs no API route matched still answer JSON
        template = "404.html" if error.code == 404 else "error.html"
        return render_template(template, error=error), error.code

    def render_too_large(error: RequestEntityTooLarge):
        if request.path.startswith(api.url_prefix + "/"):
            return api_http_error(error)
        limit = request.max_content_length or 0
        return render_template("error.html", error=error, message=(
            f"That file is too large: the limit is {limit // (1024 * 1024)} MB."
            if limit >= 1024 * 1024 else "That was more than this form accepts.")), 413

    def render_csrf_error(error: CSRFError):
        return render_template("error.html", error=error,
                               message="This form had expired. Please go back, reload the page "
                               "and try again."), 400

    def render_server_error(error):
        logging.getLogger("voterguide").exception("Unhandled error on a request")
        return render_template("500.html"), 500

    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(RequestEntityTooLarge, render_too_large)
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(500, render_server_error)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share."""
    from .templating import register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the flask commands: places, staff, outreach, setup (and Flask-Migrate's db)."""
    from .cli import register

    register(app)
