"""Running the app for real: gunicorn on a free loopback port, as production does."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .databases import TestDatabase
from .paths import DATA_DIR, HOST, REPO


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Poll the server until it answers; fail with its log if it dies or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within {timeout} s:\n{log.read_text()}")


@contextlib.contextmanager
def gunicorn(database: Path | TestDatabase, workdir: Path, **env_overrides: str
             ) -> Iterator[str]:
    """Serve the app on ``database`` (a SQLite file or a test database) with
    gunicorn.conf.py; yield the base URL, then stop.

    Its standard output and error (the access and error logs) go to ``workdir/gunicorn.log``.
    """
    port = free_port()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("VOTERGUIDE_") and name != "SECRET_KEY"}
    url = database.url if isinstance(database, TestDatabase) else f"sqlite:///{database}"
    env.update(VOTERGUIDE_DATABASE_URL=url, VOTERGUIDE_DATA_DIR=str(DATA_DIR),
               VOTERGUIDE_STATES="al,ca", VOTERGUIDE_GEOCODER="offline",
               VOTERGUIDE_SECRET_KEY=secrets.token_hex(32), HOST=HOST, PORT=str(port),
               WEB_CONCURRENCY="1")
    env.update(env_overrides)
    log = workdir / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
             "voterguide:create_app()"],
            cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    base_url = f"http://{HOST}:{port}"
    try:
        wait_until_up(base_url + "/", process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def staff_site(seeded_database, workdir: Path, email: str, password: str,
               **env_overrides: str) -> Iterator[str]:
    """gunicorn on a copy of the seeded database with one admin signed up; yields its
    base URL (the browser tests of the staff pages share it)."""
    from voterguide import create_app
    from voterguide.extensions import db
    from voterguide.staff.accounts import create_user

    from . import settings

    database = seeded_database.copy(workdir)
    app = create_app(settings(database))
    with app.app_context():
        create_user(db.session, email, password, "admin")
        db.session.commit()
        db.engine.dispose()
    with gunicorn(database, workdir, **env_overrides) as base_url:
        yield base_url
