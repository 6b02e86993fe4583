"""Whole public answers kept per process (web/snapshots.py): served again without Flask
while the published guide's version is unchanged, never for a staff member, a cookie, a POST
or anything private; another Host or query is another entry; 304s stay right; the memory
bound holds; a client that takes gzip gets the kept page compressed (made once, when kept),
the same page once decompressed. Whether an answer came from a snapshot shows by the view
not running again."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import event

from voterguide import content
from voterguide.extensions import db
from voterguide.guide import views

from .support import sign_in

PAGE = "/districts/al-circuit-6"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def renders(monkeypatch):
    """The district pages rendered from now on, by slug; each render says which it was."""
    rendered: list[str] = []

    def render(slug):
        rendered.append(slug)
        return f"<p>render {len(rendered)}</p>"

    monkeypatch.setattr(views, "district_html", render)
    return rendered


def snapshots(app):
    """The app's snapshot layer."""
    return app.extensions["voterguide_snapshots"]


def bump(app) -> None:
    """A publish (or rollback, or data load) through ``app``: a new version, committed."""
    with app.app_context():
        content.bump(db.session)
        db.session.commit()


def test_a_public_page_is_answered_again_without_flask_until_a_publish_elsewhere(
        make_app, renders):
    # Two processes on one database, each with its own snapshots.
    first, second = make_app(SNAPSHOT_SECONDS=600), make_app(SNAPSHOT_SECONDS=600)
    one, other = first.test_client(), second.test_client()
    page = one.get(PAGE)
    assert page.status_code == 200 and renders == ["al-circuit-6"]
    again = one.get(PAGE)
    assert again.get_data() == page.get_data() and renders == ["al-circuit-6"]
    assert again.headers["ETag"] == page.headers["ETag"]
    assert again.headers["Cache-Control"] == page.headers["Cache-Control"]
    assert again.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]
    assert other.get(PAGE).status_code == 200 and len(renders) == 2  # its own snapshots
    bump(second)  # a publish through the other process
    fresh = one.get(PAGE)
    assert fresh.get_data() == b"<p>render 3</p>" and fresh.headers["ETag"] != page.headers[
        "ETag"]
    assert one.get(PAGE).get_data() == b"<p>render 3</p>" and len(renders) == 3


def test_a_head_is_answered_from_a_kept_get_without_its_body(make_app, renders):
    client = make_app(SNAPSHOT_SECONDS=600).test_client()
    page = client.get(PAGE)
    head = client.head(PAGE)
    assert head.status_code == 200 and head.get_data() == b"" and renders == ["al-circuit-6"]
    assert head.headers["Content-Length"] == page.headers["Content-Length"]


def test_nothing_is_kept_longer_than_its_seconds(make_app, renders):
    client = make_app(SNAPSHOT_SECONDS=5).test_client()
    client.get(PAGE)
    client.get(PAGE)
    assert len(renders) == 1
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)):
        client.get(PAGE)
    assert len(renders) == 2


def test_no_snapshot_for_a_request_with_a_cookie_and_none_served_to_it(make_app, renders):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    client.get(PAGE)
    client.set_cookie("anything", "1")
    assert client.get(PAGE).get_data() == b"<p>render 2</p>"
    assert client.get(PAGE).get_data() == b"<p>render 3</p>"
    assert len(snapshots(app).entries) == 1  # the cookie-less one only


def test_a_staff_member_is_never_answered_from_a_snapshot(make_app, make_user, renders):
    app = make_app(SNAPSHOT_SECONDS=600)
    app.test_client().get(PAGE)  # a voter's visit is kept
    with app.app_context():
        make_user("editor@example.org", "editor")
    staff = app.test_client()
    assert sign_in(staff, "editor@example.org").status_code == 303
    assert staff.get(PAGE).get_data() == b"<p>render 2</p>"
    for path in ("/staff/", "/staff/login"):
        assert staff.get(path).status_code == 200
    assert not any(path.startswith("/staff") for _, _, path, _ in snapshots(app).entries)
    # The sign-in page without a cookie is not kept either: it sets one and is private.
    signed_out = app.test_client()
    signed_out.get("/staff/login")
    assert not any(path.startswith("/staff") for _, _, path, _ in snapshots(app).entries)


