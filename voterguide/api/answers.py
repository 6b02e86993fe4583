"""The lookup API's answers to place names, kept per process.

A lookup by ZIP code, or by a town's or a county's name, is answered by the embedded
gazetteer and the district index alone: its JSON depends only on the query and the published
guide's version (and on the site's address and the page's language, which its URLs and
message carry). On election day the same few hundred ZIP codes come in again and again, so
the answer is kept: at most MAX_ENTRIES, the least recently used leaving first, all of them
forgotten as soon as the version changes.

Never kept, and never in a key: a street address. A query is kept only when it is plainly
not one (``place_query``): five digits alone, or a name the gazetteer knows as a town or a
county, with a state after a comma if any, and no digit at all. Anything else, a ZIP+4 (it
can point at a single building) among them, is looked up afresh each time and forgotten, as
before. Nothing is kept either when the chain asks an online geocoder (its answer may change
with the provider's state, and the query would leave this machine anyway).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from flask import current_app

from ..geo import address
from ..geo.geocoding import Locator
from ..geo.offline import Gazetteer, OfflineGeocoder

#: How many answers a process keeps (each is a kilobyte or two of JSON).
MAX_ENTRIES = 4096
#: A ZIP code alone.
ZIP_ALONE = re.compile(r"\d{5}")


class KeptAnswers:
    """JSON answers by key, for one content version at a time."""

    def __init__(self, limit: int | None = None):
        self.limit = limit or MAX_ENTRIES
        self.version: int | None = None
        self.entries: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: int, key: tuple) -> bytes | None:
        """The answer kept for a key at this version, or None (every older one is dropped)."""
        with self.lock:
            self._at(version)
            body = self.entries.get(key)
            if body is not None:
                self.entries.move_to_end(key)
            return body

    def put(self, version: int, key: tuple, body: bytes) -> None:
        """Keep an answer made at a version, within the limit."""
        with self.lock:
            self._at(version)
            self.entries[key] = body
            self.entries.move_to_end(key)
            while len(self.entries) > self.limit:
                self.entries.popitem(last=False)

    def _at(self, version: int) -> None:
        """Forget everything made at another version (the lock held)."""
        if version != self.version:
            self.entries.clear()
            self.version = version


def kept_answers() -> KeptAnswers:
    """This app's kept answers (made on first use)."""
    return current_app.extensions.setdefault("voterguide_lookup_answers", KeptAnswers())


def place_query(text: str, locator: Locator) -> str | None:
    """The query as kept, if it is a ZIP code alone or a known town or county (and the
    chain asks no online geocoder); None for anything that may be an address."""
    gazetteer = _offline_gazetteer(locator)
    if gazetteer is None:
        return None
    text = " ".join(text.split())
    if ZIP_ALONE.fullmatch(text):
        return text
    if any(c.isdigit() for c in text):
        return None
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > 2 or not all(parts):
        return None
    states = ({gazetteer.state_code(parts[1])} if len(parts) == 2
              else set(gazetteer.state_of_fips.values()))
    if None in states:
        return None
    county = address.county_name(parts[0])
    names, key = ((gazetteer.counties, address.normalise(county)) if county
                  else (gazetteer.towns, address.normalise(parts[0])))
    return text if any((state, key) in names for state in states) else None


def _offline_gazetteer(locator: Locator) -> Gazetteer | None:
    """The embedded geocoder's gazetteer when it is the chain's only kind of provider."""
    if any(p.online for p in locator.providers):
        return None
    return next((p.geocoder.gazetteer for p in locator.providers
                 if isinstance(p.geocoder, OfflineGeocoder)), None)
