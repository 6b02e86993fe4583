"""Districts by any name a person writes: its slug, "6th Judicial Circuit", "6th Circuit",
"Circuit 6", "Sixth Circuit", "Tuscaloosa County" (a county that lies in one district only).

Nothing here is about one state: the numbers and words come from each district's own name and
the counties come from the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import BoundaryKind, District
from .names import fold

#: Words that say what kind of area a district is, not which one.
KIND_WORDS = {"judicial", "circuit", "district", "division", "prosecutorial", "county",
              "parish", "borough", "the", "of", "court", "attorney", "attorneys", "da", "office",
              "no", "number", "jud", "cir", "dist", "st", "nd", "rd", "th"}
ORDINALS = {word: n for n, word in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
     "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
     "seventeenth", "eighteenth", "nineteenth", "twentieth"], start=1)}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
         "seventh": 7, "eighth": 8, "ninth": 9}
TENS_ORDINAL = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
                "sixtieth": 60}


@dataclass(frozen=True)
class DistrictMatch:
    """The districts a written value may mean, and how it was read (None: read as written)."""

    districts: tuple[District, ...]
    how: str | None = None


def _number_and_words(text: str) -> tuple[int | None, set[str]]:
    """The district number in a name ("6th", "sixth", "twenty-first", "6") and its other words."""
    words = fold(text).split()
    number, rest, skip = None, set(), False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        found = re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)?", word)
        if found and number is None:
            number = int(found.group(1))
            continue
        if word in TENS and index + 1 < len(words) and words[index + 1] in UNITS:
            number, skip = TENS[word] + UNITS[words[index + 1]], True
            continue
        if word in ORDINALS or word in TENS_ORDINAL:
            number = ORDINALS.get(word) or TENS_ORDINAL[word]
            continue
        if word not in KIND_WORDS:
            rest.add(word)
    return number, rest


class DistrictNames:
    """Every way this state's districts may be written, built once per import."""

    def __init__(self, session: Session, state_code: str):
        self.districts = list(session.scalars(
            select(District).where(District.state_code == state_code)
            .options(selectinload(District.counties))))
        self.exact: dict[str, District] = {}
        for district in self.districts:
            for key in (district.id, district.slug, district.name,
                        district.name.replace(" (", " ").rstrip(")")):
                self.exact[fold(key)] = district
        self.by_county: dict[str, list[District]] = defaultdict(list)
        for district in self.districts:
            for county in district.counties:
                self.by_county[fold(county.name)].append(district)
                bare = re.sub(r"\s+(county|parish|borough|city and borough|municipality)$", "",
                              fold(county.name))
                self.by_county[bare].append(district)

    def find(self, value: str) -> DistrictMatch:
        """The districts a cell may mean: none, one, or several (then the name must settle it)."""
        key = fold(value)
        if not key:
            return DistrictMatch(())
        if key in self.exact:
            return DistrictMatch((self.exact[key],))
        number, words = _number_and_words(value)
        if number is not None:
            found = []
            for district in self.districts:
                own_number, own_words = _number_and_words(district.name)
                if own_number == number and words <= own_words:
                    found.append(district)
            if len(found) > 1:
                # "10th Circuit": prefer the district whose name has no further distinction,
                # if exactly one has none; otherwise it stays ambiguous.
                plain = [d for d in found if not (_number_and_words(d.name)[1] - words)]
                found = plain if len(plain) == 1 else found
            if found:
                return DistrictMatch(tuple(found), f"“{value.strip()}” read as "
                                     + " or ".join(d.name for d in found))
        county = self.by_county.get(key) or self.by_county.get(re.sub(
            r"\s+(county|parish|borough)$", "", key))
        if county:
            covering = [d for d in dict.fromkeys(county)
                        if d.boundary_kind is not BoundaryKind.UNMAPPED]
            inside = [d for d in dict.fromkeys(county) if d not in covering]
            found = covering + inside
            return DistrictMatch(tuple(found), f"“{value.strip()}” is a county: read as "
                                 + " or ".join(d.name for d in found))
        if words:
            # A district known by a word of its name only ("Bessemer", "Bessemer Division").
            found = [d for d in self.districts if words <= _number_and_words(d.name)[1]]
            if len(found) == 1:
                return DistrictMatch(tuple(found), f"“{value.strip()}” read as {found[0].name}")
        return DistrictMatch(())
