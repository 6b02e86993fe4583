"""The embedded offline geocoder: a geopy Geocoder over a national gazetteer.

It knows ZIP code centroids, cities (by their ZIP codes) and counties, never streets, and
says so: every match carries its precision and the circles the place may lie in.
Sources: PyPI ``zipcodes`` (ZIP centroids, cities) and ``data/gazetteer`` (derived from
Census boundaries by ``scripts/build_geodata.py``).
"""

from __future__ import annotations

import csv
import functools
import gc
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import zipcodes
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location as GeopyLocation

from . import address
from .geocoding import Precision, provider

#: How far a ZIP code area without a measured radius may reach (PO boxes, unique ZIPs).
DEFAULT_ZIP_RADIUS_M = 15_000


@dataclass(frozen=True)
class ZipPlace:
    """A ZIP code's centroid, city, state and how far its area reaches."""

    zip_code: str
    lat: float
    lon: float
    city: str
    state: str
    radius_m: float
    counties: tuple[str, ...]  # the counties its area touches; () when not known


@dataclass(frozen=True)
class CountyPlace:
    """A county: its FIPS code, state and a point inside it."""

    fips: str
    name: str
    state: str
    lat: float
    lon: float


class Gazetteer:
    """ZIP codes, cities, counties and states, indexed for matching typed names."""

    def __init__(self, data_dir: Path):
        gazetteer = Path(data_dir) / "gazetteer"
        self.states = _read_states(gazetteer / "us-states.csv")
        areas = _read_areas(gazetteer / "zip-areas.csv")
        self.zips: dict[str, ZipPlace] = {}
        cities: dict[tuple[str, str], list[ZipPlace]] = defaultdict(list)
        for row in zipcodes.list_all():
            if not row.get("lat") or not row.get("long") or row["country"] != "US":
                continue
            radius, counties = areas.get(row["zip_code"], (DEFAULT_ZIP_RADIUS_M, ()))
            place = ZipPlace(row["zip_code"], float(row["lat"]), float(row["long"]),
                             row["city"], row["state"], radius, counties)
            self.zips[place.zip_code] = place
            for name in {row["city"], *row.get("acceptable_cities", [])}:
                cities[(row["state"], address.normalise(name))].append(place)
        # A city is the ZIP areas people live in; PO boxes sit at the post office and only
        # stand in for a city that has nothing else.
        self.cities = {key: [p for p in places if p.counties] or places
                       for key, places in cities.items()}
        self.counties = _read_counties(gazetteer / "us-counties.csv")

    def state_code(self, written: str | None) -> str | None:
        """The postal code for a state written as a code or a name, or None."""
        if not written:
            return None
        return self.states.get(address.normalise(written))


