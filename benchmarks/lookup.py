"""How fast the district index answers, and how long a process takes to get ready.

Prints one table:

* bulk point -> district lookups per second (``DistrictIndex.districts_at_many`` over
  random points in Alabama's bounding box, fixed seed, best of 3 runs);
* one exact lookup (``districts_at``), median and p99 in microseconds, over random points
  inside Alabama; the same for the full ``lookup`` of a point (with the index's border
  tolerance) and of a ZIP code as the offline geocoder places it (geocoding not timed);
* start-up with every boundary loaded: imports + ``create_app`` (which reads the offline
  geocoder's gazetteer) + building the district index, each in a fresh subprocess so no
  cache helps, median of 5, with the share spent importing;
* how often the guide decides outright, beside the previous method's figures: the share of
  Alabama's ZIP codes (ZCTAs) answered with one certain district (the ceiling, by the Census
  relationship, is the share of ZCTAs wholly in one circuit), and the share of uniform
  random points in Alabama answered with one certain district. The previous method placed a
  ZIP by the counties its Voronoi cell (+1.5 km) touches (still in
  ``data/gazetteer/zip-areas.csv``) and ignored the state line.

The figures are printed beside their aims; nothing is asserted. It builds its own seeded
SQLite database in a temporary directory, so it runs from a fresh clone:

    python benchmarks/lookup.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
import zipcodes
from shapely.geometry import GeometryCollection

from voterguide import create_app
from voterguide.extensions import runtime
from voterguide.geo.boundaries import district_index
from voterguide.geo.districts import DistrictIndex
from voterguide.geo.geocoding import GeocodingError, Location, Precision

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"
SEED = 20280101
BULK_POINTS = 200_000
SINGLE_POINTS = 20_000
STARTUP_RUNS = 5

#: Run in a fresh interpreter: prints the seconds spent importing, in create_app and
#: building the district index (the gazetteer is read by create_app; the explicit
#: load_gazetteer call is free then, and counts it should it ever become lazy).
STARTUP_CHILD = """
import json, sys, time
start = time.perf_counter()
from voterguide import create_app
from voterguide.geo.boundaries import district_index
from voterguide.geo.offline import load_gazetteer
imported = time.perf_counter()
app = create_app(json.loads(sys.argv[1]))
load_gazetteer(app.config["DATA_DIR"])
created = time.perf_counter()
with app.app_context():
    district_index()
done = time.perf_counter()
print(json.dumps({"import": imported - start, "create_app": created - imported,
                  "index": done - created, "total": done - start}))
"""


def settings(database: Path) -> dict:
    """The app's settings for a SQLite file and the embedded Alabama data."""
    return {"DATABASE_URL": f"sqlite:///{database}", "DATA_DIR": str(DATA_DIR),
            "STATES": "al", "GEOCODER": "offline"}


def seed_database(directory: Path) -> Path:
    """A SQLite database with Alabama's districts and the demo election, as the tests do."""
    path = directory / "voterguide.sqlite3"
    result = create_app(settings(path)).test_cli_runner().invoke(args=["setup", "--demo"])
    if result.exit_code != 0:
        raise SystemExit(f"Could not seed the benchmark database:\n{result.output}")
    return path


