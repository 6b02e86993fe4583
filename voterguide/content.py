"""The published guide's version: a number every write service bumps and every page cache
keys on, kept in the database so that all server processes agree at once.

Pages read it once per request (``for_request``), and at most once per
``CONTENT_CHECK_SECONDS`` per process when that is set (a busy public page then needs no
database at all; a publish shows on every machine within that time, at once on its own).
With the default 0, a process still skips the query while the version's signal shows no
change (``Signal``: a file in the instance folder that a committed bump replaces, one
``os.stat`` a request; with REDIS_URL a counter in Redis, one GET): a publish shows at once
in every process, and the database is read whenever the signal is missing or unusable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from flask import current_app, has_request_context, request
from sqlalchemy import event, select, update
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
    session.info[BUMPED] = str(session.get_bind().url)  # signalled once committed


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
    ``seconds`` (0: read every time, unless the version file says it is unchanged: see
    ``Signal``); a publish in this process is seen at once."""
    signal = _signals.get(database)
    if signal is not None and seconds <= 0:
        found = signal.shared(read)
        if found is not None:
            return found
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


#: The session key bump() leaves for the commit that makes the new version visible.
BUMPED = "voterguide.content_bumped"
log = logging.getLogger(__name__)


class Signal:
    """The version's change, mirrored in a small file of the instance folder, so that every
    process on this machine knows without a database query whether the version changed.

    A commit that bumped the version replaces the file (a new file each time: a new inode
    and mtime); a process reads the database only when the file's ``os.stat`` differs from
    the one it saw before its last read, else reuses that read: one syscall a request. The
    stat is taken before the database read, so a bump committed after it changes the file
    again. Never trusted: a missing file, one this process may not write (its own publish
    would not show elsewhere), or a reuse older than ``seconds`` (a bump the file missed,
    e.g. one committed outside an app): the database is read then, as before.
    """

    def __init__(self, path: str, seconds: float):
        self.path, self.seconds = path, seconds
        self.lock = threading.Lock()
        self.seen: tuple[float, tuple, Stamp] | None = None

    def key(self) -> tuple | None:
        """What identifies the file's current content, or None if it is missing."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_ctime_ns, found.st_size)

    def shared(self, read: Callable[[], Stamp]) -> Stamp | None:
        """The version, reused while the file is unchanged; None if the file is unusable."""
        key = self.key()
        if key is None:
            return None
        seen = self.seen
        if seen is not None and seen[1] == key and 0 <= time.time() - seen[0] < self.seconds:
            return seen[2]
        found = read()
        if self.writable():
            self.seen = (time.time(), key, found)
        return found

    def writable(self) -> bool:
        """Whether this process's own publish would change the file."""
        return os.access(self.path, os.W_OK)

    def notify(self, number: str) -> None:
        """Replace the file (after a commit that bumped the version); if that fails, remove
        it, so that every process reads the database again."""
        self.seen = None
        temporary = f"{self.path}.{os.getpid()}.{threading.get_ident()}"
        try:
            with open(temporary, "w", encoding="ascii") as file:
                file.write(number + "\n")
            os.replace(temporary, self.path)
        except OSError as error:
            log.warning("The content version file %s could not be written (%s); every "
                        "process reads the version from the database instead.", self.path,
                        error)
            for path in (temporary, self.path):
                with contextlib.suppress(OSError):
                    os.unlink(path)


class RedisSignal(Signal):
    """The same, through a counter in the shared Redis (several machines share no instance
    folder): one GET per process every ``REUSE_SECONDS`` instead of a stat a request; Redis
    unreachable: the database."""

    #: How long a process reuses the counter it read. A GET a request was a round trip to
    #: Redis for every kept page, which on election day costs more than the page; this way a
    #: process sends a few a second, and a publish elsewhere shows this much later (one in
    #: this process, at once).
    REUSE_SECONDS = 0.25

    def __init__(self, client, name: str, seconds: float):
        super().__init__(name, seconds)
        self.client = client
        self.counter: tuple[float, tuple] | None = None

    def key(self) -> tuple | None:
        """The counter's value (None before any publish since Redis started), read at most
        ``REUSE_SECONDS`` ago, or None if Redis does not answer."""
        from redis import RedisError

        now, counter = time.time(), self.counter
        if counter is not None and 0 <= now - counter[0] < self.REUSE_SECONDS:
            return counter[1]
        try:
            found = ("count", self.client.get(self.path))
        except RedisError:
            return None
        self.counter = (now, found)
        return found

    def writable(self) -> bool:
        """Redis answered the read: a publish's increment would reach it too."""
        return True

    def notify(self, number: str) -> None:
        """Count the publish; if Redis does not answer, the others see it within seconds."""
        from redis import RedisError

        self.seen = self.counter = None
        try:
            self.client.incr(self.path)
        except RedisError as error:
            log.warning("The content version counter in Redis could not be raised (%s); "
                        "the other processes see the publish within "
                        "CONTENT_SIGNAL_SECONDS.", error)


#: The version files of this process's apps, by database URL.
_signals: dict[str, Signal] = {}


def watch_redis(database: str, client, seconds: float) -> Signal | None:
    """Mirror a database's version changes in a counter of the shared Redis (``client``);
    None when ``seconds`` is 0."""
    if seconds <= 0:
        _signals.pop(database, None)
        return None
    name = "voterguide:content-version:" + hashlib.sha256(database.encode()).hexdigest()[:16]
    signal = _signals[database] = RedisSignal(client, name, seconds)
    return signal


def watch(database: str, folder: str, seconds: float) -> Signal | None:
    """Mirror a database's version changes in a file of ``folder`` (the instance folder,
    which every app process of a machine shares); made if missing. None when ``seconds``
    is 0 (the setting turns it off)."""
    if seconds <= 0:
        _signals.pop(database, None)
        return None
    name = "content-version-" + hashlib.sha256(database.encode()).hexdigest()[:16]
    signal = Signal(os.path.join(folder, name), seconds)
    _signals[database] = signal
    if signal.key() is None:
        with contextlib.suppress(OSError):
            os.makedirs(folder, exist_ok=True)
        signal.notify("0")
    return signal


@event.listens_for(Session, "after_commit")
def _signal_committed(session: Session) -> None:
    """Once a bump is committed, tell this machine's other processes (the version file)."""
    database = session.info.pop(BUMPED, None)
    if database is None:
        return
    _recent.clear()
    signal = _signals.get(database)
    if signal is not None:
        signal.notify(str(time.time_ns()))


@event.listens_for(Session, "after_rollback")
def _bump_undone(session: Session) -> None:
    """A bump rolled back changed nothing."""
    session.info.pop(BUMPED, None)
