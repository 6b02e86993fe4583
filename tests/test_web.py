"""The rules every request obeys (voterguide/web): one unit of work per request, declared
access, security headers, a page cache shared through the database, login throttling.
Each of the issue's defects has its test here, written before its fix."""

from __future__ import annotations

import json
import logging
import shutil
import time
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, select

from voterguide.extensions import db as _db
from voterguide.models import CampaignCount, CampaignEvent, Candidate, ChangeSet

from .support import DATA_DIR, PASSWORD, sign_in

CIRCUIT_6 = {"lat": "33.2098", "lon": "-87.5692", "accuracy": "30"}


#: The change sets staff made (the sample election is loaded as change sets too).
STAFF_CHANGE_SETS = "SELECT count(*) FROM change_sets WHERE kind != 'sample'"


def committed_rows(database, sql: str) -> list[tuple]:
    """Rows as another connection sees them: only what was committed."""
    return database.rows(sql)


@pytest.fixture
def writes(app):
    """The INSERT, UPDATE and DELETE statements the app's engine runs from now on."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(_db.engine, "before_cursor_execute", record)


# --- defect 1: "use my location" with a campaign code ----------------------------------------

def test_a_use_my_location_lookup_with_a_campaign_code_is_counted(client, database_path):
    response = client.post("/locate", data={**CIRCUIT_6, "ref": "Geo-Flyer"})
    assert response.status_code == 303
    assert committed_rows(database_path, "SELECT code, district, kind, count FROM "
                          "campaign_counts") == [("geo-flyer", "al-circuit-6", "lookup", 1)]


def test_every_lookup_form_keeps_its_count(client, database_path):
    client.post("/", data={"address": "Tuscaloosa, AL 35401", "ref": "a"})
    client.post("/embed", data={"address": "Tuscaloosa, AL 35401", "ref": "b"})
    client.post("/locate", data={**CIRCUIT_6, "ref": "c"})
    assert sorted(committed_rows(database_path, "SELECT code FROM campaign_counts")) == [
        ("a",), ("b",), ("c",)]


# --- defect 2: every /staff URL is private --------------------------------------------------

@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "editor"])
def test_the_campaign_report_is_private_like_every_staff_page(client, make_user, signed_in):
    if signed_in:
        make_user("editor@example.org")
        sign_in(client, "editor@example.org")
    for path in ("/staff/campaigns", "/staff/", "/staff/login"):
        response = client.get(path)
        assert response.status_code == (200 if signed_in or path == "/staff/login" else 302)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["X-Robots-Tag"] == "noindex", path


# --- defect 5: an unhandled exception is logged once ----------------------------------------

def test_an_unhandled_exception_is_logged_once(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    tracebacks = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
    assert len(tracebacks) == 1, [r.getMessage() for r in tracebacks]


def test_an_api_error_is_json_and_logged_once(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("api boom")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500 and response.is_json
    assert response.json["error"]["code"] == "internal_server_error"
    assert len([r for r in caplog.records if r.exc_info]) == 1


# --- defect 7: a data command in another process shows at once ------------------------------

@pytest.fixture
def edited_data(tmp_path):
    """A copy of the data folder in which one demo candidate has a new name."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    path = copy / "al" / "demo-election.json"
    election = json.loads(path.read_text(encoding="utf-8"))
    race = next(r for r in election["races"] if r["district"].endswith("/circuit:6"))
    race["candidates"][0]["name"] = "Renamed By A Command"
    path.write_text(json.dumps(election), encoding="utf-8")
    return copy


def test_a_data_command_run_by_another_process_shows_at_once(make_app, edited_data):
    """Two app objects stand for a server process and a `flask` command's process: each has
    its own page cache, as two processes do; only the database is shared."""
    server = make_app(PAGE_CACHE_SECONDS=60).test_client()
    before = server.get("/districts/al-circuit-6").get_data(as_text=True)
    assert "Renamed By A Command" not in before
    assert server.get("/districts/al-circuit-6").get_data(as_text=True) == before  # cached
    command = make_app(DATA_DIR=str(edited_data)).test_cli_runner()
    result = command.invoke(args=["staff", "load-demo", "al"])
    assert result.exit_code == 0, result.output
    assert "Renamed By A Command" in server.get("/districts/al-circuit-6").get_data(as_text=True)


def test_a_publish_in_one_server_process_shows_in_another_at_once(make_app):
    first = make_app(PAGE_CACHE_SECONDS=60)
    second = make_app(PAGE_CACHE_SECONDS=60)
    with first.app_context():
        from voterguide.staff.accounts import create_user

        create_user(_db.session, "admin@example.org", PASSWORD, "admin")
        slug = _db.session.scalar(select(Candidate.slug).where(
            Candidate.slug.like("al-circuit-6-%")).order_by(Candidate.slug))
        _db.session.commit()
    readers, staff = second.test_client(), first.test_client()
    assert "Published Elsewhere" not in readers.get(f"/candidates/{slug}").get_data(as_text=True)
    sign_in(staff, "admin@example.org")
    staff.post(f"/staff/candidates/{slug}", data={"name": "Published Elsewhere",
                                                  "response_status": "declined"})
    with first.app_context():
        draft = _db.session.scalar(select(ChangeSet.id).where(ChangeSet.kind == "edit"))
    assert staff.post(f"/staff/changes/{draft}/publish").status_code == 303
    assert "Published Elsewhere" in readers.get(f"/candidates/{slug}").get_data(as_text=True)
    staff.post(f"/staff/changes/{draft}/rollback")
    assert "Published Elsewhere" not in readers.get(f"/candidates/{slug}").get_data(
        as_text=True)


