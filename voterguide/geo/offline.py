"""The embedded offline geocoder: a geopy Geocoder over a national gazetteer.

It knows ZIP codes, towns (by their ZIP codes) and counties, never streets, and says so:
every match carries its precision and the counties (or circles) the place may lie in.
Sources: PyPI ``zipcodes`` (ZIP positions and place names), ``data/gazetteer`` (derived from
Census boundaries by ``scripts/build_geodata.py``) and, for the states that have one,
``data/<state>/zip-counties.csv``: each ZIP code's counties from the Census ZCTA-to-county
relationship, largest share first.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import zipcodes
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location as GeopyLocation

from . import address
from .geocoding import Precision, provider

#: How far a ZIP code area without a measured radius may reach (PO boxes, unique ZIPs).
DEFAULT_ZIP_RADIUS_M = 15_000
#: Evidence for a ZIP code's counties that describes the area people live in (a ZCTA, or
#: the estimate for a standard ZIP of a state without relationship data).
AREA_EVIDENCE = frozenset({"zcta", "cell"})
#: How alike a typed name and a known one must be to offer "Did you mean ...?" (difflib).
SUGGESTION_CUTOFF = 0.8


@dataclass(frozen=True)
class ZipPlace:
    """A ZIP code: its position (if the tables give one), town, state and counties."""

    zip_code: str
    lat: float | None
    lon: float | None
    city: str
    state: str
    radius_m: float
    counties: tuple[str, ...]  # the counties its area lies in, largest share first
    land: tuple[int, ...] = ()  # land (m2) of each part, when the Census relationship tells
    # zcta: the Census relationship; town: the ZCTAs of its town and its post office's
    # county; post-office: the counties near its post office; cell: estimated from
    # ZIP positions (states without relationship data); none: nothing but the state.
    evidence: str = "cell"


@dataclass(frozen=True)
class CountyPlace:
    """A county: its FIPS code, state and a point inside it."""

    fips: str
    name: str
    state: str
    lat: float
    lon: float


class Gazetteer:
    """ZIP codes, towns, counties and states, indexed for matching typed names."""

    def __init__(self, data_dir: Path):
        gazetteer = Path(data_dir) / "gazetteer"
        self.states, self.state_of_fips = _read_states(gazetteer / "us-states.csv")
        areas = _read_areas(gazetteer / "zip-areas.csv")
        relationship = _read_zip_counties(Path(data_dir))
        self.zips: dict[str, ZipPlace] = {}
        self._rows: dict[str, dict] = {}  # the ZIP table's rows, for names asked for later
        towns: dict[tuple[str, str], list[ZipPlace]] = defaultdict(list)
        other_names: dict[tuple[str, str], list[ZipPlace]] = defaultdict(list)
        other_spelling: dict[tuple[str, str], str] = {}
        #: The name of each town as the ZIP table spells it, by (state, normalised name).
        self.town_names: dict[tuple[str, str], str] = {}
        normalised: dict[str, str] = {}  # names repeat across ZIP codes: normalise each once

        def normalise(name: str) -> str:
            found = normalised.get(name)
            if found is None:
                found = normalised[name] = address.normalise(name)
            return found

        for row in zipcodes.list_all():
            if row["country"] != "US":
                continue
            place = _zip_place(row, areas, relationship)
            self.zips[place.zip_code] = place
            self._rows[place.zip_code] = row
            for name in (row["city"], *row.get("acceptable_cities", [])):
                key = (row["state"], normalise(name))
                towns[key].append(place)
                self.town_names.setdefault(key, name)
            # Names the Postal Service does not use for mail are often the communities and
            # neighbourhoods voters live in ("Crestline", "Chastang"): known, in second place.
            for name in row.get("unacceptable_cities", []):
                key = (row["state"], normalise(name))
                other_names[key].append(place)
                other_spelling.setdefault(key, name)
        # A ZCTA the ZIP table doesn't know (a ZIP code newer than the package) is still a
        # place: by its counties, without a point or a town name.
        for zip_code, (evidence, counties, land) in relationship.items():
            if zip_code not in self.zips and evidence == "zcta":
                state = self.state_of(counties[0]) or ""
                self.zips[zip_code] = ZipPlace(zip_code, None, None, zip_code, state,
                                               DEFAULT_ZIP_RADIUS_M, counties, land, evidence)
        for key, places in other_names.items():
            if key not in towns:
                towns[key] = places
                self.town_names[key] = other_spelling[key]
        # A town is the ZIP areas people live in; PO boxes and unique ZIPs sit at the post
        # office and only stand in for a town that has nothing else.
        self.towns = {key: [p for p in places if p.evidence in AREA_EVIDENCE] or places
                      for key, places in towns.items()}
        self.counties = _read_counties(gazetteer / "us-counties.csv")

    def state_code(self, written: str | None) -> str | None:
        """The postal code for a state written as a code, a name or its AP abbreviation."""
        if not written:
            return None
        return self.states.get(address.normalise(written))

    @functools.cached_property
    def _town_keys(self) -> dict[str, list[str]]:
        """The normalised town names of each state, for suggestions."""
        return _by_state(self.towns)

    @functools.cached_property
    def _county_keys(self) -> dict[str, list[str]]:
        """The normalised county names of each state, for suggestions."""
        return _by_state(self.counties)

    def close_towns(self, name: str, states: Iterable[str]) -> list[str]:
        """Towns of the given states whose name is close to ``name``, closest first."""
        return _closest(name, states, self._town_keys,
                        lambda state, key: f"{self.town_names[(state, key)]}, {state}")

    def close_counties(self, name: str, states: Iterable[str]) -> list[str]:
        """Counties of the given states whose name is close to ``name``, closest first."""
        return _closest(name, states, self._county_keys,
                        lambda state, key: f"{self.counties[(state, key)].name} County, {state}")

    def names_of(self, zip_code: str) -> set[str]:
        """The normalised names of the places a ZIP code serves (for mail or not)."""
        row = self._rows.get(zip_code)
        if row is None:
            return set()
        return {address.normalise(n) for n in (row["city"], *row.get("acceptable_cities", []),
                                               *row.get("unacceptable_cities", []))}

    def state_of(self, fips: str) -> str | None:
        """The postal code of the state a county (or a state) FIPS code lies in."""
        return self.state_of_fips.get(fips[:2])


class OfflineGeocoder(Geocoder):
    """Finds ZIP codes, towns and counties offline; precise to the ZIP code at best."""

    def __init__(self, gazetteer: Gazetteer, preferred_states: tuple[str, ...] = ()):
        super().__init__()
        self.gazetteer = gazetteer
        self.preferred_states = preferred_states

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        """Geocode a typed address, place name or "lat, lon"; None if nothing matches."""
        found = self._match(address.without_country(str(query)))
        if found is None:
            return None
        return found if exactly_one else [found]

    def suggest(self, query: str) -> list[str]:
        """Places whose names are close to those in a query that matched nothing, for
        "Did you mean ...?": towns and counties of the state written, else of the
        preferred states."""
        suggestions: list[str] = []
        for place, state in self._readings(address.without_country(str(query))):
            states = (state,) if state else self.preferred_states
            county = address.county_name(place)
            if county:
                suggestions += self.gazetteer.close_counties(county, states)
            else:
                suggestions += self.gazetteer.close_towns(place, states)
        return list(dict.fromkeys(suggestions))[:3]

    def _match(self, query: str) -> GeopyLocation | None:
        """The finest place the query names, or None."""
        point = address.coordinates(query)
        if point:
            return _location(f"{point[0]:.5f}, {point[1]:.5f}", point, Precision.POINT)
        parts = address.parse(query)
        if parts.state and not self.gazetteer.state_code(parts.state) and not parts.zip_code \
                and parts.city and not self._written_state(query):
            # "City, Somewhere" where Somewhere is not a US state: not ours to guess.
            return None
        readings = list(self._readings(query, parts))
        if parts.zip_code in self.gazetteer.zips:
            return self._zip(self.gazetteer.zips[parts.zip_code], readings)
        # The first reading that names a place in the covered (preferred) states wins;
        # failing that, the first that names a place anywhere: a clear "outside".
        elsewhere = None
        bare = len(_segments(query)) <= 2 and not any(c.isdigit() for c in query)
        for place, state in readings:
            found = self._place(place, (state,) if state else self.preferred_states, bare)
            if found is not None and (state is None or state in self.preferred_states):
                return found
            if elsewhere is None:
                if found is None and state is None and not self.gazetteer.state_code(place):
                    found = self._place(place, self._other_states)
                elsewhere = found
        return elsewhere

    @functools.cached_property
    def _other_states(self) -> tuple[str, ...]:
        """Every state's postal code but the preferred ones'."""
        codes = sorted(set(self.gazetteer.state_of_fips.values()))
        return tuple(c for c in codes if c not in self.preferred_states)

    def _written_state(self, query: str) -> str | None:
        """The state a query ends with ("..., Springfield XX", "Springfield <state name>")."""
        segments = _segments(query)
        return self._split_state(segments[-1])[1] if segments else None

    def _readings(self, query: str, parts: address.AddressParts | None = None
                  ) -> Iterator[tuple[str, str | None]]:
        """Ways to read a query as (place, state or None), most likely first: the last part
        ending with a state ("Springfield XX", "Springfield <state name>", "…, Clark Co., XX"),
        then usaddress's labels, then the comma-separated parts."""
        parts = parts or address.parse(query)
        segments = _segments(query)
        seen = set()
        readings = []
        if segments:
            place, state = self._split_state(segments[-1])
            if state and place:
                readings.append((place, state))
            elif state and len(segments) >= 2:
                readings.append((segments[-2], state))
        written = self.gazetteer.state_code(parts.state)
        if parts.county:
            readings.append((f"{parts.county} County", written))
        if parts.city:
            readings.append((parts.city, written))
        readings += [(city, written) for city in parts.other_cities]
        # A part that is a county by itself ("Jefferson Co", where usaddress reads "Co" as a
        # state's postal code), with the state of the part after it, if any.
        for i, segment in enumerate(segments):
            if address.county_name(segment):
                after = self.gazetteer.state_code(segments[i + 1]) if i + 1 < len(segments) \
                    else None
                readings.append((segment, after))
        if not readings and len(segments) == 1:
            readings.append((segments[0], None))
        if not any(state for _, state in readings) and segments:
            readings.append((segments[-1], None))
        for place, state in readings:
            if (place.lower(), state) not in seen and any(c.isalpha() for c in place):
                seen.add((place.lower(), state))
                yield place, state

    def _split_state(self, segment: str) -> tuple[str, str | None]:
        """Split a trailing state off a part: "Springfield XX" -> ("Springfield", "XX")."""
        words = segment.split()
        for size in (3, 2, 1):
            if len(words) >= size:
                state = self.gazetteer.state_code(" ".join(words[-size:]))
                if state:
                    return " ".join(words[:-size]), state
        return segment, None

    def _place(self, place: str, states: tuple[str, ...], bare: bool = False
               ) -> GeopyLocation | None:
        """A county ("X County", "X Co.") or else a town, in the given states. A name typed
        alone (``bare``) may mean a county without the word: "Baldwin"; and "Jefferson",
        a town in one county and a county of its own, is both."""
        county = address.county_name(place)
        if county:
            return self._county(county, states)
        town = self._town(place, states)
        if not bare:
            return town
        as_county = self._county(place, states)
        if town is None or as_county is None:
            return town or as_county
        town_area, county_area = town.raw["voterguide"], as_county.raw["voterguide"]
        if not town_area.get("counties"):
            return town
        counties = list(dict.fromkeys([*town_area["counties"], *county_area["counties"]]))
        if counties == town_area["counties"]:
            return town  # the town lies in that county anyway
        area = {"counties": counties,
                **_one_state({self.gazetteer.state_of(f) for f in counties})}
        return _location(f"{town.address} or {as_county.address}",
                         (town.latitude, town.longitude), Precision.CITY, **area)

    def _zip(self, place: ZipPlace, readings: list[tuple[str, str | None]]) -> GeopyLocation:
        """A ZIP code's area; joined with the town's when the town typed with it is known
        but is not one the ZIP serves (a mistyped ZIP must not decide alone)."""
        places = [place]
        label = f"{place.city}, {place.state} {place.zip_code}"
        for town, state in readings:
            if address.county_name(town):
                continue
            key = (state or place.state, address.normalise(town))
            served = self.gazetteer.towns.get(key)
            if served:
                if place.zip_code not in {p.zip_code for p in served} \
                        and key[1] not in self.gazetteer.names_of(place.zip_code):
                    places += [p for p in served if p.zip_code != place.zip_code]
                    label = f"{label} or {self.gazetteer.town_names[key]}, {key[0]}"
                break
        return _location(label, _centre(places), Precision.ZIP, **self._area_of(places))

    def _town(self, town: str, states: tuple[str, ...]) -> GeopyLocation | None:
        """Every ZIP area of the named town in the given states."""
        key = address.normalise(town)
        places = [p for s in states for p in self.gazetteer.towns.get((s, key), [])]
        if not places:
            return None
        found_states = sorted({p.state for p in places})
        name = self.gazetteer.town_names[(found_states[0], key)] \
            if (found_states[0], key) in self.gazetteer.town_names else places[0].city
        area = self._area_of(places)
        if not set(found_states) & set(self.preferred_states):
            area["state"] = found_states[0]  # wholly outside the covered states
        return _location(f"{name}, {', '.join(found_states)}", _centre(places),
                         Precision.CITY, **area)

    def _county(self, name: str, states: tuple[str, ...]) -> GeopyLocation | None:
        """A county by name in the given states (every one of them that has it)."""
        key = address.normalise(name)
        matches = [self.gazetteer.counties[(s, key)] for s in states
                   if (s, key) in self.gazetteer.counties]
        if not matches:
            return None
        names = ", ".join(f"{c.name} County, {c.state}" for c in matches)
        lat = sum(c.lat for c in matches) / len(matches)
        lon = sum(c.lon for c in matches) / len(matches)
        return _location(names, (lat, lon), Precision.COUNTY,
                         counties=[c.fips for c in matches],
                         **_one_state({c.state for c in matches}))

    def _area_of(self, places: list[ZipPlace]) -> dict:
        """Where ZIP areas lie: their counties, largest share first, when all are known
        (with the shares when the Census relationship gives every one); else circles."""
        if not all(p.counties for p in places):
            if all(p.lat is not None for p in places):
                return {"spots": [[p.lat, p.lon, p.radius_m] for p in places],
                        **_one_state({p.state for p in places})}
            return _one_state({p.state for p in places})
        land: dict[str, int] = defaultdict(int)
        for place in places:
            for i, fips in enumerate(place.counties):
                land[fips] += place.land[i] if place.land else 0
        # Largest land first; counties without a known share keep their order, after.
        counties = sorted(land, key=lambda f: -land[f])
        area = {"counties": counties,
                **_one_state({self.gazetteer.state_of(f) for f in counties})}
        total = sum(land.values())
        if total and all(p.evidence == "zcta" for p in places):
            area["shares"] = [land[f] / total for f in counties]
        return area


