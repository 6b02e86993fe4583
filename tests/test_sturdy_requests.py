"""Hostile requests: other Host names, JSON nested 5,000 deep, a `next` with a line break,
HEAD on the API, an editor discarding someone else's draft. A clear 4xx, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from voterguide.models import ChangeSet, ChangeSetKind, ChangeSetStatus, StaffUser

from .support import PASSWORD, sign_in

SITE = "https://guide.example.org"
PAGES = ["/", "/districts/al-circuit-6", "/api/v1/lookup?lat=33.2&lon=-87.5",
         "/qr.svg?path=/districts/al-circuit-6", "/districts/al-circuit-6/election.ics",
         "/d/al-circuit-6", "/staff/login"]


@pytest.mark.parametrize("site_url", [SITE, ""])
@pytest.mark.parametrize("path", PAGES)
def test_a_request_for_another_host_is_refused(make_app, site_url, path):
    client = make_app(SITE_URL=site_url).test_client()
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.data


@pytest.mark.parametrize("path", PAGES)
def test_no_absolute_address_follows_the_host_header_with_site_url(make_app, path):
    client = make_app(SITE_URL=SITE).test_client()
    for host in ("localhost", "127.0.0.1:5000"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code in (200, 301, 302), (path, response.status_code)
        body = response.get_data(as_text=True) + response.headers.get("Location", "")
        assert "http://localhost" not in body and "http://127.0.0.1" not in body, path


def test_the_api_urls_come_from_site_url(make_app):
    client = make_app(SITE_URL=SITE).test_client()
    body = client.get("/api/v1/lookup?lat=33.2098&lon=-87.5692").get_json()
    assert body["districts"] and all(d["url"].startswith(SITE + "/")
                                     for d in body["districts"])
    district = client.get("/api/v1/districts/al-circuit-6").get_json()
    assert district["url"].startswith(SITE + "/")


def test_other_host_names_can_be_trusted_by_setting(make_app):
    client = make_app(EXTRA_HOSTS="192.168.1.20 guide.lan").test_client()
    assert client.get("/", headers={"Host": "guide.lan:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_production_needs_site_url(make_app):
    from voterguide.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="SITE_URL"):
        make_app(ENV="production", SECRET_KEY="x" * 64)


@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000,
                                  b'{"address": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001])
def test_json_nested_deep_is_a_json_400(client, body):
    response = client.post("/api/v1/lookup", data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_huge_json_is_a_json_413(client):
    response = client.post("/api/v1/lookup", data=b'{"address": "' + b"x" * 200_000 + b'"}',
                           content_type="application/json")
    assert response.status_code == 413 and response.is_json


def test_head_answers_as_get_on_the_api(client):
    for path in ("/api/v1/lookup?lat=33.2098&lon=-87.5692", "/api/v1/districts/al-circuit-6"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200
        assert head.headers["Content-Type"] == got.headers["Content-Type"]
        assert head.data == b""


@pytest.mark.parametrize("query", [
    "next=/staff/%0d%0aX", "next=/staff/%0D%0ASet-Cookie:%20x=1", "next=/staff/%5Cevil.example",
    "next=/staff//evil.example", "next=//evil.example/staff/", "next=https://evil.example/staff/",
    "next=/staff/" + "a" * 2000, "next=/staff/%E2%80%AE", "next=javascript:1", "next=/staff/%00"])
def test_an_unsafe_next_is_ignored(client, make_user, query):
    make_user("editor@example.org")
    response = client.post(f"/staff/login?{query}",
                           data={"email": "editor@example.org", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/"


def test_a_safe_next_is_followed(client, make_user):
    make_user("editor@example.org")
    response = client.post("/staff/login?next=/staff/history",
                           data={"email": "editor@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/history"


def _draft_by(db, user) -> int:
    draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT, changes=[],
                      problems=[], created_by=user, created_at=dt.datetime(2026, 1, 1),
                      summary="someone's draft", source=b"their file")
    db.session.add(draft)
    db.session.commit()
    return draft.id


def test_an_editor_discards_only_their_own_drafts(app, db, make_user):
    admin = make_user("admin@example.org", "admin")
    editor = make_user("editor@example.org")
    theirs, mine = _draft_by(db, admin), _draft_by(db, editor)
    client = app.test_client()
    assert sign_in(client, "editor@example.org").status_code == 303
    page = client.post(f"/staff/changes/{theirs}/discard", follow_redirects=True)
    assert "Only the person who made this, or an admin" in page.get_data(as_text=True)
    client.post(f"/staff/changes/{mine}/discard")
    db.session.expire_all()
    kept, discarded = db.session.get(ChangeSet, theirs), db.session.get(ChangeSet, mine)
    assert kept.status is ChangeSetStatus.DRAFT and kept.source == b"their file"
    assert discarded.status is ChangeSetStatus.DISCARDED
    admin_client = app.test_client()
    assert sign_in(admin_client, "admin@example.org").status_code == 303
    admin_client.post(f"/staff/changes/{theirs}/discard")
    db.session.expire_all()
    assert db.session.get(ChangeSet, theirs).status is ChangeSetStatus.DISCARDED
    assert db.session.scalar(select(StaffUser).where(StaffUser.role == "admin"))


def test_gunicorn_replaces_its_workers_at_staggered_times():
    import runpy

    from .support import REPO

    settings = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert settings["max_requests"] >= 100
    assert 0 < settings["max_requests_jitter"] < settings["max_requests"]