def test_a_post_is_never_kept_nor_answered_from_a_snapshot(make_app):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    client.get("/")
    posted = client.post("/", data={"address": "Tuscaloosa, AL 35401"})
    assert posted.status_code == 303
    assert {method_path for _, _, method_path, _ in snapshots(app).entries} == {"/"}


def test_private_answers_are_not_kept(make_app, database):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    for _ in range(2):  # a campaign visit: private, and each one is counted
        assert client.get(PAGE + "?ref=flyer-7").status_code == 200
    assert database.rows("SELECT count FROM campaign_counts WHERE code = 'flyer-7' "
                         "AND kind = 'visit'") == [(2,)]
    client.get("/api/v1/lookup?address=Tuscaloosa,+AL+35401")  # a lookup: no-store
    assert client.get("/nowhere").status_code == 404
    assert not snapshots(app).entries


def test_another_host_or_query_is_another_entry(make_app, renders):
    app = make_app(SNAPSHOT_SECONDS=600, EXTRA_HOSTS="guide.example.org")
    client = app.test_client()
    client.get(PAGE)
    client.get(PAGE, headers={"Host": "guide.example.org"})
    client.get(PAGE + "?x=1")
    assert len(renders) == 3 and len(snapshots(app).entries) == 3
    client.get(PAGE, headers={"Host": "guide.example.org"})
    client.get(PAGE + "?x=1")
    assert len(renders) == 3
    # A Host the guide does not answer for is refused, kept or not.
    assert client.get(PAGE, headers={"Host": "evil.example"}).status_code == 400


def test_conditional_requests_are_answered_right_from_a_snapshot(make_app, renders):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    page = client.get(PAGE)
    etag, modified = page.headers["ETag"], page.headers.get("Last-Modified")
    held = client.get(PAGE, headers={"If-None-Match": etag})
    assert held.status_code == 304 and held.get_data() == b"" and len(renders) == 1
    assert held.headers["ETag"] == etag and "Content-Type" not in held.headers
    assert "public" in held.headers["Cache-Control"]
    other = client.get(PAGE, headers={"If-None-Match": '"another"'})
    assert other.status_code == 200 and other.get_data() == page.get_data()
    if modified:
        assert client.get(PAGE, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(PAGE, headers={"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 "
                                                              "GMT"}).status_code == 200
    bump(app)  # the client's copy is stale now: the new page
    changed = client.get(PAGE, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert len(renders) == 2


def test_the_memory_bound_holds(make_app, monkeypatch):
    # Pages of about 100 KB each, a 1 MB bound: about ten kept, the oldest leaving first.
    monkeypatch.setattr(views, "district_html", lambda slug: slug + "x" * 100_000)
    app = make_app(SNAPSHOT_SECONDS=600, SNAPSHOT_MEGABYTES=1)
    client = app.test_client()
    layer = snapshots(app)
    for number in range(30):
        assert client.get(f"{PAGE}?n={number}").status_code == 200
        assert layer.size <= 1024 * 1024
        assert layer.size == sum(entry.size for entry in layer.entries.values())
    kept = [query for _, _, _, query in layer.entries]
    assert 5 <= len(kept) <= 10 and kept[-1] == "n=29" and "n=0" not in kept
    # An answer bigger than an eighth of the bound is never kept.
    monkeypatch.setattr(views, "district_html", lambda slug: "y" * 200_000)
    client.get(f"{PAGE}?big=1")
    assert "big=1" not in [query for _, _, _, query in layer.entries]


def test_no_layer_when_turned_off(make_app):
    assert "voterguide_snapshots" not in make_app(SNAPSHOT_SECONDS=0).extensions
    assert "voterguide_snapshots" not in make_app(SNAPSHOT_MEGABYTES=0).extensions


def bump_in_another_process(app, **overrides) -> None:
    """A publish through another server process (a real one) on the app's database."""
    made = {key: app.config[key] for key in ("DATABASE_URL", "DATA_DIR", "STATES",
                                               "GEOCODING_STATE_DIR")}
    made.update({"INSTANCE_PATH": app.instance_path, "GEOCODER": "offline", **overrides})
    script = ("import json, sys\n"
              "from voterguide import content, create_app\n"
              "from voterguide.extensions import db\n"
              "app = create_app(json.loads(sys.argv[1]))\n"
              "with app.app_context():\n"
              "    content.bump(db.session)\n"
              "    db.session.commit()\n")
    subprocess.run([sys.executable, "-c", script, json.dumps(made)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)


def queries(app) -> list[str]:
    """The statements the app sends its database from now on."""
    sent: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: sent.append(args[2]))
    return sent


def test_a_kept_page_needs_no_query_and_a_publish_in_another_process_shows_at_once(
        make_app, renders):
    # CONTENT_CHECK_SECONDS=0 (the default): the version file tells whether it changed.
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    client.get(PAGE)
    sent = queries(app)
    assert client.get(PAGE).status_code == 200 and sent == [] and len(renders) == 1
    bump_in_another_process(app)
    assert client.get(PAGE).get_data() == b"<p>render 2</p>"
    assert sent  # the file changed: the version was read from the database again


def test_without_the_version_file_every_request_reads_the_database(make_app, renders):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    client.get(PAGE)
    with app.app_context():
        os.unlink(content._signals[str(db.engine.url)].path)  # gone, or never writable
    sent = queries(app)
    client.get(PAGE)
    assert sent and len(renders) == 1  # kept, but its version read from the database
    bump_in_another_process(app, CONTENT_SIGNAL_SECONDS=0)  # a writer with no file
    assert client.get(PAGE).get_data() == b"<p>render 2</p>"


def test_a_publish_the_file_missed_shows_within_content_signal_seconds(make_app, renders):
    app = make_app(SNAPSHOT_SECONDS=600, CONTENT_SIGNAL_SECONDS=10)
    client = app.test_client()
    client.get(PAGE)
    bump_in_another_process(app, CONTENT_SIGNAL_SECONDS=0)  # it wrote no file
    assert client.get(PAGE).get_data() == b"<p>render 1</p>"  # the file says unchanged
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=11)):
        assert client.get(PAGE).get_data() == b"<p>render 2</p>"