def _by_state(keyed: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Normalised names grouped by state, from (state, name) keys."""
    names: dict[str, list[str]] = defaultdict(list)
    for state, key in keyed:
        names[state].append(key)
    return names


def _closest(name: str, states: Iterable[str], names: dict[str, list[str]], label) -> list[str]:
    """Labels of the names in the given states close to ``name`` (difflib), closest first."""
    key = address.normalise(name)
    found = []
    for state in states:
        for match in difflib.get_close_matches(key, names.get(state, []), n=3,
                                               cutoff=SUGGESTION_CUTOFF):
            found.append((difflib.SequenceMatcher(None, key, match).ratio(), label(state, match)))
    return [text for _, text in sorted(found, key=lambda f: -f[0])]


def _segments(query: str) -> list[str]:
    """The comma-separated parts of a query, its ZIP codes taken out."""
    return [s.strip(" .;") for s in address.without_zip(query).split(",") if s.strip(" .;")]


def _one_state(states: set[str | None]) -> dict:
    """{"state": code} when every part lies in the same known state, else {}."""
    return {"state": next(iter(states))} if len(states) == 1 and None not in states else {}


def _centre(places: list[ZipPlace]) -> tuple[float, float] | None:
    """The mean position of the places that have one; None when none has."""
    points = [(p.lat, p.lon) for p in places if p.lat is not None]
    if not points:
        return None
    return (sum(lat for lat, _ in points) / len(points),
            sum(lon for _, lon in points) / len(points))


def _location(label: str, point: tuple[float, float] | None, precision: Precision,
              **extra) -> GeopyLocation:
    """A geopy Location whose raw data tells the app how precise it is. geopy needs a
    point: a place without one carries (0, 0) and says ``"point": False``."""
    raw = {"voterguide": {"precision": precision.value, **extra}}
    if point is None:
        raw["voterguide"]["point"] = False
    return GeopyLocation(label, point or (0.0, 0.0), raw)


def _position(row: dict) -> tuple[float | None, float | None]:
    """A ZIP's position; (None, None) where the table has none ("0.0000", empty)."""
    try:
        lat, lon = float(row["lat"]), float(row["long"])
    except (TypeError, ValueError, KeyError):
        return None, None
    return (None, None) if (lat, lon) == (0.0, 0.0) else (lat, lon)


def _zip_place(row: dict, areas: dict, relationship: dict) -> ZipPlace:
    """A ZIP code from its row in the ZIP table, with the best evidence of its counties."""
    lat, lon = _position(row)
    zip_code = row["zip_code"]
    if zip_code in relationship:
        evidence, counties, land = relationship[zip_code]
        radius = areas.get(zip_code, (DEFAULT_ZIP_RADIUS_M, ()))[0]
    elif zip_code in areas:
        (radius, counties), land, evidence = areas[zip_code], (), "cell"
    else:
        radius, counties, land, evidence = DEFAULT_ZIP_RADIUS_M, (), (), "none"
    return ZipPlace(zip_code, lat, lon, row["city"], row["state"], radius, counties, land,
                    evidence)


def _read_states(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised state names, postal codes and AP abbreviations, each mapped to the postal
    code; and each state's FIPS code mapped to its postal code."""
    states: dict[str, str] = {}
    by_fips: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            for written in (row["code"], row["name"], row.get("ap") or ""):
                if written:
                    states.setdefault(address.normalise(written), row["code"])
            by_fips[row["fips"]] = row["code"]
    return states, by_fips


def _read_areas(path: Path) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each ZIP code's reach in metres and the counties its estimated area touches."""
    with open(path, newline="", encoding="utf-8") as file:
        return {row["zip"]: (float(row["radius_m"]), tuple(row["counties"].split()))
                for row in csv.DictReader(file)}


def _read_zip_counties(data_dir: Path) -> dict[str, tuple[str, tuple[str, ...], tuple[int, ...]]]:
    """Every state folder's ZIP codes by their counties: evidence, counties, land (m2)."""
    found = {}
    for path in sorted(data_dir.glob("*/zip-counties.csv")):
        with open(path, newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                parts = [p.partition(":") for p in row["counties"].split()]
                counties = tuple(fips for fips, _, _ in parts)
                land = tuple(int(area) for _, _, area in parts) \
                    if all(area for _, _, area in parts) else ()
                found[row["zip"]] = (row["evidence"], counties, land)
    return found


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
    """The embedded geocoder, preferring the deployment's own states for bare names."""
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
