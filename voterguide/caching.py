"""A micro-cache of rendered public pages: each page is rendered at most once per few
seconds per process, so a rush of voters costs little, and an edit shows within seconds."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app


class PageCache:
    """Rendered pages by key, each kept for ``seconds``; at most ``size`` pages."""

    def __init__(self, seconds: float, size: int = 512):
        self.seconds, self.size = seconds, size
        self._pages: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        """The cached page for key if still fresh, else render, keep and return it."""
        if self.seconds <= 0:
            return render()
        now = time.monotonic()
        with self._lock:
            cached = self._pages.get(key)
            if cached and now - cached[0] < self.seconds:
                self._pages.move_to_end(key)
                return cached[1]
        page = render()
        with self._lock:
            self._pages[key] = (now, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return page

    def clear(self) -> None:
        """Forget every page (after a change that must show at once)."""
        with self._lock:
            self._pages.clear()


def page_cache() -> PageCache:
    """The app's page cache."""
    return current_app.extensions["voterguide.page_cache"]
