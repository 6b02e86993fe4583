"""Who may open a page of a signed-in area, and how its answers stay private.

``guard(blueprint)`` makes every URL of a blueprint, and of every blueprint nested in it,
need a signed-in user (views declared ``@sign_in_not_required`` excepted), refuses editors
on views declared ``@admin_required``, and keeps every answer out of caches and search
engines. The staff area (voterguide/staff) is such a blueprint tree.

A session ends for good at sign-out: the user's ``session_version`` is bumped, and a session
cookie carrying an older one (a copy taken before) no longer signs anyone in.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, session, url_for
from flask_login import current_user

from .rules import rules_of


def guard(blueprint: Blueprint, sign_in_endpoint: str) -> None:
    """Install the sign-in check and the private headers on a blueprint and its children."""

    @blueprint.before_request
    def require_sign_in():
        """Send the signed-out to sign in (401 for anything but a GET); editors get a 403 on
        admin views."""
        rules = rules_of(request.endpoint)
        if rules.open_to_all:
            return None
        if not current_user.is_authenticated:
            if request.method == "GET":
                return redirect(url_for(sign_in_endpoint, next=request.path))
            abort(401)
        if rules.admin_only and not current_user.is_admin:
            abort(403)
        return None

    @blueprint.after_request
    def keep_private(response: Response) -> Response:
        """No shared or browser cache keeps these pages, and search engines skip them."""
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        return response


#: Where a signed-in session keeps the session version of its user.
SESSION_VERSION = "staff_session_version"


def remember_session_version(user) -> None:
    """At sign-in: the session holds the user's session version as it is now."""
    session[SESSION_VERSION] = user.session_version


def session_is_current(user) -> bool:
    """Whether a session still belongs to the user: signed after their last sign-out or
    password change (both bump ``session_version``); checked on every staff request."""
    return session.get(SESSION_VERSION) == user.session_version
