"""The app's own small geocoding interface: ``Locator.locate(address) -> Location``.

The rest of the app never sees geopy or its exceptions: only ``Location`` and the errors
defined here. Providers are geopy ``Geocoder`` objects built by name from a registry, so
real providers slot in by configuration.
"""

from __future__ import annotations

import enum
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from geopy import exc as geopy_exc
from geopy.geocoders.base import Geocoder

from .address import coordinates
from .resilience import ProviderSkipped, ProviderState, RedisProviderState

log = logging.getLogger(__name__)


class Precision(enum.Enum):
    """How exactly a location is known, finest first."""

    POINT = "point"  # coordinates given directly
    ADDRESS = "address"  # a street address matched by a geocoder
    ZIP = "zip"  # the centroid of a ZIP code area
    CITY = "city"  # somewhere in a city's ZIP code areas
    COUNTY = "county"  # somewhere in a county


@dataclass(frozen=True)
class Spot:
    """A circle the place lies in: a centre and how far the place may be from it."""

    lat: float
    lon: float
    radius_m: float = 0.0


@dataclass(frozen=True)
class Location:
    """Where an address is, and how sure we are. Never holds the address itself."""

    lat: float | None  # None (with lon): a place known without a point, by its counties
    lon: float | None
    precision: Precision
    # Circles that together hold the place; empty means the point itself.
    spots: tuple[Spot, ...] = field(default=())
    # Counties the place lies in one of (FIPS), largest share first; when given, they decide
    # the districts. A two-digit code stands for a part in that state, county unknown.
    counties: tuple[str, ...] = field(default=())
    state: str | None = None  # two-letter postal code, when known
    # The share of the place's land in each of ``counties``, when known (else empty).
    shares: tuple[float, ...] = field(default=())

    def areas(self) -> tuple[Spot, ...]:
        """The circles to search: the spots, or the point itself (none without a point)."""
        if self.spots:
            return self.spots
        return () if self.lat is None else (Spot(self.lat, self.lon, 0.0),)


class GeocodingError(Exception):
    """Base of the errors a locator raises; its message is safe to show a voter."""


class AddressNotFound(GeocodingError):
    """The geocoder understood the request but found no such place."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        #: Places with a name close to the one typed ("Did you mean ...?"), best first.
        self.suggestions = suggestions


class GeocoderUnavailable(GeocodingError):
    """The geocoder could not be asked: down, slow, refusing or misconfigured."""


@dataclass
class Provider:
    """One geocoder in the chain, with how long it may take and its shared state."""

    name: str
    geocoder: Geocoder
    timeout: float | None = None
    online: bool = True  # online results are worth caching; the embedded one is not
    state: ProviderState | RedisProviderState | None = None


class _ProviderFailed(Exception):
    """A provider could not answer: try the next one."""


class Locator:
    """Turns an address into a Location: a cache, then providers in order of preference.

    A provider that times out, fails, answers nonsense or rate-limits us is skipped and the
    next one asked; the whole lookup keeps within ``budget`` seconds. Only when every
    provider answered and none found the place is it "not found".
    """

    def __init__(self, providers: Geocoder | list[Provider], name: str = "", *,
                 cache=None, budget: float = 6.0):
        if isinstance(providers, Geocoder):
            providers = [Provider(name, providers, online=False)]
        self.providers = providers
        self.name = name or ",".join(p.name for p in providers)
        self.cache = cache
        self.budget = budget

    def locate(self, address: str) -> Location:
        """Geocode an address; raise AddressNotFound or GeocoderUnavailable.

        Typed coordinates ("33.52, -86.81") are a point already: no provider is asked, and
        "0, 0" is a real point (in the Gulf of Guinea, outside every district), not an
        outage."""
        point = typed_coordinates(address)
        if point is not None:
            return Location(point[0], point[1], Precision.POINT)
        if self.cache is not None:
            cached = self.cache.get(address)
            if cached is not None:
                return cached
        deadline = time.monotonic() + self.budget
        failed = False
        for provider in self.providers:
            try:
                found = self._ask(provider, address, deadline)
            except _ProviderFailed:
                failed = True
                continue
            if found is None:
                continue
            location = to_location(found)
            if self.cache is not None and provider.online:
                self.cache.put(address, location, provider.name)
            return location
        if failed:
            # Never let an outage look like "address not found".
            raise GeocoderUnavailable(
                "The address service is not answering right now. Please try again shortly.")
        raise AddressNotFound("We could not find that address.", self._suggestions(address))

    def _suggestions(self, address: str) -> tuple[str, ...]:
        """Near misses from the providers that offer them (the embedded one does)."""
        for provider in self.providers:
            suggest = getattr(provider.geocoder, "suggest", None)
            if suggest is not None:
                found = tuple(suggest(address))
                if found:
                    return found
        return ()

    def _ask(self, provider: Provider, address: str, deadline: float):
        """One provider's answer (None for no match), within the time left."""
        state = provider.state
        wait = 0.0
        if state is not None:
            try:
                wait = state.reserve()
            except ProviderSkipped as skipped:
                log.info("Geocoder %s skipped: %s", provider.name, skipped)
                raise _ProviderFailed from skipped
        left = deadline - time.monotonic() - wait
        if left <= 0.05:
            raise _ProviderFailed
        if wait > 0:  # sleep(0) still gives the core away: a lookup would wait its turn
            time.sleep(wait)
        timeout = min(provider.timeout or left, left)
        try:
            found = provider.geocoder.geocode(address, exactly_one=True, timeout=timeout)
        except geopy_exc.GeocoderQueryError:
            found = None  # the provider read the query and refused it: no such place
        except geopy_exc.GeocoderRateLimited as error:
            self._failed(provider, error, retry_after=error.retry_after or None)
        except Exception as error:  # noqa: BLE001 - any provider fault means "ask the next"
            self._failed(provider, error)
        if found is not None and not _has_coordinates(found) and not _without_point(found):
            self._failed(provider, ValueError("a match without coordinates"))
        if state is not None:
            state.succeeded()
        return found

    @staticmethod
    def _failed(provider: Provider, error: Exception, retry_after: float | None = None):
        """Record a provider's failure (never its message: it may hold the address)."""
        log.warning("Geocoder %s failed (%s); asking the next one", provider.name,
                    type(error).__name__)
        if provider.state is not None:
            provider.state.failed(retry_after=retry_after)
        raise _ProviderFailed from error


