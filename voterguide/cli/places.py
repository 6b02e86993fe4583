"""``flask places …``: load states and districts, place lists of addresses, the geocoding
cache's figures."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from ..extensions import runtime
from ..geo import district_files
from ..geo.boundaries import BoundaryDataError, district_index, forget_index, load_state
from ..geo.census import BATCH_LIMIT
from ..geo.lists import OUTPUT_COLUMNS, place_rows
from . import state_dir, unit_of_work

places = AppGroup("places", help="States, districts and placing addresses.")


def boundaries_changed() -> None:
    """After districts changed: rebuild this process's index at once (other processes see
    the boundary version; every page cache, the content version the loading bumped)."""
    forget_index()


@places.command("load-state")
@click.argument("state")
def load_state_command(state: str) -> None:
    """Load or update a state's counties and districts from data/<state>/."""
    try:
        with unit_of_work() as session:
            report = load_state(session, state_dir(state))
    except BoundaryDataError as error:
        raise click.ClickException(str(error)) from error
    boundaries_changed()
    click.echo(f"{report.state}: {report.counties} counties, {report.districts} districts loaded.")


def load_district_file(report_of, path: Path, state: str, dry_run: bool) -> None:
    """Check a district file, print what it holds and what is wrong, then write it."""
    try:
        report = report_of(district_files.read_file(path), state.upper())
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
        with unit_of_work() as session:
            district_files.apply(session, report, state.upper())
    except (BoundaryDataError, IntegrityError) as error:
        raise click.ClickException(f"Nothing was written: {error}") from error
    boundaries_changed()
    click.echo("Districts loaded.")


@places.command("load-districts-csv")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", required=True, help="The state's postal code, e.g. GA.")
@click.option("--kind", default="district", show_default=True,
              help="What the state calls a district (circuit, district, ...): used in ids.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
def load_districts_csv(path: Path, state: str, kind: str, dry_run: bool) -> None:
    """Load districts from a CSV of district -> county_fips (optional name, id columns)."""
    from ..extensions import db

    load_district_file(lambda text, st: district_files.read_county_csv(db.session, text, st,
                                                                       kind),
                       path, state, dry_run)


@places.command("load-districts-geojson")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", required=True, help="The state's postal code, e.g. GA.")
@click.option("--kind", default="district", show_default=True)
@click.option("--id-property", default="id", show_default=True,
              help="The feature property that identifies each district.")
@click.option("--name-property", default="name", show_default=True)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
def load_districts_geojson(path: Path, state: str, kind: str, id_property: str,
                           name_property: str, dry_run: bool) -> None:
    """Load districts from GeoJSON polygons (a state's GIS export), repairing what can be."""
    from ..extensions import db

    load_district_file(lambda text, st: district_files.read_geojson(
        db.session, text, st, kind, id_property, name_property), path, state, dry_run)


@places.command("geocode-list")
@click.argument("source", type=click.File("r", encoding="utf-8-sig"))
@click.argument("target", type=click.File("w", encoding="utf-8"))
@click.option("--column", default="address", show_default=True,
              help="The column that holds the addresses.")
@click.option("--chunk-size", default=1000, show_default=True,
              type=click.IntRange(1, BATCH_LIMIT), help="Rows read and geocoded at a time.")
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
    # Reads only; the geocoding cache writes through its own connections as it goes.
    rows = place_rows(reader, column, locator, district_index(), chunk_size,
                      progress=lambda done: click.echo(f"{done:,} rows done", err=True))
    for row in rows:
        writer.writerow(row)
        counts[row["status"]] += 1
    summary = ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items()))
    click.echo(f"Done: {summary or 'no rows'}.", err=True)


@places.command("geocode-cache-stats")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660))
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
