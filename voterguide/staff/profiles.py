"""Importing district figures from a CSV (or .xlsx) file, through the same change sets as
answers: a preview, a draft, publication, history and rollback, every problem named by row
and column.

The file has one row per figure, with these columns (in any order, headers in any case):
district, fact, period, value, unit, source, link, retrieved, caveat, and optionally
counties. See docs/data-format.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    District,
    DistrictFact,
    FactUnit,
    StaffUser,
    State,
)
from ..serializers import FIGURE_FIELDS, figure_fields
from .accounts import now
from .cleaners import normalise
from .district_names import DistrictNames
from .importer import Problem
from .names import fold
from .reading import column_letter, read_sheet

#: How a figures import is marked on its change set (``file_shape``).
FIGURES_SHAPE = "figures"
#: The columns a figures file needs, then the optional ones.
REQUIRED = ("district", "fact", "period", "value", "unit", "source", "link", "retrieved")
OPTIONAL = ("caveat", "counties")
#: Columns of the open data's figures CSV that an import reads past without a word.
IGNORED = ("district slug", "district name", "sample")
#: Other headers staff's spreadsheets use for the same columns.
ALIASES = {"district id": "district", "figure": "fact", "name": "fact", "year": "period",
           "units": "unit", "source name": "source", "source link": "link", "url": "link",
           "source url": "link", "retrieved on": "retrieved", "date retrieved": "retrieved",
           "note": "caveat", "notes": "caveat", "county": "counties",
           "counties covered": "counties"}
#: The words a unit cell may hold, folded.
UNIT_NAMES = {"people": FactUnit.PEOPLE, "persons": FactUnit.PEOPLE, "person": FactUnit.PEOPLE,
              "percent": FactUnit.PERCENT, "%": FactUnit.PERCENT, "share": FactUnit.PERCENT,
              "cases": FactUnit.CASES, "case": FactUnit.CASES, "dollars": FactUnit.DOLLARS,
              "$": FactUnit.DOLLARS, "usd": FactUnit.DOLLARS, "days": FactUnit.DAYS,
              "per 100,000": FactUnit.PER_100K, "per 100000": FactUnit.PER_100K,
              "per 100k": FactUnit.PER_100K, "per_100k": FactUnit.PER_100K,
              "per 100,000 residents": FactUnit.PER_100K}
LIMITS = {"fact": 200, "source": 300, "link": 500, "caveat": 2000}


class CellProblem(ValueError):
    """A cell that cannot be read; the message says why, in plain words."""


def clean_period(text: str, today: dt.date | None = None) -> str:
    """A period: a year ("2023") or a month ("2023-06"), not in the future."""
    value = unicodedata.normalize("NFKC", text).strip()
    found = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2}))?", value)
    if not found:
        raise CellProblem(f"“{value}” is not a period: write a year (2023) or a month "
                          "(2023-06).")
    year, month = int(found.group(1)), found.group(2)
    latest = (today or dt.date.today()).year
    if not 1900 <= year <= latest:
        raise CellProblem(f"{year} is not a year a published figure can be for "
                          f"(1900 to {latest}).")
    if month is not None and not 1 <= int(month) <= 12:
        raise CellProblem(f"“{value}”: the month must be 01 to 12.")
    return value


def clean_unit(text: str) -> FactUnit:
    """A unit by any of its names."""
    unit = UNIT_NAMES.get(normalise(text))
    if unit is None:
        raise CellProblem(f"“{text.strip()}” is not a unit the guide knows: use one of "
                          "people, percent, cases, dollars, days or per 100,000.")
    return unit


def clean_value(text: str, unit: FactUnit | None) -> float:
    """A figure's number: digits with optional thousands commas, a decimal point, a % sign
    for a percentage; not negative, a percentage at most 100."""
    raw = unicodedata.normalize("NFKC", text).strip().replace("\u00a0", "").replace(" ", "")
    if unit is FactUnit.PERCENT:
        raw = raw.removesuffix("%")
    if unit is FactUnit.DOLLARS:
        raw = raw.removeprefix("$")
    if not re.fullmatch(r"-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?", raw):
        raise CellProblem(f"“{text.strip()}” is not a number.")
    value = float(raw.replace(",", ""))
    if math.isinf(value) or value > 1e12:
        raise CellProblem(f"{text.strip()} is too large for a figure.")
    if value < 0:
        raise CellProblem("A figure cannot be negative.")
    if unit is FactUnit.PERCENT and value > 100:
        raise CellProblem(f"{text.strip()} is more than 100 percent.")
    return value


def clean_link(text: str) -> str:
    """The source's web address: http or https, with a host."""
    value = text.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise CellProblem(f"“{value[:80]}” is not a web address: it must start with "
                          "https:// (or http://).")
    return value


