"""Placing a list of addresses (a volunteer list, say) in districts, streamed in chunks.

Each row gets the district's id and name, the match precision and a status; rows that
cannot be placed are marked, never dropped. Where the first provider has a batch endpoint
(the Census takes 10,000 rows a request) a chunk is sent at once, and the rows it cannot
match go through the whole chain one by one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from .address import parse
from .census import BatchAddress, CensusGeocoder
from .districts import DistrictIndex
from .geocoding import (
    AddressNotFound,
    GeocoderUnavailable,
    Location,
    Locator,
    to_location,
)

#: Columns added to every row: the district (every possible one, "|"-separated, when
#: ambiguous: "outside" among them when the place may be across the state line), and the
#: offices inside it whose race may be on the ballot too (``also_possible``).
OUTPUT_COLUMNS = ["district_id", "district_name", "precision", "status", "also_possible"]


def place_rows(rows: Iterable[dict], column: str, locator: Locator, index: DistrictIndex,
               chunk_size: int = 1000,
               progress: Callable[[int], None] = lambda done: None) -> Iterator[dict]:
    """Yield each row with OUTPUT_COLUMNS filled in, in the order read."""
    done = 0
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        located = _batch(chunk, column, locator)
        for i, row in enumerate(chunk):
            yield {**row, **_placed(row.get(column) or "", located.get(i), locator, index)}
        done += len(chunk)
        progress(done)


def _batch(chunk: list[dict], column: str, locator: Locator) -> dict[int, Location]:
    """Locations from the first provider's batch endpoint, when it has one and answers."""
    first = locator.providers[0] if locator.providers else None
    if first is None or not isinstance(first.geocoder, CensusGeocoder):
        return {}
    if first.state is not None and first.state.resting():
        return {}
    addresses = []
    for i, row in enumerate(chunk):
        text = " ".join((row.get(column) or "").split())
        if text:
            parts = parse(text)
            street = text.split(",")[0]
            addresses.append(BatchAddress(str(i), street, parts.city or "", parts.state or "",
                                          parts.zip_code or ""))
    if not addresses:
        return {}
    try:
        found = first.geocoder.geocode_batch(addresses, timeout=max(first.timeout or 30, 30))
    except Exception:  # noqa: BLE001 - a failed batch falls back to one row at a time
        if first.state is not None:
            first.state.failed()
        return {}
    return {int(key): to_location(match) for key, match in found.items() if match is not None}


def _placed(text: str, location: Location | None, locator: Locator,
            index: DistrictIndex) -> dict[str, str]:
    """The output columns for one address."""
    text = " ".join(text.split())
    if not text:
        return _status("empty")
    if location is None:
        try:
            location = locator.locate(text)
        except AddressNotFound:
            return _status("not_found")
        except GeocoderUnavailable:
            return _status("unavailable")
    match = index.lookup(location)
    choices = [index.shapes[d] for d in match.choice_ids]
    if not choices:
        return _status("outside", location.precision.value)
    outside = ["outside"] if match.outside else []
    return {"district_id": "|".join([*(s.id for s in choices), *outside]),
            "district_name": " | ".join([*(s.name for s in choices),
                                         *(["outside this guide"] if outside else [])]),
            "precision": location.precision.value,
            "status": "ambiguous" if match.ambiguous else "placed",
            "also_possible": "|".join(p.district_id for p in match.also)}


def _status(status: str, precision: str = "") -> dict[str, str]:
    """Output columns for a row with no district."""
    return {"district_id": "", "district_name": "", "precision": precision, "status": status,
            "also_possible": ""}
