"""The address a voter types is never written to a log, the database or a URL."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import time
import urllib.parse
import urllib.request

import pytest

# Distinctive strings, so that finding one anywhere can only mean it leaked.
STREET = "4217 Quillfeather Lane"
ADDRESS = f"{STREET}, Tuscaloosa, AL 35401"


def assert_absent(text: str | bytes, where: str) -> None:
    """Neither the street nor the whole address appears in the text."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    for needle in (STREET, "Quillfeather", urllib.parse.quote_plus(STREET)):
        assert needle not in text, f"the address leaked into {where}"


def test_a_form_lookup_keeps_the_address_nowhere(app, client, database_path, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.post("/", data={"address": ADDRESS})
    assert response.status_code == 303
    assert_absent(response.headers["Location"], "the redirect")
    page = client.get(response.headers["Location"])
    assert_absent(page.get_data(), "the district page")
    assert_absent("\n".join(r.getMessage() for r in caplog.records), "the app's log")
    assert_absent(database_path.read_bytes(), "the database file")
    assert not any(name.startswith("session") for name in response.headers.getlist("Set-Cookie"))


def test_a_failed_lookup_keeps_the_address_out_of_the_url(client, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.post("/", data={"address": f"{STREET}, Nowhereville, ZZ"})
    assert response.status_code == 422
    assert "Location" not in response.headers
    assert_absent("\n".join(r.getMessage() for r in caplog.records), "the app's log")


@pytest.fixture(scope="module")
def production_server(seeded_database, tmp_path_factory, gunicorn_server):
    """gunicorn with gunicorn.conf.py (access log on), CSRF on; yields (url, log, database)."""
    workdir = tmp_path_factory.mktemp("privacy")
    database = seeded_database.copy(workdir)
    with gunicorn_server(database, workdir) as url:
        yield url, workdir / "gunicorn.log", database


def logged_lines(log, expected: tuple[str, ...], seconds: float = 10.0) -> str:
    """The access log once it holds every expected line: a worker writes its line after
    the answer went out, so the last requests' lines may come a moment after the answers."""
    deadline = time.monotonic() + seconds
    while True:
        logged = log.read_text()
        if all(line in logged for line in expected) or time.monotonic() > deadline:
            return logged
        time.sleep(0.05)


def test_the_production_server_logs_no_address(production_server):
    url, log, database = production_server
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    assert "csrf_token" not in opener.open(url + "/").read().decode()  # no token, no cookie
    form = urllib.parse.urlencode({"address": ADDRESS}).encode()
    with opener.open(url + "/", data=form) as response:  # follows the 303
        assert response.url.endswith("/districts/al-circuit-6")
        assert_absent(response.url, "the URL")
    # API callers may put an address in a query string: it must not reach the access log.
    query = urllib.parse.urlencode({"address": ADDRESS})
    with opener.open(f"{url}/api/v1/lookup?{query}") as response:
        assert json.load(response)["districts"][0]["name"] == "6th Judicial Circuit"
    request = urllib.request.Request(f"{url}/api/v1/lookup",
                                     data=json.dumps({"address": ADDRESS}).encode(),
                                     headers={"Content-Type": "application/json"})
    with opener.open(request) as response:
        assert response.status == 200
    logged = logged_lines(log, ('"POST / ', '"GET /api/v1/lookup"', '"POST /api/v1/lookup"'))
    assert '"GET /api/v1/lookup"' in logged  # the access log is on, and keeps the path only
    assert "127.0.0.1" not in logged.replace(url, "")  # nor the visitor's IP address
    assert_absent(logged, "the server's log")
    assert_absent(database.read_bytes(), "the database file")
