"""The online questionnaire without a browser: tokens and codes (only hashes stored,
revocation, expiry), the candidate's pages (save, word limits, submit, decline), refusals
that reveal nothing, throttling, the tracker, reminders (capped), publication and rollback
of a submission, and "Did not respond by <date>" after the deadline. Email goes to a real
SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from sqlalchemy import select

from voterguide.extensions import db as _db
from voterguide.models import (
    Candidate,
    CandidateContact,
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    DraftAnswer,
    Invitation,
    ResponseStatus,
)
from voterguide.questionnaire import services, tokens

from .support.mailbox import body, mailbox

SLUG = "al-circuit-1-jamal-dunaway"
OTHER = "al-circuit-1-keisha-ingram"
EMAIL = "dunaway@campaign.example"
DISTRICT = "/districts/al-circuit-1"


@pytest.fixture
def inbox():
    """A real SMTP server on loopback."""
    with mailbox() as box:
        yield box


@pytest.fixture
def mail_app(make_app, inbox):
    """The app sending mail to the loopback server, its app context pushed."""
    made = make_app(SITE_URL="http://guide.example", **inbox.settings())
    with made.app_context():
        yield made


def candidate(slug: str = SLUG) -> Candidate:
    """A demo candidate by slug."""
    return _db.session.scalar(select(Candidate).where(Candidate.slug == slug))


def invite(slug: str = SLUG, email: str | None = EMAIL) -> tuple[Invitation, str, str]:
    """Give a candidate an email address and an invitation (committed); return it with its
    token and code."""
    person = candidate(slug)
    if email and _db.session.get(CandidateContact, person.id) is None:
        _db.session.add(CandidateContact(candidate_id=person.id, email=email))
    invitation = tokens.issue(_db.session, person, None)
    _db.session.commit()
    return invitation, tokens.token_for(invitation), tokens.code_for(invitation)


def questions(slug: str = SLUG):
    """The questions of a candidate's race."""
    return candidate(slug).race.questionnaire.questions


def form(answers: dict[int, tuple[str | None, str]], action: str = "save") -> dict:
    """The candidate page's form: {question position: (choice, explanation)}."""
    data = {"action": action}
    for question in questions():
        choice, explanation = answers.get(question.position, (None, ""))
        data[f"choice-{question.id}"] = choice or ""
        data[f"explanation-{question.id}"] = explanation
    return data


# -- tokens and codes ------------------------------------------------------------------

def test_only_hashes_are_stored_and_both_keys_open_the_invitation(app):
    """Neither the token nor the code is in the database; each finds the invitation."""
    invitation, token, code = invite()
    assert len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert len(code) == 10 and set(code) <= set(tokens.ALPHABET)
    assert not set(code) & set("0O1IL2Z5S8B")
    row = _db.session.execute(select(Invitation.__table__).where(
        Invitation.id == invitation.id)).one()
    stored = " ".join(str(value) for value in row)
    assert token not in stored and code not in stored
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert tokens.by_token(_db.session, token) is invitation
    shown = tokens.shown_code(code)
    for typed in (code, code.lower(), shown, f"  {shown.lower()} ", shown.replace("-", " ")):
        assert tokens.by_code(_db.session, typed) is invitation, typed


@pytest.mark.parametrize("typed", ["", "ACDEF", "ACDEF-GHJK0", "x" * 500, "ACDEF GHJKM ☃"])
def test_codes_that_cannot_be_one_are_refused(app, typed):
    """Malformed codes find nothing (and never raise)."""
    invite()
    assert tokens.by_code(_db.session, typed) is None


def test_reissue_revokes_the_old_link_and_keeps_what_the_candidate_did(app):
    """A new invitation stops the old link and code; opened/draft times carry over."""
    old, old_token, old_code = invite()
    old.opened_at = tokens.now()
    _db.session.commit()
    new = tokens.issue(_db.session, candidate(), None)
    _db.session.commit()
    assert tokens.by_token(_db.session, old_token) is None
    assert tokens.by_code(_db.session, old_code) is None
    assert tokens.by_token(_db.session, tokens.token_for(new)) is new
    assert new.opened_at == old.opened_at and old.revoked_at is not None