def test_with_redis_a_publish_in_another_process_shows_through_its_counter(
        make_app, renders, redis_url, tmp_path):
    # Two machines: no instance folder in common, only Redis.
    app = make_app(SNAPSHOT_SECONDS=600, REDIS_URL=redis_url,
                   INSTANCE_PATH=str(tmp_path / "one"))
    client = app.test_client()
    client.get(PAGE)
    sent = queries(app)
    assert client.get(PAGE).status_code == 200 and sent == [] and len(renders) == 1
    bump_in_another_process(app, REDIS_URL=redis_url, INSTANCE_PATH=str(tmp_path / "two"))
    # The counter is read again once the process's last read is REUSE_SECONDS old.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=content.RedisSignal.REUSE_SECONDS)
    with time_machine.travel(later):
        assert client.get(PAGE).get_data() == b"<p>render 2</p>"


def redis_gets(redis_url) -> int:
    """How many GETs the Redis server has answered since it started."""
    import redis

    stats = redis.Redis.from_url(redis_url).info("commandstats")
    return int(stats.get("cmdstat_get", {}).get("calls", 0))


def test_with_redis_a_process_reads_the_counter_a_few_times_a_second_not_each_request(
        make_app, renders, redis_url, tmp_path):
    app = make_app(SNAPSHOT_SECONDS=600, REDIS_URL=redis_url,
                   INSTANCE_PATH=str(tmp_path / "one"))
    client = app.test_client()
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        client.get(PAGE)
        before = redis_gets(redis_url)
        answers = [client.get(PAGE).status_code for _ in range(20)]
        assert answers == [200] * 20 and redis_gets(redis_url) == before  # all reused
    step = dt.timedelta(seconds=content.RedisSignal.REUSE_SECONDS)
    with time_machine.travel(start + step, tick=False):
        assert client.get(PAGE).status_code == 200
        assert redis_gets(redis_url) == before + 1  # one read, once it was that old
    # A publish in this process is seen at once, without waiting out the reuse.
    with time_machine.travel(start + step, tick=False), app.app_context():
        content.bump(db.session)
        db.session.commit()
        assert client.get(PAGE).get_data() == b"<p>render 2</p>"