class OfflineGeocoder(Geocoder):
    """Finds ZIP codes, cities and counties offline; precise to the ZIP code at best."""

    def __init__(self, gazetteer: Gazetteer, preferred_states: tuple[str, ...] = ()):
        super().__init__()
        self.gazetteer = gazetteer
        self.preferred_states = preferred_states

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        """Geocode a typed address, place name or "lat, lon"; None if nothing matches."""
        found = self._match(str(query))
        if found is None:
            return None
        return found if exactly_one else [found]

    def _match(self, query: str) -> GeopyLocation | None:
        """The finest place the query names, or None."""
        point = address.coordinates(query)
        if point:
            return _location(f"{point[0]:.5f}, {point[1]:.5f}", point, Precision.POINT)
        parts = address.parse(query)
        state = self.gazetteer.state_code(parts.state)
        if parts.state and not state and not parts.zip_code and parts.city:
            # "City, Somewhere" where Somewhere is not a US state: not ours to guess.
            return None
        states = (state,) if state else self.preferred_states
        if parts.county:
            county = self._county(parts.county, states)
            if county:
                return county
        if parts.zip_code in self.gazetteer.zips:
            return self._zip(self.gazetteer.zips[parts.zip_code])
        for city in (parts.city, *parts.other_cities):
            found = self._city(city, states) if city else None
            if found:
                return found
        return None

    def _zip(self, place: ZipPlace) -> GeopyLocation:
        """A ZIP code's centroid and the counties its area touches."""
        return _location(f"{place.city}, {place.state} {place.zip_code}",
                         (place.lat, place.lon), Precision.ZIP, state=place.state,
                         **_area_of([place]))

    def _city(self, city: str, states: tuple[str, ...]) -> GeopyLocation | None:
        """Every ZIP area of the named city in the given states."""
        key = address.normalise(city)
        places = [p for s in states for p in self.gazetteer.cities.get((s, key), [])]
        if not places:
            return None
        found_states = sorted({p.state for p in places})
        lat = sum(p.lat for p in places) / len(places)
        lon = sum(p.lon for p in places) / len(places)
        return _location(f"{places[0].city}, {', '.join(found_states)}", (lat, lon),
                         Precision.CITY, **_area_of(places),
                         state=found_states[0] if len(found_states) == 1 else None)

    def _county(self, name: str, states: tuple[str, ...]) -> GeopyLocation | None:
        """A county by name in the given states, when exactly one matches."""
        key = address.normalise(name)
        matches = [self.gazetteer.counties[(s, key)] for s in states
                   if (s, key) in self.gazetteer.counties]
        if len(matches) != 1:
            return None
        county = matches[0]
        return _location(f"{county.name} County, {county.state}", (county.lat, county.lon),
                         Precision.COUNTY, counties=[county.fips], state=county.state)


def _location(label: str, point: tuple[float, float], precision: Precision,
              **extra) -> GeopyLocation:
    """A geopy Location whose raw data tells the app how precise it is."""
    raw = {"voterguide": {"precision": precision.value, **extra}}
    return GeopyLocation(label, point, raw)


def _read_states(path: Path) -> dict[str, str]:
    """Normalised state names and postal codes, each mapped to the postal code."""
    states: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            states[address.normalise(row["code"])] = row["code"]
            states[address.normalise(row["name"])] = row["code"]
    return states


def _area_of(places: list[ZipPlace]) -> dict:
    """Where ZIP areas lie: their counties when all are known, else circles around them."""
    if all(p.counties for p in places):
        return {"counties": sorted({f for p in places for f in p.counties})}
    return {"spots": [[p.lat, p.lon, p.radius_m] for p in places]}


def _read_areas(path: Path) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each ZIP code's reach in metres and the counties its area touches."""
    with open(path, newline="", encoding="utf-8") as file:
        return {row["zip"]: (float(row["radius_m"]), tuple(row["counties"].split()))
                for row in csv.DictReader(file)}


def _read_counties(path: Path) -> dict[tuple[str, str], CountyPlace]:
    """Counties by (state, normalised name)."""
    counties: dict[tuple[str, str], CountyPlace] = {}
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            county = CountyPlace(row["fips"], row["name"], row["state"],
                                 float(row["lat"]), float(row["lon"]))
            counties[(county.state, address.normalise(county.name))] = county
    return counties


@provider("offline", online=False)
def build_offline(settings: dict, options: dict) -> OfflineGeocoder:
    """The embedded geocoder, preferring the deployment's own states for bare city names."""
    states = tuple(s.strip().upper() for s in str(settings["STATES"]).split(",") if s.strip())
    return OfflineGeocoder(load_gazetteer(str(settings["DATA_DIR"])), preferred_states=states)


@functools.lru_cache(maxsize=4)
def load_gazetteer(data_dir: str) -> Gazetteer:
    """The gazetteer of a data folder, read once per process (it is never changed).

    Reading it makes some 250,000 objects that live as long as the process and hold no
    reference cycles. The cyclic garbage collector is paused meanwhile, or it would scan the
    growing heap again and again (a third of the app's start-up time); then everything alive
    is frozen (``gc.freeze``) so that later collections, in every request, skip it too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        gazetteer = Gazetteer(Path(data_dir))
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    return gazetteer
