"""``flask`` commands: thin wrappers over the services, one commit each."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .demo import load_demo_election
from .extensions import db, runtime
from .geo.boundaries import BoundaryDataError, district_index, forget_index, load_state
from .geo.census import BATCH_LIMIT
from .geo.lists import OUTPUT_COLUMNS, place_rows
from .outreach import campaigns


def _state_dir(state: str) -> Path:
    """The data folder of a state, e.g. data/al."""
    path = Path(current_app.config["DATA_DIR"]) / state.lower()
    if not path.is_dir():
        raise click.ClickException(f"No data folder for {state!r} at {path}.")
    return path


def _covered_states() -> list[str]:
    """The states this deployment covers (VOTERGUIDE_STATES)."""
    return [s.strip().lower() for s in current_app.config["STATES"].split(",") if s.strip()]


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database tables that do not exist yet (keeps existing data)."""
    db.create_all()
    _add_missing_columns()
    click.echo("Database ready.")


def _add_missing_columns() -> None:
    """Add columns that newer versions added to existing tables (create_all never alters)."""
    from sqlalchemy import inspect, text

    columns = {c["name"] for c in inspect(db.engine).get_columns("candidates")}
    if "withdrawn" not in columns:
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE candidates ADD COLUMN withdrawn BOOLEAN "
                                    "NOT NULL DEFAULT FALSE"))


@click.command("load-state")
@click.argument("state")
@with_appcontext
def load_state_command(state: str) -> None:
    """Load or update a state's counties and districts from data/<state>/."""
    try:
        report = load_state(db.session, _state_dir(state))
    except BoundaryDataError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    forget_index()
    click.echo(f"{report.state}: {report.counties} counties, {report.districts} districts loaded.")


@click.command("load-demo")
@click.argument("state")
@with_appcontext
def load_demo_command(state: str) -> None:
    """Load or update the fictional sample election in data/<state>/demo-election.json."""
    path = _state_dir(state) / "demo-election.json"
    try:
        election = load_demo_election(db.session, path)
    except (OSError, ValueError, KeyError) as error:
        db.session.rollback()
        raise click.ClickException(f"Cannot load {path}: {error}") from error
    db.session.commit()
    click.echo(f"Sample election loaded: {election.name} ({len(election.races)} races).")


@click.command("setup")
@click.option("--demo/--no-demo", default=False, help="Also load the sample election.")
@click.pass_context
@with_appcontext
def setup(ctx: click.Context, demo: bool) -> None:
    """Create the database and load every covered state (and the demo): safe to re-run."""
    ctx.invoke(init_db)
    for state in _covered_states():
        ctx.invoke(load_state_command, state=state)
        if demo:
            ctx.invoke(load_demo_command, state=state)


@click.command("geocode-list")
@click.argument("source", type=click.File("r", encoding="utf-8-sig"))
@click.argument("target", type=click.File("w", encoding="utf-8"))
@click.option("--column", default="address", show_default=True,
              help="The column that holds the addresses.")
@click.option("--chunk-size", default=1000, show_default=True,
              type=click.IntRange(1, BATCH_LIMIT), help="Rows read and geocoded at a time.")
@with_appcontext
def geocode_list(source, target, column: str, chunk_size: int) -> None:
    """Add each address's district id and name, precision and status to a CSV ("-" for
    standard input or output). Rows that cannot be placed are marked, not dropped."""
    reader = csv.DictReader(source)
    if reader.fieldnames is None or column not in reader.fieldnames:
        raise click.ClickException(f"The file has no column named {column!r}; "
                                   f"its columns are {reader.fieldnames or []}.")
    writer = csv.DictWriter(target, [*reader.fieldnames, *OUTPUT_COLUMNS], extrasaction="ignore")
    writer.writeheader()
    counts: Counter[str] = Counter()
    locator = runtime().locator
    rows = place_rows(reader, column, locator, district_index(), chunk_size,
                      progress=lambda done: click.echo(f"{done:,} rows done", err=True))
    for row in rows:
        writer.writerow(row)
        counts[row["status"]] += 1
    summary = ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items()))
    click.echo(f"Done: {summary or 'no rows'}.", err=True)


@click.command("geocode-cache-stats")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660))
@with_appcontext
def geocode_cache_stats(days: int) -> None:
    """Print the geocoding cache's hits, misses and hit rate per day."""
    cache = runtime().locator.cache
    if cache is None:
        click.echo("No cache: every configured geocoder is offline.")
        return
    rows = cache.stats(days)
    click.echo(f"{'day':<12}{'hits':>10}{'misses':>10}{'hit rate':>10}")
    for row in rows:
        click.echo(f"{row['day'].isoformat():<12}{row['hits']:>10,}{row['misses']:>10,}"
                   f"{row['hit_rate']:>10.0%}")
    if rows:
        click.echo(f"{rows[0]['entries']:,} addresses cached (as keyed hashes).")




@click.command("campaign-report")
@click.option("--days", type=click.IntRange(1, 3660), default=30, show_default=True,
              help="How many days back, today included.")
