"""The web layer: the rules every request obeys, in one place.

- ``rules``: what a view declares about itself (``@public_page``, ``@frameable``,
  ``@admin_required``, ``@accepts_upload``...), read by the hooks below.
- ``transaction``: one unit of work per request (and ``unit_of_work()`` for commands).
- ``headers``: the security headers of every response.
- ``hosts``: the Host names answered, and the site's absolute address.
- ``freshness``: the cache headers and 304s of public pages (no cookie, no ``Vary: Cookie``).
- ``access``: the signed-in areas (the staff blueprint tree).
- ``requests``: the request class, whose size limit comes from the view's declaration.
- ``language``: the page's language, from its address (``/es/...``), and Flask-Babel.
- ``staff_words``: the staff pages' strings, in a gettext domain of their own ("staff").
- ``errors``: error pages, and JSON errors under /api (installed by the factory).
"""

from __future__ import annotations

from flask import Flask

from . import freshness, headers, hosts, language, staff_words, transaction
from .requests import GuideRequest
from .transaction import unit_of_work

__all__ = ["init_app", "unit_of_work"]


def init_app(app: Flask) -> None:
    """Install the request rules; call it before any feature adds a hook of its own."""
    app.request_class = GuideRequest
    transaction.register(app)  # first: it must run after every other response hook
    headers.register(app)
    hosts.register(app)
    freshness.register(app)
    language.init_app(app)
    staff_words.init_app(app)