def clean_retrieved(text: str, today: dt.date | None = None) -> dt.date:
    """The day the figure was retrieved: YYYY-MM-DD (or M/D/YYYY), not in the future."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            day = dt.datetime.strptime(value, "%m/%d/%Y").date()
        else:
            day = dt.date.fromisoformat(value)
    except ValueError:
        raise CellProblem(f"“{value}” is not a date: write it as 2024-03-31.") from None
    if day > (today or dt.date.today()):
        raise CellProblem(f"{day.isoformat()} is in the future.")
    if day.year < 1900:
        raise CellProblem(f"{day.isoformat()} is too long ago.")
    return day


def clean_text(text: str, column: str, required: bool = True) -> str:
    """A text cell: spaces tidied, not too long, present if required."""
    value = " ".join(text.split())
    if required and not value:
        raise CellProblem(f"The {column} is missing: every figure needs one." if column !=
                          "source" else "The source is missing: a figure without a source "
                          "cannot be published.")
    if len(value) > LIMITS[column]:
        raise CellProblem(f"The {column} is longer than {LIMITS[column]} characters.")
    return value


class Districts:
    """Every covered district, by id, slug or any name staff write for it."""

    def __init__(self, session: Session):
        self.names = [DistrictNames(session, code) for code in session.scalars(select(State.code))]
        self.counties = {d.id: {c.fips: c.name for c in d.counties} for d in session.scalars(
            select(District).options(selectinload(District.counties)))}

    def find(self, text: str) -> District:
        """The one district a cell names."""
        found: list[District] = []
        for names in self.names:
            found += [d for d in names.find(text).districts if d not in found]
        if not found:
            raise CellProblem(f"No district in the guide is called “{text.strip()[:80]}”: use "
                              "its id (ocd-division/…) or its name as the guide writes it.")
        if len(found) > 1:
            raise CellProblem(f"“{text.strip()[:80]}” could be "
                              + " or ".join(d.name for d in found) + ": use the district's id.")
        return found[0]

    def clean_counties(self, text: str, district: District) -> list[str]:
        """The county FIPS codes a figure covers; all of the district's if the cell is empty."""
        own = self.counties.get(district.id, {})
        if not text.strip():
            return sorted(own)
        by_name = {fold(name): fips for fips, name in own.items()}
        by_name.update({re.sub(r"\s+county$", "", k): v for k, v in by_name.items()})
        chosen = []
        for part in re.split(r"[;|]", text):
            key = fold(part)
            if not key:
                continue
            fips = key if key in own else by_name.get(key)
            if fips is None:
                raise CellProblem(f"“{part.strip()}” is not one of the {district.name}'s "
                                  "counties.")
            chosen.append(fips)
        return sorted(set(chosen))


def _columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """Which column holds what, and the problems of the header row."""
    found: dict[str, int] = {}
    problems = []
    for index, text in enumerate(header):
        name = fold(text).replace("_", " ")
        name = ALIASES.get(name, name)
        if name in REQUIRED + OPTIONAL:
            if name in found:
                problems.append(Problem(1, column_letter(index), f"A second “{name}” column: "
                                        "keep one."))
            else:
                found[name] = index
        elif text.strip() and name not in IGNORED:
            problems.append(Problem(1, column_letter(index), f"“{text.strip()[:80]}” is not a "
                                    "column of a figures file; it is ignored.", blocking=False))
    for name in REQUIRED:
        if name not in found:
            problems.append(Problem(1, None, f"The file has no “{name}” column. A figures file "
                                    "has the columns " + ", ".join(REQUIRED + OPTIONAL) + "."))
    return found, problems