def random_points(index, count: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Uniform random (lats, lons) in the bounding box of every mapped district."""
    west, south, east, north = shapely.total_bounds([d.geometry for d in index.mapped])
    return rng.uniform(south, north, count), rng.uniform(west, east, count)


def points_inside(index, count: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``count`` random (lat, lon) pairs that lie in some mapped district."""
    lats, lons = random_points(index, count * 3, rng)
    inside = np.unique(index.districts_at_many(lats, lons)[0])[:count]
    return list(zip(lats[inside].tolist(), lons[inside].tolist(), strict=True))


def bulk_rate(index, lats: np.ndarray, lons: np.ndarray, runs: int = 3) -> float:
    """Points per second through ``districts_at_many``, best of ``runs``."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        index.districts_at_many(lats, lons)
        best = min(best, time.perf_counter() - start)
    return len(lats) / best


def latencies_us(call, arguments: list, warm_up: int = 1_000) -> tuple[float, float]:
    """Median and p99 of ``call(argument)`` in microseconds, one timing per call."""
    for argument in arguments[:warm_up]:
        call(argument)
    timings = []
    clock = time.perf_counter_ns
    for argument in arguments:
        start = clock()
        call(argument)
        timings.append(clock() - start)
    timings.sort()
    return timings[len(timings) // 2] / 1e3, timings[int(len(timings) * 0.99)] / 1e3


def zip_locations(app, count: int) -> list[Location]:
    """Alabama's ZIP codes as the app's geocoder places them, repeated up to ``count``."""
    locator = runtime(app).locator
    located = []
    for row in zipcodes.filter_by(state="AL"):
        try:
            located.append(locator.locate(row["zip_code"]))
        except GeocodingError:
            continue
    return [located[i % len(located)] for i in range(count)]


def startup_times(database: Path, runs: int) -> list[dict[str, float]]:
    """Start-up phases, in seconds, of ``runs`` fresh interpreters."""
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", STARTUP_CHILD, json.dumps(settings(database))],
            check=True, capture_output=True, text=True, cwd=REPO, env=os.environ.copy())
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    return results


def read_csv(path: Path) -> list[dict]:
    """A CSV file's rows."""
    import csv

    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def decided_outright(app, index) -> list[tuple[str, str, str]]:
    """Rows: ZIP codes and random points answered with one certain district, now and by the
    previous method, and the ceiling the Census relationship sets for ZIP codes."""
    circuit_of = {r["county_fips"]: r["circuit"]
                  for r in read_csv(DATA_DIR / "sources" / "alabama-judicial-circuits.csv")}
    parts: dict[str, set[str]] = {}
    for row in read_csv(DATA_DIR / "sources" / "zcta-county-2020-al.csv"):
        parts.setdefault(row["zcta"], set()).add(circuit_of.get(row["county_geoid"], "out"))
    zctas = sorted(z for z in parts if z.startswith(("35", "36")))
    ceiling = sum(len(parts[z]) == 1 and "out" not in parts[z] for z in zctas)
    locator = runtime(app).locator
    with app.app_context():
        now = sum(not index.lookup(locator.locate(z)).ambiguous for z in zctas)
    cells = {r["zip"]: r["counties"].split()
             for r in read_csv(DATA_DIR / "gazetteer" / "zip-areas.csv")}
    before = sum(len({circuit_of[c] for c in cells[z] if c in circuit_of}) == 1
                 for z in zctas if z in cells)
    # Points: uniform in Alabama, by rejection from its bounding box, fixed seed.
    rng = np.random.default_rng(SEED)
    outline = shapely.union_all([d.geometry for d in index.mapped])
    shapely.prepare(outline)
    lats, lons = random_points(index, 40_000, rng)
    inside = shapely.contains_xy(outline, lons, lats)
    sample = list(zip(lats[inside][:10_000].tolist(), lons[inside][:10_000].tolist(),
                      strict=True))
    old = DistrictIndex([index.shapes[d] for d in index.shapes], index.counties, index.states,
                        index.accuracy_m, state_lines=GeometryCollection())
    point_now = sum(not index.lookup(Location(lat, lon, Precision.POINT)).ambiguous
                    for lat, lon in sample)
    point_before = sum(len(old.lookup(Location(lat, lon, Precision.POINT)).choice_ids) == 1
                       for lat, lon in sample)
    n = len(zctas)
    return [
        (f"AL ZIP codes (ZCTAs, {n}) answered certain", f"{now / n:.1%}",
         f"ceiling {ceiling / n:.1%} (wholly in one circuit)"),
        ("  by the previous method (Voronoi cell + 1.5 km)", f"{before / n:.1%}",
         "some of them wrongly"),
        (f"random points in AL ({len(sample):,}) decided outright",
         f"{point_now / len(sample):.1%}", "-"),
        ("  by the previous method (no state line)", f"{point_before / len(sample):.1%}", "-"),
    ]


def print_table(rows: list[tuple[str, str, str]]) -> None:
    """Rows of (figure, value, aim), aligned."""
    header = ("figure", "value", "aim")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for figure, value, aim in [header, *rows]:
        print(f"{figure:<{widths[0]}}  {value:>{widths[1]}}  {aim}")


def measure(database: Path) -> list[tuple[str, str, str]]:
    """Every figure as a table row."""
    app = create_app(settings(database))
    with app.app_context():
        index = district_index()
    rng = np.random.default_rng(SEED)
    lats, lons = random_points(index, BULK_POINTS, rng)
    rows = [(f"bulk districts_at_many, {BULK_POINTS:,} points, best of 3",
             f"{bulk_rate(index, lats, lons):,.0f} points/s", ">= 100,000 points/s")]

    points = points_inside(index, SINGLE_POINTS, rng)
    median, p99 = latencies_us(lambda p: index.districts_at(*p), points)
    rows += [(f"districts_at, {len(points):,} points in AL: median", f"{median:.1f} us",
              "<= 20 us"),
             ("districts_at: p99", f"{p99:.1f} us", "-")]

    point_locations = [Location(lat, lon, Precision.POINT) for lat, lon in points]
    median, p99 = latencies_us(index.lookup, point_locations)
    tolerance = f"{index.accuracy_m:,.0f} m border tolerance"
    rows += [(f"lookup(point, {tolerance}): median", f"{median:.1f} us", "-"),
             ("lookup(point): p99", f"{p99:.1f} us", "-")]

    zip_places = zip_locations(app, SINGLE_POINTS)
    distinct = len({(z.lat, z.lon) for z in zip_places})
    median, p99 = latencies_us(index.lookup, zip_places)
    rows += [(f"lookup(ZIP, {distinct} AL ZIP codes): median", f"{median:.1f} us", "-"),
             ("lookup(ZIP): p99", f"{p99:.1f} us", "-")]

    rows += decided_outright(app, index)

    runs = startup_times(database, STARTUP_RUNS)
    total = statistics.median(r["total"] for r in runs)
    rows.append((f"start-up, fresh process, median of {STARTUP_RUNS}",
                 f"{total * 1e3:.0f} ms", "<= 1,000 ms"))
    for phase, label in [("import", "imports"), ("create_app", "create_app (gazetteer)"),
                         ("index", "district index")]:
        seconds = statistics.median(r[phase] for r in runs)
        rows.append((f"  of which {label}",
                     f"{seconds * 1e3:.0f} ms ({seconds / total:.0%})", "-"))
    return rows


def main() -> None:
    """Seed a temporary database, measure, print."""
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="voterguide-bench-") as directory:
        database = seed_database(Path(directory))
        rows = measure(database)
    print(f"{os.cpu_count()} CPUs, load average {load_average:.1f} before the run")
    print_table(rows)


if __name__ == "__main__":
    main()
