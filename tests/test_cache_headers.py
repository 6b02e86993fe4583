"""Pages a cache may keep (web/freshness.py): public answers say how long with
Cache-Control, carry an ETag and Last-Modified made from the published guide's version,
answer 304s before rendering, and never set a cookie or Vary on it; a publish or a data load
changes the version. Staff pages stay private, and a voter's lookup is never kept."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from voterguide import content
from voterguide.extensions import db

PUBLIC = ["/", "/about", "/districts/", "/districts/al-circuit-6",
          "/what-a-district-attorney-does", "/embed", "/data/guide.json", "/data/guide.csv",
          "/share/districts/al-circuit-6.png", "/share/guide.png",
          "/qr.svg?path=/districts/al-circuit-6", "/districts/al-circuit-6/flyer",
          "/districts/al-circuit-6/flyer.pdf", "/districts/al-circuit-6/election.ics",
          "/api/v1/districts/al-circuit-6"]


def directives(response) -> dict[str, str | None]:
    """Cache-Control as a dict of directive -> value."""
    found = {}
    for part in response.headers.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name] = value or None
    return found


def bump() -> None:
    """What a publish, a rollback or a data load does: a new version, committed."""
    content.bump(db.session)
    db.session.commit()


@pytest.mark.parametrize("path", PUBLIC)
def test_public_answers_may_be_kept_by_any_cache_and_set_no_cookie(make_app, path):
    app = make_app(WTF_CSRF_ENABLED=True, PUBLIC_MAX_AGE=45, PUBLIC_STALE_SECONDS=90)
    response = app.test_client().get(path)
    assert response.status_code == 200, path
    cache = directives(response)
    assert "public" in cache and "private" not in cache and "no-store" not in cache
    assert cache["stale-while-revalidate"] == "90"
    if not path.startswith("/qr"):  # a QR code never changes: it keeps its hour
        assert cache["max-age"] == "45"
    assert response.headers.get("ETag")
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_the_etag_and_last_modified_come_from_the_published_version(app, client):
    with time_machine.travel(dt.datetime(2028, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        bump()
    first = client.get("/districts/al-circuit-6")
    assert first.headers["Last-Modified"] == "Wed, 01 Mar 2028 12:00:00 GMT"
    assert client.get("/about").headers["ETag"] == first.headers["ETag"]
    assert first.headers["ETag"].startswith('W/"')
    with time_machine.travel(dt.datetime(2028, 3, 2, 8, 30, tzinfo=dt.UTC), tick=False):
        bump()
    second = client.get("/districts/al-circuit-6")
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.headers["Last-Modified"] == "Thu, 02 Mar 2028 08:30:00 GMT"


def test_an_unchanged_page_is_a_304_without_rendering(app, client, monkeypatch):
    etag = client.get("/districts/al-circuit-6").headers["ETag"]
    rendered = []
    from voterguide.guide import views

    monkeypatch.setattr(views, "district_html", lambda slug: rendered.append(slug) or "x")
    again = client.get("/districts/al-circuit-6", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and not rendered
    assert again.headers["ETag"] == etag and "public" in directives(again)
    assert "Set-Cookie" not in again.headers
    bump()  # a publish: the page the client holds is stale now
    changed = client.get("/districts/al-circuit-6", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and rendered == ["al-circuit-6"]
    assert changed.headers["ETag"] != etag


def test_if_modified_since_is_answered_from_the_version_time(app, client):
    with time_machine.travel(dt.datetime(2028, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        bump()
    since = {"If-Modified-Since": "Wed, 01 Mar 2028 12:00:00 GMT"}
    assert client.get("/about", headers=since).status_code == 304
    earlier = {"If-Modified-Since": "Wed, 01 Mar 2028 11:59:59 GMT"}
    assert client.get("/about", headers=earlier).status_code == 200
    with time_machine.travel(dt.datetime(2028, 3, 1, 12, 5, tzinfo=dt.UTC), tick=False):
        bump()
    assert client.get("/about", headers=since).status_code == 200


@pytest.mark.parametrize("etag", ['"nonsense"', "W/\"\"", "*x", "\x00", "é" * 300])
def test_odd_validators_get_the_page(client, etag):
    response = client.get("/districts/al-circuit-6", headers={"If-None-Match": etag,
                                                              "If-Modified-Since": "soon"})
    assert response.status_code == 200


def test_a_data_load_changes_the_version(app, client, runner):
    etag = client.get("/").headers["ETag"]
    result = runner.invoke(args=["places", "load-state", "al"])
    assert result.exit_code == 0, result.output
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_a_campaign_visit_is_never_kept_by_a_shared_cache_and_always_counted(app, client,
                                                                            database):
    etag = client.get("/districts/al-circuit-6").headers["ETag"]
    for _ in range(2):
        response = client.get("/districts/al-circuit-6?ref=flyer-7",
                              headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert directives(response) == {"private": None, "no-cache": None}
    assert database.rows("SELECT count FROM campaign_counts WHERE code = 'flyer-7' "
                         "AND kind = 'visit'") == [(2,)]
    # Where a code counts nothing (a QR code's own address), the answer is public.
    assert "public" in directives(client.get("/qr.svg?path=/districts/al-circuit-6&ref=x"))


def test_a_lookup_is_kept_by_no_cache(client):
    api = client.get("/api/v1/lookup?address=2000+University+Blvd,+Tuscaloosa,+AL+35401")
    assert api.status_code == 200 and directives(api) == {"no-store": None}
    form = client.post("/", data={"address": "Tuscaloosa, AL 35401"})
    assert form.status_code == 303 and "public" not in directives(form)


def test_staff_pages_stay_private_and_keep_their_session(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login = client.get("/staff/login")
    assert directives(login) == {"no-store": None}
    assert "Cookie" in login.headers.get("Vary", "") and login.headers.get("Set-Cookie")
    assert "ETag" not in login.headers


def test_the_about_page_says_there_is_no_cookie(client):
    assert "sets no cookie" in client.get("/about").get_data(as_text=True)


def test_a_staff_member_reading_a_public_page_shares_no_private_part(admin):
    """A signed-in staff member's public pages are the voters' pages: nothing of the staff
    session shows, so a cache may keep them as they are."""
    page = admin.get("/districts/al-circuit-6")
    assert "public" in directives(page) and "Sign out" not in page.get_data(as_text=True)


def test_a_process_may_reuse_the_version_for_content_check_seconds(make_app, database,
                                                                   time_machine):
    """With CONTENT_CHECK_SECONDS a busy public page needs no database; another machine's
    publish shows once that time is up, and this machine's own publish at once."""
    from sqlalchemy import create_engine, event, text

    time_machine.move_to(dt.datetime(2028, 7, 1, 12, tzinfo=dt.UTC), tick=False)
    reader = make_app(CONTENT_CHECK_SECONDS=1)
    client = reader.test_client()
    etag = client.get("/about").headers["ETag"]
    asked = []
    with reader.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda *args: asked.append(args[2]) if "content_version" in args[2] else None)
    for _ in range(3):
        assert client.get("/about").headers["ETag"] == etag
    assert asked == []  # within the second: no query at all
    other_machine = create_engine(database.url)  # another process publishes
    with other_machine.begin() as connection:
        connection.execute(text("UPDATE content_version SET number = number + 1"))
    other_machine.dispose()
    assert client.get("/about").headers["ETag"] == etag
    time_machine.shift(1.5)
    assert client.get("/about").headers["ETag"] != etag and len(asked) == 1
    newer = client.get("/about").headers["ETag"]
    with reader.app_context():
        bump()  # this machine publishes: it sees it at once
    assert client.get("/about").headers["ETag"] != newer


def test_the_home_page_is_rendered_once_per_cache_period(make_app, monkeypatch):
    from voterguide.guide import views

    rendered = []
    real = views.render_template
    monkeypatch.setattr(views, "render_template",
                        lambda name, **context: rendered.append(context.get("ref")) or real(
                            name, **context))
    client = make_app(PAGE_CACHE_SECONDS=60).test_client()
    pages = {client.get("/").get_data() for _ in range(3)}
    assert len(pages) == 1 and rendered == [None]
    with_code = client.get("/?ref=flyer-9").get_data(as_text=True)
    assert 'name="ref" value="flyer-9"' in with_code and rendered == [None, "flyer-9"]
