"""A geocoding cache shared by the workers and surviving restarts, in the database.

Entries are keyed by an HMAC of the normalised address, so no address is stored in readable
form; they keep only what a lookup needs, with coordinates rounded to three decimals (about
100 metres, carried as a 150 m uncertainty). Entries expire after a number of days and the
table is kept under a size bound. Hits and misses are counted per day, in memory first and
written every so often, so that a cache hit costs no write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import time

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import GeocodeCacheDay, GeocodeCacheEntry
from .address import normalise
from .geocoding import Location, Precision, Spot

#: How far a cached point may be from the geocoded one, after rounding.
ROUNDING_M = 150.0
FLUSH_EVERY_SECONDS = 30.0


class GeocodeCache:
    """Geocoding results by keyed hash of the address."""

    def __init__(self, secret: str, days: float, max_entries: int):
        self.secret = secret.encode("utf-8")
        self.max_age = dt.timedelta(days=days)
        self.max_entries = max_entries
        self._counts = {"hits": 0, "misses": 0}
        self._flushed_at = time.monotonic()
        self._lock = threading.Lock()

    def key(self, address: str) -> str:
        """The keyed hash an address is stored under."""
        return hmac.new(self.secret, normalise(address).encode("utf-8"),
                        hashlib.sha256).hexdigest()

    def get(self, address: str) -> Location | None:
        """A fresh cached location for the address, or None (counted as a hit or a miss)."""
        oldest = _now() - self.max_age
        with db.engine.connect() as connection:
            stored = connection.execute(
                select(GeocodeCacheEntry.location)
                .where(GeocodeCacheEntry.key == self.key(address),
                       GeocodeCacheEntry.created_at >= oldest)).scalar_one_or_none()
        self._count("hits" if stored else "misses")
        return _location(stored) if stored else None

    def put(self, address: str, location: Location, provider: str) -> None:
        """Keep a location (rounded) for the address; trim the table when it is too big."""
        entry = {"lat": round(location.lat, 3), "lon": round(location.lon, 3),
                 "precision": location.precision.value, "counties": list(location.counties),
                 "state": location.state,
                 "spots": [[round(s.lat, 3), round(s.lon, 3), s.radius_m + ROUNDING_M]
                           for s in location.spots]}
        key, now = self.key(address), _now()
        with db.engine.begin() as connection:
            changed = connection.execute(
                update(GeocodeCacheEntry).where(GeocodeCacheEntry.key == key)
                .values(location=entry, provider=provider, created_at=now)).rowcount
            if not changed:
                try:
                    with connection.begin_nested():
                        connection.execute(GeocodeCacheEntry.__table__.insert().values(
                            key=key, location=entry, provider=provider, created_at=now))
                except IntegrityError:
                    pass  # another worker stored the same address a moment ago
            self._trim(connection, now)

    def _trim(self, connection, now: dt.datetime) -> None:
        """Drop expired entries, then the oldest beyond the size bound."""
        connection.execute(delete(GeocodeCacheEntry)
                           .where(GeocodeCacheEntry.created_at < now - self.max_age))
        count = connection.execute(select(func.count()).select_from(GeocodeCacheEntry)).scalar()
        if count > self.max_entries:
            oldest = (select(GeocodeCacheEntry.key).order_by(GeocodeCacheEntry.created_at)
                      .limit(count - self.max_entries))
            connection.execute(delete(GeocodeCacheEntry)
                               .where(GeocodeCacheEntry.key.in_(oldest.scalar_subquery())))

    def _count(self, kind: str) -> None:
        """Count a hit or a miss; write the counts out every FLUSH_EVERY_SECONDS."""
        with self._lock:
            self._counts[kind] += 1
            due = time.monotonic() - self._flushed_at >= FLUSH_EVERY_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Add the counts held in memory to today's row."""
        with self._lock:
            counts, self._counts = self._counts, {"hits": 0, "misses": 0}
            self._flushed_at = time.monotonic()
        if not any(counts.values()):
            return
        today = _now().date()
        with db.engine.begin() as connection:
            changed = connection.execute(
                update(GeocodeCacheDay).where(GeocodeCacheDay.day == today).values(
                    hits=GeocodeCacheDay.hits + counts["hits"],
                    misses=GeocodeCacheDay.misses + counts["misses"])).rowcount
            if not changed:
                connection.execute(GeocodeCacheDay.__table__.insert().values(day=today, **counts))

    def stats(self, days: int = 30) -> list[dict]:
        """Hits, misses and hit rate per day, newest first (after writing pending counts)."""
        self.flush()
        since = _now().date() - dt.timedelta(days=days)
        with db.engine.connect() as connection:
            rows = connection.execute(select(GeocodeCacheDay).where(GeocodeCacheDay.day >= since)
                                      .order_by(GeocodeCacheDay.day.desc())).all()
            size = connection.execute(select(func.count()).select_from(GeocodeCacheEntry)).scalar()
        return [{"day": r.day, "hits": r.hits, "misses": r.misses, "entries": size,
                 "hit_rate": r.hits / (r.hits + r.misses) if r.hits + r.misses else 0.0}
                for r in rows]


def _now() -> dt.datetime:
    """The current UTC time, without tzinfo (stored the same way on every database)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _location(stored: dict) -> Location:
    """A cached location, uncertain by the rounding."""
    lat, lon = stored["lat"], stored["lon"]
    spots = tuple(Spot(*s) for s in stored.get("spots") or ()) or (Spot(lat, lon, ROUNDING_M),)
    return Location(lat, lon, Precision(stored["precision"]), spots=spots,
                    counties=tuple(stored.get("counties") or ()), state=stored.get("state"))
