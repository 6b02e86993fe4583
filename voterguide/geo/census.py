"""A US Census Bureau geocoder for geopy (which has none), and its batch endpoint.

``geographies/onelineaddress`` returns each match with the Census geographies it lies in;
the county GEOID settles county-based districts exactly, with no point-in-polygon error at
borders. The batch endpoint takes up to 10,000 addresses a request as CSV.
"""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from geopy import exc as geopy_exc
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location as GeopyLocation

DOMAIN = "geocoding.geo.census.gov"
ONELINE_PATH = "/geocoder/geographies/onelineaddress"
BATCH_PATH = "/geocoder/geographies/addressbatch"
#: The most rows the Census batch endpoint takes in one request.
BATCH_LIMIT = 10_000


@dataclass(frozen=True)
class BatchAddress:
    """One row for the batch endpoint: an id and the address's parts."""

    id: str
    street: str
    city: str = ""
    state: str = ""
    zip_code: str = ""


class CensusGeocoder(Geocoder):
    """The Census Bureau's address geocoder, with county and state for every match."""

    def __init__(self, *, domain: str = DOMAIN, scheme: str | None = None,
                 benchmark: str = "Public_AR_Current", vintage: str = "Current_Current",
                 timeout=DEFAULT_SENTINEL, user_agent: str | None = None, **kwargs):
        super().__init__(scheme=scheme, timeout=timeout, user_agent=user_agent, **kwargs)
        self.domain = domain.strip("/")
        self.benchmark, self.vintage = benchmark, vintage
        self.api = f"{self.scheme}://{self.domain}{ONELINE_PATH}"
        self.batch_api = f"{self.scheme}://{self.domain}{BATCH_PATH}"

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        """Geocode a one-line address; None when the Census finds no match."""
        params = {"address": str(query), "benchmark": self.benchmark, "vintage": self.vintage,
                  "layers": "Counties,States", "format": "json"}
        url = f"{self.api}?{urlencode(params)}"
        return self._call_geocoder(url, partial(self._parse_json, exactly_one=exactly_one),
                                   timeout=timeout)

    def _parse_json(self, document, exactly_one: bool):
        """Matches as geopy Locations; a malformed answer is a service error, not "none"."""
        try:
            if "errors" in document and "result" not in document:
                raise geopy_exc.GeocoderQueryError("; ".join(map(str, document["errors"])))
            matches = document["result"]["addressMatches"]
            locations = [self._location(match) for match in matches]
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise geopy_exc.GeocoderParseError("Unexpected Census response") from error
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    @staticmethod
    def _location(match: dict) -> GeopyLocation:
        """One address match, its county GEOIDs and state in raw["voterguide"]."""
        lon, lat = float(match["coordinates"]["x"]), float(match["coordinates"]["y"])
        geographies = match.get("geographies", {})
        counties = [c["GEOID"] for c in geographies.get("Counties", [])]
        states = [s.get("STUSAB") for s in geographies.get("States", []) if s.get("STUSAB")]
        raw = dict(match)
        raw["voterguide"] = {"precision": "address", "counties": counties,
                             "state": states[0] if states else None}
        return GeopyLocation(match["matchedAddress"], (lat, lon), raw)

    def geocode_batch(self, rows: Iterable[BatchAddress], *, timeout: float | None = None
                      ) -> dict[str, GeopyLocation | None]:
        """Geocode up to BATCH_LIMIT addresses in one request; None for rows not matched."""
        rows = list(rows)
        if len(rows) > BATCH_LIMIT:
            raise ValueError(f"The Census batch endpoint takes at most {BATCH_LIMIT} rows.")
        upload = io.StringIO()
        writer = csv.writer(upload)
        for row in rows:
            writer.writerow([row.id, row.street, row.city, row.state, row.zip_code])
        body, content_type = _multipart({"benchmark": self.benchmark, "vintage": self.vintage},
                                        "addressFile", "addresses.csv", upload.getvalue())
        request = urllib.request.Request(self.batch_api, data=body, method="POST",
                                         headers={**self.headers, "Content-Type": content_type})
        seconds = self.timeout if timeout is None else timeout
        try:
            with urllib.request.urlopen(request, timeout=seconds) as response:
                text = response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            if error.code == 429:
                raise geopy_exc.GeocoderRateLimited("Census rate limit",
                                                    retry_after=_retry_after(error)) from error
            raise geopy_exc.GeocoderServiceError(f"Census batch answered {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise geopy_exc.GeocoderUnavailable("Census batch unreachable") from error
        return _parse_batch(text, {row.id for row in rows})


def _parse_batch(text: str, ids: set[str]) -> dict[str, GeopyLocation | None]:
    """Rows of the batch answer: id, input, Match|No_Match|Tie, kind, matched, "lon,lat",
    TIGER line id, side, state FIPS, county FIPS, tract, block."""
    found: dict[str, GeopyLocation | None] = dict.fromkeys(ids)
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 3 or row[0] not in ids:
            continue
        if row[2] != "Match" or len(row) < 10:
            continue
        try:
            lon, lat = (float(v) for v in row[5].split(","))
        except ValueError:
            continue
        county = f"{row[8]}{row[9]}" if row[8] and row[9] else None
        raw = {"voterguide": {"precision": "address", "counties": [county] if county else []}}
        found[row[0]] = GeopyLocation(row[4], (lat, lon), raw)
    return found


def _retry_after(error: urllib.error.HTTPError) -> int | None:
    """The Retry-After header in seconds, if it is a number."""
    value = error.headers.get("Retry-After") if error.headers else None
    return int(value) if value and value.isdigit() else None


def _multipart(fields: dict[str, str], file_field: str, filename: str,
               content: str) -> tuple[bytes, str]:
    """A multipart/form-data body with plain fields and one file."""
    boundary = uuid.uuid4().hex
    lines = []
    for name, value in fields.items():
        lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", value]
    lines += [f"--{boundary}",
              f'Content-Disposition: form-data; name="{file_field}"; filename="{filename}"',
              "Content-Type: text/csv", "", content, f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("utf-8"), f"multipart/form-data; boundary={boundary}"
