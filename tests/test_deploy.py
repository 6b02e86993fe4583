"""The deployment a user copies (deploy/): nginx running deploy/nginx.conf in front of the
app in gunicorn keeps the public pages the guide marks public, serves the static files
itself, never keeps a lookup, a staff page or a campaign visit, and logs no query string;
a browser that takes gzip gets the app's compressed copy of a page, one that does not gets it
plain, whichever the cache fetched first.
Also the app's trust in the proxy's forwarded headers (VOTERGUIDE_TRUSTED_PROXIES)."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .support import REPO
from .support.servers import free_port
from .support.services import nginx

ADDRESS = "2000 University Blvd, Tuscaloosa, AL 35401"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body as sent) without following redirects."""
    try:
        with OPENER.open(urllib.request.Request(url, data=data, headers=headers or {}),
                         timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory):
    """nginx with deploy/nginx.conf in front of the gunicorn server; yields (url, folder)."""
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    upstream = server.removeprefix("http://")
    with nginx([upstream], port, REPO / "voterguide" / "static", folder) as running:
        yield f"http://127.0.0.1:{port}", running


@pytest.mark.parametrize("path", ["/", "/districts/al-circuit-6", "/about"])
def test_nginx_keeps_public_pages_and_they_carry_no_cookie(proxy, path):
    url, _ = proxy
    statuses = []
    for _ in range(3):
        status, headers, body = fetch(url + path)
        assert status == 200 and b"<main" in body
        assert headers.get("Set-Cookie") is None
        assert "public" in headers["Cache-Control"]
        statuses.append(headers["X-Cache-Status"])
    assert statuses[0] in ("MISS", "HIT", "EXPIRED", "UPDATING", "STALE", "REVALIDATED")
    assert statuses[-1] == "HIT"


def test_nginx_serves_the_static_files_itself(proxy):
    url, _ = proxy
    status, headers, body = fetch(url + "/static/style.css")
    assert status == 200 and body == (REPO / "voterguide/static/style.css").read_bytes()
    assert headers.get("X-Cache-Status") is None  # never reached the app's cache location
    assert "max-age=3600" in headers["Cache-Control"]


@pytest.mark.parametrize("first", ["gzip", ""])
def test_nginx_sends_each_client_the_copy_it_takes(proxy, first):
    url, _ = proxy
    path = f"/districts/al-circuit-6?first={first or 'plain'}"  # a page nginx has not kept
    gzip_client, plain_client = {"Accept-Encoding": "gzip, deflate"}, {}
    order = [gzip_client, plain_client] if first else [plain_client, gzip_client]
    answers = {}
    for _ in range(3):
        for client in order:
            status, headers, body = fetch(url + path, headers=client)
            assert status == 200 and headers.get("Set-Cookie") is None
            assert "Accept-Encoding" in headers["Vary"]
            answers.setdefault(bool(client), []).append((headers, body))
    plain = [body for _, body in answers[False]]
    assert b"<main" in plain[0] and all(body == plain[0] for body in plain)
    for headers, _ in answers[False]:
        assert headers.get("Content-Encoding") is None
    for headers, body in answers[True]:
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == plain[0]
    assert answers[True][-1][0]["X-Cache-Status"] == "HIT"
    assert answers[False][-1][0]["X-Cache-Status"] == "HIT"


def test_nginx_compresses_the_stylesheet_for_a_browser(proxy):
    url, _ = proxy
    status, headers, body = fetch(url + "/static/style.css",
                                  headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (REPO / "voterguide/static/style.css").read_bytes()


def test_the_lookup_api_skips_nginx_cache_and_is_answered_by_the_app(proxy):
    url, _ = proxy
    for path in ("/api/v1/lookup?address=35401", "/es/api/v1/lookup?address=35401"):
        for _ in range(2):
            status, headers, body = fetch(url + path, headers={"Accept-Encoding": "gzip"})
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            assert status == 200 and b'"districts"' in body, path
            assert headers["Cache-Control"] == "no-store"
            assert headers.get("X-Cache-Status") is None  # never went through the cache
    status, headers, _ = fetch(url + "/", data=b"address=35401")
    assert status == 303  # the form's lookup still reaches the app


def test_nginx_never_keeps_a_lookup_a_staff_page_or_a_campaign_visit(proxy):
    url, folder = proxy
    form = urllib.parse.urlencode({"address": ADDRESS}).encode()
    query = urllib.parse.urlencode({"address": ADDRESS})
    for _ in range(2):
        status, headers, _ = fetch(url + "/", data=form)
        assert status == 303 and headers["Location"].endswith("/districts/al-circuit-6")
        assert headers["X-Cache-Status"] != "HIT"
        for path in (f"/api/v1/lookup?{query}", "/staff/login",
                     "/districts/al-circuit-6?ref=deploy-test"):
            status, headers, _ = fetch(url + path)
            assert status == 200, path
            assert headers["X-Cache-Status"] != "HIT", path
    assert ADDRESS.split(",")[0] not in (folder / "access.log").read_text()
    kept = b"".join(p.read_bytes() for p in (folder / "cache").rglob("*") if p.is_file())
    keys = [line for line in kept.split(b"\n") if line.startswith(b"KEY: ")]
    assert keys  # the public pages of the other tests
    for key in keys:  # each cached file starts with its key: the URL it answers
        assert b"address=" not in key and b"/staff" not in key and b"ref=" not in key, key
    assert b"csrf_token" not in kept and b"Set-Cookie" not in kept


def test_the_app_believes_forwarded_headers_only_when_told(make_app):
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    seen = []
    for proxies in (0, 1):
        app = make_app(TRUSTED_PROXIES=proxies)

        @app.get("/test-remote")
        def remote():
            from flask import request

            return f"{request.remote_addr} {request.scheme}"

        seen.append(app.test_client().get("/test-remote", headers=headers).get_data(
            as_text=True))
    assert seen == ["127.0.0.1 http", "203.0.113.7 https"]
