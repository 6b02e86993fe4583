"""The published guide's version: a number every write service bumps and every page cache
keys on, kept in the database so that all server processes agree at once.

Pages read it once per request (``for_request``), and at most once per
``CONTENT_CHECK_SECONDS`` per process when that is set (a busy public page then needs no
database at all; a publish shows on every machine within that time, at once on its own).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from flask import current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import ContentVersion


def bump(session: Session) -> None:
    """Mark the published guide as changed, for every process's page cache (flushes).

    One UPDATE, so two writers never lose a bump; the row is made on first use.
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    if session.execute(update(ContentVersion).where(ContentVersion.id == 1)
                       .values(number=ContentVersion.number + 1, changed_at=now)
                       ).rowcount == 0:
        session.add(ContentVersion(id=1, number=1, changed_at=now))
    session.flush()
    _recent.clear()  # this process sees its own publish at once


class Stamp(NamedTuple):
    """The published guide's version and when it last changed (UTC, None if unknown)."""

    number: int
    changed_at: dt.datetime | None


def stamp(session: Session | Connection) -> Stamp:
    """The version and its time, in one query (before anything was published: 0, None)."""
    row = session.execute(select(ContentVersion.number, ContentVersion.changed_at)
                          .where(ContentVersion.id == 1)).first()
    return Stamp(row.number, row.changed_at) if row else Stamp(0, None)


def current(session: Session) -> int:
    """The published guide's version number (0 before anything was published)."""
    return session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1)) or 0



#: The version each database had when this process last read it: (time, stamp); a clock
#: that went back counts as expired.
_recent: dict[str, tuple[float, Stamp]] = {}
_recent_lock = threading.Lock()
#: Where a request keeps the version it read.
REQUEST_KEY = "voterguide.content_stamp"


def for_request(session: Session) -> Stamp:
    """The version a request's pages are made at: read once per request, and reused for up
    to CONTENT_CHECK_SECONDS by the process's other requests (0, the default: every request
    reads it)."""
    if has_request_context() and REQUEST_KEY in request.environ:
        return request.environ[REQUEST_KEY]
    seconds = float(current_app.config.get("CONTENT_CHECK_SECONDS", 0) or 0)
    found = shared(str(session.get_bind().url), seconds, lambda: stamp(session))
    if has_request_context():
        request.environ[REQUEST_KEY] = found
    return found


def shared(database: str, seconds: float, read: Callable[[], Stamp]) -> Stamp:
    """The version of a database as ``read`` reads it, reused by the process for up to
    ``seconds`` (0: read every time); a publish in this process is seen at once."""
    if seconds <= 0:
        return read()
    with _recent_lock:
        seen = _recent.get(database)
    if seen is not None and 0 <= time.time() - seen[0] < seconds:
        return seen[1]
    found = read()
    with _recent_lock:
        _recent[database] = (time.time(), found)
    return found
