"""Public answers that a cache in front of the guide (nginx, a CDN, the browser) may keep.

Every view declared ``@public_page`` or ``@cacheable`` answers a GET with
``Cache-Control: public, max-age=PUBLIC_MAX_AGE, stale-while-revalidate=PUBLIC_STALE_SECONDS``,
an ``ETag`` made from the published guide's version (``content.py``) and this release, and a
``Last-Modified`` from when that version last moved. A request that already holds the
current version (``If-None-Match``, or ``If-Modified-Since``) gets a 304 before anything is
rendered. A publish, a rollback or a data load bumps the version: every cache then fetches
the new page once its copy is older than max-age.

Voters get no cookie: public pages never touch the session (the lookup forms carry no CSRF
token), so Flask sends neither ``Set-Cookie`` nor ``Vary: Cookie``. A page opened with a
campaign code (``?ref=``) on a view that counts visits is ``private, no-cache``: each visit
reaches the app and is counted, and shared caches keep none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from flask import Flask, Response, current_app, request

from .. import content
from ..extensions import db
from .rules import rules_of

#: What a page opened with a campaign code may be kept as: by the browser only, rechecked.
COUNTED = "private, no-cache"
#: The suffixes of the files whose contents make up a release's pages (the catalogues too).
RELEASE_FILES = (".py", ".html", ".css", ".js", ".svg", ".txt", ".po")


def register(app: Flask) -> None:
    """Answer unchanged public pages with a 304 and add the cache headers to the rest."""
    app.extensions["voterguide_release"] = release_tag(app)
    app.before_request(answer_if_unchanged)
    app.after_request(add_cache_headers)


@cache
def code_fingerprint() -> str:
    """A digest of this release's code, templates and static files: the same on every
    machine that runs the same release, different after an upgrade (pages may change)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("voterguide").encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in RELEASE_FILES and "data" not in path.relative_to(package).parts[:1]:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def release_tag(app: Flask) -> str:
    """This release and the settings that show on pages, in a few characters."""
    shown = "|".join(str(app.config.get(name, "")) for name in (
        "ORGANISATION", "SITE_URL", "STATES", "EMBED_ALLOWED_ORIGINS"))
    return hashlib.sha256(f"{code_fingerprint()}|{shown}".encode()).hexdigest()[:12]


def _cacheable() -> bool:
    """A GET or HEAD of a view that declared itself the same for every visitor."""
    return request.method in ("GET", "HEAD") and rules_of(request.endpoint).cacheable


def _counted() -> bool:
    """A visit that must reach the app to be counted (a campaign code on a counted page)."""
    return "ref" in request.args and rules_of(request.endpoint).count_visits


def _stamp() -> content.Stamp:
    """The published guide's version, read once per request (content.for_request)."""
    return content.for_request(db.session)


def etag(stamp: content.Stamp) -> str:
    """The ETag of every public page at this version (weak: nginx may compress the page)."""
    return f"{current_app.extensions['voterguide_release']}-{stamp.number}"


def answer_if_unchanged() -> Response | None:
    """A 304 for a public page the client (or cache) already holds at the current version."""
    if not _cacheable() or _counted():
        return None
    if not (request.if_none_match or request.if_modified_since):
        return None
    stamp = _stamp()
    if request.if_none_match:
        fresh = request.if_none_match.contains_weak(etag(stamp))
    else:
        since = request.if_modified_since
        fresh = (stamp.changed_at is not None and since is not None
                 and stamp.changed_at.replace(tzinfo=dt.UTC) <= since)
    if not fresh:
        return None
    response = Response(status=304)
    _describe(response, stamp)
    return response


def _describe(response: Response, stamp: content.Stamp) -> None:
    """The cache headers of a public answer at a version."""
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['PUBLIC_MAX_AGE']}, "
        f"stale-while-revalidate={current_app.config['PUBLIC_STALE_SECONDS']}")
    response.set_etag(etag(stamp), weak=True)
    if stamp.changed_at is not None:
        response.last_modified = stamp.changed_at.replace(tzinfo=dt.UTC)


def add_cache_headers(response: Response) -> Response:
    """Cache headers on a public answer; a view's own ETag (share images, QR codes: made
    from what they show) and Cache-Control are kept."""
    if not _cacheable() or response.status_code not in (200, 304):
        return response
    if _counted():
        response.headers["Cache-Control"] = COUNTED
        return response
    if response.headers.get("ETag"):
        _stamp()  # the version it shows: the snapshot layer keeps it at that one
        if "stale-while-revalidate" not in response.headers.get("Cache-Control", ""):
            response.cache_control.public = True
            response.cache_control.max_age = response.cache_control.max_age or int(
                current_app.config["PUBLIC_MAX_AGE"])
            response.headers["Cache-Control"] += (
                f", stale-while-revalidate={current_app.config['PUBLIC_STALE_SECONDS']}")
        return response
    _describe(response, _stamp())
    return response
