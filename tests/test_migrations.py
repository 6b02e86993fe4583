"""Migrations: a fresh database matches the models, and a database made by a release before
migrations (its real DDL, in tests/fixtures/, written by scripts/dump_release_schema.py)
keeps every row through `flask setup` and ends up exactly like a fresh one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from voterguide import create_app, migrations
from voterguide.extensions import db

from .support import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The last release before migrations, and the earliest with candidates (no withdrawn
#: column, no staff or boundary_version tables).
RELEASES = ["schema-99a5e46.sql", "schema-93a249d.sql"]

SQUARE = shapely.to_wkb(shapely.box(-80.0, 40.0, -79.9, 40.1))
STAMP = "2030-01-02 03:04:05.000000"
#: One row or two in every table of the last release, with values unlike any default and
#: no Alabama keys (setup loads Alabama beside them).
ROWS: dict[str, list[dict]] = {
    "states": [{"code": "ZZ", "name": "Zedland", "fips": "99",
                "voter_tools": '[{"label": "Register", "url": "https://vote.zz.example"}]'}],
    "counties": [{"fips": "99001", "state_code": "ZZ", "name": "Ärvö County",
                  "boundary": SQUARE}],
    "districts": [{"id": "ocd-division/country:us/state:zz/district:1", "slug": "zz-district-1",
                   "state_code": "ZZ", "name": "First District", "office": "District Attorney",
                   "description": "Covers Ärvö", "boundary_kind": "polygon", "polygon": SQUARE}],
    "district_counties": [{"district_id": "ocd-division/country:us/state:zz/district:1",
                           "county_fips": "99001"}],
    "boundary_version": [{"id": 1, "number": 7}],
    "elections": [{"id": 101, "slug": "zz-2030", "name": "2030 General", "date": "2030-11-05",
                   "state_code": "ZZ", "is_sample": 0}],
    "questionnaires": [{"id": 101, "slug": "zz-questions", "title": "Zedland questions",
                        "description": "Sent to all", "sent_on": "2030-06-01"}],
    "questions": [{"id": 101, "questionnaire_id": 101, "position": 1, "topic": "Bail",
                   "text": "End cash bail?", "kind": "yes_no", "scale_low": None,
                   "scale_high": None},
                  {"id": 102, "questionnaire_id": 101, "position": 2, "topic": "Diversion",
                   "text": "More diversion?", "kind": "scale", "scale_low": "No",
                   "scale_high": "Yes"}],
    "races": [{"id": 101, "election_id": 101,
               "district_id": "ocd-division/country:us/state:zz/district:1",
               "office": "District Attorney", "questionnaire_id": 101}],
    "candidates": [{"id": 101, "race_id": 101, "slug": "zz-jane-roe", "name": "Jane Roe",
                    "party": "Independent", "incumbent": 1, "website": "https://roe.example",
                    "photo_url": "/photos/x.jpg", "bio": "Prosecutor, 12 years ✓",
                    "response_status": "responded", "withdrawn": 1},
                   {"id": 102, "race_id": 101, "slug": "zz-john-doe", "name": "John Doe",
                    "party": None, "incumbent": 0, "website": None, "photo_url": None,
                    "bio": "", "response_status": "declined", "withdrawn": 0}],
    "answers": [{"id": 101, "candidate_id": 101, "question_id": 101, "choice": "yes",
                 "explanation": "Money should not decide.", "received_on": "2030-07-01"},
                {"id": 102, "candidate_id": 101, "question_id": 102, "choice": "4",
                 "explanation": "", "received_on": None}],
    "geocode_cache": [{"key": "a" * 64, "provider": "census",
                       "location": '{"lat": 40.05, "lon": -79.95}', "created_at": STAMP}],
    "geocode_cache_days": [{"day": "2030-01-02", "hits": 3, "misses": 1}],
    "campaign_counts": [{"id": 101, "day": "2030-01-02", "code": "flyer-1",
                         "district": "zz-district-1", "kind": "lookup", "count": 5}],
    "staff_users": [{"id": 101, "email": "admin@zz.example", "password_hash": "scrypt:x",
                     "role": "admin", "failed_logins": 2, "locked_until": STAMP,
                     "created_at": STAMP}],
    "change_sets": [{"id": 101, "kind": "import", "status": "published", "election_id": 101,
                     "summary": "2 answers", "changes": "[]", "problems": "[]",
                     "file_name": "answers.csv", "file_checksum": "c" * 64,
                     "file_shape": "wide", "source": b"name,district\n", "delete_missing": 1,
                     "created_by_id": 101, "created_at": STAMP, "published_by_id": 101,
                     "published_at": STAMP, "rolls_back_id": None}],
    "column_pairings": [{"id": 101, "questionnaire_id": 101, "header": "cash bail",
                         "question_id": 101}],
    "photos": [{"digest": "d" * 64, "content_type": "image/png", "data": b"\x89PNG\r\n"}],
}


def release_database(path: Path, release: str) -> dict[str, list[dict]]:
    """A SQLite file made by a release's own DDL, with ROWS in the tables it had;
    returns what was inserted (the columns that release had)."""
    connection = sqlite3.connect(path)
    connection.executescript((FIXTURES / release).read_text(encoding="utf-8"))
    inserted: dict[str, list[dict]] = {}
    for table, rows in ROWS.items():
        columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
        if not columns:
            continue
        inserted[table] = [{k: v for k, v in row.items() if k in columns} for row in rows]
        for row in inserted[table]:
            connection.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES "
                               f"({', '.join('?' * len(row))})", list(row.values()))
    connection.commit()
    connection.close()
    return inserted


def rows_now(path: Path, table: str, like: dict) -> list[tuple]:
    """The row of ``table`` whose columns equal ``like``'s, as stored now."""
    connection = sqlite3.connect(path)
    where = " AND ".join(f"{k} IS ?" for k in like)
    found = connection.execute(f"SELECT {', '.join(like)} FROM {table} WHERE {where}",
                               list(like.values())).fetchall()
    connection.close()
    return found


