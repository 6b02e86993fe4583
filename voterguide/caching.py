"""A micro-cache of rendered public pages: each page is rendered at most once per few
seconds, so a rush of voters costs little.

Pages are kept through Flask-Caching (SimpleCache by default; any backend it supports), keyed
by the published guide's version (``content.for_request``): a publish, a rollback or a data load
bumps it in the database, so every worker and every machine serves the new page at once.
Each language's page is kept apart (the locale Flask-Babel took from the page's address).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from flask_babel import get_locale
from flask_caching import Cache

from . import content
from .extensions import db, runtime


class PageCache:
    """Rendered pages by key and content version, each kept for ``seconds`` (0: never)."""

    def __init__(self, cache: Cache, seconds: float):
        self.cache, self.seconds = cache, seconds

    def get_or_render(self, key: tuple[str, ...], render: Callable[[], str]) -> str:
        """The cached page for key at the current content version, else render and keep it."""
        if self.seconds <= 0:
            return render()
        name = "page:" + ":".join([str(content.for_request(db.session).number),
                                   str(get_locale() or ""), *key])
        page = self.cache.get(name)
        if page is None:
            page = render()
            # Cache backends keep whole seconds: 2.5 keeps a page for up to 3.
            self.cache.set(name, page, timeout=math.ceil(self.seconds))
        return page


def page_cache() -> PageCache:
    """The app's page cache."""
    return runtime().page_cache
