"""Security headers, for every response, in one place.

Pages load scripts, styles, images and fonts from this site only (no inline script or
style), so the Content-Security-Policy allows nothing else. Only views declared
``@frameable`` (the embed) may be framed by the partner sites of EMBED_ALLOWED_ORIGINS; every
other page only by this site. Views declared ``@secret_url`` (a candidate's private link) send
no referrer and are neither cached nor indexed. Production also tells browsers to use HTTPS
only (HSTS).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from .rules import rules_of

#: Every directive but frame-ancestors, which depends on the view.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
          "object-src 'none'")
#: A year, as browsers and the HSTS preload list expect.
HSTS = "max-age=31536000; includeSubDomains"


def register(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(add_security_headers)


def frame_ancestors() -> str:
    """Who may frame this response: the partners for a frameable view, else this site."""
    if rules_of(request.endpoint).frameable:
        return " ".join(current_app.config["EMBED_ALLOWED_ORIGINS"].split()) or "'self'"
    return "'self'"


def add_security_headers(response: Response) -> Response:
    """Content-Security-Policy, framing, no MIME sniffing, a short referrer, HSTS."""
    ancestors = frame_ancestors()
    response.headers["Content-Security-Policy"] = f"{POLICY}; frame-ancestors {ancestors}"
    if ancestors == "'self'":
        response.headers["X-Frame-Options"] = "SAMEORIGIN"  # for browsers before CSP 2
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Links to other sites do not learn which district page a voter was reading.
    response.headers["Referrer-Policy"] = "same-origin"
    if rules_of(request.endpoint).secret_url:
        # A candidate's private link: never sent on, kept, or indexed.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if current_app.config["ENV"] == "production":
        response.headers["Strict-Transport-Security"] = HSTS
    return response
