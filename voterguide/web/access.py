"""Who may open a page of a signed-in area, and how its answers stay private.

``guard(blueprint)`` makes every URL of a blueprint, and of every blueprint nested in it,
need a signed-in user (views declared ``@sign_in_not_required`` excepted), refuses editors
on views declared ``@admin_required``, and keeps every answer out of caches and search
engines. The staff area (voterguide/staff) is such a blueprint tree.

A session ends for good at sign-out: the user's ``session_version`` is bumped, and a session
cookie carrying an older one (a copy taken before) no longer signs anyone in.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, redirect, request, session, url_for
from flask_login import LoginManager, current_user

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


def sessions_only_where_used(app: Flask, login_manager: LoginManager) -> None:
    """Keep Flask-Login from touching the session of requests that never use it.

    Flask adds ``Vary: Cookie`` to any answer whose request so much as looked at the session,
    and Flask-Login looks at it for every request (its remember-me hook) and every template
    (its ``current_user`` context processor). Here templates get the lazy ``current_user``
    proxy (read only where a template uses it: the staff pages), and the remember-me hook
    runs only for the staff area or a request that brought a cookie. Public pages then
    carry no cookie and no ``Vary: Cookie``, and caches may keep them (web/freshness.py).
    """
    app.template_context_processors[None] = [
        processor for processor in app.template_context_processors[None]
        if processor.__module__ != "flask_login.utils"]
    app.context_processor(lambda: {"current_user": current_user})
    remember = login_manager._update_remember_cookie
    app.after_request_funcs[None] = [hook for hook in app.after_request_funcs[None]
                                     if hook != remember]

    def update_remember_cookie(response: Response) -> Response:
        if (request.blueprint or "").split(".")[0] == "staff" or request.cookies:
            return remember(response)
        return response

    app.after_request(update_remember_cookie)
