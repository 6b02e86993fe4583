"""The database every test runs on: a SQLite file, or a database in a throwaway PostgreSQL
cluster (tests/support/services.py), chosen for the whole run by
``VOTERGUIDE_TEST_DATABASE`` (``sqlite``, the default, or ``postgresql``). ``make test`` runs
the suite once on each.

The seeded database (Alabama and the demo election) is built once per run; each test gets
its own copy: a copied file on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from .services import PostgreSQL

#: The environment variable that picks the run's database.
VARIABLE = "VOTERGUIDE_TEST_DATABASE"
KINDS = ("sqlite", "postgresql")


def kind() -> str:
    """The run's kind of database."""
    chosen = os.environ.get(VARIABLE, "sqlite").strip().lower() or "sqlite"
    if chosen not in KINDS:
        raise SystemExit(f"{VARIABLE} is {chosen!r}, but it takes sqlite or postgresql.")
    return chosen


@dataclass(frozen=True)
class TestDatabase:
    """One test's database: its URL, and ways to look at what was committed to it."""

    __test__ = False  # not a test class, despite its name

    url: str
    #: The test's own folder (for the geocoders' shared state and other files).
    folder: Path
    #: The SQLite file (None on PostgreSQL).
    path: Path | None = None
    #: The cluster it lives in (None on SQLite).
    server: PostgreSQL | None = None
    name: str = ""

    def rows(self, sql: str, **parameters) -> list[tuple]:
        """What a query returns over a fresh connection: only what was committed."""
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), parameters)]
        finally:
            engine.dispose()

    def read_bytes(self) -> bytes:
        """Everything stored: the SQLite file, or a plain-text pg_dump of the database (to
        check that something, such as an address, is stored nowhere)."""
        if self.path is not None:
            return self.path.read_bytes()
        assert self.server is not None
        dump = subprocess.run(
            [str(_bin("pg_dump")), "--no-owner", "--data-only", "--inserts", self.name],
            env={**os.environ, **self.server.environment()}, capture_output=True, check=True)
        return dump.stdout

    def __fspath__(self) -> str:
        """The SQLite file's path (for tests that open it with sqlite3 or copy it)."""
        if self.path is None:
            raise TypeError("This test reads the SQLite file, but the run is on PostgreSQL: "
                            "use database.rows(sql) or database.read_bytes().")
        return str(self.path)

    def __str__(self) -> str:
        return self.url


def _bin(program: str) -> Path:
    from .services import postgresql_bin

    return postgresql_bin() / program


_numbers = itertools.count(1)

#: On PostgreSQL, every write to a test's database (a row written, a table changed) moves
#: this sequence on. Sequences ignore rollbacks, so a write that was undone counts too: a
#: database whose sequence never moved is exactly the seed, and the next test may have it.
WRITES = "voterguide_test_writes"
TRACK_WRITES = f"""
CREATE SEQUENCE {WRITES};
CREATE FUNCTION {WRITES}_row() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM nextval('{WRITES}'); RETURN NULL; END $$;
CREATE FUNCTION {WRITES}_ddl() RETURNS event_trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM nextval('{WRITES}'); END $$;
CREATE EVENT TRIGGER {WRITES}_ddl ON ddl_command_end EXECUTE FUNCTION {WRITES}_ddl();
CREATE EVENT TRIGGER {WRITES}_drop ON sql_drop EXECUTE FUNCTION {WRITES}_ddl();
DO $$ DECLARE name text; BEGIN
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('CREATE TRIGGER {WRITES} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                   'ON %I FOR EACH STATEMENT EXECUTE FUNCTION {WRITES}_row()', name);
  END LOOP;
END $$;
SELECT setval('{WRITES}', 1, false);  -- making the triggers above counted as writes
"""


class SeedDatabase:
    """The seeded database of a run, which tests copy.

    On PostgreSQL a copy that no test wrote to goes to the next test as it is; the others
    are dropped, and the next copy made, by one thread in the background while a test runs,
    so that a test waits for neither.
    """

    def __init__(self, database: TestDatabase):
        self.database = database
        #: PostgreSQL copies that no test wrote to, ready for the next test.
        self.unused: list[str] = []
        self._spare: Future[str] | None = None
        self._worker: ThreadPoolExecutor | None = None
        if database.server is not None:
            execute(database, TRACK_WRITES)
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-dbs")
            self._spare = self._worker.submit(self._create)

    @property
    def url(self) -> str:
        return self.database.url

    def _create(self) -> str:
        name = f"test_{os.getpid()}_{next(_numbers)}"
        admin(self.database.server, f'CREATE DATABASE "{name}" TEMPLATE "{self.database.name}"')
        return name

    def copy(self, folder: Path) -> TestDatabase:
        """A new database with the seed's contents (folder: where a SQLite file goes)."""
        seed = self.database
        if seed.path is not None:
            path = folder / "voterguide.sqlite3"
            shutil.copy(seed.path, path)
            return TestDatabase(f"sqlite:///{path}", folder, path=path)
        assert seed.server is not None and self._worker is not None
        if self.unused:
            name = self.unused.pop()
        else:
            assert self._spare is not None
            name = self._spare.result()
            self._spare = self._worker.submit(self._create)
        return TestDatabase(seed.server.url(name), folder, server=seed.server, name=name)

    def drop(self, copy: TestDatabase) -> None:
        """Done with a copy: keep it for the next test if nothing was written to it, else
        drop it in the background (a SQLite file goes with its temporary folder)."""
        if copy.server is None:
            return
        try:
            written = copy.rows(f"SELECT is_called FROM {WRITES}") != [(False,)]
        except DBAPIError:  # the sequence itself is gone
            written = True
        if not written:
            self.unused.append(copy.name)
        elif self._worker is not None:
            self._worker.submit(admin, copy.server,
                                f'DROP DATABASE IF EXISTS "{copy.name}" WITH (FORCE)')

    def close(self) -> None:
        """Wait for the background work (before the server stops)."""
        if self._worker is not None:
            self._worker.shutdown(wait=True)


def execute(database: TestDatabase, statements: str) -> None:
    """Run SQL statements in one transaction."""
    engine = create_engine(database.url, poolclass=NullPool)
    try:
        with engine.begin() as connection:  # psycopg's own: no placeholders in the text
            connection.connection.driver_connection.execute(statements)
    finally:
        engine.dispose()


def admin(server: PostgreSQL, statement: str) -> None:
    """Run a statement that cannot run in a transaction (CREATE/DROP DATABASE)."""
    engine = create_engine(server.url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def empty_database(folder: Path, server: PostgreSQL | None, name: str) -> TestDatabase:
    """A new empty database: a file in folder on SQLite, a database on the cluster."""
    if server is None:
        path = folder / f"{name}.sqlite3"
        return TestDatabase(f"sqlite:///{path}", folder, path=path)
    admin(server, f'CREATE DATABASE "{name}"')
    return TestDatabase(server.url(name), folder, server=server, name=name)
