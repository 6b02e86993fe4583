"""How fast the district index answers, and how long a process takes to get ready, for
each state and for both served together (Alabama and California).

Prints one table:

* bulk point -> district lookups per second (``DistrictIndex.districts_at_many`` over
  random points in each state's bounding box, fixed seed, best of 3 runs), by the index of
  that state alone and by the index of both;
* one exact lookup (``districts_at``), median and p99 in microseconds, over random points
  inside each state; the same for the full ``lookup`` of a point (with the index's border
  tolerance) and of a ZIP code as the offline geocoder places it (geocoding not timed);
  each by the state's own index (the baseline) and by the index of both states;
* start-up with every boundary loaded: imports + ``create_app`` (which reads the offline
  geocoder's gazetteer) + building the district index, each in a fresh subprocess so no
  cache helps, median of 7 (interleaved), for each state alone and for both (the extra
  load time of the second state is the difference, measured in the same run);
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
STARTUP_RUNS = 7

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
                  "index": done - created, "total": done - start,
                  "cpu": time.process_time()}))
"""


BOTH = "al,ca"
STATES = ("al", "ca")


def settings(database: Path, states: str = BOTH) -> dict:
    """The app's settings for a SQLite file and the embedded data of the given states."""
    return {"DATABASE_URL": f"sqlite:///{database}", "DATA_DIR": str(DATA_DIR),
            "STATES": states, "GEOCODER": "offline"}


def seed_database(directory: Path) -> Path:
    """A SQLite database with both states' districts and the demo election, as the tests
    do."""
    path = directory / "voterguide.sqlite3"
    result = create_app(settings(path)).test_cli_runner().invoke(args=["setup", "--demo"])
    if result.exit_code != 0:
        raise SystemExit(f"Could not seed the benchmark database:\n{result.output}")
    return path


def random_points(index, count: int, rng: np.random.Generator, state: str | None = None
                  ) -> tuple[np.ndarray, ...]:
    """Uniform random (lats, lons) in the bounding box of the mapped districts (of one
    state, if given)."""
    west, south, east, north = shapely.total_bounds(
        [d.geometry for d in index.mapped if state is None or d.state == state])
    return rng.uniform(south, north, count), rng.uniform(west, east, count)


def points_inside(index, count: int, rng: np.random.Generator, state: str | None = None
                  ) -> list[tuple[float, float]]:
    """``count`` random (lat, lon) pairs that lie in some mapped district (of the state)."""
    lats, lons = random_points(index, count * 3, rng, state)
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


def zip_locations(app, count: int, state: str) -> list[Location]:
    """A state's ZIP codes as the app's geocoder places them, repeated up to ``count``."""
    locator = runtime(app).locator
    located = []
    for row in zipcodes.filter_by(state=state):
        try:
            located.append(locator.locate(row["zip_code"]))
        except GeocodingError:
            continue
    return [located[i % len(located)] for i in range(count)]


def startup_times(database: Path, runs: int, states: str) -> list[dict[str, float]]:
    """Start-up phases, in seconds, of ``runs`` fresh interpreters covering ``states``."""
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", STARTUP_CHILD, json.dumps(settings(database, states))],
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
    outline = shapely.union_all([d.geometry for d in index.mapped if d.state == "AL"])
    shapely.prepare(outline)
    lats, lons = random_points(index, 40_000, rng, "AL")
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


def indexes(database: Path) -> dict[str, tuple]:
    """(app, district index) for each state alone and for both."""
    found = {}
    for states in (*STATES, BOTH):
        app = create_app(settings(database, states))
        with app.app_context():
            found[states] = (app, district_index())
    return found


