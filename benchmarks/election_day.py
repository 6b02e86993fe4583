"""Election day on one machine standing in for many: PostgreSQL, Redis, two app servers and
nginx in front, measured with wrk.

Starts, each in a temporary folder and stopped on the way out: a throwaway PostgreSQL
cluster (initdb/pg_ctl, Unix socket) seeded with Alabama and the demo election; a
redis-server; two gunicorn servers of the guide on different ports (two "machines", each
with the repository's gunicorn.conf.py, sharing the database and Redis); a bare Flask route
under the same gunicorn settings; and nginx running deploy/nginx.conf in front of the two
app servers, with a copy of the district page as a static file beside the stylesheets (and
its gzip copy beside it, which nginx sends as it is: ``gzip_static``).

Then, in one run, with wrk (100 connections, 2 threads, WRK_SECONDS each after a warm-up),
every request saying ``Accept-Encoding: gzip, deflate, br`` as browsers do:

- requests/s and p99 of the home page, the district page, the lookup (form POST and API)
  and a share image: through nginx with its cache, and straight to one app server;
- beside them, the bare Flask route and nginx serving the static file, measured before the
  first route and again after each, so that each figure has its baseline measured just
  before and just after it (the aims are ratios: see the README);
- 10,000 lookups (form POSTs through nginx) at 100 connections, once the servers have
  settled (SETTLE_SECONDS): errors (answers of 4xx/5xx, socket errors), p99, then 10,000
  more at once, and each app worker's memory before, between and after; beside them, as
  the latency's floor on this machine, the same 10,000 POSTs through a second nginx (the
  same configuration) in front of two bare Flask servers;
- a publish through one app server (an admin signs in, edits a candidate, publishes): how
  long until the other app server, and nginx, show it.

    python benchmarks/election_day.py            (make bench runs it too)
    ROUNDS=3 WRK_SECONDS=4 python benchmarks/election_day.py   (each share: a median of 3)

Nothing is asserted: it prints the figures. The client shares the machine with every
server, so compare ratios, not absolute rates, between machines.
"""

from __future__ import annotations

import gzip
import html
import http.cookiejar
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))

from tests.support.servers import free_port  # noqa: E402
from tests.support.services import nginx, postgresql, redis_server  # noqa: E402

HOST = "127.0.0.1"
CONNECTIONS = 100
WRK_THREADS = 2
WRK_SECONDS = int(os.environ.get("WRK_SECONDS", "8"))
WARM_UP_SECONDS = 2
#: How many times the table is measured (ROUNDS=3: each share's median of three).
ROUNDS = int(os.environ.get("ROUNDS", "1"))
LOOKUPS = 10_000
#: Seconds between the last row and the 10,000 lookups, for the servers to finish their work.
SETTLE_SECONDS = 10
#: How long nginx keeps a page in this run (the deployment's default is 30 + 30 s).
MAX_AGE, STALE = 10, 10
ADMIN, PASSWORD = "admin@example.org", "election-day benchmark"
FORM = "address=Tuscaloosa%2C+AL+35401"
ROUTES = [
    ("home page", "GET", "/"),
    ("district page", "GET", "/districts/al-circuit-6"),
    ("lookup, form POST", "POST", "/"),
    ("lookup API, ZIP", "GET", "/api/v1/lookup?address=35401"),
    ("share image", "GET", "/share/districts/al-circuit-6.png"),
]
CANDIDATE = "al-circuit-6-kendall-lassiter"
#: What a browser says it takes, sent with every request of the benchmark.
ACCEPT_ENCODING = "gzip, deflate, br"


def trivial_app():
    """The baseline: one Flask route answering "ok", under the same gunicorn settings."""
    from flask import Flask

    app = Flask("trivial")
    app.add_url_rule("/ok", "ok", lambda: "ok", methods=["GET", "POST"])
    return app


