"""Lookup latency under concurrent load with an online geocoder in front of the offline one.

Serves the guide with gunicorn (2 workers of 4 threads, as gunicorn.conf.py does) on
127.0.0.1, configured with the chain ``census,offline`` whose Census is a stand-in server
on loopback (tests/standins.py) that answers in the Census's real format, and loads
``POST /api/v1/lookup`` from 8 threads:

- cache hit: the same known address over and over (the first answer is cached);
- cache miss: a new address every request, against a Census answering in 300 ms;
- hanging provider: a Census that never answers in time: the timeout (1 s) bounds the
  first requests, then the provider rests and the offline geocoder answers at once.

Prints the median and 99th percentile latency of each. Run: ``python benchmarks/geocoding.py``.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from serving import HOST, gunicorn, seed_database  # noqa: E402

from tests import standins  # noqa: E402

THREADS = 8
THREADS_PER_WORKER = 4
REQUESTS_PER_THREAD = 40
KNOWN = "2000 University Blvd, Tuscaloosa, AL 35401"


def post(port: int, address: str) -> tuple[int, float]:
    """One lookup; its status and latency in seconds."""
    body = json.dumps({"address": address})
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("POST", "/api/v1/lookup", body,
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def load(port: int, address_of) -> tuple[list[float], int]:
    """THREADS threads × REQUESTS_PER_THREAD lookups; latencies and the count of non-200s."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(thread: int) -> None:
        nonlocal errors
        for i in range(REQUESTS_PER_THREAD):
            status, seconds = post(port, address_of(thread, i))
            with lock:
                latencies.append(seconds)
                errors += status != 200

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def row(name: str, latencies: list[float], errors: int) -> str:
    """A printed line: median and p99 in milliseconds."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{name:<34}{statistics.median(ordered) * 1000:>10.1f} ms"
            f"{p99 * 1000:>10.1f} ms{len(ordered):>8}{errors:>8}")


def main() -> None:
    """Run the three cases and print the table."""
    standin = standins.start()
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        database = seed_database(workdir)
        env = {**os.environ, "VOTERGUIDE_DATABASE_URL": f"sqlite:///{database}",
               "VOTERGUIDE_DATA_DIR": str(Path(__file__).resolve().parent.parent / "data"),
               "VOTERGUIDE_STATES": "al", "VOTERGUIDE_GEOCODER": "census,offline",
               "VOTERGUIDE_GEOCODER_CENSUS_DOMAIN": standin.domain,
               "VOTERGUIDE_GEOCODER_CENSUS_SCHEME": "http",
               "VOTERGUIDE_GEOCODING_TIMEOUT": "1", "VOTERGUIDE_GEOCODING_COOLDOWN": "600",
               "VOTERGUIDE_GEOCODING_STATE_DIR": str(workdir / "geocoders")}
        print(f"gunicorn 2 workers × {THREADS_PER_WORKER} threads, {THREADS} client threads "
              f"× {REQUESTS_PER_THREAD} lookups each; {os.cpu_count()} CPUs")
        print(f"{'case':<34}{'median':>13}{'p99':>13}{'n':>8}{'errors':>8}")
        # Threads let a worker wait on a slow geocoder while others are answered.
        with gunicorn("voterguide:create_app()", "/", env, workdir,
                      ("--worker-class", "gthread", "--threads", str(THREADS_PER_WORKER))
                      ) as port:
            post(port, KNOWN)  # cached from now on
            print(row("cache hit", *load(port, lambda t, i: KNOWN)))
            standin.mode, standin.delay = "empty", 0.3
            print(row("cache miss, provider takes 300 ms",
                      *load(port, lambda t, i: f"{t * 1000 + i} Elm St, Tuscaloosa, AL 35401")))
            standin.mode, standin.delay = "ok", 60.0
            latencies, errors = load(port, lambda t, i: f"{t * 1000 + i} Oak St, Mobile, AL 36602")
            print(row("provider hangs (timeout 1 s)", latencies, errors))
            print(f"{'  slowest single lookup':<34}{max(latencies) * 1000:>10.1f} ms")
    standin.delay = 0
    standin.shutdown()
    standin.server_close()


if __name__ == "__main__":
    main()
