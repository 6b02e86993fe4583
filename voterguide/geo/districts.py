"""Place -> districts: a pure lookup over district geometries held in a shapely STRtree.

The rules for uncertainty:

* A place known by its counties (a ZIP code's parts from the Census relationship, a town's
  ZIP codes, a county, a Census match) may be in the district of any of its counties, and
  in none of the others. A county of a state this guide doesn't cover is "outside".
* A point is certain only when the data's own accuracy around it (or the circle it may lie
  in) touches exactly one district. A point on a shared border touches both.
* The line with a state this guide doesn't cover is a border like any other: near it,
  "outside this guide" is one of the choices. A coast is no such line, but a point that the
  map puts in no district (offshore) is never certain either.
* An office inside another's area without a boundary of its own (an ``unmapped`` district
  whose counties a mapped district covers) is never a choice instead of that district: its
  race is possibly on the ballot as well (``Match.also``).
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
COARSE_PRECISIONS = (Precision.ZIP, Precision.CITY, Precision.COUNTY)


class Reason(enum.Enum):
    """Why a district is certain or only possible; why a lookup offers a choice."""

    CERTAIN = "certain"
    COARSE = "coarse"  # only a ZIP code, town or county was known, and it spans districts
    BORDER = "border"  # the point is within the data's accuracy of a district border
    STATE_LINE = "state_line"  # the point is that close to the line of a state not covered
    SHARED_COUNTY = "shared_county"  # an office inside another's area, with no boundary
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
    #: For an office inside another's area: who votes for it, in one plain sentence.
    ballot_note: str = ""
    county_names: tuple[str, ...] = ()  # its counties' names, for questions voters answer
    office: str = "District Attorney"


@dataclass(frozen=True)
class Possibility:
    """A district a place may be in: for certain or not, why, and how much of the place."""

    district_id: str
    reason: Reason
    share: float | None = None  # of the place's land, when the Census relationship tells

    @property
    def certain(self) -> bool:
        """True when the district's race is on the voter's ballot for sure."""
        return self.reason is Reason.CERTAIN


@dataclass(frozen=True)
class Match:
    """The districts a place may be in: ``choices``, of which the voter lives in exactly one
    (or outside this guide, when ``outside``), and ``also``, offices inside a choice's area
    whose race may be on the ballot as well."""

    choices: tuple[Possibility, ...]
    reason: Reason  # why there is a choice; CERTAIN when there is none
    also: tuple[Possibility, ...] = ()
    outside: bool = False  # "outside this guide" is one of the choices
    outside_share: float | None = None
    counties: tuple[str, ...] = ()  # the counties the place touches (FIPS), largest first

    @property
    def ambiguous(self) -> bool:
        """True when the voter must choose."""
        return len(self.choices) + self.outside > 1

    @property
    def district_ids(self) -> tuple[str, ...]:
        """Every district the match names: the choices, then the offices inside them."""
        return tuple(p.district_id for p in (*self.choices, *self.also))

    @property
    def choice_ids(self) -> tuple[str, ...]:
        """The districts to choose from (one, when certain)."""
        return tuple(p.district_id for p in self.choices)


OUTSIDE = Match((), Reason.OUTSIDE)


def degrees(metres: float, lat: float) -> float:
    """A distance in degrees that is at least ``metres`` in every direction at ``lat``."""
    return metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))


class DistrictIndex:
    """The districts of the covered states, ready for lookups."""

    def __init__(self, districts: Sequence[DistrictShape], counties: dict[str, BaseGeometry],
                 states: Iterable[str], accuracy_m: float,
                 state_lines: BaseGeometry | None = None,
                 state_names: dict[str, str] | None = None,
                 county_names: dict[str, str] | None = None):
        """``state_lines``: where the covered states meet states this guide doesn't cover;
        None takes the whole outline of the covered districts (coasts too)."""
        self.accuracy_m = accuracy_m
        self.state_names = state_names or {}
        self.county_names = county_names or {}
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
        if state_lines is None and self.mapped:
            state_lines = shapely.boundary(shapely.union_all([d.geometry for d in self.mapped]))
        self.state_lines = state_lines if state_lines is not None and \
            not state_lines.is_empty else None
        if self.state_lines is not None:
            shapely.prepare(self.state_lines)
        self.by_county: dict[str, list[str]] = {}
        for district in self.mapped:
            for fips in sorted(district.counties):
                self.by_county.setdefault(fips, []).append(district.id)
        #: Unmapped offices by the mapped districts whose area they lie inside; those inside
        #: none are alternatives in their counties like any district.
        self.containers: dict[str, tuple[str, ...]] = {}
        self.unmapped_by_county: dict[str, list[str]] = {}
        for district in districts:
            if district.geometry is None:
                self.containers[district.id] = tuple(
                    d.id for d in self.mapped
                    if d.from_counties and district.counties <= d.counties)
                for fips in sorted(district.counties):
                    self.unmapped_by_county.setdefault(fips, []).append(district.id)

    def shapes_of(self, match: Match) -> list[DistrictShape]:
        """The districts of a match, in its order: names and slugs without a database trip."""
        return [self.shapes[d] for d in match.district_ids]

    def inside(self, district_id: str) -> list[DistrictShape]:
        """The offices inside a district's area that have no boundary of their own."""
        return [self.shapes[u] for u, within in self.containers.items() if district_id in within]

    def around(self, district_id: str) -> list[DistrictShape]:
        """The districts whose area an office without a boundary of its own lies inside."""
        return [self.shapes[d] for d in self.containers.get(district_id, ())]

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
        """Degrees from a point to a mapped district (0 inside, and without a point)."""
        geometry = self.shapes[district_id].geometry
        if geometry is None or point is None:
            return 0.0
        return shapely.distance(point, geometry)

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
            return OUTSIDE
        if location.counties:
            return self._by_counties(location)
        spots = location.areas()
        if not spots:
            return OUTSIDE
        point = shapely.points(location.lon, location.lat) if location.lat is not None \
            else shapely.points(spots[0].lon, spots[0].lat)
        distance: dict[str, float] = {}
        counties: set[str] = set()
        near_line = False
        for spot in spots:
            centre = shapely.points(spot.lon, spot.lat)
            reach = degrees(max(spot.radius_m, self.accuracy_m), spot.lat)
            for i in self.tree.query(centre, predicate="dwithin", distance=reach):
                district = self.mapped[i]
                distance[district.id] = min(distance.get(district.id, math.inf),
                                            shapely.distance(point, district.geometry))
            for i in self.county_tree.query(centre, predicate="dwithin", distance=reach):
                counties.add(self.county_fips[i])
            # A geocoder that names a covered state has settled which side of the line.
            if self.state_lines is not None and location.state is None:
                near_line = near_line or bool(shapely.dwithin(centre, self.state_lines, reach))
        if not distance:
            return OUTSIDE
        ids = sorted(distance, key=lambda d: (distance[d], d))
        # A point our map puts in no district (in the sea off a coast, say) may be outside.
        if location.state is None and not self.tree.query(point, predicate="intersects").size:
            near_line = True
        if near_line:
            reason = Reason.COARSE if location.precision in COARSE_PRECISIONS \
                else Reason.STATE_LINE
        elif len(ids) == 1:
            reason = Reason.CERTAIN
        else:
            reason = Reason.COARSE if location.precision in COARSE_PRECISIONS \
                else Reason.BORDER
        return self._match(ids, sorted(counties), reason, outside=near_line)

    def _by_counties(self, location: Location) -> Match:
        """Districts of the counties a place lies in: exact for county-based districts; a
        district with a polygon of its own is kept only if a precise point is near it.
        A part in a county (or a state) this guide doesn't cover is "outside"."""
        counties = location.counties
        shares = dict(zip(counties, location.shares, strict=True)) \
            if len(location.shares) == len(counties) else {}
        point = shapely.points(location.lon, location.lat) if location.lat is not None else None
        share: dict[str, float] = {}
        outside_share = 0.0
        outside = False
        for fips in counties:
            if fips in self.counties:
                for district in self.by_county.get(fips, []):
                    share[district] = share.get(district, 0.0) + shares.get(fips, 0.0)
            else:
                outside = True
                outside_share += shares.get(fips, 0.0)
        ids = list(share)
        if location.precision in (Precision.POINT, Precision.ADDRESS) and point is not None:
            reach = degrees(self.accuracy_m, location.lat)
            ids = [d for d in ids if self.shapes[d].from_counties
                   or self._distance(point, d) <= reach]
            ids.sort(key=lambda d: self._distance(point, d))
        elif shares:
            ids.sort(key=lambda d: -share[d])
        if len(ids) == 1 and not outside:
            reason = Reason.CERTAIN
        else:
            reason = Reason.COARSE if location.precision in COARSE_PRECISIONS \
                or len(counties) > 1 else Reason.BORDER
        return self._match(ids, counties, reason, outside=outside,
                           shares={d: share[d] for d in ids} if shares else None,
                           outside_share=outside_share if shares and outside else None)

    def _match(self, ids: list[str], counties: Iterable[str], reason: Reason, *,
               outside: bool, shares: dict[str, float] | None = None,
               outside_share: float | None = None) -> Match:
        """A match of mapped districts ``ids`` (best first) and the unmapped offices of the
        place's counties: inside a choice, they are possibly on the ballot too; inside none,
        they are choices themselves."""
        unmapped = list(dict.fromkeys(u for fips in counties
                                      for u in self.unmapped_by_county.get(fips, [])))
        also = [u for u in unmapped if set(self.containers[u]) & set(ids)]
        alone = [u for u in unmapped if not self.containers[u]]
        ids = ids + alone
        if not ids:
            return OUTSIDE
        if alone and reason is Reason.CERTAIN and len(ids) > 1:
            reason = Reason.SHARED_COUNTY
        shares = shares or {}
        choices = tuple(Possibility(d, reason, shares.get(d)) for d in ids)
        return Match(choices, reason,
                     also=tuple(Possibility(u, Reason.SHARED_COUNTY) for u in also),
                     outside=outside, outside_share=outside_share,
                     counties=tuple(f for f in counties if f in self.counties))