def seed(url: str) -> None:
    """Alabama, the demo election and an admin, on the benchmark's database."""
    from voterguide import create_app
    from voterguide.extensions import db
    from voterguide.staff.accounts import create_user

    app = create_app({"DATABASE_URL": url, "DATA_DIR": str(REPO / "data"), "STATES": "al"})
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    if result.exit_code != 0:
        raise SystemExit(f"Could not seed the benchmark database:\n{result.output}")
    with app.app_context():
        create_user(db.session, ADMIN, PASSWORD, "admin")
        db.session.commit()
        db.engine.dispose()


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll until the server answers 200, or stop with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with suppress(OSError, urllib.error.URLError), urllib.request.urlopen(
                url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up:\n{log.read_text()}")


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workdir: Path, ready: str) -> Iterator[
        tuple[int, subprocess.Popen]]:
    """gunicorn -c gunicorn.conf.py on a free port (2 workers x 4 threads, its defaults)."""
    port = free_port()
    log = workdir / f"gunicorn-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
             "--pythonpath", f"{REPO},{BENCHMARKS}", app_spec],
            cwd=workdir, env={**env, "HOST": HOST, "PORT": str(port), "ACCESS_LOG": "/dev/null"},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(f"http://{HOST}:{port}{ready}", process, log)
        yield port, process
    finally:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wrk_script(folder: Path, method: str, count_to: int | None = None) -> Path:
    """A wrk Lua script: the form POST for a lookup, and (count_to) stop after that many
    answers in all (each thread takes its share)."""
    lines = []
    if method == "POST":
        lines += ['wrk.method = "POST"', f'wrk.body = "{FORM}"',
                  'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"']
    if count_to:
        share = count_to // WRK_THREADS
        lines += ["local answered = 0",
                  "function response(status, headers, body)",
                  "  answered = answered + 1",
                  f"  if answered >= {share} then wrk.thread:stop() end",
                  "end"]
    path = folder / f"wrk-{method}-{count_to or 0}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(url: str, method: str, folder: Path, seconds: int = WRK_SECONDS,
        count_to: int | None = None) -> dict[str, float]:
    """Run wrk; its requests/s, p99 (ms), requests and errors (socket errors, 4xx/5xx)."""
    command = ["wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s",
               "--latency", "-H", f"Accept-Encoding: {ACCEPT_ENCODING}",
               "-s", str(wrk_script(folder, method, count_to)), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
               "requests": float(re.search(r"(\d+) requests in", out)[1]),
               "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out)[1]), "errors": 0.0}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        out)
    figures["errors"] = float(bad[1]) if bad else 0.0
    figures["non_2xx"] = figures["errors"]
    if sockets:
        figures["errors"] += sum(float(n) for n in sockets.groups())
    figures["timeouts"] = float(sockets[4]) if sockets else 0.0
    figures["sockets"] = figures["errors"] - figures["non_2xx"] - figures["timeouts"]
    return figures


def _ms(text: str) -> float:
    """wrk's 1.23ms / 456.78us / 1.02s, in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def measure(url: str, method: str, folder: Path) -> dict[str, float]:
    """A warm-up, then the measured run."""
    wrk(url, method, folder, seconds=WARM_UP_SECONDS)
    return wrk(url, method, folder)


def worker_memory(master: subprocess.Popen) -> list[int]:
    """The resident memory (KB) of each worker of a gunicorn master."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        with suppress(FileNotFoundError):
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]))
    return sizes