def test_a_staff_publish_changes_the_version_file(app, db, make_user):
    from voterguide.models import ChangeSet, ChangeSetKind, ChangeSetStatus

    admin = make_user("admin@example.org", "admin")
    draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT, changes=[],
                      problems=[], created_by=admin, created_at=dt.datetime(2026, 1, 1),
                      summary="nothing")
    db.session.add(draft)
    db.session.commit()
    signal = content._signals[str(db.engine.url)]
    before = signal.key()
    staff = app.test_client()
    sign_in(staff, "admin@example.org")
    assert staff.post(f"/staff/changes/{draft.id}/publish").status_code == 303
    assert signal.key() != before


def vary(response) -> set[str]:
    """The request headers an answer says it varies on, lower-cased."""
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")
            if name.strip()}


def test_a_client_that_takes_gzip_gets_the_kept_page_compressed_once(make_app, monkeypatch):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    first = client.get(PAGE, headers=GZIP)  # the app's answer, kept, sent compressed
    assert first.headers["Content-Encoding"] == "gzip"
    made = []
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: made.append(1) or b"")
    plain = client.get(PAGE)
    zipped = client.get(PAGE, headers=GZIP)
    assert made == []  # served from what was kept: nothing compressed per request
    assert "Content-Encoding" not in plain.headers and b"<main" in plain.get_data()
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert gzip.decompress(first.get_data()) == plain.get_data()
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())
    assert len(zipped.get_data()) * 3 < len(plain.get_data())
    assert int(plain.headers["Content-Length"]) == len(plain.get_data())
    for answer in (plain, zipped):
        assert "accept-encoding" in vary(answer) and "cookie" not in vary(answer)
        assert "Set-Cookie" not in answer.headers and "public" in answer.headers[
            "Cache-Control"]
        assert answer.headers["Content-Security-Policy"] == first.headers[
            "Content-Security-Policy"]
    assert zipped.headers["ETag"].startswith("W/")
    assert zipped.headers["ETag"] == plain.headers["ETag"]  # weak: the same page either way


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0, deflate", "*;q=0", "br"])
def test_a_client_that_does_not_take_gzip_gets_the_plain_page(make_app, accept):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    kept = client.get(PAGE, headers=GZIP).headers["Content-Encoding"] == "gzip"
    answer = client.get(PAGE, headers={"Accept-Encoding": accept})
    assert kept and "Content-Encoding" not in answer.headers
    assert b"<main" in answer.get_data() and "accept-encoding" in vary(answer)


def test_a_304_and_a_head_answer_either_copy(make_app):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    plain, zipped = client.get(PAGE), client.get(PAGE, headers=GZIP)
    for held in (plain.headers["ETag"], zipped.headers["ETag"]):
        for extra in ({}, GZIP):
            again = client.get(PAGE, headers={"If-None-Match": held, **extra})
            assert again.status_code == 304 and again.get_data() == b""
            assert "Content-Encoding" not in again.headers
            assert "Content-Length" not in again.headers
            assert "accept-encoding" in vary(again)
    head = client.head(PAGE, headers=GZIP)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Encoding"] == "gzip"
    assert head.headers["Content-Length"] == zipped.headers["Content-Length"]
    bump(app)  # a publish: the held copy is stale, a new page in either copy
    fresh = client.get(PAGE, headers={"If-None-Match": zipped.headers["ETag"], **GZIP})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != zipped.headers["ETag"]
    assert gzip.decompress(fresh.get_data()) == client.get(PAGE).get_data()


def test_small_and_binary_answers_are_kept_uncompressed(make_app, renders):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    for path in (PAGE, "/share/districts/al-circuit-6.png"):  # 15 bytes; a PNG
        client.get(path)
        answer = client.get(path, headers=GZIP)
        assert answer.status_code == 200 and "Content-Encoding" not in answer.headers, path
        assert "accept-encoding" not in vary(answer), path


