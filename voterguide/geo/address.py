"""Reading the parts of a US address offline: ZIP code, city, state, county.

``usaddress`` labels most addresses well, but raises ``RepeatedLabelError`` on many real
strings and mislabels rural routes, so every step here falls back to plain patterns and
never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import usaddress

ZIP_PATTERN = re.compile(r"(?<!\d)(\d{5})(?:[- ]\d{4})?(?!\d)")
# "Jefferson County", "Tuscaloosa Co.", "Madison Cnty": the county word ends the part (so
# that "12 Co Rd 5", a county road, is no county), and the name starts with a letter.
COUNTY_PATTERN = re.compile(
    r"^(?P<name>[^\W\d].*?)\s+(?:county|parish|borough|cnty|co)\b\.?$", re.IGNORECASE)
COUNTRY_PATTERN = re.compile(
    r"[\s,]*\b(?:u\.?s\.?a?\.?|united\s+states(?:\s+of\s+america)?|america)[\s.]*$",
    re.IGNORECASE)
PUNCTUATION = re.compile(r"[^\w\s]")
SAINT = re.compile(r"\bsaint\b")
MOUNT = re.compile(r"\bmount\b")
# "33.52, -86.81", "33.52 -86.81", "33.52° N, 86.81° W" (a map app's copy).
COORDINATES_PATTERN = re.compile(
    r"^\s*(?P<lat>[-+]?\d{1,2}(?:\.\d+)?)\s*°?\s*(?P<ns>[NS])?\s*[, ]\s*"
    r"(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)\s*°?\s*(?P<ew>[EW])?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class AddressParts:
    """What could be read from an address; any part may be missing."""

    zip_code: str | None = None
    city: str | None = None
    state: str | None = None  # as written: a postal code or a name
    county: str | None = None
    # Other readings of the city, tried in turn when the first names no known place.
    other_cities: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Lower-case, accents and punctuation removed, single spaces: for matching names."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = PUNCTUATION.sub(" ", text.lower())
    text = SAINT.sub("st", text)
    text = MOUNT.sub("mt", text)
    return " ".join(text.split())


def coordinates(text: str) -> tuple[float, float] | None:
    """Read "lat, lon" typed as an address; None if the text is not a coordinate pair."""
    match = COORDINATES_PATTERN.match(text)
    if not match:
        return None
    lat, lon = float(match["lat"]), float(match["lon"])
    if (match["ns"] or "").upper() == "S":
        lat = -abs(lat)
    if (match["ew"] or "").upper() == "W":
        lon = -abs(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def parse(text: str) -> AddressParts:
    """Read the ZIP, city, state and county of an address, falling back rather than failing."""
    text = " ".join(text.split())
    labels = _usaddress_labels(text)
    zip_code = _zip_code(labels.get("ZipCode")) or _last_zip(text)
    state = _clean(labels.get("StateName"))
    city = _clean(labels.get("PlaceName"))
    county = _county(text)
    comma_city, comma_state = _city_state_by_commas(text, zip_code)
    if not (city or state):
        city, state = comma_city, comma_state
    others = tuple(c for c in (comma_city,) if c and c != city)
    return AddressParts(zip_code=zip_code, city=city, state=state, county=county,
                        other_cities=others)


def _usaddress_labels(text: str) -> dict[str, str]:
    """usaddress's labels, keeping the first of repeated ones; {} when it cannot help."""
    try:
        tagged, _kind = usaddress.tag(text)
        return dict(tagged)
    except usaddress.RepeatedLabelError as error:
        labels: dict[str, str] = {}
        for token, label in error.parsed_string:
            if label in labels:
                # The place and state come late in an address: keep the later ones.
                if label in ("PlaceName", "StateName", "ZipCode"):
                    labels[label] = token
                continue
            labels[label] = token
        return labels
    except Exception:  # noqa: BLE001 - the parser is a model; any failure means "no labels"
        return {}


def _zip_code(value: str | None) -> str | None:
    """A five-digit ZIP from a labelled ZIP code, or None."""
    if not value:
        return None
    match = ZIP_PATTERN.search(value)
    return match.group(1) if match else None


def _last_zip(text: str) -> str | None:
    """The last five-digit group in the text that stands alone, if any."""
    matches = ZIP_PATTERN.findall(text)
    return matches[-1] if matches else None


def _county(text: str) -> str | None:
    """The county named in text like "Jefferson County" or "Madison Co.", if any."""
    for part in text.split(","):
        name = county_name(part)
        if name:
            return name
    return None


def county_name(text: str) -> str | None:
    """The name of a county written as "X County" (or "X Co.", "X Cnty", "X Parish")."""
    match = COUNTY_PATTERN.match(" ".join(text.split()))
    return match["name"].strip() if match else None


def without_country(text: str) -> str:
    """The text without a trailing "USA" or "United States" (geocoders and phones add it)."""
    return COUNTRY_PATTERN.sub("", text)


def without_zip(text: str) -> str:
    """The text with its ZIP codes taken out."""
    return " ".join(ZIP_PATTERN.sub(" ", text).split())


def _city_state_by_commas(text: str, zip_code: str | None) -> tuple[str | None, str | None]:
    """Read "..., City, ST" by its commas: a fallback when usaddress mislabels the place."""
    without_zip = ZIP_PATTERN.sub("", text) if zip_code else text
    parts = [p.strip() for p in without_zip.split(",") if p.strip()]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    if len(parts) == 1:
        return parts[0], None
    return None, None


def _clean(value: str | None) -> str | None:
    """Strip stray punctuation that usaddress leaves on tokens."""
    if not value:
        return None
    value = value.strip(" ,.;")
    return value or None