@with_appcontext
def campaign_report(days: int) -> None:
    """Print visits and lookups per day, campaign code and district."""
    rows = campaigns.report(db.session, days=days)
    if not rows:
        click.echo(f"No campaign visits in the last {days} days.")
        return
    header = ("day", "code", "district", "visits", "lookups")
    table = [header] + [(str(r.day), r.code, r.district or "(none)", str(r.visits),
                         str(r.lookups)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo("  ".join(cell.rjust(w) if i >= 3 else cell.ljust(w)
                             for i, (cell, w) in enumerate(zip(line, widths, strict=True))))


@click.command("prune-campaigns")
@click.option("--days", type=click.IntRange(1, None), required=True,
              help="Keep this many days of counts, today included; delete the rest.")
@with_appcontext
def prune_campaigns(days: int) -> None:
    """Delete campaign counts older than --days days."""
    removed = campaigns.prune(db.session, days)
    db.session.commit()
    click.echo(f"Removed {removed} campaign count rows older than {days} days.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor",
              show_default=True, help="editor: import and edit; admin: also publish, users.")
@click.password_option(envvar="VOTERGUIDE_NEW_USER_PASSWORD",
                       help="Asked for if not given (or set VOTERGUIDE_NEW_USER_PASSWORD).")
@with_appcontext
def create_user_command(email: str, role: str, password: str) -> None:
    """Create a staff user who can sign in at /staff/login."""
    from .staff.accounts import AccountError, create_user

    try:
        user = create_user(db.session, email, password, role)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("import-answers")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--election", "election_slug", required=True, help="The election's slug.")
@click.option("--shape", type=click.Choice(["auto", "wide", "long"]), default="auto",
              show_default=True)
@click.option("--delete-missing", is_flag=True,
              help="Also delete published answers the file leaves blank.")
@click.option("--publish", "publish_now", is_flag=True,
              help="Publish at once instead of leaving a draft for an admin.")
@with_appcontext
def import_answers_command(path: Path, election_slug: str, shape: str, delete_missing: bool,
                           publish_now: bool) -> None:
    """Check a CSV/XLSX of candidates and answers; keep it as a draft (or publish it)."""
    from sqlalchemy import select

    from .models import Election
    from .staff import services

    election = db.session.scalar(select(Election).where(Election.slug == election_slug))
    if election is None:
        raise click.ClickException(f"No election {election_slug!r}.")
    limit = int(current_app.config["STAFF_UPLOAD_MAX_BYTES"])
    try:
        if path.stat().st_size > limit:
            raise click.ClickException(f"{path} is larger than {limit // (1024 * 1024)} MB.")
        content = path.read_bytes()
        change_set = services.start_import(db.session, election, path.name, content, None,
                                           None if shape == "auto" else shape, delete_missing)
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error}") from error
    except services.FileRefused as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from refusal
    for problem in change_set.problems:
        where = ", ".join(x for x in (f"row {problem['row']}" if problem["row"] else "",
                                      f"column {problem['column']}" if problem["column"] else "")
                          if x) or "file"
        kind = "error" if problem["blocking"] else "note"
        click.echo(f"{kind}: {where}: {problem['message']}", err=True)
    click.echo(f"{path.name} ({change_set.file_shape}): {change_set.summary}.")
    if any(p["blocking"] for p in change_set.problems):
        db.session.rollback()
        raise click.ClickException("Nothing was imported: fix the errors above first.")
    if not change_set.changes:
        db.session.rollback()
        click.echo("Nothing to change: the guide already says all of this.")
        return
    try:
        services.queue(db.session, change_set)
        if publish_now:
            services.publish(db.session, change_set, None)
    except services.StaffActionRefused as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from refusal
    db.session.commit()
    click.echo(f"Change set #{change_set.id} " + ("published." if publish_now else
                                                  "saved as a draft for an admin to publish."))


def _load_district_file(report_of, path: Path, state: str, dry_run: bool) -> None:
    """Check a district file, print what it holds and what is wrong, then write it."""
    from sqlalchemy.exc import IntegrityError

    from .geo import district_files

    state = state.upper()
    try:
        report = report_of(district_files.read_file(path), state)
    except BoundaryDataError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(report.districts)} districts in {path.name}.")
    for line in report.repaired:
        click.echo(f"repaired: {line}")
    for line in report.overlaps:
        click.echo(f"overlap: {line}")
    if report.uncovered_counties:
        click.echo(f"not covered by any district: {', '.join(report.uncovered_counties)}")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    try:
        district_files.apply(db.session, report, state)
        db.session.commit()
    except (BoundaryDataError, IntegrityError) as error:
        db.session.rollback()
        raise click.ClickException(f"Nothing was written: {error}") from error
    forget_index()
    click.echo("Districts loaded.")


@click.command("load-districts-csv")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", required=True, help="The state's postal code, e.g. GA.")
@click.option("--kind", default="district", show_default=True,
              help="What the state calls a district (circuit, district, ...): used in ids.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@with_appcontext
def load_districts_csv(path: Path, state: str, kind: str, dry_run: bool) -> None:
    """Load districts from a CSV of district -> county_fips (optional name, id columns)."""
    from .geo import district_files

    _load_district_file(lambda text, st: district_files.read_county_csv(db.session, text, st,
                                                                        kind),
                        path, state, dry_run)


@click.command("load-districts-geojson")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", required=True, help="The state's postal code, e.g. GA.")
@click.option("--kind", default="district", show_default=True)
@click.option("--id-property", default="id", show_default=True,
              help="The feature property that identifies each district.")
@click.option("--name-property", default="name", show_default=True)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@with_appcontext
def load_districts_geojson(path: Path, state: str, kind: str, id_property: str,
                           name_property: str, dry_run: bool) -> None:
    """Load districts from GeoJSON polygons (a state's GIS export), repairing what can be."""
    from .geo import district_files

    _load_district_file(lambda text, st: district_files.read_geojson(
        db.session, text, st, kind, id_property, name_property), path, state, dry_run)


COMMANDS = [
    init_db,
    load_state_command,
    load_demo_command,
    setup,
    geocode_list,
    geocode_cache_stats,
    campaign_report,
    prune_campaigns,
    create_user_command,
    import_answers_command,
    load_districts_csv,
    load_districts_geojson,
]