def test_revoked_and_expired_links_stop_working(app):
    """Revocation and the deadline both end a link."""
    invitation, token, _ = invite()
    tokens.revoke(_db.session, invitation)
    assert tokens.by_token(_db.session, token) is None
    invitation, token, _ = invite(OTHER, "ingram@campaign.example")
    deadline = candidate(OTHER).race.questionnaire.deadline
    assert invitation.expires_at == dt.datetime.combine(deadline + dt.timedelta(days=1),
                                                        dt.time())
    with time_machine.travel(dt.datetime.combine(deadline, dt.time(23, 59)), tick=False):
        assert tokens.by_token(_db.session, token) is invitation
    with time_machine.travel(dt.datetime.combine(deadline + dt.timedelta(days=1),
                                                 dt.time(0, 1)), tick=False):
        assert tokens.by_token(_db.session, token) is None


def test_a_changed_key_stops_every_link(make_app):
    """Links are derived from the key: a new key opens none of the old ones."""
    first = make_app(QUESTIONNAIRE_TOKEN_KEY="first key")
    with first.app_context():
        _, token, _ = invite()
    second = make_app(QUESTIONNAIRE_TOKEN_KEY="second key")
    with second.app_context():
        assert tokens.by_token(_db.session, token) is None


# -- refusals that reveal nothing ------------------------------------------------------

def test_guessed_revoked_and_expired_links_get_the_same_answer(app, client):
    """Unknown, withdrawn and expired links: one status, one page, the same words."""
    revoked, revoked_token, _ = invite()
    tokens.revoke(_db.session, revoked)
    expired, expired_token, _ = invite(OTHER, None)
    expired.expires_at = tokens.now() - dt.timedelta(seconds=1)
    _db.session.commit()
    answers = [client.get(f"/questionnaire/{token}") for token in (
        "a" * 43, revoked_token, expired_token, "%E2%98%83", "x" * 300)]
    assert {r.status_code for r in answers} == {404}
    assert len({r.get_data(as_text=True) for r in answers}) == 1
    assert "does not open a questionnaire" in answers[0].get_data(as_text=True)
    posted = client.post(f"/questionnaire/{revoked_token}", data={"action": "save"})
    assert posted.status_code == 404
    assert client.post("/questionnaire/" + revoked_token + "/decline").status_code == 404


def test_wrong_codes_are_refused_alike(app, client):
    """A wrong code and a withdrawn one get the same 404 and message; a good one opens."""
    invitation, token, code = invite()
    wrong = client.post("/questionnaire", data={"code": "CDEFG-HJKMN"})
    assert wrong.status_code == 404 and "does not open a questionnaire" in wrong.text
    good = client.post("/questionnaire", data={"code": tokens.shown_code(code).lower()})
    assert good.status_code == 303 and good.location.endswith(f"/questionnaire/{token}")
    tokens.revoke(_db.session, invitation)
    _db.session.commit()
    withdrawn = client.post("/questionnaire", data={"code": code})
    assert withdrawn.status_code == 404  # the same page, but for the code typed in it
    assert withdrawn.text.replace(code, "typed") == wrong.text.replace("CDEFG-HJKMN", "typed")
    assert client.post("/questionnaire", data={"code": ""}).status_code == 422


def test_guessing_is_throttled(make_app):
    """After the limit of links that do not work, the address is asked to wait (429)."""
    made = make_app(QUESTIONNAIRE_RATE_LIMIT="3 per minute")
    with made.app_context():
        _, token, _ = invite()
    client = made.test_client()
    assert client.get(f"/questionnaire/{token}").status_code == 200  # works: not counted
    for attempt in range(3):
        assert client.get(f"/questionnaire/guess{attempt}").status_code == 404
    assert client.get("/questionnaire/guess-again").status_code == 429
    assert client.post("/questionnaire", data={"code": "ACDEF-GHJKM"}).status_code == 429


def test_candidate_pages_are_private(app, client):
    """No referrer, no cache, no index; no canonical link carries the token."""
    _, token, _ = invite()
    for path in (f"/questionnaire/{token}", "/questionnaire", "/questionnaire/nope"):
        response = client.get(path)
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "noindex" in response.headers["X-Robots-Tag"], path
        assert '<meta name="robots" content="noindex, nofollow">' in response.text
        assert 'rel="canonical"' not in response.text and "og:url" not in response.text
        assert token not in response.text.replace(f"/questionnaire/{token}", "")


