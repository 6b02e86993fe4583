"""Which Host names this server answers to, and the site's absolute address.

Absolute URLs (canonical links, link cards, QR codes, flyers, calendar files, the API's
``url`` fields) come from SITE_URL when it is set, never from what a client sends. Flask's
TRUSTED_HOSTS is set from SITE_URL's host, the loopback names (the server's own health
checks) and EXTRA_HOSTS: a request for any other Host is answered 400, before any
view runs or any page is cached for it. Without SITE_URL (development only: production
refuses to start without it), addresses follow the request's Host, which must be one of
those trusted names.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

#: The names a server on this machine is always reached by.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]", "::1")


#: The answer to a request for another Host: plain, as no page can be built for it.
REFUSAL = "This server does not answer for that host name. Use the guide's own address."


def trusted_hosts(config) -> list[str]:
    """The Host names to answer: SITE_URL's, the loopback names, EXTRA_HOSTS."""
    hosts = list(LOOPBACK)
    if config.get("SITE_URL"):
        hosts.insert(0, urlsplit(config["SITE_URL"]).hostname or "")
    hosts += [h for h in str(config.get("EXTRA_HOSTS") or "").replace(",", " ").split()]
    return hosts


def register(app: Flask) -> None:
    """Set Flask's TRUSTED_HOSTS and refuse other hosts first thing in every request."""
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.before_request(refuse_untrusted_host)


def refuse_untrusted_host() -> Response | None:
    """A 400 for a request whose Host is not trusted, before any other hook or view (Flask
    leaves it to routing, so no page, link or cache entry is ever made for that Host)."""
    try:
        get_host(request.environ, current_app.config["TRUSTED_HOSTS"])
    except SecurityError:
        if request.path.startswith("/api/"):
            return jsonify(error={"code": "bad_request", "message": REFUSAL}), 400
        return Response(REFUSAL + "\n", 400, mimetype="text/plain")
    return None


def site_url() -> str:
    """The site's base address without a trailing slash: SITE_URL, or this (trusted)
    request's."""
    configured = current_app.config.get("SITE_URL") or ""
    return (configured or request.host_url).rstrip("/")


def absolute_url(path: str) -> str:
    """The absolute address of a path on this site."""
    return site_url() + path