def fetch(url: str, headers: dict[str, str]) -> tuple[dict, bytes]:
    """The headers and body of a GET, as sent (not decompressed)."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                timeout=10) as response:
        return dict(response.headers), response.read()


def test_gunicorn_sends_a_gzip_client_the_kept_page_compressed(server):
    # The real server (gunicorn.conf.py's workers, the snapshot layer on by default).
    plain_headers, plain = fetch(server + PAGE, {})
    for _ in range(4):  # each worker keeps its own: every answer is right
        headers, body = fetch(server + PAGE, GZIP)
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == plain
        assert int(headers["Content-Length"]) == len(body)
        assert "Accept-Encoding" in headers["Vary"]
        assert "Set-Cookie" not in headers
        assert headers["ETag"] == plain_headers["ETag"]
    headers, body = fetch(server + PAGE, {})
    assert "Content-Encoding" not in headers and body == plain


LOOKUP = "/api/v1/lookup?address=35401"


@pytest.fixture
def places(monkeypatch):
    """The lookups the API works out from now on (the real ones, counted)."""
    from voterguide.guide import services

    counted: list[object] = []
    real = services.place
    monkeypatch.setattr(services, "place", lambda location: counted.append(1) or real(
        location))
    return counted


def marked(answer) -> bool:
    """Whether an answer carries one of the app's own marks (none may leave the process)."""
    return any(name.lower().startswith("x-voterguide") for name, _ in answer.headers)


def kept_queries(app) -> list[str]:
    """The query strings of the kept answers."""
    return [query for _, _, _, query in snapshots(app).entries]


def test_the_api_answer_to_a_zip_code_is_kept_whole_and_never_marked_outside(
        make_app, places):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    first = client.get(LOOKUP)
    app.extensions["voterguide_lookup_answers"].entries.clear()
    again = client.get(LOOKUP)
    assert again.get_data() == first.get_data() and places == [1]
    assert app.extensions["voterguide_lookup_answers"].entries == {}  # Flask never ran
    small = client.get(LOOKUP, headers=GZIP)  # a few hundred bytes: not worth compressing
    assert small.get_data() == first.get_data() and places == [1]
    for answer in (first, again, small):
        assert answer.headers["Cache-Control"] == "no-store"  # for every other cache
        assert not marked(answer)
    bump(app)
    assert client.get(LOOKUP).get_data() == first.get_data() and places == [1, 1]
    assert kept_queries(app) == ["address=35401"]


@pytest.mark.parametrize("query", [
    "address=2000+University+Blvd%2C+Tuscaloosa%2C+AL+35401",
    "address=35401&note=2000+University+Blvd", "address=35401&address=35404",
    "lat=33.2&lon=-87.5"])
def test_no_api_answer_to_an_address_or_a_query_with_more_in_it_is_kept(
        make_app, places, query):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    for _ in range(2):
        answer = client.get(f"/api/v1/lookup?{query}")
        assert answer.status_code == 200, query
        assert not marked(answer)
    assert kept_queries(app) == [] and len(places) >= 1
    answers = app.extensions.get("voterguide_lookup_answers")
    assert "University" not in str(list(answers.entries) if answers else [])


def test_a_lookup_with_a_cookie_is_answered_by_flask_and_unmarked(make_app, places):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    client.set_cookie("session", "anything")
    for _ in range(2):
        answer = client.get(LOOKUP)
        assert answer.status_code == 200
        assert not marked(answer)
    assert kept_queries(app) == [] and places == [1]  # the API's own kept answer


@pytest.mark.parametrize("path", ["/share/districts/al-circuit-6.png",
                                  "/qr.svg?path=/districts/al-circuit-6"])
def test_an_image_with_its_own_etag_is_kept_at_the_version_it_shows(make_app, path):
    app = make_app(SNAPSHOT_SECONDS=600)
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200
    [(_, _, kept_path, query)] = snapshots(app).entries
    assert kept_path + (f"?{query}" if query else "") == path
    again = client.get(path)
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers[
        "ETag"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 304
    [made_at] = [entry.version for entry in snapshots(app).entries.values()]
    bump(app)  # a publish: made again at the new version
    assert client.get(path).get_data() == first.get_data()
    assert [entry.version for entry in snapshots(app).entries.values()] == [made_at + 1]
