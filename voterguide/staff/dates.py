"""Dates as survey tools and spreadsheets write them, read in the order the file itself shows.

"03/07/2028" is 7 March in the United States and 3 July in most of Europe. A file settles it
when any of its dates has a day over 12 ("15/07/2028"), or when only one reading puts every
date between the questionnaire being sent and election day; otherwise the preview asks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .cleaners import CleanError

MDY, DMY = "mdy", "dmy"
ORDER_NAMES = {MDY: "month/day/year (7/15/2028 is 15 July)",
               DMY: "day/month/year (15/07/2028 is 15 July)"}

#: a/b/y with / or - between, optionally a time (and AM/PM, a zone) after it.
NUMERIC = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})\b")
ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\b|T)")
DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\b")  # 15.07.2028: always d.m.y
WORDS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y",
         "%A, %B %d, %Y", "%d-%b-%Y", "%d-%b-%y", "%b-%d-%Y")


def _year(text: str) -> int:
    """A two- or four-digit year (two digits: this century)."""
    year = int(text)
    return year + 2000 if year < 100 else year


def parse(value: str, order: str | None = None) -> dt.date | None:
    """A date from a cell, in the given order for a/b/y dates; None when blank.

    Raises CleanError when the cell is not a date, or is a/b/y with both parts ≤ 12 and no
    order is given.
    """
    text = " ".join(value.split())
    if not text:
        return None
    year = month = day = None
    if found := ISO.match(text):
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    elif found := DOTTED.match(text):
        year, month, day = _year(found[3]), int(found[2]), int(found[1])
    elif found := NUMERIC.match(text):
        a, b, year = int(found[1]), int(found[2]), _year(found[3])
        if order is None:
            if a > 12:
                order = DMY
            elif b > 12 or a == b:
                order = MDY
            else:
                raise CleanError(f"“{value[:40]}” could be {a}/{b} or {b}/{a}: which order "
                                 "does the file write dates in?")
        month, day = (a, b) if order == MDY else (b, a)
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CleanError(f"“{value[:40]}” is not a date.") from None
    day_part = re.split(r"(?<=\d{4})[ T,]|\s(?=\d{1,2}:\d{2})", text)[0].strip(" ,")
    for pattern in WORDS:
        try:
            return dt.datetime.strptime(day_part, pattern).date()
        except ValueError:
            continue
    raise CleanError(f"“{value[:40]}” is not a date (write it like 2028-07-15 or 7/15/2028).")


@dataclass(frozen=True)
class DateOrder:
    """The order a file writes a/b/y dates in, and why; order None: the file does not say."""

    order: str | None
    reason: str
    example: str = ""


def file_order(values: Iterable[str], earliest: dt.date | None = None,
               latest: dt.date | None = None) -> DateOrder:
    """Work out from a file's dates whether a/b/y means month/day or day/month."""
    pairs = []
    for value in values:
        found = NUMERIC.match(" ".join(value.split()))
        if found:
            pairs.append((int(found[1]), int(found[2]), _year(found[3]), value.strip()))
    if not pairs:
        return DateOrder(MDY, "no date in the file is written day and month in numbers")
    day_first = [p for p in pairs if p[0] > 12]
    month_first = [p for p in pairs if p[1] > 12]
    if day_first and month_first:
        raise CleanError(f"The file mixes date orders: “{day_first[0][3]}” is day/month but "
                         f"“{month_first[0][3]}” is month/day.")
    if day_first:
        return DateOrder(DMY, f"“{day_first[0][3]}” has a day over 12")
    if month_first:
        return DateOrder(MDY, f"“{month_first[0][3]}” has a day over 12")
    ambiguous = [p for p in pairs if p[0] != p[1]]
    if not ambiguous:
        return DateOrder(MDY, "every date reads the same either way")
    if earliest and latest:
        fits = {}
        for order in (MDY, DMY):
            try:
                fits[order] = all(earliest <= dt.date(y, *((a, b) if order == MDY else (b, a)))
                                  <= latest for a, b, y, _ in pairs)
            except ValueError:
                fits[order] = False
        if fits[MDY] != fits[DMY]:
            order = MDY if fits[MDY] else DMY
            return DateOrder(order, f"only {ORDER_NAMES[order].split(' (')[0]} puts every date "
                             f"between {earliest:%-d %B} and {latest:%-d %B %Y}")
    return DateOrder(None, "every date could be read either way", ambiguous[0][3])
