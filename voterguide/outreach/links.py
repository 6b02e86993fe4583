"""Absolute page addresses, and which paths are public pages a QR code may point to.

Share links, link cards and QR codes carry a page path and at most a campaign code: never
an address, and never a URL from outside this site.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .. import queries
from ..web.hosts import site_url
from ..web.language import split_path
from ..web.rules import rules_of

#: Longest page path a QR code may be asked for.
MAX_PATH_LENGTH = 300


def absolute_url(path: str, ref: str | None = None) -> str:
    """The absolute address of a page path on this site, with a campaign code if given."""
    url = site_url() + path
    return f"{url}?{urlencode({'ref': ref})}" if ref else url


class NotAPublicPage(ValueError):
    """The path is not a page of this guide that may be shared."""


@dataclass(frozen=True)
class PublicPage:
    """A public page path that exists, e.g. /districts/<slug> (or /es/districts/<slug>)."""

    path: str
    endpoint: str


def shared_page(path: str) -> PublicPage:
    """Check that a path names an existing page of this site that views declared
    ``@public_page``; raise NotAPublicPage."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise NotAPublicPage("Give the path of a page of this guide, starting with /.")
    if len(path) > MAX_PATH_LENGTH or any(c in path for c in "?#\\") or not path.isprintable():
        raise NotAPublicPage("That is not the path of a page of this guide.")
    adapter = current_app.url_map.bind("localhost", script_name=request.script_root or "/")
    _language, page = split_path(path)  # /es/districts/<slug>: the same page, in Spanish
    try:
        endpoint, args = adapter.match(quote(page, safe="/-_.~"), method="GET")
    except RequestRedirect as redirect:  # e.g. /districts -> /districts/
        raise NotAPublicPage("That page has moved: use its current path.") from redirect
    except HTTPException as error:
        raise NotAPublicPage("That is not the path of a page of this guide.") from error
    if not rules_of(endpoint).public_page or not _exists(endpoint, args):
        raise NotAPublicPage("That is not the path of a page of this guide.")
    return PublicPage(path, endpoint)


def _exists(endpoint: str, args: dict) -> bool:
    """Whether the district, race or candidate a page shows exists."""
    if endpoint in ("guide.district", "outreach.embed_district"):
        district = queries.district_by_slug_or_id(args["slug"])
        return district is not None and district.slug == args["slug"]
    if endpoint == "guide.race":
        district = queries.district_by_slug_or_id(args["slug"])
        return district is not None and bool(queries.races_for_district(district, args["election"]))
    if endpoint == "guide.candidate":
        return queries.candidate_by_slug(args["slug"]) is not None
    return True