def to_location(found) -> Location:
    """Convert a geopy Location to ours.

    A provider may describe its precision in ``raw["voterguide"]``: ``precision`` (a
    Precision value), ``spots`` ([[lat, lon, radius_m], ...]), ``counties`` (FIPS codes the
    place lies in one of) and ``state``.
    Without it, a match is taken to be a street address.
    """
    raw = found.raw if isinstance(found.raw, dict) else {}
    extra = raw.get("voterguide") or {}
    spots = tuple(Spot(*spot) for spot in extra.get("spots", ()))
    point = (None, None) if _without_point(found) else (found.latitude, found.longitude)
    precision = extra.get("precision")
    if precision is None:
        # A provider's match may be a whole town: its bounding box says how uncertain it is.
        reach = _bounding_radius_m(raw)
        precision = (Precision.ADDRESS if reach <= STREET_LEVEL_M else Precision.CITY).value
        if reach and not spots:
            spots = (Spot(found.latitude, found.longitude, reach),)
    return Location(
        lat=point[0],
        lon=point[1],
        precision=Precision(precision),
        spots=spots,
        counties=tuple(extra.get("counties", ())),
        state=extra.get("state"),
        shares=tuple(extra.get("shares", ())),
    )


def _without_point(found) -> bool:
    """True when one of our own providers says the place has no point (a ZIP code the
    tables give no position), only its counties or state: geopy needs a point anyway."""
    raw = found.raw if isinstance(found.raw, dict) else {}
    return (raw.get("voterguide") or {}).get("point") is False


def typed_coordinates(text: str) -> tuple[float, float] | None:
    """Coordinates typed in an address field ("lat, lon"), or None."""
    return coordinates(str(text))


#: Builds a geopy geocoder from the app's settings and the provider's own options.
def _has_coordinates(found) -> bool:
    """True when a match has a real latitude and longitude. geopy turns missing coordinates
    into (0, 0), a point in the Gulf of Guinea that no address of ours is at."""
    try:
        lat, lon = float(found.latitude), float(found.longitude)
    except (TypeError, ValueError):
        return False
    if lat == 0 and lon == 0:
        return False
    return math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180


#: A match whose bounding box reaches no further than this is taken as a street address.
STREET_LEVEL_M = 250.0


def _bounding_radius_m(raw: dict) -> float:
    """Half the diagonal of a match's bounding box in metres (Nominatim, Pelias, Photon,
    ArcGIS), or 0 when the provider gives none."""
    try:
        if "boundingbox" in raw:  # Nominatim: [south, north, west, east] as strings
            south, north, west, east = (float(v) for v in raw["boundingbox"])
        elif "bbox" in raw:  # Pelias feature: [west, south, east, north]
            west, south, east, north = (float(v) for v in raw["bbox"])
        elif "extent" in raw.get("properties", {}):  # Photon: [west, north, east, south]
            west, north, east, south = (float(v) for v in raw["properties"]["extent"])
        elif isinstance(raw.get("extent"), dict):  # ArcGIS: xmin, ymin, xmax, ymax
            extent = raw["extent"]
            west, south, east, north = (float(extent[k]) for k in ("xmin", "ymin", "xmax",
                                                                    "ymax"))
        else:
            return 0.0
    except (TypeError, ValueError, KeyError):
        return 0.0
    mid_lat = math.radians((north + south) / 2)
    dx = (east - west) * 111_320 * math.cos(mid_lat)
    dy = (north - south) * 111_320
    return math.hypot(dx, dy) / 2


GeocoderFactory = Callable[[dict, dict], Geocoder]
#: Providers the guide adds to geopy's own, by name: (factory, online).
PROVIDERS: dict[str, tuple[GeocoderFactory, bool]] = {}


def provider(name: str, *, online: bool = True) -> Callable[[GeocoderFactory], GeocoderFactory]:
    """Register a factory for a geocoder geopy lacks (geopy's own are found by name)."""

    def register(factory: GeocoderFactory) -> GeocoderFactory:
        PROVIDERS[name] = (factory, online)
        return factory

    return register
