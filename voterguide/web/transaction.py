"""One unit of work per request and per command: views, services and commands only flush;
the request commits here after a successful answer and rolls back otherwise.

A request whose answer is a success or a redirect (below 400) commits; a refusal (4xx) or an
error (5xx, an exception) rolls back, so a refused request leaves nothing half-done. A view
that must keep what a refusal wrote declares ``@commits_refusals`` (a failed sign-in counts
toward the account's lockout). Work that may fail on its own without spoiling the request (a
campaign count, a draft preview) runs in a nested transaction: ``db.session.begin_nested()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..extensions import db
from .rules import rules_of


def register(app: Flask) -> None:
    """Install the request boundary; call it before any other after_request hook is added,
    so that it runs last (Flask runs them in reverse order) and commits what they flushed."""
    app.after_request(end_request)


def end_request(response: Response) -> Response:
    """Commit the request's work if it succeeded (or declared its refusals kept), else undo it.

    A failing commit raises, and Flask answers with the 500 page (whose own end rolls back).
    """
    session = db.session()
    if not (session.in_transaction() or session.new or session.dirty or session.deleted):
        return response  # nothing was read or written (a lookup from the index): no round trip
    if response.status_code < 400 or rules_of(request.endpoint).commits_refusals:
        session.commit()
    else:
        session.rollback()
    return response


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A flask command's (or a script's) transaction: commit at the end, roll back on error.

        with unit_of_work() as session:
            load_state(session, path)
    """
    session = db.session
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()


@event.listens_for(Engine, "savepoint")
def _begin_before_a_savepoint(connection, name) -> None:
    """On SQLite, open the transaction before the first savepoint.

    Python's sqlite3 starts a transaction only at the first INSERT, UPDATE or DELETE; a
    SAVEPOINT outside a transaction starts one of its own, which its RELEASE then commits,
    before the request's end could still roll it back.

    IMMEDIATE: a savepoint is opened to write (a campaign count, a staff action), and a
    transaction that read first and then writes fails at once, without waiting, if another
    writer (a long publication) committed meanwhile (SQLITE_BUSY_SNAPSHOT). Taking the write
    lock at the start waits for that writer instead (the busy timeout), so no count is lost.
    """
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")