class Staff:
    """An admin's browser, on one app server: CSRF tokens and the session cookie."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def page(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], token_from: str) -> str:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_from)[1]
        data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        with self.opener.open(self.base + path, data=data, timeout=10) as response:
            return response.read().decode()


def publish_a_change(base: str) -> float:
    """Sign in as the admin on one server, edit a candidate's biography, publish the
    draft; return the time the publish answered (time.monotonic())."""
    staff = Staff(base)
    staff.post("/staff/login", {"email": ADMIN, "password": PASSWORD},
               staff.page("/staff/login"))
    form = staff.page(f"/staff/candidates/{CANDIDATE}")
    value = lambda name: html.unescape(re.search(  # noqa: E731
        rf'name="{name}"[^>]*value="([^"]*)"', form)[1]) if re.search(
        rf'name="{name}"[^>]*value="', form) else ""
    saved = staff.post(f"/staff/candidates/{CANDIDATE}", {
        "name": value("name"), "party": value("party"), "website": value("website"),
        "bio": "Published on election day.", "response_status": "responded"}, form)
    draft = re.search(r'/staff/changes/(\d+)"', saved)[1]
    change_set = staff.page(f"/staff/changes/{draft}")
    staff.post(f"/staff/changes/{draft}/publish", {}, change_set)
    return time.monotonic()


def seconds_until_seen(url: str, since: float, limit: float) -> float | None:
    """Poll a candidate page until it shows the published biography."""
    while time.monotonic() - since < limit:
        with urllib.request.urlopen(url, timeout=5) as response:
            if "Published on election day." in response.read().decode():
                return time.monotonic() - since
        time.sleep(0.05)
    return None


def row(name: str, figures: dict[str, float], baseline: float, aim: str) -> str:
    share = figures["rps"] / baseline * 100
    return (f"{name:<42} {figures['rps']:>9,.0f} {figures['p99']:>8.1f} {baseline:>9,.0f} "
            f"{share:>6.0f}%  {aim:<28} {int(figures['errors']):>6}")


class Baselines:
    """The bare Flask route and nginx's static file, measured before the first route and
    again after each: a route's share is of the mean of the baselines just before and just
    after it, so that a machine whose load moves during the run (a shared one) moves both."""

    def __init__(self, bare: str, static: str, folder: Path):
        self.urls, self.folder = (static, bare), folder
        self.runs: list[tuple[float, float]] = [self._measure()]

    def _measure(self) -> tuple[float, float]:
        return tuple(measure(url, "GET", self.folder)["rps"] for url in self.urls)

    def next(self) -> tuple[float, float]:
        """Measure both again; the means of this and the previous run (static, bare)."""
        self.runs.append(self._measure())
        before, after = self.runs[-2], self.runs[-1]
        return (before[0] + after[0]) / 2, (before[1] + after[1]) / 2

    def summary(self) -> str:
        static, bare = zip(*self.runs, strict=True)
        return (f"baselines, {len(self.runs)} runs each: nginx's static file "
                f"{min(static):,.0f}-{max(static):,.0f} req/s, the bare Flask route "
                f"{min(bare):,.0f}-{max(bare):,.0f} req/s")


def main() -> None:
    for program in ("wrk", "nginx", "redis-server"):
        if not shutil.which(program) and not Path(f"/usr/sbin/{program}").exists():
            raise SystemExit(f"{program} is missing: make services installs it.")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="voterguide-election-day-") as directory, \
            ExitStack() as stack:
        folder = Path(directory)
        os.chmod(folder, 0o755)
        database = stack.enter_context(postgresql())
        redis = stack.enter_context(redis_server())
        url = database.url("voterguide")
        from tests.support.databases import admin

        admin(database, 'CREATE DATABASE "voterguide"')
        seed(url)
        env = {name: value for name, value in os.environ.items()
               if not name.startswith("VOTERGUIDE_")}
        env.update(VOTERGUIDE_DATABASE_URL=url, VOTERGUIDE_REDIS_URL=redis.url(),
                   VOTERGUIDE_DATA_DIR=str(REPO / "data"), VOTERGUIDE_STATES="al",
                   VOTERGUIDE_SECRET_KEY=os.urandom(32).hex(), VOTERGUIDE_TRUSTED_PROXIES="1",
                   VOTERGUIDE_PUBLIC_MAX_AGE=str(MAX_AGE),
                   VOTERGUIDE_PUBLIC_STALE_SECONDS=str(STALE),
                   # the default 0: every request checks the version (its Redis counter)
                   VOTERGUIDE_CONTENT_CHECK_SECONDS=os.environ.get("CONTENT_CHECK", "0"),
                   # CONTENT_SIGNAL=0: no signal, a database query a request (as before it)
                   VOTERGUIDE_CONTENT_SIGNAL_SECONDS=os.environ.get("CONTENT_SIGNAL", "10"),
                   VOTERGUIDE_INSTANCE_PATH=str(folder / "instance"))
        first, first_process = stack.enter_context(
            gunicorn("voterguide:create_app()", env, folder, "/"))
        second, second_process = stack.enter_context(
            gunicorn("voterguide:create_app()", env, folder, "/"))
        bare, _ = stack.enter_context(gunicorn("election_day:trivial_app()", env, folder, "/ok"))
        other_bare, _ = stack.enter_context(
            gunicorn("election_day:trivial_app()", env, folder, "/ok"))
        static = folder / "static"
        shutil.copytree(REPO / "voterguide" / "static", static)
        district = f"http://{HOST}:{first}/districts/al-circuit-6"
        with urllib.request.urlopen(district) as page:
            (static / "district.html").write_bytes(page.read())
        with urllib.request.urlopen(urllib.request.Request(
                district, headers={"Accept-Encoding": "gzip"})) as page:
            zipped = page.read()  # the app's own compressed copy, as it sends it
            if page.headers.get("Content-Encoding") != "gzip":
                zipped = gzip.compress(zipped, compresslevel=9, mtime=0)
        (static / "district.html.gz").write_bytes(zipped)
        os.chmod(static, 0o755)
        proxy_port = free_port()
        stack.enter_context(nginx([f"{HOST}:{first}", f"{HOST}:{second}"], proxy_port, static,
                                  folder / "nginx"))
        bare_proxy_port = free_port()
        stack.enter_context(nginx([f"{HOST}:{bare}", f"{HOST}:{other_bare}"], bare_proxy_port,
                                  static, folder / "nginx-bare"))
        proxy, app = f"http://{HOST}:{proxy_port}", f"http://{HOST}:{first}"

        print(f"voterguide election day: PostgreSQL + Redis, 2 app servers (gunicorn.conf.py: "
              f"{os.environ.get('WEB_CONCURRENCY', '2')} workers x "
              f"{os.environ.get('GUNICORN_THREADS', '4')} threads each), nginx in front; "
              f"wrk -t{WRK_THREADS} -c{CONNECTIONS}, {WRK_SECONDS} s per row, "
              f"Accept-Encoding: {ACCEPT_ENCODING}; "
              f"{os.cpu_count()} cores, load average {load:.1f} at the start")
        aims = {"home page": ("static file, aim >= 50%", "bare Flask, aim >= 50%"),
                "district page": ("static file, aim >= 50%", "bare Flask, aim >= 80%"),
                "lookup API, ZIP": ("static file", "bare Flask, aim >= 60%")}
        shares: dict[str, list[float]] = {}
        for number in range(1, ROUNDS + 1):
            print(f"\nround {number} of {ROUNDS}, load average {os.getloadavg()[0]:.1f}")
            print(f"{'route':<42} {'req/s':>9} {'p99 ms':>8} {'baseline':>9} {'share':>7}  "
                  f"{'of / aim':<28} {'errors':>6}")
            baselines = Baselines(f"http://{HOST}:{bare}/ok", f"{proxy}/static/district.html",
                                  folder)
            for name, method, path in ROUTES:
                through, straight = aims.get(name, ("static file", "bare Flask"))
                figures = (measure(proxy + path, method, folder),
                           measure(app + path, method, folder))
                for label, measured, baseline, aim in zip(
                        (f"{name}, through nginx", f"{name}, straight to one app"), figures,
                        baselines.next(), (through, straight), strict=True):
                    print(row(label, measured, baseline, aim))
                    shares.setdefault(f"{label:<42} {aim:<28}", []).append(
                        measured["rps"] / baseline * 100)
            print(baselines.summary())
        if ROUNDS > 1:
            print(f"\nshares over {ROUNDS} rounds: median (lowest-highest)")
            for label, values in shares.items():
                print(f"{label} {statistics.median(values):>5.0f}% "
                      f"({min(values):.0f}-{max(values):.0f}%)")

        # The share image's row leaves the workers a backlog of answers nobody waits for any
        # more (wrk's requests timed out): let it drain, so the rush starts on idle servers.
        time.sleep(SETTLE_SECONDS)
        servers = (first_process, second_process)
        memory = [[worker_memory(p) for p in servers]]
        # wrk stops each thread after its share, but waits out the duration: no rate here.
        rush = wrk(proxy + "/", "POST", folder, seconds=120, count_to=LOOKUPS)
        memory.append([worker_memory(p) for p in servers])
        print(f"\n{LOOKUPS:,} lookups (form POSTs through nginx, {CONNECTIONS} connections): "
              f"{int(rush['requests']):,} answered, {_errors(rush)}, "
              f"p99 {rush['p99']:.1f} ms (aim: 0 errors, p99 < 250 ms)")
        # The same again at once: a worker's memory may rise in the first rush to what 100
        # connections at a time need; it must not rise again in the second.
        again = wrk(proxy + "/", "POST", folder, seconds=120, count_to=LOOKUPS)
        memory.append([worker_memory(p) for p in servers])
        print(f"  {LOOKUPS:,} more at once: {int(again['requests']):,} answered, "
              f"{_errors(again)}, p99 {again['p99']:.1f} ms")
        time.sleep(SETTLE_SECONDS / 2)
        floor = wrk(f"http://{HOST}:{bare_proxy_port}/ok", "POST", folder, seconds=120,
                    count_to=LOOKUPS)
        print(f"  the floor: {LOOKUPS:,} POSTs of the same form to the bare Flask route, "
              f"through the same nginx configuration in front of two bare servers: "
              f"{int(floor['requests']):,} answered, {int(floor['errors'])} errors, "
              f"p99 {floor['p99']:.1f} ms; the lookups' p99 is "
              f"{rush['p99'] / floor['p99']:.1f}x it")
        print("  each worker's memory before the lookups -> after the first 10,000 -> after "
              "the second:")
        for number, sizes in enumerate(zip(*memory, strict=True), 1):
            print(f"  app server {number}: " + ", ".join(
                " -> ".join(f"{size / 1024:.1f} MB" for size in worker)
                for worker in zip(*sizes, strict=False)))

        page = f"/candidates/{CANDIDATE}"
        for _ in range(2):  # nginx holds the page before it changes
            urllib.request.urlopen(proxy + page, timeout=5).read()
        published = publish_a_change(app)
        seen_app = seconds_until_seen(f"http://{HOST}:{second}{page}", published, 10)
        seen_proxy = seconds_until_seen(proxy + page, published, MAX_AGE + STALE + 10)
        print(f"\nA publish through app server 1: seen through app server 2 after "
              f"{_seconds(seen_app)} (documented: within 0.25 s, the Redis counter's reuse), "
              f"through nginx after {_seconds(seen_proxy)} (documented: within PUBLIC_MAX_AGE + "
              f"PUBLIC_STALE_SECONDS = {MAX_AGE + STALE} s here)")


def _errors(figures: dict) -> str:
    """wrk's errors: answers of 4xx/5xx, timeouts, and connections that broke (connect,
    read or write)."""
    return (f"{int(figures['errors'])} errors ({int(figures['non_2xx'])} answers of 4xx/5xx, "
            f"{int(figures['timeouts'])} timeouts, {int(figures['sockets'])} broken "
            f"connections)")


def _seconds(value: float | None) -> str:
    return "never (within the limit)" if value is None else f"{value:.2f} s"


if __name__ == "__main__":
    main()