def test_pages_are_rendered_once_while_nothing_changes(make_app):
    from flask import template_rendered

    app = make_app(PAGE_CACHE_SECONDS=60)
    rendered = []
    template_rendered.connect(lambda sender, template, context, **kw:
                              rendered.append(template.name), app, weak=False)
    client = app.test_client()
    first = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert client.get("/districts/al-circuit-6").get_data(as_text=True) == first
    client.get("/districts/al-circuit-7")
    assert rendered == ["guide/district.html", "guide/district.html"]


# --- defect 8: a GET writes nothing ---------------------------------------------------------

def test_opening_a_staff_candidate_page_writes_nothing(editor, db, writes, database_path):
    slug = db.session.scalar(select(Candidate.slug).order_by(Candidate.slug))
    writes.clear()  # signing in wrote the account's failure count
    assert editor.get(f"/staff/candidates/{slug}").status_code == 200
    assert writes == []
    assert committed_rows(database_path, STAFF_CHANGE_SETS) == [(0,)]


def test_no_public_or_staff_page_writes_on_a_get(app, editor, writes):
    slug = _db.session.scalar(select(Candidate.slug).order_by(Candidate.slug))
    writes.clear()
    paths = ["/", "/districts/", "/districts/al-circuit-6", f"/candidates/{slug}", "/about",
             "/embed", "/embed/al-circuit-6", "/districts/al-circuit-6/flyer", "/data/guide.json",
             "/api/v1/districts/al-circuit-6", "/staff/", "/staff/candidates",
             f"/staff/candidates/{slug}", "/staff/history", "/staff/imports/new",
             "/staff/campaigns", "/staff/geocoding", "/staff/candidates/new"]
    for path in paths:
        assert editor.get(path).status_code == 200, path
    assert writes == []


# --- one unit of work per request -----------------------------------------------------------

@pytest.fixture
def boundary_app(make_app):
    """An app with routes that write a campaign count, then answer in different ways."""
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    def write(code: str) -> None:
        from voterguide.outreach import campaigns

        campaigns.count(_db.session, code, CampaignEvent.VISIT)

    @app.post("/test/ok")
    def ok():
        write("ok")
        return "done", 200

    @app.post("/test/redirect")
    def moved():
        write("redirect")
        return "", 303, {"Location": "/"}

    @app.post("/test/refused")
    def refused():
        write("refused")
        return "no", 422

    @app.post("/test/error")
    def error():
        write("error")
        raise RuntimeError("after a write")

    return app


@pytest.mark.parametrize(("path", "status", "kept"), [
    ("/test/ok", 200, True), ("/test/redirect", 303, True), ("/test/refused", 422, False),
    ("/test/error", 500, False),
])
def test_the_request_commits_on_success_and_undoes_a_refusal_or_an_error(
        boundary_app, database_path, path, status, kept, caplog):
    assert boundary_app.test_client().post(path).status_code == status
    codes = committed_rows(database_path, "SELECT code FROM campaign_counts")
    assert codes == ([(path.rsplit("/", 1)[1],)] if kept else [])


def test_a_failed_sign_in_is_kept_though_refused(client, make_user, database_path):
    make_user("editor@example.org")
    assert sign_in(client, "editor@example.org", "wrong password!!").status_code == 401
    assert committed_rows(database_path, "SELECT failed_logins FROM staff_users") == [(1,)]


def test_a_command_unit_of_work_commits_or_rolls_back(app, database_path):
    from voterguide.outreach import campaigns
    from voterguide.web import unit_of_work

    with unit_of_work() as session:
        campaigns.count(session, "kept", CampaignEvent.VISIT)
    with pytest.raises(ValueError), unit_of_work() as session:
        campaigns.count(session, "undone", CampaignEvent.VISIT)
        raise ValueError("a command failed half-way")
    assert committed_rows(database_path, "SELECT code FROM campaign_counts") == [("kept",)]


def test_a_draft_preview_changes_nothing_it_does_not_show(admin, db, database_path):
    slug = db.session.scalar(select(Candidate.slug).order_by(Candidate.slug))
    admin.post(f"/staff/candidates/{slug}", data={"name": "Only In The Draft",
                                                  "response_status": "no_response"})
    draft = db.session.scalar(select(ChangeSet.id).where(ChangeSet.kind == "edit"))
    preview = admin.get(f"/staff/changes/{draft}/candidates/{slug}")
    assert "Only In The Draft" in preview.get_data(as_text=True)
    assert "Only In The Draft" not in admin.get(f"/candidates/{slug}").get_data(as_text=True)
    names = {name for (name,) in committed_rows(database_path, "SELECT name FROM candidates")}
    assert "Only In The Draft" not in names
    assert committed_rows(database_path, STAFF_CHANGE_SETS) == [(1,)]