def per_state(built: dict[str, tuple], rng: np.random.Generator) -> list[tuple[str, str, str]]:
    """Each state's lookups by its own index (the baseline) and by the index of both."""
    rows = []
    both_app, both = built[BOTH]
    for state in STATES:
        code = state.upper()
        alone_app, alone = built[state]
        lats, lons = random_points(alone, BULK_POINTS, rng, code)
        rows += [(f"{code}: bulk districts_at_many, {BULK_POINTS:,} points, best of 3",
                  f"{bulk_rate(both, lats, lons):,.0f} points/s",
                  f"{code} alone: {bulk_rate(alone, lats, lons):,.0f}; aim >= 100,000")]
        points = points_inside(alone, SINGLE_POINTS, rng, code)
        for label, call in [("districts_at", lambda index: lambda p: index.districts_at(*p)),
                            ("lookup(point)", lambda index: lambda p: index.lookup(
                                Location(*p, Precision.POINT)))]:
            median, p99 = latencies_us(call(both), points)
            base, base99 = latencies_us(call(alone), points)
            aim = "; aim <= 20 us" if label == "districts_at" else ""
            rows += [(f"{code}: {label}, {len(points):,} points: median", f"{median:.1f} us",
                      f"{code} alone: {base:.1f} us{aim}"),
                     (f"{code}: {label}: p99", f"{p99:.1f} us", f"{code} alone: {base99:.1f} us")]
        places = zip_locations(both_app, SINGLE_POINTS, code)
        alone_places = zip_locations(alone_app, SINGLE_POINTS, code)
        distinct = len({(z.lat, z.lon) for z in places})
        median, p99 = latencies_us(both.lookup, places)
        base, base99 = latencies_us(alone.lookup, alone_places)
        rows += [(f"{code}: lookup(ZIP, {distinct} ZIP codes): median", f"{median:.1f} us",
                  f"{code} alone: {base:.1f} us"),
                 (f"{code}: lookup(ZIP): p99", f"{p99:.1f} us", f"{code} alone: {base99:.1f} us")]
    return rows


def measure(database: Path) -> list[tuple[str, str, str]]:
    """Every figure as a table row."""
    built = indexes(database)
    rng = np.random.default_rng(SEED)
    rows = per_state(built, rng)
    app, index = built[BOTH]
    rows += decided_outright(app, index)

    # Interleaved (one of each in turn), so that a machine growing busier or quieter during
    # the run sways every configuration alike.
    runs: dict[str, list] = {states: [] for states in (*STATES, BOTH)}
    for _ in range(STARTUP_RUNS):
        for states in runs:
            runs[states] += startup_times(database, 1, states)
    medians = {states: {phase: statistics.median(r[phase] for r in found)
                        for phase in ("import", "create_app", "index", "total", "cpu")}
               for states, found in runs.items()}
    for states in STATES:
        rows.append((f"start-up, {states.upper()} alone, fresh process, median of "
                     f"{STARTUP_RUNS}", f"{medians[states]['total'] * 1e3:.0f} ms", "-"))
    total = medians[BOTH]["total"]
    extra = total - medians[STATES[0]]["total"]
    rows.append((f"start-up, {BOTH.upper()}, fresh process, median of {STARTUP_RUNS}",
                 f"{total * 1e3:.0f} ms", "<= 1,000 ms"))
    rows.append((f"  extra for {STATES[1].upper()} beside {STATES[0].upper()} alone",
                 f"{extra * 1e3:+.0f} ms", "well under 1,000 ms"))
    cpu_extra = medians[BOTH]["cpu"] - medians[STATES[0]]["cpu"]
    rows.append(("  the same in CPU time (less swayed by a busy machine)",
                 f"{cpu_extra * 1e3:+.0f} ms",
                 f"{medians[BOTH]['cpu'] * 1e3:.0f} ms against "
                 f"{medians[STATES[0]]['cpu'] * 1e3:.0f} ms"))
    for phase, label in [("import", "imports"), ("create_app", "create_app (gazetteer)"),
                         ("index", "district index")]:
        seconds = medians[BOTH][phase]
        rows.append((f"  of which {label}",
                     f"{seconds * 1e3:.0f} ms ({seconds / total:.0%})",
                     f"{STATES[0].upper()} alone: {medians[STATES[0]][phase] * 1e3:.0f} ms"))
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
