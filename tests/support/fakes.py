"""A geopy geocoder that answers from a table, or fails as told: no network."""

from __future__ import annotations

from geopy import exc as geopy_exc
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location as GeopyLocation


class FakeGeocoder(Geocoder):
    """A geopy geocoder that answers from a table, or fails as told: no network."""

    def __init__(self):
        super().__init__()
        self.answers: dict[str, GeopyLocation | None] = {}
        self.error: Exception | None = None
        self.queries: list[str] = []

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        """Record the query; raise the programmed error or return the programmed answer."""
        self.queries.append(query)
        if self.error:
            raise self.error
        return self.answers.get(query)

    def answer(self, query: str, lat: float, lon: float, **voterguide) -> None:
        """Program a match for a query (precision details go in raw["voterguide"])."""
        raw = {"voterguide": voterguide} if voterguide else {}
        self.answers[query] = GeopyLocation(query, (lat, lon), raw)

    def fail(self, error: Exception | None = None) -> None:
        """Make every later call fail like an unreachable service."""
        self.error = error or geopy_exc.GeocoderUnavailable("down")
