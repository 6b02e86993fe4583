"""The test oracle: public facts as published, read from data/sources/ (the statute's table
of circuits, the Census ZCTA-to-county relationship), never from the files the app loads."""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
CIRCUITS = SOURCES / "alabama-judicial-circuits.csv"
RELATIONSHIP = SOURCES / "zcta-county-2020-al.csv"
AL = "ocd-division/country:us/state:al"
BIRMINGHAM = f"{AL}/circuit:10"
BESSEMER = f"{AL}/circuit:10/division:bessemer"
JEFFERSON = "01073"
OUTSIDE = "outside"


def circuit(n: int | str) -> str:
    """The division id of an Alabama circuit."""
    return f"{AL}/circuit:{n}"


def rows(path: Path) -> list[dict]:
    """A CSV file's rows."""
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@functools.cache
def circuit_of() -> dict[str, str]:
    """County FIPS -> circuit id, by Code of Alabama §12-11-2."""
    return {row["county_fips"]: circuit(row["circuit"]) for row in rows(CIRCUITS)}


@functools.cache
def zcta_parts() -> dict[str, dict[str, int]]:
    """ZCTA -> {county FIPS: land m2}, with the land the file places in no listed county (a
    ZCTA mostly in another state) under OUTSIDE."""
    parts: dict[str, dict[str, int]] = defaultdict(dict)
    whole: dict[str, int] = {}
    for row in rows(RELATIONSHIP):
        parts[row["zcta"]][row["county_geoid"]] = int(row["arealand_part"])
        whole[row["zcta"]] = int(row["arealand_zcta"])
    for zcta, land in whole.items():
        rest = land - sum(parts[zcta].values())
        if rest > 0:
            parts[zcta][OUTSIDE] = rest
    return dict(parts)


def districts_of_zcta(zcta: str) -> dict[str, int]:
    """The districts a ZCTA touches with its land in each (OUTSIDE for other states)."""
    land: dict[str, int] = defaultdict(int)
    for county, area in zcta_parts()[zcta].items():
        land[circuit_of().get(county, OUTSIDE)] += area
    return dict(land)
