"""Alembic's environment for voterguide: the app's engine and models, SQLite batch mode.

Run through Flask-Migrate (``flask --app voterguide db ...``) or ``voterguide.migrations``;
the app is the current Flask app. The whole run is one transaction (on SQLite too), and a
database made by a release before migrations is brought to the baseline first.
"""

from __future__ import annotations

import logging

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool

from voterguide.migrations import adopt_previous_release

logger = logging.getLogger("alembic.env")
migrate = current_app.extensions["migrate"]


def skip_empty_revisions(migration_context, revision, directives) -> None:
    """`flask db migrate` with no schema change writes no revision file."""
    if getattr(context.config.cmd_opts, "autogenerate", False) and \
            directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def transactional_engine():
    """The app's engine; on SQLite, one whose BEGIN covers DDL too.

    Python's sqlite3 commits around CREATE and ALTER on its own, so without this a failed
    upgrade could stop half-way (SQLAlchemy's documented recipe, on this engine only).
    """
    engine = migrate.db.engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return engine  # a second engine on :memory: would see another, empty database
    engine = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def manual_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (``flask db upgrade --sql``)."""
    context.configure(url=migrate.db.engine.url, target_metadata=migrate.db.metadata,
                      literal_binds=True, **migrate.configure_args)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Upgrade (or compare with) the app's database, all of it or nothing."""
    options = {"process_revision_directives": skip_empty_revisions, **migrate.configure_args}
    engine = transactional_engine()
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=migrate.db.metadata,
                          **options)
        if adopt_previous_release(context.get_context(), context.script):
            logger.info("Brought a database made before migrations to the baseline.")
        with context.begin_transaction():  # no-op inside ours; kept for Alembic's hooks
            context.run_migrations()
    if engine is not migrate.db.engine:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
