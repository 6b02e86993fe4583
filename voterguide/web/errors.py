"""Error answers: a friendly page for people, ``{"error": {"code", "message"}}`` under /api.

Flask itself logs every unhandled exception once, with its traceback, before the 500 page
is made; nothing here logs it again.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..extensions import db
from ..timing import N_

#: Where answers are JSON, even for URLs that no route matched.
API_PREFIX = "/api/"

#: What to say for an error raised without its own words (Werkzeug's stock descriptions
#: are English only), by status code.
STOCK_MESSAGES = {
    400: N_("The request could not be understood. Please go back and try again."),
    403: N_("You do not have permission to open this page."),
    405: N_("This page does not accept that kind of request."),
    408: N_("The request took too long to arrive. Please try again."),
    409: N_("Something changed while you were working. Please reload the page and try "
            "again."),
    410: N_("This page is no longer here."),
    413: N_("That was more than this form accepts."),
    415: N_("That kind of content is not accepted here."),
    422: N_("Some of what you sent could not be used. Please check it and try again."),
    503: N_("The guide is busy right now. Please try again in a minute."),
}


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
    """An HTTP error as JSON under /api, else as the friendly page, in the request's
    language when it has no words of its own."""
    if message is None and error.description == type(error).description \
            and error.code in STOCK_MESSAGES:
        message = _(STOCK_MESSAGES[error.code])
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
    return _page(error, _("That file is too large: the limit is %(megabytes)s MB.",
                          megabytes=limit // (1024 * 1024))
                 if limit >= 1024 * 1024 else _("That was more than this form accepts."))


def csrf_expired(error: CSRFError):
    """A form without a valid CSRF token: most often a page left open too long."""
    return _page(error, _("This form had expired. Please go back, reload the page and try "
                          "again."))


def too_many(error: RateLimitExceeded):
    """A rate limit (the staff sign-in): wait, then try again."""
    return _page(error, _("Too many attempts from here in a short time. Please wait a "
                          "minute, then try again."))


def server_error(error):
    """An unhandled exception (already logged by Flask): a page that blames us, not them."""
    db.session.rollback()  # the page must render even after a failed flush
    if request.path.startswith(API_PREFIX):
        return jsonify(error={"code": "internal_server_error",
                              "message": _("Something went wrong on our side.")}), 500
    return render_template("500.html"), 500
