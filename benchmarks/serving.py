"""Requests per second the guide serves, beside a trivial Flask route served the same way.

Starts two gunicorn servers on 127.0.0.1 with the same settings (sync workers,
``--workers 2``, no access log): the voterguide app on a temporary seeded SQLite database
(passed as VOTERGUIDE_DATABASE_URL, VOTERGUIDE_DATA_DIR and VOTERGUIDE_STATES=al), and a
tiny Flask app whose one route returns "ok"; the home and district pages also from a second
guide server with deploy/app.env's VOTERGUIDE_CONTENT_CHECK_SECONDS=1 (a busy page then
needs no database at all: web/snapshots.py answers it). For each row it loads the guide's route and
the trivial route from 8 client threads (http.client): 1 s of warm-up each, then 5 s each
measured in alternating 1 s slices. It prints both rates and their ratio beside its aim
(home page 50%, district page 80%, lookup API 60%). Nothing is asserted; every server is
stopped on the way out.

    python benchmarks/serving.py

The client runs on the same machine as the servers, so on a small machine it takes CPU from
them: compare the ratios, not the absolute rates, between machines.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = Path(__file__).resolve().parent
HOST = "127.0.0.1"
THREADS = 8
WARM_UP_S = 1.0
MEASURE_S = 5.0
SLICES = 5
REQUEST_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
TRIVIAL_PATH = "/ok"
#: Each route, its aim as a share of the trivial route (issue 12's aims), and which guide
#: server answers it: the default settings, or deploy/app.env's (the version of the guide
#: reused for a second per process: CONTENT_CHECK_SECONDS=1).
ROUTES = [
    ("home page", "/", 0.5, "default"),
    ("district page", "/districts/al-circuit-6", 0.8, "default"),
    ("home page, deploy/app.env", "/", 0.5, "deploy"),
    ("district page, deploy/app.env", "/districts/al-circuit-6", 0.8, "deploy"),
    ("lookup API, point", "/api/v1/lookup?lat=32.37&lon=-86.30", 0.6, "default"),
    ("lookup API, ZIP", "/api/v1/lookup?address=35401", 0.6, "default"),
]


def trivial_app():
    """The baseline: a Flask app with one route that answers "ok" (gunicorn loads this)."""
    from flask import Flask

    app = Flask("trivial")
    app.add_url_rule(TRIVIAL_PATH, "ok", lambda: "ok")
    return app


def seed_database(directory: Path) -> Path:
    """A SQLite database with Alabama's districts and the demo election, as the tests do."""
    from voterguide import create_app

    path = directory / "voterguide.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(REPO / "data"),
                      "STATES": "al"})
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    if result.exit_code != 0:
        raise SystemExit(f"Could not seed the benchmark database:\n{result.output}")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> int:
    """One GET on a fresh connection; the status code."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_ready(process: subprocess.Popen, port: int, path: str, log: Path) -> None:
    """Poll ``path`` until it answers 200; give up with the server's log if it cannot."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if get(port, path) == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn on port {port} did not answer {path}:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop a gunicorn master and its workers: gracefully, then by force."""
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    # Whatever is left of the process group this script created for it (usually nothing).
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def gunicorn(app_spec: str, ready_path: str, env: dict, workdir: Path,
             extra_args: tuple[str, ...] = ()) -> Iterator[int]:
    """Serve ``app_spec`` on a free 127.0.0.1 port for the block; yields the port."""
    port = free_port()
    log = workdir / f"gunicorn-{port}.log"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}",
               "--workers", "2", "--worker-class", "sync", "--log-level", "warning",
               "--pythonpath", f"{REPO},{BENCHMARKS}", *extra_args, app_spec]
    with open(log, "w") as output:
        # cwd is the temporary directory, so no ./gunicorn.conf.py changes the settings.
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(process, port, ready_path, log)
        yield port
    finally:
        stop(process)


def load(port: int, path: str, seconds: float) -> tuple[int, int, float]:
    """GET ``path`` from THREADS threads for about ``seconds``: (successes, failures, the
    seconds it took until the last request begun in time had finished)."""
    start = time.monotonic()
    deadline = start + seconds
    counts = [[0, 0] for _ in range(THREADS)]

    def client(count: list[int]) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        while time.monotonic() < deadline:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                count[0 if response.status == 200 else 1] += 1
            except (OSError, http.client.HTTPException):
                count[1] += 1
                connection.close()  # the next request() reconnects
        connection.close()

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(c[0] for c in counts), sum(c[1] for c in counts), time.monotonic() - start


def rates(guide: tuple[int, str], trivial: tuple[int, str]) -> tuple[float, float, int]:
    """Requests per second of a guide route and of the trivial route, and failed requests.

    After a warm-up of each, the MEASURE_S seconds of each are taken in alternating slices,
    so that a change in the machine's other load weighs on both alike.
    """
    load(*guide, WARM_UP_S)
    load(*trivial, WARM_UP_S)
    done, seconds, failed = [0, 0], [0.0, 0.0], 0
    for _ in range(SLICES):
        for i, (port, path) in enumerate((guide, trivial)):
            ok, errors, elapsed = load(port, path, MEASURE_S / SLICES)
            done[i] += ok
            seconds[i] += elapsed
            failed += errors
    return done[0] / seconds[0], done[1] / seconds[1], failed


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Rows of strings, the first column left-aligned and the rest right-aligned."""
    header = ("route", "req/s", "trivial req/s", "ratio", "aim", "errors")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                         strict=True)]
        print("  ".join(cells))


def main() -> None:
    """Seed a database, serve both apps, load each row's route and the trivial route."""
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="voterguide-bench-") as directory:
        workdir = Path(directory)
        database = seed_database(workdir)
        env = {**os.environ, "VOTERGUIDE_DATABASE_URL": f"sqlite:///{database}",
               "VOTERGUIDE_DATA_DIR": str(REPO / "data"), "VOTERGUIDE_STATES": "al"}
        rows = []
        deployed = {**env, "VOTERGUIDE_CONTENT_CHECK_SECONDS": "1"}
        with gunicorn("voterguide:create_app()", "/", env, workdir) as guide, \
                gunicorn("voterguide:create_app()", "/", deployed, workdir) as deploy, \
                gunicorn("serving:trivial_app()", TRIVIAL_PATH, env, workdir) as trivial:
            for label, path, aim, server in ROUTES:
                port = guide if server == "default" else deploy
                guide_rate, trivial_rate, failed = rates((port, path), (trivial, TRIVIAL_PATH))
                rows.append((f"{label}  {path}", f"{guide_rate:,.0f}", f"{trivial_rate:,.0f}",
                             f"{guide_rate / trivial_rate:.0%}", f">= {aim:.0%}", f"{failed}"))
        print(f"gunicorn sync --workers 2 on {HOST}, {THREADS} client threads, {WARM_UP_S:g} s "
              f"warm-up + {MEASURE_S:g} s per route in {SLICES} alternating slices; "
              f"{os.cpu_count()} CPUs, load average {load_average:.1f} before the run")
        print_table(rows)


if __name__ == "__main__":
    main()
