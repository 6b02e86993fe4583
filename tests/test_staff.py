"""Staff pages: sign-in and lockout, permissions on every staff URL, upload -> preview ->
apply -> publish, browser edits, draft previews, history, rollback, conflicts, photos and
the open data export. Real SQLite, real requests through the test client."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image
from sqlalchemy import select

from voterguide.models import Answer, Candidate, ChangeSet, Election, Question, StaffUser
from voterguide.web.rules import rules_of

from .support import PASSWORD, sign_in
from .support.spreadsheets import csv_bytes, wide_rows, xlsx_bytes

#: Made-up values for the URL arguments of staff routes.
URL_ARGUMENTS = {"change_set_id": 1, "slug": "al-circuit-6", "question_id": 1,
                 "district_slug": "al-circuit-6", "code": "q1", "user_id": 1}


def staff_urls(app) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, url, admins only) for every route under /staff, admins-only as the
    view declares it: nothing is listed by hand."""
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/staff/"):
                continue
            rules = rules_of(rule.endpoint)
            if rules.open_to_all:
                continue
            url = url_for(rule.endpoint, **{k: URL_ARGUMENTS[k] for k in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url, rules.admin_only))
    return found


@pytest.fixture
def every_staff_url(app) -> list[tuple[str, str, str, bool]]:
    """Every staff route of this test's app."""
    urls = staff_urls(app)
    endpoints = {endpoint for endpoint, _, _, _ in urls}
    # The walk reaches the blueprints nested in the staff area, and sees the declarations.
    assert {"staff.new_import", "staff.campaigns.campaign_report"} <= endpoints
    assert {e for e, _, _, admin in urls if admin} >= {"staff.publish", "staff.rollback",
                                                       "staff.users"}
    return urls


def test_every_staff_url_refuses_the_signed_out_and_stays_private(client, every_staff_url):
    """Signed out: GET redirects to sign-in, anything else is 401; no content leaks, and no
    answer under /staff may be cached or indexed."""
    for _, method, url, _ in every_staff_url:
        response = client.open(url, method=method)
        if method == "GET":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/staff/login"), url
        else:
            assert response.status_code == 401, (method, url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["X-Robots-Tag"] == "noindex", url


def test_admin_urls_refuse_editors(editor, every_staff_url):
    """Editors get 403 from every view declared admins only, and no 403 from the others."""
    last = sorted(every_staff_url, key=lambda url: url[0] == "staff.logout")  # stay signed in
    for _, method, url, admin_only in last:
        status = editor.open(url, method=method).status_code
        assert (status == 403) == admin_only, (method, url, status)


@pytest.fixture
def wide(db) -> list[list[str]]:
    """A wide spreadsheet whose first answer column is headed by a real question's text."""
    question = db.session.scalar(select(Question).order_by(Question.position))
    return wide_rows(question.text)


@pytest.fixture
def election_slug(db) -> str:
    """The seeded election's slug."""
    return db.session.scalar(select(Election.slug))


@pytest.fixture
def answered(db) -> tuple[Candidate, Answer]:
    """A published candidate of the 6th circuit and one of their answers."""
    answer = db.session.scalar(select(Answer).join(Candidate).where(
        Candidate.slug.like("al-circuit-6-%")).order_by(Answer.id))
    return answer.candidate, answer


def test_sign_in_and_out(client, make_user):
    """The right password signs in; sign-out ends the session."""
    make_user("editor@example.org")
    response = sign_in(client, "Editor@Example.org")
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 200
    client.post("/staff/logout")
    assert client.get("/staff/").status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(client, make_user):
    """Both answer 401 with the same words."""
    make_user("editor@example.org")
    wrong = sign_in(client, "editor@example.org", "wrong password!!")
    unknown = sign_in(client, "nobody@example.org", "wrong password!!")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True).replace("editor@", "nobody@") == \
        unknown.get_data(as_text=True)


