"""Point -> districts: a pure lookup over district geometries held in a shapely STRtree.

The rule for uncertainty: a place is certain only when every circle it may lie in (a ZIP
code's reach, a city's ZIP codes, or the boundary data's own accuracy around a point)
touches exactly one district. Otherwise the voter is asked, never guessed for. A point on
a shared border touches both districts, so it is asked about too.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from .geocoding import Location, Precision

METRES_PER_DEGREE = 111_320.0


class Reason(enum.Enum):
    """Why a lookup offers a choice, or none."""

    CERTAIN = "certain"
    COARSE = "coarse"  # only a ZIP code, city or county was known, and it spans districts
    BORDER = "border"  # the point is within the data's accuracy of a district border
    SHARED_COUNTY = "shared_county"  # the county holds more than one prosecutor's office
    OUTSIDE = "outside"  # the place is in no district this guide covers


@dataclass(frozen=True)
class DistrictShape:
    """What the lookup needs to know of a district."""

    id: str
    state: str
    counties: frozenset[str]
    geometry: BaseGeometry | None  # None: the district is unmapped inside its counties
    name: str = ""
    slug: str = ""
    from_counties: bool = True  # the area is exactly its counties (else a polygon of its own)


@dataclass(frozen=True)
class Match:
    """The districts a place may be in, most likely first."""

    district_ids: tuple[str, ...]
    reason: Reason

    @property
    def ambiguous(self) -> bool:
        """True when the voter must choose."""
        return len(self.district_ids) > 1


def degrees(metres: float, lat: float) -> float:
    """A distance in degrees that is at least ``metres`` in every direction at ``lat``."""
    return metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))


class DistrictIndex:
    """The districts of the covered states, ready for point lookups."""

    def __init__(self, districts: Sequence[DistrictShape], counties: dict[str, BaseGeometry],
                 states: Iterable[str], accuracy_m: float):
        self.accuracy_m = accuracy_m
        self._state_areas: dict[str, BaseGeometry] = {}
        #: Drawn district maps, by district id: they live and die with the index.
        self.maps: dict[str, object] = {}
        self.states = frozenset(states)
        self.mapped = [d for d in districts if d.geometry is not None]
        self.tree = STRtree([d.geometry for d in self.mapped])
        for geometry in (d.geometry for d in self.mapped):
            shapely.prepare(geometry)
        self.shapes = {d.id: d for d in districts}
        self.counties = counties
        self.county_fips = list(counties)
        self.county_tree = STRtree([counties[f] for f in self.county_fips])
        # Offices that share a county with another office but have no boundary of their own.
        self.unmapped_by_county: dict[str, list[str]] = {}
        for district in districts:
            if district.geometry is None:
                for fips in sorted(district.counties):
                    self.unmapped_by_county.setdefault(fips, []).append(district.id)
        self.by_county: dict[str, list[str]] = {}
        for district in districts:
            for fips in sorted(district.counties):
                self.by_county.setdefault(fips, []).append(district.id)

    def shapes_of(self, match: Match) -> list[DistrictShape]:
        """The districts of a match, in its order: names and slugs without a database trip."""
        return [self.shapes[d] for d in match.district_ids]

    def area_of(self, district_id: str) -> BaseGeometry | None:
        """A district's area; for an unmapped district, the counties it lies within."""
        shape = self.shapes.get(district_id)
        if shape is None:
            return None
        if shape.geometry is not None:
            return shape.geometry
        return shapely.union_all([self.counties[f] for f in sorted(shape.counties)])

    def state_area(self, state: str) -> BaseGeometry:
        """All mapped districts of a state together: the frame for a district's map."""
        if state not in self._state_areas:
            self._state_areas[state] = shapely.union_all(
                [d.geometry for d in self.mapped if d.state == state])
        return self._state_areas[state]

    def _distance(self, point, district_id: str) -> float:
        """Degrees from a point to a mapped district (0 inside); unmapped ones count as 0."""
        geometry = self.shapes[district_id].geometry
        return 0.0 if geometry is None else shapely.distance(point, geometry)

    def districts_at(self, lat: float, lon: float) -> list[str]:
        """The mapped districts whose area covers the point exactly (no tolerance)."""
        hits = self.tree.query(shapely.points(lon, lat), predicate="within")
        return sorted(self.mapped[i].id for i in hits)

    def districts_at_many(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """For many points at once: pairs (point index, district index) of exact hits."""
        return self.tree.query(shapely.points(lons, lats), predicate="within")

    def lookup(self, location: Location) -> Match:
        """The districts a location may be in, and why there is a choice."""
        if location.state and location.state not in self.states:
            return Match((), Reason.OUTSIDE)
        point = shapely.points(location.lon, location.lat)
        if location.counties:
            return self._by_counties(location, point)
        distance: dict[str, float] = {}
        counties: set[str] = set()
        for spot in location.areas():
            centre = shapely.points(spot.lon, spot.lat)
            reach = degrees(max(spot.radius_m, self.accuracy_m), spot.lat)
            for i in self.tree.query(centre, predicate="dwithin", distance=reach):
                district = self.mapped[i]
                distance[district.id] = min(distance.get(district.id, math.inf),
                                            shapely.distance(point, district.geometry))
            for i in self.county_tree.query(centre, predicate="dwithin", distance=reach):
                counties.add(self.county_fips[i])
        if not distance:
            return Match((), Reason.OUTSIDE)
        ids = sorted(distance, key=lambda d: (distance[d], d))
        shared = [d for fips in sorted(counties) for d in self.unmapped_by_county.get(fips, [])]
        ids += [d for d in dict.fromkeys(shared) if d not in ids]
        if len(ids) == 1:
            return Match(tuple(ids), Reason.CERTAIN)
        if len(distance) == 1:
            return Match(tuple(ids), Reason.SHARED_COUNTY)
        coarse = location.precision in (Precision.ZIP, Precision.CITY, Precision.COUNTY)
        return Match(tuple(ids), Reason.COARSE if coarse else Reason.BORDER)

    def _by_counties(self, location: Location, point) -> Match:
        """Districts of the counties a place lies in: exact for county-based districts; a
        district with a polygon of its own is kept only if a precise point is near it."""
        counties = location.counties
        ids = list(dict.fromkeys(d for fips in counties for d in self.by_county.get(fips, [])))
        if location.precision in (Precision.POINT, Precision.ADDRESS):
            reach = degrees(self.accuracy_m, location.lat)
            ids = [d for d in ids if self.shapes[d].from_counties
                   or self.shapes[d].geometry is None or self._distance(point, d) <= reach]
        if not ids:
            return Match((), Reason.OUTSIDE)
        # Nearest mapped office first; unmapped offices are offered after the mapped ones.
        unmapped = {d for fips in counties for d in self.unmapped_by_county.get(fips, [])}
        ids.sort(key=lambda d: (d in unmapped, self._distance(point, d)))
        if len(ids) == 1:
            return Match(tuple(ids), Reason.CERTAIN)
        if len(ids) - len(unmapped) <= 1:
            return Match(tuple(ids), Reason.SHARED_COUNTY)
        return Match(tuple(ids), Reason.COARSE)