def read_figures(session: Session, rows: list[tuple[int, list[str]]],
                 today: dt.date | None = None) -> tuple[list[dict], list[Problem], int]:
    """The changes a figures file makes, its problems, and how many figures it leaves as
    they are."""
    rows = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        return [], [Problem(None, None, "The file has no rows.")], 0
    (_, header), body = rows[0], rows[1:]
    where, problems = _columns(header)
    if any(p.blocking for p in problems):
        return [], problems, 0
    if not body:
        return [], problems + [Problem(None, None, "The file has a header row but no figures "
                                       "under it.")], 0
    districts = Districts(session)
    live = {(f.district_id, f.fact, f.period): f for f in session.scalars(select(DistrictFact))}
    changes, seen, unchanged = [], {}, 0
    for number, cells in body:
        values, row_problems = _read_row(number, cells, where, districts, today)
        problems += row_problems
        if values is None:
            continue
        district = values["district"]
        key = (district.id, values["fact"], values["period"])
        if key in seen:
            problems.append(Problem(number, _where(where, "fact"), f"The same figure "
                                    f"({values['fact']}, {values['period']}) is on row "
                                    f"{seen[key]} too: keep one."))
            continue
        seen[key] = number
        wanted = {"value": values["value"], "unit": values["unit"].value,
                  "counties": values["counties"], "source_name": values["source"],
                  "source_url": values["link"], "retrieved_on": values["retrieved"].isoformat(),
                  "caveat": values["caveat"], "sample": False}
        label = f"{district.name}: {values['fact']}, {values['period']}"
        existing = live.get(key)
        if existing is None:
            changes.append({"entity": "figure", "key": list(key), "label": label,
                            "before": None, "after": wanted})
            continue
        current = figure_fields(existing)
        changed = [name for name in FIGURE_FIELDS if current[name] != wanted[name]]
        if not changed:
            unchanged += 1
            continue
        changes.append({"entity": "figure", "key": list(key), "label": label,
                        "before": {n: current[n] for n in changed},
                        "after": {n: wanted[n] for n in changed}})
    return changes, problems, unchanged


def _where(where: dict[str, int], name: str) -> str | None:
    """A column as a person finds it: its letter and its name, e.g. "F (source)"."""
    return f"{column_letter(where[name])} ({name})" if name in where else None


def _read_row(number: int, cells: list[str], where: dict[str, int], districts: Districts,
              today: dt.date | None) -> tuple[dict | None, list[Problem]]:
    """One row's cleaned values (None if any cell is wrong) and its problems."""

    def cell(name: str) -> str:
        index = where.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    values: dict = {}
    problems = []
    cleaners = [("district", lambda: districts.find(cell("district"))),
                ("fact", lambda: clean_text(cell("fact"), "fact")),
                ("period", lambda: clean_period(cell("period"), today)),
                ("unit", lambda: clean_unit(cell("unit"))),
                ("value", lambda: clean_value(cell("value"), values.get("unit"))),
                ("source", lambda: clean_text(cell("source"), "source")),
                ("link", lambda: clean_link(cell("link"))),
                ("retrieved", lambda: clean_retrieved(cell("retrieved"), today)),
                ("caveat", lambda: clean_text(cell("caveat"), "caveat", required=False))]
    if "district" in where:
        cleaners.append(("counties", lambda: districts.clean_counties(cell("counties"),
                                                                      values["district"])))
    for name, clean in cleaners:
        if name == "counties" and "district" not in values:
            continue
        try:
            values[name] = clean()
        except CellProblem as problem:
            problems.append(Problem(number, _where(where, name), str(problem)))
    return (None if problems else values), problems


def _summary(changes: list[dict], unchanged: int, problems: list[Problem]) -> str:
    """One line: new figures, changed figures, unchanged figures, problems."""
    new = sum(c["before"] is None for c in changes)
    edited = len(changes) - new
    blocking = sum(p.blocking for p in problems)
    text = (f"{new} new figure{'s' * (new != 1)}, {edited} changed figure{'s' * (edited != 1)}, "
            f"{unchanged} figure{'s' * (unchanged != 1)} unchanged")
    if blocking:
        text += f"; {blocking} problem{'s' * (blocking != 1)} to fix first"
    return text


def check_figures(session: Session, change_set: ChangeSet) -> ChangeSet:
    """Read a figures change set's file against the guide as it is now (flushes nothing)."""
    sheet = read_sheet(change_set.file_name or "", change_set.source or b"")
    changes, problems, unchanged = read_figures(session, sheet.rows)
    change_set.changes = changes
    change_set.problems = [p.as_dict() for p in problems]
    change_set.summary = _summary(changes, unchanged, problems)
    change_set.reading = {}
    return change_set


def import_figures(session: Session, file_name: str, content: bytes, user: StaffUser | None,
                   *, keep: str = "preview") -> ChangeSet:
    """Check a figures file, then keep nothing, a preview, a draft or publish it (flushes).

    The page and the ``import-figures`` command both call this. Raises FileRefused for a file
    that cannot be read at all; a draft or a publication of a file with problems raises
    ImportNotKept (nothing published changes)."""
    from . import services

    if keep not in services.KEEP:
        raise ValueError(f"keep must be one of {services.KEEP}")
    change_set = ChangeSet(kind=ChangeSetKind.IMPORT, status=ChangeSetStatus.PREVIEW,
                           election=None, file_name=file_name[:255], file_shape=FIGURES_SHAPE,
                           file_checksum=hashlib.sha256(content).hexdigest(), source=content,
                           delete_missing=False, created_by=user, created_at=now(),
                           decisions={})
    check_figures(session, change_set)
    return services.keep_checked(session, change_set, keep, user)
