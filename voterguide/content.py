"""The published guide's version: a number every write service bumps and every page cache
keys on, kept in the database so that all server processes agree at once."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import ContentVersion


def bump(session: Session) -> None:
    """Mark the published guide as changed, for every process's page cache (flushes).

    One UPDATE, so two writers never lose a bump; the row is made on first use.
    """
    if session.execute(update(ContentVersion).where(ContentVersion.id == 1)
                       .values(number=ContentVersion.number + 1)).rowcount == 0:
        session.add(ContentVersion(id=1, number=1))
    session.flush()


def current(session: Session) -> int:
    """The published guide's version number (0 before anything was published)."""
    return session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1)) or 0
