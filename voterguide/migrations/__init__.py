"""The database's schema over time: Alembic revisions in ``versions/``, run by Flask-Migrate.

``upgrade()`` brings the app's database to the newest revision (``flask setup`` calls it).
Releases before migrations made their tables with ``create_all`` and left no
``alembic_version``; such a database is recognised and brought to the baseline revision
first (``adopt_previous_release``), every row kept, then upgraded like any other.
"""

from __future__ import annotations

from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, literal, select, table, text
from sqlalchemy.sql import column

DIRECTORY = Path(__file__).resolve().parent
#: The revision equal to the schema of the last release before migrations.
BASELINE = "0001"
#: Columns the baseline has that earlier releases' tables may lack, with the value that
#: rows made by those releases take. (Nullable columns would simply be left empty.)
ADDED_BEFORE_BASELINE = {("candidates", "withdrawn"): False}
#: Tables every release of voterguide had: their presence identifies one of its databases.
FIRST_RELEASE_TABLES = {"states", "counties", "districts", "elections", "races", "candidates"}
#: Where a previous release's table waits while the baseline's is made beside it.
SET_ASIDE = "_previous_"


class PreviousReleaseError(RuntimeError):
    """A database from before migrations that cannot be adopted automatically."""


def alembic_config():
    """Alembic's configuration for the current app (what ``flask db`` uses)."""
    from flask import current_app

    return current_app.extensions["migrate"].migrate.get_config(str(DIRECTORY))


def upgrade(revision: str = "head") -> None:
    """Upgrade the current app's database to ``revision`` (adopting an old one first).

    Alembic's own errors propagate (``flask db upgrade`` would log them and exit)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)


def is_previous_release(connection: Connection) -> bool:
    """Whether the database holds voterguide's tables but no migration history."""
    tables = set(inspect(connection).get_table_names())
    return "alembic_version" not in tables and tables >= FIRST_RELEASE_TABLES


def adopt_previous_release(migration_context: MigrationContext,
                           scripts: ScriptDirectory) -> bool:
    """Bring a database made by a release before migrations to the baseline and stamp it.

    On SQLite each table is set aside, the baseline's table is made beside it (with the
    constraint names the naming convention gives), every row is copied across and the old
    table dropped: the result is the database a fresh baseline would be, with all the data.
    Runs inside the caller's transaction, so a failure leaves the database as it was.
    Returns whether there was anything to adopt.
    """
    connection = migration_context.connection
    if connection is None or not is_previous_release(connection):
        return False
    if connection.dialect.name != "sqlite":
        raise PreviousReleaseError(
            "This database was made by a voterguide release before migrations. Only SQLite "
            "databases are brought to the baseline automatically; see README.md, "
            f"'Changing the schema', then run 'flask db stamp {BASELINE}' and 'flask setup'.")
    previous = {name: [c["name"] for c in inspect(connection).get_columns(name)]
                for name in inspect(connection).get_table_names()}
    connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")  # keep references by name
    for name in previous:
        for (index,) in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
                "AND sql IS NOT NULL"), {"table": name}):
            connection.exec_driver_sql(f'DROP INDEX "{index}"')
        connection.exec_driver_sql(f'ALTER TABLE "{name}" RENAME TO "{SET_ASIDE}{name}"')
    with Operations.context(migration_context):
        scripts.get_revision(BASELINE).module.upgrade()
    baseline = set(inspect(connection).get_table_names())
    for name, old_columns in previous.items():
        if name in baseline:
            _copy_rows(connection, name, old_columns)
            connection.exec_driver_sql(f'DROP TABLE "{SET_ASIDE}{name}"')
        else:  # not voterguide's: leave it as it was
            connection.exec_driver_sql(f'ALTER TABLE "{SET_ASIDE}{name}" RENAME TO "{name}"')
    connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    migration_context.stamp(scripts, BASELINE)
    return True


def _copy_rows(connection: Connection, name: str, old_columns: list[str]) -> None:
    """Copy every row of a set-aside table into the baseline's table of the same name."""
    new_columns = {c["name"]: c for c in inspect(connection).get_columns(name)}
    shared = [c for c in new_columns if c in old_columns]
    filled = {}
    for missing in (c for c in new_columns if c not in old_columns):
        if (name, missing) in ADDED_BEFORE_BASELINE:
            filled[missing] = ADDED_BEFORE_BASELINE[(name, missing)]
        elif not new_columns[missing]["nullable"]:
            raise PreviousReleaseError(f"The table {name} of this database has no column "
                                       f"{missing}, and no earlier release lacked it.")
    source = table(f"{SET_ASIDE}{name}", *(column(c) for c in shared))
    target = table(name, *(column(c) for c in [*shared, *filled]))
    connection.execute(target.insert().from_select(
        [*shared, *filled],
        select(*source.c, *(literal(value).label(key) for key, value in filled.items()))))
