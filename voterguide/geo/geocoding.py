"""The app's own small geocoding interface: ``Locator.locate(address) -> Location``.

The rest of the app never sees geopy or its exceptions: only ``Location`` and the errors
defined here. Providers are geopy ``Geocoder`` objects built by name from a registry, so
real providers slot in by configuration.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from geopy import exc as geopy_exc
from geopy.geocoders.base import Geocoder


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

    lat: float
    lon: float
    precision: Precision
    # Circles that together hold the place; empty means the point itself.
    spots: tuple[Spot, ...] = field(default=())
    # Counties the place lies in one of (FIPS); when given, they decide the districts.
    counties: tuple[str, ...] = field(default=())
    state: str | None = None  # two-letter postal code, when known

    def areas(self) -> tuple[Spot, ...]:
        """The circles to search: the spots, or the point itself."""
        return self.spots or (Spot(self.lat, self.lon, 0.0),)


class GeocodingError(Exception):
    """Base of the errors a locator raises; its message is safe to show a voter."""


class AddressNotFound(GeocodingError):
    """The geocoder understood the request but found no such place."""


class GeocoderUnavailable(GeocodingError):
    """The geocoder could not be asked: down, slow, refusing or misconfigured."""


class Locator:
    """Turns an address into a Location through one geopy geocoder."""

    def __init__(self, geocoder: Geocoder, name: str):
        self.geocoder = geocoder
        self.name = name

    def locate(self, address: str) -> Location:
        """Geocode an address; raise AddressNotFound or GeocoderUnavailable."""
        try:
            found = self.geocoder.geocode(address, exactly_one=True)
        except geopy_exc.GeocoderQueryError as error:
            raise AddressNotFound("We could not read that address.") from error
        except geopy_exc.GeopyError as error:
            # Never let an outage look like "address not found".
            raise GeocoderUnavailable(
                "The address service is not answering right now. Please try again shortly."
            ) from error
        if found is None:
            raise AddressNotFound("We could not find that address.")
        return to_location(found)


def to_location(found) -> Location:
    """Convert a geopy Location to ours.

    A provider may describe its precision in ``raw["voterguide"]``: ``precision`` (a
    Precision value), ``spots`` ([[lat, lon, radius_m], ...]), ``counties`` (FIPS codes the
    place lies in one of) and ``state``.
    Without it, a match is taken to be a street address.
    """
    raw = found.raw if isinstance(found.raw, dict) else {}
    extra = raw.get("voterguide") or {}
    return Location(
        lat=found.latitude,
        lon=found.longitude,
        precision=Precision(extra.get("precision", Precision.ADDRESS.value)),
        spots=tuple(Spot(*spot) for spot in extra.get("spots", ())),
        counties=tuple(extra.get("counties", ())),
        state=extra.get("state"),
    )


GeocoderFactory = Callable[[dict], Geocoder]
PROVIDERS: dict[str, GeocoderFactory] = {}


def provider(name: str) -> Callable[[GeocoderFactory], GeocoderFactory]:
    """Register a factory that builds a geopy geocoder from the app's settings."""

    def register(factory: GeocoderFactory) -> GeocoderFactory:
        PROVIDERS[name] = factory
        return factory

    return register


def build_locator(settings: dict) -> Locator:
    """Build the configured locator; unknown names are a configuration error."""
    from . import offline  # noqa: F401  (registers the embedded provider)

    name = str(settings["GEOCODER"]).strip().lower()
    if name not in PROVIDERS:
        known = ", ".join(sorted(PROVIDERS))
        raise ValueError(f"Unknown geocoder {name!r}; known geocoders: {known}.")
    return Locator(PROVIDERS[name](settings), name)