# -- answering -------------------------------------------------------------------------

def test_save_and_come_back(app, client):
    """Saved answers come back on the next visit; voters and staff drafts see nothing."""
    invitation, token, _ = invite()
    page = client.get(f"/questionnaire/{token}")
    assert page.status_code == 200 and "Jamal Dunaway" in page.text
    assert "Who sees what, and when" in page.text and "Aug 15, 2028" in page.text
    saved = client.post(f"/questionnaire/{token}", data=form(
        {1: ("Yes", "Cash bail punishes the poor <b>first</b>."), 3: (None, "Restorative.")}))
    assert saved.status_code == 303
    again = client.get(f"/questionnaire/{token}")
    assert "Cash bail punishes the poor &lt;b&gt;first&lt;/b&gt;." in again.text
    assert 'value="Yes" checked' in again.text
    _db.session.expire_all()
    assert invitation.opened_at is not None and invitation.draft_saved_at is not None
    assert "Cash bail punishes" not in client.get(DISTRICT).text
    assert _db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE)) is None


def test_autosave_answers_json(app, client):
    """The page's script saves as the candidate types: JSON, no redirect."""
    _, token, _ = invite()
    response = client.post(f"/questionnaire/{token}", data=form({2: (None, "Typed.")},
                                                                  "autosave"))
    assert response.status_code == 200 and response.json["saved"] is True
    drafts = list(_db.session.scalars(select(DraftAnswer).where(
        DraftAnswer.explanation == "Typed.")))
    assert len(drafts) == 1


def test_word_limits_are_enforced_on_the_server(make_app):
    """Over the limit: saved as typed (nothing lost), but not submitted; shortened: it is."""
    made = make_app(QUESTIONNAIRE_WORD_LIMIT=10)
    with made.app_context():
        _, token, _ = invite()
        client = made.test_client()
        long = " ".join(["word"] * 11)
        refused = client.post(f"/questionnaire/{token}", data=form({1: ("No", long)},
                                                                     "submit"))
        assert refused.status_code == 422
        assert "This answer has 11 words; the limit is 10." in refused.text
        assert "must be fixed first" in refused.text
        assert _db.session.scalar(select(DraftAnswer.explanation).where(
            DraftAnswer.explanation == long)) == long  # kept as typed
        assert _db.session.scalar(select(ChangeSet).where(
            ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE)) is None
        accepted = client.post(f"/questionnaire/{token}",
                               data=form({1: ("No", " ".join(["word"] * 10))}, "submit"))
        assert accepted.status_code == 303


@pytest.mark.parametrize("choice", ["Maybe", "6", "<script>", "yes; DROP TABLE"])
def test_a_choice_not_offered_is_refused(app, client, choice):
    """A hand-made choice is refused with a message, never stored."""
    _, token, _ = invite()
    response = client.post(f"/questionnaire/{token}", data=form({1: (choice, "")}, "submit"))
    assert response.status_code == 422 and "Choose one of the answers offered." in response.text


def test_an_empty_submission_is_refused(app, client):
    """Nothing answered: say so (422), submit nothing."""
    _, token, _ = invite()
    response = client.post(f"/questionnaire/{token}", data=form({}, "submit"))
    assert response.status_code == 422 and "Answer at least one question" in response.text


def test_hostile_forms_get_a_4xx(app, client):
    """An unknown action, a huge body: 4xx, never a 500."""
    _, token, _ = invite()
    assert client.post(f"/questionnaire/{token}", data={"action": "publish"}).status_code == 400
    huge = client.post(f"/questionnaire/{token}", data=form({1: ("Yes", "x" * 70_000)}))
    assert huge.status_code == 413


