"""Campaign codes (``?ref=``): count the visits and lookups each code brought, per day and
district, and report them.

Counts only. Nothing about the visitor is kept: no IP address, cookie, address or user
agent. Storage is bounded: at most CAMPAIGN_MAX_CODES_PER_DAY distinct codes a day (later
new codes count under OTHER), districts are known slugs, and old days can be pruned.

A count never keeps a voter waiting and is never lost: on SQLite, while another writer holds
the database's one write lock (a large publication), a count waits a moment only, then is
kept aside in a file beside the database (the day, code, district and kind: nothing else)
and added by a thread of the same process as soon as the lock is free (``keep_aside``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError
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
          day: dt.date | None = None, amount: int = 1) -> None:
    """Add ``amount`` (one) to a code's count for a day, district and kind (flushes, does not
    commit)."""
    day = day or today()
    code = _bounded(session, code, day)
    values = {"day": day, "code": code, "district": district or "", "kind": kind,
              "count": amount}
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if insert is None:  # another backend: read, then write
        _count_portably(session, values)
        return
    statement = insert(CampaignCount).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["day", "code", "district", "kind"],
        set_={"count": CampaignCount.count + amount}))
    session.flush()


def count_softly(session: Session, code: str, kind: CampaignEvent, district: str = "") -> None:
    """Count as ``count`` does, inside a savepoint: a failure is logged and undone, never
    costing a voter their page or their answer (flushes).

    On SQLite the count waits at most COUNT_WAIT_SECONDS for the write lock; if another
    writer (a publication) holds it longer, the count is kept aside and added once it is
    free, so the voter's page does not wait for the publication and the count is not lost."""
    day = today()
    try:
        with _waiting_briefly(session), session.begin_nested():
            count(session, code, kind, district, day)
    except LOCKED:
        if not keep_aside(session, day, code, kind, district):
            logging.getLogger("voterguide").exception("Could not keep a campaign count")
    except SQLAlchemyError:
        logging.getLogger("voterguide").exception("Could not keep a campaign count")
    else:
        folder = _aside_folder(session)
        if folder is not None and folder.is_dir() and any(folder.glob("*.jsonl")):
            _retry_soon(current_app._get_current_object(), folder)  # left by a stopped worker


# --- counts kept aside while SQLite's write lock is held ------------------------------------

#: What a writer meets when the lock stays taken: SQLAlchemy's error, or sqlite3's own where
#: the savepoint's BEGIN IMMEDIATE (web/transaction.py) is where the wait ran out.
LOCKED = (OperationalError, sqlite3.OperationalError)
#: How long a count waits for SQLite's write lock before it is kept aside instead.
COUNT_WAIT_SECONDS = 0.2
#: How often the thread that adds kept-aside counts tries again.
RETRY_SECONDS = 0.5
_aside_lock = threading.Lock()
_retrying: set[str] = set()  # folders this process has a thread for


@contextlib.contextmanager
def _waiting_briefly(session: Session) -> Iterator[None]:
    """On SQLite, wait COUNT_WAIT_SECONDS at most for the write lock inside the block."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    dbapi_connection = session.connection().connection.dbapi_connection
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(COUNT_WAIT_SECONDS * 1000)}")
    try:
        yield
    finally:
        dbapi_connection.execute(
            f"PRAGMA busy_timeout = {int(float(current_app.config['SQLITE_BUSY_SECONDS']) * 1000)}")


def _aside_folder(session: Session) -> Path | None:
    """Where counts are kept aside: a folder beside the SQLite file (None: not SQLite, or a
    database in memory)."""
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}-counts")


def keep_aside(session: Session, day: dt.date, code: str, kind: CampaignEvent,
               district: str) -> bool:
    """Keep a count that could not be written now in this process's file beside the
    database, and make sure a thread adds it soon; False where there is no such place."""
    folder = _aside_folder(session)
    if folder is None:
        return False
    line = json.dumps({"day": day.isoformat(), "code": code, "district": district or "",
                       "kind": kind.value}) + "\n"
    with _aside_lock:  # this process's writers and its own adder take turns
        folder.mkdir(exist_ok=True)
        with open(folder / f"pending-{os.getpid()}.jsonl", "a", encoding="utf-8") as file:
            file.write(line)
    _retry_soon(current_app._get_current_object(), folder)
    return True


def _retry_soon(app: Flask, folder: Path) -> None:
    """Start this process's thread that adds the counts kept aside, unless it runs."""
    with _aside_lock:
        if str(folder) in _retrying:
            return
        _retrying.add(str(folder))
    threading.Thread(target=_keep_adding, args=(app, folder), daemon=True,
                     name="campaign-counts").start()


def _keep_adding(app: Flask, folder: Path) -> None:
    """Add kept-aside counts every RETRY_SECONDS until none is left."""
    from ..extensions import db

    wait = threading.Event()
    try:
        while True:
            wait.wait(RETRY_SECONDS)
            with app.app_context():
                try:
                    left = add_kept_aside(db.session, folder)
                except LOCKED:  # still locked: try again
                    db.session.rollback()
                    left = True
            if not left:
                return
    finally:
        with _aside_lock:
            _retrying.discard(str(folder))


def _mine(path: Path) -> bool:
    """Whether a kept-aside file may be added by this process: its own, or one left by a
    process that has stopped (nobody appends to it any more)."""
    pid = int(path.stem.split("-")[1])
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def add_kept_aside(session: Session, folder: Path) -> bool:
    """Add every count this process may add from ``folder`` in one transaction (commits);
    whether any of those is left (written meanwhile)."""
    with _aside_lock:
        claimed = []
        for path in sorted(folder.glob("*.jsonl")):
            if not _mine(path):
                continue
            if path.name.startswith("pending-"):
                target = folder / f"adding-{os.getpid()}-{uuid.uuid4().hex}.jsonl"
                os.replace(path, target)  # new counts go to a new pending file
                path = target
            claimed.append(path)
    totals: Counter = Counter()
    for path in claimed:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
                key = (dt.date.fromisoformat(item["day"]), item["code"], item["district"],
                       CampaignEvent(item["kind"]))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash: that one count is gone
            totals[key] += 1
    if totals:
        with _waiting_briefly(session), session.begin_nested():
            for (day, code, district, kind), amount in sorted(totals.items()):
                count(session, code, kind, district, day, amount)
        session.commit()
    for path in claimed:
        path.unlink()
    return any(_mine(path) for path in folder.glob("*.jsonl"))


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
        row.count += values["count"]
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