def schema_of(path: Path) -> dict:
    """Every table's columns, keys, constraints (with their names) and indexes."""
    inspector = inspect(create_engine(f"sqlite:///{path}"))
    return {table: {
        "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in
                    inspector.get_columns(table)],
        "primary key": inspector.get_pk_constraint(table),
        "foreign keys": sorted(map(repr, inspector.get_foreign_keys(table))),
        "unique": sorted(map(repr, inspector.get_unique_constraints(table))),
        "checks": sorted(map(repr, inspector.get_check_constraints(table))),
        "indexes": sorted(map(repr, inspector.get_indexes(table))),
    } for table in sorted(inspector.get_table_names())}


def differences_from_models(app) -> list:
    """What autogenerate would write: differences between the database and the models."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@pytest.fixture
def fresh_database(tmp_path) -> Path:
    """An empty SQLite file upgraded to the newest revision."""
    path = tmp_path / "fresh.sqlite3"
    with create_app(settings(path)).app_context():
        migrations.upgrade()
    return path


def test_the_migrations_make_exactly_the_models_schema(fresh_database):
    assert differences_from_models(create_app(settings(fresh_database))) == []
    head = ScriptDirectory(str(migrations.DIRECTORY)).get_current_head()
    assert sqlite3.connect(fresh_database).execute(
        "SELECT version_num FROM alembic_version").fetchall() == [(head,)]


@pytest.mark.parametrize("release", RELEASES)
def test_setup_upgrades_a_previous_release_and_keeps_every_row(tmp_path, fresh_database,
                                                               release):
    path = tmp_path / "old.sqlite3"
    inserted = release_database(path, release)
    app = create_app(settings(path))
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output

    version = inserted.pop("boundary_version", None)  # setup's own loading moves it on
    for table, rows in inserted.items():
        for row in rows:
            assert rows_now(path, table, row) == [tuple(row.values())], (table, row)
    if version:  # each covered state's load moves it on by one
        loaded = len(app.config["STATES"].split(","))
        assert sqlite3.connect(path).execute("SELECT number FROM boundary_version"
                                             ).fetchall() == [(version[0]["number"] + loaded,)]
    if "withdrawn" not in inserted["candidates"][0]:  # that release had no such column
        assert rows_now(path, "candidates", {"id": 101, "withdrawn": 0}) == [(101, 0)]
    assert rows_now(path, "states", {"code": "AL"}) == [("AL",)]  # and setup loaded Alabama
    # The same database a fresh install has: tables, columns, constraint names, indexes.
    assert schema_of(path) == schema_of(fresh_database)
    assert differences_from_models(app) == []


def test_setup_twice_on_an_adopted_database_changes_nothing(tmp_path):
    path = tmp_path / "old.sqlite3"
    release_database(path, RELEASES[0])
    runner = create_app(settings(path)).test_cli_runner()
    assert runner.invoke(args=["setup"]).exit_code == 0
    before = sqlite3.connect(path).execute("SELECT count(*) FROM candidates").fetchone()
    assert runner.invoke(args=["setup"]).exit_code == 0
    assert sqlite3.connect(path).execute("SELECT count(*) FROM candidates").fetchone() == before


def test_a_database_that_cannot_be_adopted_is_left_exactly_as_it_was(tmp_path):
    """A table missing a column no release lacked: refused, and nothing half-done stays."""
    ddl = (FIXTURES / RELEASES[0]).read_text(encoding="utf-8").replace(
        "\tbio TEXT NOT NULL, \n", "")
    path = tmp_path / "odd.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(ddl)
    connection.execute("INSERT INTO states (code, name, fips, voter_tools) "
                       "VALUES ('ZZ', 'Zedland', '99', '[]')")
    connection.commit()
    before = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name"
                                ).fetchall()
    connection.close()

    result = create_app(settings(path)).test_cli_runner().invoke(args=["setup"])
    assert result.exit_code != 0
    assert "no column bio" in result.output
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name"
                              ).fetchall() == before
    assert connection.execute("SELECT code, name FROM states").fetchall() == [("ZZ", "Zedland")]