def test_submit_publish_and_roll_back(mail_app, inbox, make_user):
    """A submission is a draft change set; published, voters see it with its date; rolled
    back, it is gone. The candidate gets a receipt with a copy of the answers."""
    client = mail_app.test_client()
    _, token, _ = invite()
    response = client.post(f"/questionnaire/{token}", data=form(
        {1: ("Yes", "Money should not decide who waits in jail."), 2: ("4", "")}, "submit"))
    assert response.status_code == 303 and response.location.endswith("/receipt")
    receipt = client.get(response.location)
    assert "Received: thank you" in receipt.text and "Money should not decide" in receipt.text
    [message] = inbox.to(EMAIL)
    assert "Money should not decide who waits in jail." in body(message)
    assert f"http://guide.example/questionnaire/{token}" in body(message)
    change_set = _db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE))
    assert change_set.status is ChangeSetStatus.DRAFT
    assert "Money should not decide" not in client.get(DISTRICT).text
    make_user("admin@example.org", "admin")
    from .support import sign_in

    assert sign_in(client, "admin@example.org").status_code == 303
    preview = client.get(f"/staff/changes/{change_set.id}/districts/al-circuit-1")
    assert "Money should not decide" in preview.text and "Draft preview" in preview.text
    assert client.post(f"/staff/changes/{change_set.id}/publish").status_code == 303
    public = client.get(DISTRICT).text
    today = tokens.now().date()
    assert "Money should not decide who waits in jail." in public
    assert f"received {today:%b} {today.day}, {today.year}" in public
    assert candidate().response_status is ResponseStatus.RESPONDED
    tracker = client.get("/staff/invitations/al-2028-general-sample").text
    assert re.search(r'id="c-al-circuit-1-jamal-dunaway".*?Published', tracker, re.S)
    assert client.post(f"/staff/changes/{change_set.id}/rollback").status_code == 303
    assert "Money should not decide" not in client.get(DISTRICT).text
    tracker = client.get("/staff/invitations/al-2028-general-sample").text
    assert re.search(r'id="c-al-circuit-1-jamal-dunaway".*?Published, then rolled back',
                     tracker, re.S)
    _db.session.expire_all()
    assert candidate().response_status is ResponseStatus.NO_RESPONSE


def test_a_discarded_submission_shows_as_such(app, client, make_user):
    """Staff discarding a submission's change set: the tracker says so."""
    _, token, _ = invite()
    client.post(f"/questionnaire/{token}", data=form({1: ("No", "")}, "submit"))
    change_set = _db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE))
    make_user("admin@example.org", "admin")
    from .support import sign_in

    sign_in(client, "admin@example.org")
    page = client.get(f"/staff/changes/{change_set.id}").text
    assert "Sent online by the candidate" in page
    client.post(f"/staff/changes/{change_set.id}/discard")
    tracker = client.get("/staff/invitations/al-2028-general-sample").text
    assert re.search(r'id="c-al-circuit-1-jamal-dunaway".*?Submission discarded by staff',
                     tracker, re.S)


def test_answers_are_published_verbatim(app, client, make_user):
    """Line breaks, markup and odd characters reach voters exactly as typed (escaped)."""
    _, token, _ = invite()
    words = "First line.\n\nSecond <i>paragraph</i> — “quoted” ✓"
    client.post(f"/questionnaire/{token}", data=form({3: (None, words)}, "submit"))
    change_set = _db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE))
    services_changes = [c for c in change_set.changes if c["entity"] == "answer"]
    assert services_changes[0]["after"]["explanation"] == words
    make_user("admin@example.org", "admin")
    from .support import sign_in

    sign_in(client, "admin@example.org")
    client.post(f"/staff/changes/{change_set.id}/publish")
    page = client.get(f"/candidates/{SLUG}").text
    assert "<p>First line.</p><p>Second &lt;i&gt;paragraph&lt;/i&gt; — “quoted” ✓</p>" in page


def test_resubmitting_replaces_the_unpublished_draft(app, client):
    """Editable until the deadline: a second submission supersedes the first draft."""
    _, token, _ = invite()
    client.post(f"/questionnaire/{token}", data=form({1: ("Yes", "First.")}, "submit"))
    client.post(f"/questionnaire/{token}", data=form({1: ("No", "Second.")}, "submit"))
    sets = list(_db.session.scalars(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE).order_by(ChangeSet.id)))
    assert [s.status for s in sets] == [ChangeSetStatus.DISCARDED, ChangeSetStatus.DRAFT]
    assert "Second." in str(sets[1].changes)


