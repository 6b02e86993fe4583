"""Error answers: a friendly page for people, ``{"error": {"code", "message"}}`` under /api.

Flask itself logs every unhandled exception once, with its traceback, before the 500 page
is made; nothing here logs it again.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..extensions import db

#: Where answers are JSON, even for URLs that no route matched.
API_PREFIX = "/api/"


def register(app: Flask) -> None:
    """Install the error pages."""
    app.register_error_handler(CSRFError, csrf_expired)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(RateLimitExceeded, too_many)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)


def json_error(error: HTTPException, message: str | None = None):
    """An HTTP error as the API's JSON error."""
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify(error={"code": code, "message": message or error.description}), error.code


def _page(error: HTTPException, message: str | None = None):
    """An HTTP error as JSON under /api, else as the friendly page."""
    if request.path.startswith(API_PREFIX):
        return json_error(error, message)
    template = "404.html" if error.code == 404 else "error.html"
    return render_template(template, error=error, message=message), error.code


def http_error(error: HTTPException):
    """Any 4xx (and 5xx raised on purpose): its own description."""
    return _page(error)


def too_large(error: RequestEntityTooLarge):
    """A body over the view's limit: name the limit."""
    limit = request.max_content_length or 0
    return _page(error, f"That file is too large: the limit is {limit // (1024 * 1024)} MB."
                 if limit >= 1024 * 1024 else "That was more than this form accepts.")


def csrf_expired(error: CSRFError):
    """A form without a valid CSRF token: most often a page left open too long."""
    return _page(error, "This form had expired. Please go back, reload the page and try again.")


def too_many(error: RateLimitExceeded):
    """A rate limit (the staff sign-in): wait, then try again."""
    return _page(error, "Too many attempts from here in a short time. Please wait a minute, "
                 "then try again.")


def server_error(error):
    """An unhandled exception (already logged by Flask): a page that blames us, not them."""
    db.session.rollback()  # the page must render even after a failed flush
    if request.path.startswith(API_PREFIX):
        return jsonify(error={"code": "internal_server_error",
                              "message": "Something went wrong on our side."}), 500
    return render_template("500.html"), 500
