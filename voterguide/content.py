"""The published guide's version: a number every write service bumps and every page cache
keys on, kept in the database so that all server processes agree at once."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select, update
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


class Stamp(NamedTuple):
    """The published guide's version and when it last changed (UTC, None if unknown)."""

    number: int
    changed_at: dt.datetime | None


def stamp(session: Session) -> Stamp:
    """The version and its time, in one query (before anything was published: 0, None)."""
    row = session.execute(select(ContentVersion.number, ContentVersion.changed_at)
                          .where(ContentVersion.id == 1)).first()
    return Stamp(row.number, row.changed_at) if row else Stamp(0, None)


def current(session: Session) -> int:
    """The published guide's version number (0 before anything was published)."""
    return session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1)) or 0