def test_after_the_deadline_nothing_changes(app, client):
    """Past the deadline the link no longer opens, and the saving service refuses."""
    invitation, token, _ = invite()
    deadline = candidate().race.questionnaire.deadline
    later = dt.datetime.combine(deadline + dt.timedelta(days=2), dt.time(12))
    with time_machine.travel(later, tick=False):
        assert client.get(f"/questionnaire/{token}").status_code == 404
        current = services.sheet(_db.session, invitation)
        with pytest.raises(services.QuestionnaireRefused, match="deadline has passed"):
            services.save_draft(_db.session, current)


def test_decline_with_a_statement(app, client, make_user):
    """Declining from the same link: once published the page says so, statement as theirs."""
    _, token, _ = invite()
    response = client.post(f"/questionnaire/{token}/decline",
                           data={"statement": "I answer voters in person, not on forms."})
    assert response.status_code == 303
    assert "you declined the questionnaire" in client.get(response.location).text
    change_set = _db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE))
    make_user("admin@example.org", "admin")
    from .support import sign_in

    sign_in(client, "admin@example.org")
    client.post(f"/staff/changes/{change_set.id}/publish")
    page = client.get(f"/candidates/{SLUG}").text
    assert "Declined to respond" in page and "Statement from Jamal Dunaway" in page
    assert "I answer voters in person, not on forms." in page
    assert "Read Jamal Dunaway's statement" in client.get(DISTRICT).text
    api = client.get("/api/v1/districts/al-circuit-1").json
    person = next(c for r in api["races"] for c in r["candidates"] if c["slug"] == SLUG)
    assert person["statement"] == "I answer voters in person, not on forms."


def test_a_statement_over_the_limit_is_refused(make_app):
    """The statement has the word limit too."""
    made = make_app(QUESTIONNAIRE_WORD_LIMIT=10)
    with made.app_context():
        _, token, _ = invite()
        response = made.test_client().post(f"/questionnaire/{token}/decline",
                                           data={"statement": "word " * 11})
        assert response.status_code == 422 and "the limit is 10" in response.text
        assert "word word word word word word word word word word word" in response.text


# -- "Did not respond by" --------------------------------------------------------------

def test_did_not_respond_by_the_deadline(app, client):
    """Before the deadline: "Did not respond"; after it: "Did not respond by <date>"."""
    deadline = candidate().race.questionnaire.deadline
    assert deadline == dt.date(2028, 8, 15)
    with time_machine.travel(dt.datetime(2028, 8, 15, 12), tick=False):
        page = client.get(DISTRICT).text
        assert "Did not respond by" not in page and "Did not respond" in page
    with time_machine.travel(dt.datetime(2028, 8, 16, 12), tick=False):
        page = client.get(DISTRICT).text
        assert "Did not respond by Aug 15, 2028" in page
        assert "did not respond by Aug 15, 2028" in page  # the race's one sentence
        assert "Did not respond by" in client.get(f"/candidates/{SLUG}").text


# -- settings --------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, message", [
    ({"SMTP_HOST": "mail.example.org"}, "VOTERGUIDE_SMTP_SENDER must be set"),
    ({"SMTP_SENDER": "not an address"}, "VOTERGUIDE_SMTP_SENDER is 'not an address'"),
    ({"SMTP_SECURITY": "tls"}, "VOTERGUIDE_SMTP_SECURITY is 'tls', but it takes"),
    ({"QUESTIONNAIRE_REMINDER_DAYS": "7,soon"}, "whole numbers of days from 0 to 365"),
    ({"QUESTIONNAIRE_MAX_REMINDERS": 50}, "VOTERGUIDE_QUESTIONNAIRE_MAX_REMINDERS is 50"),
    ({"QUESTIONNAIRE_RATE_LIMIT": "lots"}, "a limit such as"),
])
def test_mail_and_questionnaire_settings_are_checked(make_app, overrides, message):
    """A wrong setting stops the app with one line naming it."""
    from voterguide.config import ConfigurationError

    with pytest.raises(ConfigurationError, match=re.escape(message)):
        make_app(**overrides)