def test_repeated_failures_lock_the_account(app, client, make_user, db):
    """Five failures lock this address out of the account: even the right password is
    refused from here for a while (tests/test_sturdy_sign_in.py: not from elsewhere)."""
    from voterguide.models import SignInFailure

    make_user("editor@example.org")
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        assert sign_in(client, "editor@example.org", "wrong password!!").status_code == 401
    assert sign_in(client, "editor@example.org").status_code == 401
    failure = db.session.scalar(select(SignInFailure))
    assert failure.locked_until is not None
    failure.locked_until = None
    db.session.commit()
    assert sign_in(client, "editor@example.org").status_code == 303


def test_passwords_are_hashed_with_scrypt_by_default(make_app):
    """Production's default; the tests' own settings choose a cheaper hash for speed."""
    from voterguide.config import DEFAULTS
    from voterguide.extensions import db as _db
    from voterguide.staff.accounts import authenticate, create_user

    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt"
    app = make_app(PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        user = create_user(_db.session, "strong@example.org", PASSWORD, "admin")
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        assert authenticate(_db.session, "strong@example.org", PASSWORD) is user
        _db.session.rollback()


def test_next_never_leaves_the_site(client, make_user):
    """The post-login redirect only goes to staff pages."""
    make_user("editor@example.org")
    response = client.post("/staff/login?next=https://evil.example/",
                           data={"email": "editor@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def test_create_user_command(runner, db):
    """flask create-user makes a hashed-password user; bad input is refused clearly."""
    result = runner.invoke(args=["staff", "create-user", "new@example.org", "--role", "admin"],
                           env={"VOTERGUIDE_NEW_USER_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "new@example.org"))
    assert user.is_admin and PASSWORD not in user.password_hash
    short = runner.invoke(args=["staff", "create-user", "x@example.org"],
                          env={"VOTERGUIDE_NEW_USER_PASSWORD": "short"})
    assert short.exit_code != 0 and "12 characters" in short.output


def upload(client, content: bytes, name: str = "answers.csv", **fields):
    """Post a spreadsheet to the import form, for the seeded election."""
    from voterguide.extensions import db

    election = db.session.scalar(select(Election))
    data = {"election": str(election.id), "shape": "auto",
            "spreadsheet": (io.BytesIO(content), name), **fields}
    return client.post("/staff/imports/new", data=data, content_type="multipart/form-data")


def public_pages(client) -> tuple[bytes, bytes, bytes]:
    """The public district page, the API and the open data, to compare before and after."""
    return (client.get("/districts/al-circuit-6").data, client.get(
        "/api/v1/districts/al-circuit-6").data, client.get("/data/guide.csv").data)


def test_upload_preview_apply_publish_rollback(client, make_user, db, wide):
    """The whole flow: the public guide changes only at publish, and back at rollback."""
    make_user("editor@example.org", "editor")
    make_user("admin@example.org", "admin")
    sign_in(client, "editor@example.org")
    before = public_pages(client)
    response = upload(client, xlsx_bytes(wide), "answers.xlsx")
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Rosa Import" in page and "New candidates (2)" in page
    assert client.post(preview_url + "/apply").status_code == 303
    assert "Applied to the draft" in client.get(preview_url).get_data(as_text=True)
    assert public_pages(client) == before
    draft_page = client.get(preview_url + "/districts/al-circuit-6").get_data(as_text=True)
    assert "Rosa Import" in draft_page and "Draft preview" in draft_page
    assert public_pages(client) == before
    assert client.post(preview_url + "/publish").status_code == 403
    client.post("/staff/logout")
    sign_in(client, "admin@example.org")
    client.post(preview_url + "/publish")
    public = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert "Rosa Import" in public and "Draft preview" not in public
    assert "Rosa Import" in client.get("/data/guide.csv").get_data(as_text=True)
    history = client.get("/staff/history").get_data(as_text=True)
    change_set = db.session.scalar(select(ChangeSet).where(ChangeSet.file_name == "answers.xlsx"))
    assert change_set.file_checksum[:16] in history and "admin@example.org" in history
    client.post(preview_url + "/rollback")
    assert public_pages(client) == before
    assert "rollback" in client.get("/staff/history").get_data(as_text=True)


def test_draft_preview_matches_the_published_page(client, make_user, wide):
    """The preview renders the public template: once published, the page is identical."""
    make_user("admin@example.org", "admin")
    sign_in(client, "admin@example.org")
    url = upload(client, csv_bytes(wide)).headers["Location"]
    client.post(url + "/apply")
    preview = client.get(url + "/districts/al-circuit-6").get_data(as_text=True)
    client.post(url + "/publish")
    published = client.get("/districts/al-circuit-6").get_data(as_text=True)
    start = preview.index("<main")
    assert preview[start:] == published[published.index("<main"):]


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"", "empty.csv", "The file is empty"),
    (b"%PDF-1.7", "file.pdf", "not a spreadsheet"),
    ("name,district\nZoë,al-circuit-99\n".encode("cp1252"), "w.csv", "al-circuit-99"),
], ids=["empty", "pdf", "windows-1252-unknown-district"])
def test_bad_uploads_are_4xx_and_change_nothing(editor, content, name, message):
    """Bad files get a clear message and a 4xx (or a preview listing problems), never a 500."""
    before = public_pages(editor)
    response = upload(editor, content, name)
    if response.status_code == 303:
        response = editor.get(response.headers["Location"])
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    assert public_pages(editor) == before


def test_large_upload_is_refused_early(editor):
    """A file over the staff upload limit is a 413 with the limit named."""
    body = (b'--x\r\nContent-Disposition: form-data; name="spreadsheet"; filename="big.csv"'
            b"\r\n\r\n" + b"a" * (11 * 1024 * 1024) + b"\r\n--x--\r\n")
    response = editor.post("/staff/imports/new", data=body,
                           content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413
    assert "10 MB" in response.get_data(as_text=True)


def test_public_forms_keep_their_small_limit(client):
    """The public address form still refuses a large body."""
    assert client.post("/", data={"address": "x" * 100_000}).status_code == 413


def test_two_imports_at_once_the_second_is_refused(admin, db, answered):
    """A draft made against an older guide is refused at publish; nothing of it applies."""
    person, answer = answered
    position = answer.question.position
    rows = lambda words: csv_bytes([["name", "district", "question", "answer", "explanation"],  # noqa: E731
                                    [person.name, "al-circuit-6", str(position), "", words]])
    first = upload(admin, rows("First version.")).headers["Location"]
    second = upload(admin, rows("Second version.")).headers["Location"]
    admin.post(first + "/apply")
    admin.post(second + "/apply")
    admin.post(first + "/publish")
    response = admin.post(second + "/publish", follow_redirects=True)
    assert "Nothing was published" in response.get_data(as_text=True)
    db.session.expire_all()
    candidate = db.session.scalar(select(Candidate).where(Candidate.name == person.name))
    assert {a.question.position: a.explanation for a in candidate.answers}[position] == \
        "First version."


def test_browser_edits_are_drafts_until_published(admin, db, answered):
    """Fix a typo, mark declined, withdraw: public pages change only when published."""
    candidate, answer = answered
    slug, name, party = candidate.slug, candidate.name, candidate.party
    question_id, choice = answer.question_id, answer.choice
    before = admin.get(f"/candidates/{slug}").data
    response = admin.post(f"/staff/candidates/{slug}/answers/{question_id}", data={
        f"q{question_id}-choice": choice or "", f"q{question_id}-explanation": "Typo fixed."})
    assert response.status_code == 303
    admin.post(f"/staff/candidates/{slug}", data={
        "name": name, "party": party or "", "website": "",
        "bio": "", "response_status": "declined", "withdrawn": "y"})
    assert admin.get(f"/candidates/{slug}").data == before
    form = admin.get(f"/staff/candidates/{slug}").get_data(as_text=True)
    assert "Typo fixed." in form
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit"))
    preview = admin.get(f"/staff/changes/{draft.id}/candidates/{slug}").get_data(as_text=True)
    assert "Typo fixed." in preview and "has withdrawn" in preview
    admin.post(f"/staff/changes/{draft.id}/publish")
    public = admin.get(f"/candidates/{slug}").get_data(as_text=True)
    assert "Typo fixed." in public and "Declined to respond" in public
    assert "has withdrawn from this race" in public
    admin.post(f"/staff/changes/{draft.id}/rollback")
    assert admin.get(f"/candidates/{slug}").data == before


def test_add_a_candidate_by_hand(admin, db):
    """A new candidate goes into the draft and appears once published."""
    from voterguide.models import District, Race

    race = db.session.scalar(select(Race).join(District).where(District.slug == "al-circuit-6"))
    admin.post("/staff/candidates/new", data={"race": str(race.id), "name": "Hand Added",
                                              "party": ""})
    assert "Hand Added" not in admin.get("/districts/al-circuit-6").get_data(as_text=True)
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit"))
    admin.post(f"/staff/changes/{draft.id}/publish")
    assert "Hand Added" in admin.get("/districts/al-circuit-6").get_data(as_text=True)


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    """A small generated image."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(out, fmt)
    return out.getvalue()


def test_photo_upload_is_reencoded_and_served(admin, db, answered):
    """A photo is checked, re-encoded, and served from our own route once published."""
    slug = answered[0].slug
    response = admin.post(f"/staff/candidates/{slug}/photo",
                          data={"photo": (io.BytesIO(image_bytes("GIF")), "me.gif")},
                          content_type="multipart/form-data")
    assert response.status_code == 303
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit"))
    path = draft.changes[0]["after"]["photo_url"]
    assert path.startswith("/photos/") and path.endswith(".jpg")
    served = admin.get(path)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"
    bad = admin.post(f"/staff/candidates/{slug}/photo",
                     data={"photo": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert "not an image" in bad.get_data(as_text=True)


def test_users_page_for_admins(admin, db):
    """Admins add users; a short password is refused with a message."""
    response = admin.post("/staff/users", data={"email": "new@example.org",
                                                "password": PASSWORD, "role": "editor"})
    assert response.status_code == 303
    assert db.session.scalar(select(StaffUser).where(StaffUser.email == "new@example.org"))
    short = admin.post("/staff/users", data={"email": "x@example.org", "password": "short",
                                             "role": "editor"})
    assert short.status_code == 422


def test_open_data_is_safe_in_a_spreadsheet(admin, db, client, wide):
    """CSV cells that would be formulas get a leading apostrophe; JSON keeps them verbatim."""
    url = upload(admin, csv_bytes(wide)).headers["Location"]
    admin.post(url + "/apply")
    admin.post(url + "/publish")
    rows = list(csv.DictReader(io.StringIO(client.get("/data/guide.csv").get_data(as_text=True))))
    sam = [r for r in rows if r["name"] == "Sam Formula" and r["question_number"] == "1"]
    assert sam[0]["explanation"] == "'=SUM(A1:A9)"
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in rows for k in r)
    data = client.get("/data/guide.json").get_json()
    answers = [a["explanation"] for race in data["races"] for c in race["candidates"]
               if c["name"] == "Sam Formula" for a in c["answers"]]
    assert "=SUM(A1:A9)" in answers


def test_open_data_never_shows_drafts(admin, client, wide):
    """A draft's candidates are absent from the export until published."""
    url = upload(admin, csv_bytes(wide)).headers["Location"]
    admin.post(url + "/apply")
    assert "Rosa Import" not in client.get("/data/guide.json").get_data(as_text=True)


def test_answers_survive_in_the_database(db):
    """Sanity: the seeded database has answers (the tests above rely on them)."""
    assert db.session.scalar(select(Answer).limit(1)) is not None



def test_a_staff_form_not_sent_as_utf8_is_refused_and_changes_nothing(admin, db, answered):
    """Latin-1 bytes would otherwise be kept as the text "Caf%E9" in a draft."""
    candidate, _ = answered
    slug, name = candidate.slug, candidate.name
    drafts = db.session.query(ChangeSet).count()
    response = admin.post(f"/staff/candidates/{slug}", data=b"name=Caf%E9&bio=R%E9sum%E9",
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "was not sent as UTF-8 text" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(ChangeSet).count() == drafts
    assert db.session.get(Candidate, candidate.id).name == name
