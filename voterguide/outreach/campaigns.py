"""Campaign codes (``?ref=``): count the visits and lookups each code brought, per day and
district, and report them.

Counts only. Nothing about the visitor is kept: no IP address, cookie, address or user
agent. Storage is bounded: at most CAMPAIGN_MAX_CODES_PER_DAY distinct codes a day (later
new codes count under OTHER), districts are known slugs, and old days can be pruned.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..models import CampaignCount, CampaignEvent

if TYPE_CHECKING:
    from ..guide.services import LookupResult

#: A valid campaign code, once case-folded.
CODE = re.compile(r"[a-z0-9_-]{1,32}")
#: Where visits with new codes count once a day's codes are full (never a valid code).
OTHER = "(other)"


def clean_code(raw: object) -> str | None:
    """A campaign code from a ?ref= value, case-folded; None for anything else (ignored)."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    code = raw.strip().lower()
    return code if CODE.fullmatch(code) else None


def today() -> dt.date:
    """The counting day (UTC, so every server agrees)."""
    return dt.datetime.now(dt.UTC).date()


def count(session: Session, code: str, kind: CampaignEvent, district: str = "",
          day: dt.date | None = None) -> None:
    """Add one to a code's count for a day, district and kind (flushes, does not commit)."""
    day = day or today()
    code = _bounded(session, code, day)
    values = {"day": day, "code": code, "district": district or "", "kind": kind, "count": 1}
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if insert is None:  # another backend: read, then write
        _count_portably(session, values)
        return
    statement = insert(CampaignCount).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["day", "code", "district", "kind"],
        set_={"count": CampaignCount.count + 1}))
    session.flush()


def count_softly(session: Session, code: str, kind: CampaignEvent, district: str = "") -> None:
    """Count as ``count`` does, inside a savepoint: a failure is logged and undone, never
    costing a voter their page or their answer (flushes)."""
    try:
        with session.begin_nested():
            count(session, code, kind, district)
    except SQLAlchemyError:
        logging.getLogger("voterguide").exception("Could not keep a campaign count")


def count_lookup(code: str | None, result: LookupResult) -> None:
    """Count a resolved lookup for a campaign code: its district, or "" for a picker
    (flushes; the request commits it)."""
    from ..extensions import db

    if code:
        district = result.choices[0].slug if not result.match.ambiguous else ""
        count_softly(db.session, code, CampaignEvent.LOOKUP, district)


def _bounded(session: Session, code: str, day: dt.date) -> str:
    """The code itself, or OTHER when the day already counts the most codes allowed."""
    limit = int(current_app.config["CAMPAIGN_MAX_CODES_PER_DAY"])
    known = select(CampaignCount.id).where(CampaignCount.day == day, CampaignCount.code == code)
    if session.scalar(known.limit(1)) is not None:
        return code
    codes = session.scalar(select(func.count(func.distinct(CampaignCount.code)))
                           .where(CampaignCount.day == day, CampaignCount.code != OTHER))
    return code if codes < limit else OTHER


def _count_portably(session: Session, values: dict) -> None:
    """Insert or increment without a dialect's upsert."""
    row = session.scalar(select(CampaignCount).filter_by(
        day=values["day"], code=values["code"], district=values["district"],
        kind=values["kind"]))
    if row is None:
        session.add(CampaignCount(**values))
    else:
        row.count += 1
    session.flush()


@dataclass(frozen=True)
class CampaignRow:
    """One line of the report: a day, a code, a district, its visits and lookups."""

    day: dt.date
    code: str
    district: str
    visits: int
    lookups: int


def report(session: Session, days: int | None = None, code: str | None = None
           ) -> list[CampaignRow]:
    """Visits and lookups per day, code and district: newest day first, then busiest code."""
    query = select(CampaignCount.day, CampaignCount.code, CampaignCount.district,
                   CampaignCount.kind, CampaignCount.count)
    if days is not None:
        query = query.where(CampaignCount.day > today() - dt.timedelta(days=days))
    if code is not None:
        query = query.where(CampaignCount.code == code)
    totals: dict[tuple, list[int]] = {}
    for day, row_code, district, kind, number in session.execute(query):
        pair = totals.setdefault((day, row_code, district), [0, 0])
        pair[kind is CampaignEvent.LOOKUP] += number
    rows = [CampaignRow(day, c, d, v, lk) for (day, c, d), (v, lk) in totals.items()]
    return sorted(rows, key=lambda r: (-r.day.toordinal(), -(r.visits + r.lookups), r.code,
                                       r.district))


@dataclass(frozen=True)
class DayTotal:
    """A day's visits and lookups over every code, for the chart."""

    day: dt.date
    visits: int
    lookups: int


def daily_totals(rows: list[CampaignRow]) -> list[DayTotal]:
    """Sum report rows per day, oldest first."""
    days: dict[dt.date, list[int]] = {}
    for row in rows:
        pair = days.setdefault(row.day, [0, 0])
        pair[0] += row.visits
        pair[1] += row.lookups
    return [DayTotal(day, v, lk) for day, (v, lk) in sorted(days.items())]


def prune(session: Session, days: int) -> int:
    """Delete counts older than ``days`` days; return how many rows went (flushes)."""
    result = session.execute(delete(CampaignCount).where(
        CampaignCount.day <= today() - dt.timedelta(days=days)))
    session.flush()
    return result.rowcount or 0
