"""The public site's latency during a flood of wrong staff sign-ins, beside the same site with
no flood, measured in the same run.

Starts gunicorn with the repository's gunicorn.conf.py (2 workers, 4 threads each) on a
seeded SQLite database with one admin. Baseline: 2 client threads GET a district page for
5 s. Then the same, while 8 other threads post wrong passwords for the admin (each with its
own CSRF token and cookie) as fast as the server answers. Prints p50 and max of the page
and the sign-in answers by status (no 500 is the aim; 401 and 429 are refusals). Nothing
is asserted.

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


def flood(port: int, stop_at: threading.Event, statuses: Counter) -> None:
    """Wrong passwords for the admin, as fast as answered, until ``stop_at`` is set."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    while not stop_at.is_set():
        connection.request("GET", "/staff/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = re.search(r"session=[^;]+", response.getheader("Set-Cookie") or "")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        body = urllib.parse.urlencode({"csrf_token": token, "email": "admin@example.org",
                                       "password": "wrong password!!"})
        connection.request("POST", "/staff/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        answer = connection.getresponse()
        answer.read()
        statuses[answer.status] += 1
    connection.close()


def describe(label: str, times: list[float]) -> str:
    return (f"{label:<34} p50 {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"
            f"   ({len(times)} requests)")


def main() -> None:
    import subprocess

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
        port = free_port()
        env = {**os.environ, "VOTERGUIDE_DATABASE_URL": f"sqlite:///{database}",
               "VOTERGUIDE_DATA_DIR": str(REPO / "data"), "VOTERGUIDE_STATES": "al",
               "VOTERGUIDE_SECRET_KEY": "bench-" + "x" * 40, "HOST": HOST, "PORT": str(port),
               "ACCESS_LOG": "/dev/null"}
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
            flooders = [threading.Thread(target=flood, args=(port, stop_at, statuses))
                        for _ in range(FLOOD_THREADS)]
            for thread in flooders:
                thread.start()
            during = page_times(port, MEASURE_S)
            stop_at.set()
            for thread in flooders:
                thread.join()
        finally:
            stop(process)
    print(describe("district page, no flood (baseline)", baseline))
    print(describe("district page, sign-in flood", during))
    print("sign-in answers during the flood:",
          ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())),
          "(aim: no 500; public p50 under 100 ms)")


if __name__ == "__main__":
    main()