def test_a_campaign_count_that_fails_costs_nothing_else(client, db, database_path):
    """A visit count that breaks a database rule is dropped; the page is still answered."""
    db.session.add(CampaignCount(day=__import__("datetime").date.today(), code="x" * 33,
                                 district="", kind=CampaignEvent.VISIT))
    db.session.rollback()
    assert client.get("/districts/al-circuit-6?ref=fine").status_code == 200
    assert committed_rows(database_path, "SELECT code FROM campaign_counts") == [("fine",)]


# --- login throttling -----------------------------------------------------------------------

def test_repeated_failed_sign_ins_get_a_friendly_429_and_no_thread_sleeps(
        make_app, time_machine, monkeypatch):
    import datetime as dt

    time_machine.move_to(dt.datetime(2028, 7, 1, 12, tzinfo=dt.UTC), tick=False)
    app = make_app(LOGIN_RATE_LIMIT="3 per minute", LOGIN_LOCK_AFTER=100)
    with app.app_context():
        from voterguide.staff.accounts import create_user

        create_user(_db.session, "editor@example.org", PASSWORD, "editor")
        _db.session.commit()
    client = app.test_client()

    def no_sleeping(seconds):
        raise AssertionError(f"a request thread slept {seconds} s")

    monkeypatch.setattr(time, "sleep", no_sleeping)
    for _ in range(3):
        assert sign_in(client, "editor@example.org", "wrong password!!").status_code == 401
    refused = sign_in(client, "editor@example.org")
    assert refused.status_code == 429
    assert "Please wait a minute" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/staff/login").status_code == 200  # the form itself is still shown
    time_machine.shift(61)
    assert sign_in(client, "editor@example.org").status_code == 303


def test_only_the_views_that_declare_a_limit_touch_the_limiter(make_app):
    """Flask-Limiter runs for the sign-in (and the candidates' links), never for a public
    page: its state appears on the request only where a limit was checked."""
    from flask.globals import request_ctx

    from voterguide.web.limits import LIMITER_STATE

    client = make_app().test_client()
    for path, limited in (("/", False), ("/districts/al-circuit-6", False),
                          ("/api/v1/lookup?address=35401", False)):
        with client:
            assert client.get(path).status_code == 200
            assert hasattr(request_ctx._get_current_object(), LIMITER_STATE) is limited
    with client:
        client.post("/staff/login", data={"email": "nobody@example.org", "password": "x" * 12})
        assert hasattr(request_ctx._get_current_object(), LIMITER_STATE)


def test_successful_sign_ins_are_not_throttled(make_app):
    app = make_app(LOGIN_RATE_LIMIT="2 per minute")
    with app.app_context():
        from voterguide.staff.accounts import create_user

        create_user(_db.session, "editor@example.org", PASSWORD, "editor")
        _db.session.commit()
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "editor@example.org").status_code == 303
        client.post("/staff/logout")


# --- security headers -----------------------------------------------------------------------

def policy(response) -> dict[str, str]:
    """A response's Content-Security-Policy as {directive: sources}."""
    return dict(d.strip().split(" ", 1) for d in
                response.headers["Content-Security-Policy"].split(";"))


@pytest.mark.parametrize("path", ["/", "/districts/al-circuit-6", "/static/style.css",
                                  "/api/v1/districts/al-circuit-6", "/nope", "/d/al-circuit-6",
                                  "/share/guide.png", "/data/guide.csv", "/staff/login",
                                  "/embed"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = policy(response)
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development: plain HTTP
    response.close()


def test_production_asks_for_https_only(make_app):
    response = make_app(ENV="production", SECRET_KEY="x" * 64,
                        SITE_URL="https://guide.example.org").test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


class InlineCode(HTMLParser):
    """Inline scripts, style elements, style attributes and on* handlers in a page."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        """Record what a policy without 'unsafe-inline' would block."""
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in names
                       if name == "style" or name.startswith("on")]


def test_no_page_needs_inline_script_or_style(editor, db):
    slug = db.session.scalar(select(Candidate.slug).order_by(Candidate.slug))
    paths = ["/", "/districts/", "/districts/al-circuit-6", f"/candidates/{slug}", "/about",
             "/what-a-district-attorney-does", "/embed", "/embed/al-circuit-6",
             "/districts/al-circuit-6/flyer?size=a4", "/districts/al-circuit-6/flyer",
             "/choose?district=al-circuit-26&district=al-circuit-37", "/nope",
             "/staff/", f"/staff/candidates/{slug}", "/staff/campaigns", "/staff/imports/new",
             "/staff/history", "/staff/geocoding", "/staff/users"]
    for path in paths:
        response = editor.get(path)
        assert response.status_code in (200, 403, 404), path
        assert InlineCode(response.get_data(as_text=True)).found == [], path
