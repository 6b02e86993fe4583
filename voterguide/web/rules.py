"""What a view declares about itself, read by the web layer's hooks: a view says what it is
(a public page, frameable, admins only, taking uploads) and the hooks do the rest.

Each declaration is read in one place: ``public_page`` by the QR-code and share-link checks
(outreach/links.py) and, with ``count_visits``, by the campaign visit counter;
``frameable`` by the security headers (web/headers.py); ``cacheable`` (every
public page, and ``@cacheable`` files) by the cache headers (web/freshness.py);
``admin_required`` and ``sign_in_not_required`` by the staff area's guard (web/access.py);
``secret_url`` by the security headers too;
``accepts_upload`` by the request's size limit (web/requests.py); ``commits_refusals`` by
the unit of work (web/transaction.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from flask import current_app

View = TypeVar("View", bound=Callable)

#: The attribute a view function carries its rules in.
ATTRIBUTE = "voterguide_rules"


@dataclass(frozen=True)
class Rules:
    """Everything a view may declare; an undecorated view declares nothing."""

    #: A page of the guide that links, link cards and QR codes may point to.
    public_page: bool = False
    #: Shared caches (nginx, a CDN) may keep the answer to a GET: it is the same for every
    #: visitor and changes only with the published guide (public pages, and their files).
    cacheable: bool = False
    #: A visit that came with a campaign code (?ref=) is counted.
    count_visits: bool = False
    #: Partner sites listed in EMBED_ALLOWED_ORIGINS may show it in a frame.
    frameable: bool = False
    #: Inside the staff area: admins only (editors get a 403).
    admin_only: bool = False
    #: Inside the staff area, but open to everyone (the sign-in page).
    open_to_all: bool = False
    #: The setting that names the largest request body it takes, in bytes (others: 64 KB).
    upload_setting: str | None = None
    #: A refused answer (4xx) still commits what it wrote (a failed sign-in is counted).
    commits_refusals: bool = False
    #: Its URL is a secret (a candidate's private link): no referrer, no index, no cache.
    secret_url: bool = False


NOTHING = Rules()


def _declare(**changes) -> Callable[[View], View]:
    """A decorator that adds declarations to a view function (and returns the same one)."""

    def decorate(view: View) -> View:
        setattr(view, ATTRIBUTE, replace(getattr(view, ATTRIBUTE, NOTHING), **changes))
        return view

    return decorate


def public_page(*, count_visits: bool = False, frameable: bool = False
                ) -> Callable[[View], View]:
    """Declare a public page that may be shared (and whose campaign visits are counted)."""
    return _declare(public_page=True, cacheable=True, count_visits=count_visits,
                    frameable=frameable)


#: Declare a public file (share image, QR code, flyer, PDF, open data) that caches may keep.
cacheable = _declare(cacheable=True)


#: Declare a view that partner sites may frame (the embed).
frameable = _declare(frameable=True)
#: Declare a staff view only admins may use.
admin_required = _declare(admin_only=True)
#: Declare a staff view that needs no sign-in (the sign-in page itself).
sign_in_not_required = _declare(open_to_all=True)
#: Declare a view whose refusals still commit (a failed sign-in counts toward a lockout).
commits_refusals = _declare(commits_refusals=True)
#: Declare a view whose URL is a secret: browsers send no referrer, keep no copy, and search
#: engines index nothing (the candidates' questionnaire pages).
secret_url = _declare(secret_url=True)


def accepts_upload(setting: str = "STAFF_UPLOAD_MAX_BYTES") -> Callable[[View], View]:
    """Declare a view that takes request bodies up to the size the setting names."""
    return _declare(upload_setting=setting)


def rules_of(endpoint: str | None) -> Rules:
    """The rules the view of an endpoint declared (nothing for no endpoint, e.g. a 404)."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, ATTRIBUTE, NOTHING)
