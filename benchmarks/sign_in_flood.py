"""The public site's latency during a flood of wrong staff sign-ins, beside the same site with
no flood, measured in the same run.

Starts gunicorn with the repository's gunicorn.conf.py (2 workers, 4 threads each) on a
seeded SQLite database with one admin (a scrypt hash, as in production), behind a pretend
proxy (VOTERGUIDE_TRUSTED_PROXIES=1), so that each wrong sign-in comes from an address of its
own (X-Forwarded-For) and no per-address limit slows the flood: every attempt costs a
password check. Twice: with the password checks unbounded (PASSWORD_CHECKS_AT_ONCE=1000, as
before the bound) and with the default bound. Each time, the baseline: 2 client threads GET
a district page for 5 s; then the same while 8 other threads post wrong passwords for the
admin (each with its own CSRF token and cookie) as fast as the server answers. Prints p50
and max of the page and the sign-in answers by status (no 500 is the aim; 401 is a checked
wrong password, 503 an attempt refused because every check slot was taken). Nothing is
asserted.

    python benchmarks/sign_in_flood.py
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from serving import HOST, REPO, free_port, seed_database, stop, wait_until_ready

PAGE = "/districts/al-circuit-6"
MEASURE_S = 5.0
PAGE_THREADS = 2
FLOOD_THREADS = 8
PASSWORD = "correct horse battery staple"


def page_times(port: int, seconds: float) -> list[float]:
    """Milliseconds of each GET of PAGE from PAGE_THREADS threads for ``seconds``."""
    times: list[float] = []
    deadline = time.monotonic() + seconds

    def run():
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request("GET", PAGE)
            connection.getresponse().read()
            times.append((time.perf_counter() - start) * 1000)
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(PAGE_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def flood(port: int, stop_at: threading.Event, statuses: Counter, first: int) -> None:
    """Wrong passwords for the admin, each from another address, as fast as answered, until
    ``stop_at`` is set."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    number = first
    while not stop_at.is_set():
        number += 1
        address = {"X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}."
                                      f"{number % 256}"}
        connection.request("GET", "/staff/login", headers=address)
        response = connection.getresponse()
        page = response.read().decode()
        cookie = re.search(r"session=[^;]+", response.getheader("Set-Cookie") or "")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        body = urllib.parse.urlencode({"csrf_token": token, "email": "admin@example.org",
                                       "password": "wrong password!!"})
        connection.request("POST", "/staff/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, **address})
        answer = connection.getresponse()
        answer.read()
        statuses[answer.status] += 1
    connection.close()


def describe(label: str, times: list[float]) -> str:
    return (f"{label:<34} p50 {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"
            f"   ({len(times)} requests)")


def measure(workdir: Path, database: Path, checks_at_once: str
            ) -> tuple[list[float], list[float], Counter]:
    """Serve the guide with that bound on password checks: the page's times without a flood
    and during one, and the flood's answers by status."""
    import subprocess

    port = free_port()
    env = {**os.environ, "VOTERGUIDE_DATABASE_URL": f"sqlite:///{database}",
           "VOTERGUIDE_DATA_DIR": str(REPO / "data"), "VOTERGUIDE_STATES": "al",
           "VOTERGUIDE_SECRET_KEY": "bench-" + "x" * 40, "HOST": HOST, "PORT": str(port),
           "ACCESS_LOG": "/dev/null", "VOTERGUIDE_TRUSTED_PROXIES": "1",
           "VOTERGUIDE_INSTANCE_PATH": str(workdir / f"instance-{checks_at_once}"),
           "VOTERGUIDE_LOGIN_ACCOUNT_LOCK_AFTER": "1000000"}
    if checks_at_once:
        env["VOTERGUIDE_PASSWORD_CHECKS_AT_ONCE"] = checks_at_once
    log = workdir / "gunicorn.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
             "voterguide:create_app()"], cwd=REPO, env=env, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(process, port, PAGE, log)
        page_times(port, 1.0)  # warm-up
        baseline = page_times(port, MEASURE_S)
        stop_at, statuses = threading.Event(), Counter()
        flooders = [threading.Thread(target=flood, args=(port, stop_at, statuses, n * 100_000))
                    for n in range(FLOOD_THREADS)]
        for thread in flooders:
            thread.start()
        during = page_times(port, MEASURE_S)
        stop_at.set()
        for thread in flooders:
            thread.join()
    finally:
        stop(process)
    return baseline, during, statuses


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        database = seed_database(workdir)
        from voterguide import create_app
        from voterguide.extensions import db
        from voterguide.staff.accounts import create_user

        app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench",
                          "DATA_DIR": str(REPO / "data"), "STATES": "al"})
        with app.app_context():
            create_user(db.session, "admin@example.org", PASSWORD, "admin")
            db.session.commit()
            db.engine.dispose()
        runs = [("checks unbounded", "1000"), ("checks bounded (default)", "")]
        results = [(label, *measure(workdir, database, value)) for label, value in runs]
    print(f"{os.cpu_count()} CPUs; {FLOOD_THREADS} flood threads, each attempt from another "
          f"address; {PAGE_THREADS} page threads; {MEASURE_S:g} s each")
    for label, baseline, during, statuses in results:
        print(f"-- {label}")
        print(describe("district page, no flood (baseline)", baseline))
        print(describe("district page, sign-in flood", during))
        print("   sign-in answers during the flood:",
              ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())))
    print("aim: no 500; the public p50 during the flood under 100 ms")


if __name__ == "__main__":
    main()
