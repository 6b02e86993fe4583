"""The staff side of the online questionnaire: importing the candidate list (email and
postal address kept for staff only), the deadline, invitations by email (to a real SMTP
server on loopback) and by letter (a PDF, read back with pdftotext), withdrawing a link,
the tracker's states, returning answers with a note, reminders by hand and by
`flask questionnaire remind`, capped; and no contact detail on any public page, the API or
the open data."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
import time_machine
from sqlalchemy import func, select

from voterguide.extensions import db as _db
from voterguide.models import (
    Candidate,
    CandidateContact,
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    Invitation,
)
from voterguide.questionnaire import tokens
from voterguide.staff import services

from .support import sign_in
from .support.mailbox import body, mailbox

ELECTION = "al-2028-general-sample"
TRACKER = f"/staff/invitations/{ELECTION}"
SLUG = "al-circuit-1-jamal-dunaway"
EMAIL = "dunaway@campaign.example"
POSTAL = "PO Box 4471\nTroy, AL 36081"
LIST_CSV = ("name,district,party,email,postal address\n"
            "Jamal Dunaway,1st Judicial Circuit,Independent,dunaway@campaign.example,"
            '"PO Box 4471\nTroy, AL 36081"\n'
            "Keisha Ingram,al-circuit-1,Democratic,ingram@campaign.example,"
            "12 Court Square Grove Hill AL 36451\n"
            "Ruth Abernathy-Ochoa,Circuit 1,Republican,ruth@ochoa.example,"
            '"77 Mill Rd, Jackson, AL 36545"\n')


@pytest.fixture
def inbox():
    """A real SMTP server on loopback."""
    with mailbox() as box:
        yield box


@pytest.fixture
def staff(make_app, inbox, make_user):
    """An app that sends mail to the loopback server, and a client signed in as admin."""
    made = make_app(SITE_URL="http://guide.example", QUESTIONNAIRE_MAX_REMINDERS=2,
                    **inbox.settings())
    with made.app_context():
        from voterguide.staff.accounts import create_user

        from .support import PASSWORD

        create_user(_db.session, "admin@example.org", PASSWORD, "admin")
        _db.session.commit()
        client = made.test_client()
        assert sign_in(client, "admin@example.org").status_code == 303
        yield client


def candidate(slug: str = SLUG) -> Candidate:
    """A demo candidate by slug."""
    return _db.session.scalar(select(Candidate).where(Candidate.slug == slug))


def import_list(client) -> ChangeSet:
    """Import the candidate list and publish it; return the change set."""
    from voterguide.models import Election

    election = _db.session.scalar(select(Election).where(Election.slug == ELECTION))
    response = client.post("/staff/imports/new", data={
        "election": election.id, "shape": "auto",
        "spreadsheet": (__import__("io").BytesIO(LIST_CSV.encode()), "candidates.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    change_set_id = int(response.location.rsplit("/", 1)[1])
    assert client.post(f"/staff/changes/{change_set_id}/apply").status_code == 303
    assert client.post(f"/staff/changes/{change_set_id}/publish").status_code == 303
    return _db.session.get(ChangeSet, change_set_id)


def state_of(client, slug: str = SLUG) -> str:
    """The tracker's state words in a candidate's row."""
    page = client.get(TRACKER).text
    row = re.search(rf'<tr id="c-{slug}">(.*?)</tr>', page, re.S).group(1)
    return re.search(r'<strong class="state[^"]*">(.*?)</strong>', row).group(1)


def link_in(message) -> str:
    """The private link in an email, as a path."""
    return re.search(r"http://guide\.example(/questionnaire/[A-Za-z0-9_-]+)",
                     body(message)).group(1)


def test_the_candidate_list_import_keeps_contacts_for_staff_only(staff):
    """Name, district, party, email, postal address: candidates become public, contacts
    stay in the staff-only table."""
    change_set = import_list(staff)
    assert change_set.status is ChangeSetStatus.PUBLISHED
    new = _db.session.scalar(select(Candidate).where(Candidate.name == "Ruth Abernathy-Ochoa"))
    assert new is not None and new.party == "Republican"
    contact = _db.session.get(CandidateContact, candidate().id)
    assert (contact.email, contact.postal_address) == (EMAIL, POSTAL)
    assert _db.session.get(CandidateContact, new.id).postal_address == "77 Mill Rd, Jackson, " \
        "AL 36545"
    public = [staff.get(path) for path in (
        "/districts/al-circuit-1", f"/candidates/{SLUG}", f"/candidates/{new.slug}",
        "/api/v1/districts/al-circuit-1", "/data/guide.json", "/data/guide.csv",
        "/districts/al-circuit-1/flyer", "/embed/al-circuit-1")]
    for response in public:
        assert response.status_code == 200, response.request.path
        text = response.get_data(as_text=True)
        for secret in ("campaign.example", "ochoa.example", "PO Box 4471", "Mill Rd",
                       "Court Square", "postal"):
            assert secret not in text, (response.request.path, secret)
    assert "Ruth Abernathy-Ochoa" in public[0].text


def test_a_second_import_changes_only_what_changed(staff):
    """The same list again changes nothing; a new postal address is one contact change."""
    import_list(staff)
    from voterguide.models import Election
    from voterguide.staff.services import import_file

    election = _db.session.scalar(select(Election).where(Election.slug == ELECTION))
    again = import_file(_db.session, election, "candidates.csv", LIST_CSV.encode(), None)
    assert again.changes == []
    moved = LIST_CSV.replace("PO Box 4471", "PO Box 9")
    changed = import_file(_db.session, election, "candidates.csv", moved.encode(), None)
    assert [(c["entity"], c["after"]) for c in changed.changes] == [
        ("contact", {"postal_address": "PO Box 9\nTroy, AL 36081"})]


def test_invite_by_email_opens_and_the_tracker_moves(staff, inbox):
    """Invited → opened → draft → submitted → published, each shown with its time."""
    import_list(staff)
    assert state_of(staff) == "Not invited yet"
    assert staff.post(f"/staff/invitations/candidates/{SLUG}/invite").status_code == 303
    [message] = inbox.to(EMAIL)
    assert message["From"] == "voterguide <guide@example.org>"
    path = link_in(message)
    code = re.search(r"type this code: ([A-Z0-9]{5}-[A-Z0-9]{5})", body(message)).group(1)
    assert state_of(staff) == "Invited"
    candidate_client = staff.application.test_client()
    assert candidate_client.get(path).status_code == 200
    assert state_of(staff) == "Opened"
    entered = candidate_client.post("/questionnaire", data={"code": code})
    assert entered.location.endswith(path)
    question = candidate().race.questionnaire.questions[0]
    candidate_client.post(path, data={"action": "save", f"choice-{question.id}": "No"})
    assert state_of(staff) == "Draft saved"
    candidate_client.post(path, data={"action": "submit", f"choice-{question.id}": "No"})
    assert state_of(staff) == "Submitted, waiting to be published"
    assert len(inbox.to(EMAIL)) == 2  # the receipt
    invitation = _db.session.scalar(select(Invitation))
    staff.post(f"/staff/changes/{invitation.change_set_id}/publish")
    assert state_of(staff) == "Published"
    page = staff.get(TRACKER).text
    for step in ("Invited by email", "Opened", "Draft saved", "Submitted", "Published"):
        assert re.search(rf"{step} \d{{4}}-\d\d-\d\d \d\d:\d\d UTC", page), step


def test_invite_everyone_skips_who_has_no_email(staff, inbox):
    """One button emails every candidate not invited yet who has an address."""
    import_list(staff)
    response = staff.post(f"/staff/invitations/{ELECTION}/invite-all", follow_redirects=True)
    assert "Invitations emailed: 3." in response.text
    assert "has no email address" in response.text  # the demo's other candidates
    assert {m["To"] for m in inbox.messages} == {EMAIL, "ingram@campaign.example",
                                                 "ruth@ochoa.example"}
    again = staff.post(f"/staff/invitations/{ELECTION}/invite-all", follow_redirects=True)
    assert "Invitations emailed: 0." in again.text and len(inbox.messages) == 3


def test_a_mail_server_that_is_down_records_nothing(make_app, make_user):
    """No server on that port: the invitation is not recorded and staff are told."""
    from .support.servers import free_port

    made = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none",
                    SMTP_SENDER="guide@example.org", SITE_URL="http://guide.example")
    with made.app_context():
        make_user("admin@example.org", "admin")
        client = made.test_client()
        sign_in(client, "admin@example.org")
        _db.session.add(CandidateContact(candidate_id=candidate().id, email=EMAIL))
        _db.session.commit()
        response = client.post(f"/staff/invitations/candidates/{SLUG}/invite",
                               follow_redirects=True)
        assert "Nothing was sent to Jamal Dunaway" in response.text
        assert _db.session.scalar(select(Invitation)) is None


def test_withdrawing_a_link(staff, inbox):
    """A withdrawn link gets the same 404 as a guess; a new link works again."""
    import_list(staff)
    staff.post(f"/staff/invitations/candidates/{SLUG}/invite")
    old = link_in(inbox.messages[-1])
    staff.post(f"/staff/invitations/candidates/{SLUG}/revoke")
    assert state_of(staff) == "Invitation withdrawn"
    assert staff.application.test_client().get(old).status_code == 404
    staff.post(f"/staff/invitations/candidates/{SLUG}/invite")
    new = link_in(inbox.messages[-1])
    assert new != old and staff.application.test_client().get(new).status_code == 200


def test_return_with_a_note(staff, inbox):
    """Staff return a submission with a note: its draft is discarded, the candidate sees the
    note and their own words, and may submit again. Staff never edit the answers."""
    import_list(staff)
    staff.post(f"/staff/invitations/candidates/{SLUG}/invite")
    path = link_in(inbox.messages[-1])
    question = candidate().race.questionnaire.questions[2]
    person = staff.application.test_client()
    person.post(path, data={"action": "submit", f"explanation-{question.id}": "Too short."})
    submitted = _db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.QUESTIONNAIRE))
    refused = staff.post(f"/staff/invitations/candidates/{SLUG}/return", data={"note": " "},
                         follow_redirects=True)
    assert "Write a note" in refused.text
    staff.post(f"/staff/invitations/candidates/{SLUG}/return",
               data={"note": "Question 3 seems cut off: did you mean to say more?"})
    _db.session.expire_all()
    assert submitted.status is ChangeSetStatus.DISCARDED
    assert state_of(staff) == "Returned to the candidate"
    note = inbox.messages[-1]
    assert "Question 3 seems cut off" in body(note) and path in body(note)
    page = person.get(path).text
    assert "A note from our staff" in page and "Question 3 seems cut off" in page
    assert "Too short." in page
    person.post(path, data={"action": "submit",
                            f"explanation-{question.id}": "Too short, now longer."})
    assert state_of(staff) == "Submitted, waiting to be published"
    assert "A note from our staff" not in person.get(path).text


def test_reminders_by_hand_are_capped(staff, inbox):
    """One click sends a reminder with the same link; never more than the cap."""
    import_list(staff)
    staff.post(f"/staff/invitations/candidates/{SLUG}/invite")
    link = link_in(inbox.messages[-1])
    for _ in range(2):
        response = staff.post(f"/staff/invitations/candidates/{SLUG}/remind",
                              follow_redirects=True)
        assert "Reminder emailed to Jamal Dunaway." in response.text
        assert link_in(inbox.messages[-1]) == link
    third = staff.post(f"/staff/invitations/candidates/{SLUG}/remind", follow_redirects=True)
    assert "has had 2 reminders, the most we send" in third.text
    assert len(inbox.to(EMAIL)) == 3
    assert "2 of 2 reminders" in staff.get(TRACKER).text


def test_scheduled_reminders_on_the_set_days_and_capped(make_app, inbox):
    """`flask questionnaire remind` reminds on 14, 7 and 2 days before the deadline, once
    each, skips who answered, and stops at the cap."""
    made = make_app(SITE_URL="http://guide.example", QUESTIONNAIRE_MAX_REMINDERS=2,
                    QUESTIONNAIRE_REMINDER_DAYS="14,7,2", **inbox.settings())
    runner = made.test_cli_runner()
    with made.app_context():
        for slug, email in ((SLUG, EMAIL), ("al-circuit-1-keisha-ingram", "k@i.example")):
            _db.session.add(CandidateContact(candidate_id=candidate(slug).id, email=email))
            tokens.issue(_db.session, candidate(slug), None)
        _db.session.commit()

    def remind(day: str) -> str:
        with time_machine.travel(dt.datetime.fromisoformat(day + "T12:00"), tick=False):
            result = runner.invoke(args=["questionnaire", "remind"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "0 due" in remind("2028-07-31")  # 15 days before August 15
    assert "2 due, 2 reminded on 2028-08-01" in remind("2028-08-01")
    assert "0 due" in remind("2028-08-01")  # the same day again: nothing
    assert "0 due" in remind("2028-08-05")
    with made.app_context():  # Ingram answers
        invitation = tokens.active_invitation(_db.session, candidate("al-circuit-1-keisha-ingram"))
        invitation.submitted_at = tokens.now()
        _db.session.commit()
    output = remind("2028-08-09")
    assert "1 due, 1 reminded" in output and "reminded: Jamal Dunaway" in output
    assert "0 due" in remind("2028-08-13")  # Dunaway has had 2: the cap
    assert len(inbox.to(EMAIL)) == 2 and len(inbox.to("k@i.example")) == 1
    with time_machine.travel(dt.datetime(2028, 8, 13, 12), tick=False):
        dry = runner.invoke(args=["questionnaire", "remind", "--dry-run"])
    assert dry.exit_code == 0 and "0 due" in dry.output


def test_the_remind_command_needs_a_mail_server(runner):
    """Without SMTP it says so and exits non-zero."""
    result = runner.invoke(args=["questionnaire", "remind"])
    assert result.exit_code != 0 and "No mail server is set up" in result.output


def test_letters_without_a_mail_server(admin, app):
    """No SMTP: the tracker offers letters; the PDF has one page per candidate, with the
    address to type the code at, the code, and the postal address; the code works."""
    for slug, postal in ((SLUG, POSTAL), ("al-circuit-1-keisha-ingram", None)):
        _db.session.add(CandidateContact(candidate_id=candidate(slug).id, postal_address=postal))
    _db.session.commit()
    page = admin.get(TRACKER).text
    assert "No mail server is set up" in page and "Email an invitation" not in page
    response = admin.post(f"/staff/invitations/{ELECTION}/letters",
                          data={"candidate": [SLUG, "al-circuit-1-keisha-ingram"]})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data,
                          capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "PO Box 4471" in pages[0] and "Troy, AL 36081" in pages[0]
    assert "http://localhost/questionnaire" in pages[0]
    code = re.search(r"\b([A-Z0-9]{5}-[A-Z0-9]{5})\b", pages[0]).group(1)
    assert admin.post("/questionnaire", data={"code": code}).status_code == 303
    assert state_of(admin) == "Invited"
    assert "Invited by letter" in admin.get(TRACKER).text


@pytest.mark.parametrize("typed, message", [
    ("soon", "Type the deadline as a date"),
    ("2029-01-01", "on or before election day"),
])
def test_a_bad_deadline_is_refused(admin, typed, message):
    """The deadline is a date before election day."""
    response = admin.post(f"/staff/invitations/{ELECTION}/deadline", data={"deadline": typed},
                          follow_redirects=True)
    assert message in response.text


def test_a_new_deadline_moves_the_links_expiry(admin, app):
    """Links follow the deadline."""
    tokens.issue(_db.session, candidate(), None)
    _db.session.commit()
    response = admin.post(f"/staff/invitations/{ELECTION}/deadline",
                          data={"deadline": "2028-09-30"}, follow_redirects=True)
    assert "Deadline set to September 30, 2028." in response.text
    _db.session.expire_all()
    assert _db.session.scalar(select(Invitation)).expires_at == dt.datetime(2028, 10, 1)
    # In the history like any change, and its rollback puts the old deadline back.
    set_here = _db.session.scalar(select(ChangeSet).where(
        ChangeSet.summary == "Deadline set in the invitations tracker"))
    assert set_here.status is ChangeSetStatus.PUBLISHED
    assert [c["after"] for c in set_here.changes] == [{"deadline": "2028-09-30"}]
    assert "Deadline set in the invitations tracker" in admin.get("/staff/history").text
    assert admin.post(f"/staff/changes/{set_here.id}/rollback").status_code == 303
    _db.session.expire_all()
    assert candidate().race.questionnaire.deadline == dt.date(2028, 8, 15)
    assert _db.session.scalar(select(Invitation)).expires_at == dt.datetime(2028, 8, 16)
    again = admin.post(f"/staff/invitations/{ELECTION}/deadline",
                       data={"deadline": "2028-08-15"}, follow_redirects=True)
    assert "Deadline set to August 15, 2028." in again.text  # no change: no change set
    assert _db.session.scalar(select(func.count()).select_from(ChangeSet).where(
        ChangeSet.summary == "Deadline set in the invitations tracker")) == 1


def test_a_deadline_published_in_a_change_set_moves_the_links_expiry(app):
    """The questionnaire's deadline set through a draft (the season pages' way) moves the
    working links' expiry when it is published, as the tracker's form does."""
    tokens.issue(_db.session, candidate(), None)
    questionnaire = candidate().race.questionnaire
    draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT, problems=[],
                      created_at=dt.datetime(2028, 6, 1), summary="", changes=[{
                          "entity": "questionnaire", "key": questionnaire.slug,
                          "label": questionnaire.title,
                          "before": {"deadline": questionnaire.deadline.isoformat()},
                          "after": {"deadline": "2028-09-15"}}])
    _db.session.add(draft)
    _db.session.flush()
    services.publish(_db.session, draft, None)
    _db.session.commit()
    _db.session.expire_all()
    assert _db.session.scalar(select(Invitation)).expires_at == dt.datetime(2028, 9, 16)
    assert candidate().race.questionnaire.deadline == dt.date(2028, 9, 15)


def test_editors_use_the_tracker_but_cannot_publish(editor, app):
    """Editors open the tracker and act on it; publishing a submission stays with admins."""
    index = editor.get("/staff/invitations")  # two sample elections (AL, CA): each listed
    assert index.status_code == 200 and f'href="{TRACKER}"' in index.get_data(as_text=True)
    assert editor.get(TRACKER).status_code == 200
    invitation = tokens.issue(_db.session, candidate(), None)
    _db.session.commit()
    question = candidate().race.questionnaire.questions[0]
    person = app.test_client()
    person.post(f"/questionnaire/{tokens.token_for(invitation)}",
                data={"action": "submit", f"choice-{question.id}": "Yes"})
    _db.session.expire_all()
    assert editor.post(f"/staff/changes/{invitation.change_set_id}/publish").status_code == 403


def test_the_tracker_needs_sign_in(client):
    """Signed out: to the sign-in page."""
    response = client.get(TRACKER)
    assert response.status_code == 302 and "/staff/login" in response.location


@pytest.mark.parametrize("email, postal, status, message", [
    ("dunaway@campaign.example", "PO Box 1\r\nTroy, AL", 303, None),
    ("not an email", "", 422, "is not an email address"),
    ("", "x" * 600, 422, "longer than 500 characters"),
])
def test_a_contact_typed_by_hand(admin, app, email, postal, status, message):
    """Staff type an email and a postal address; bad ones are refused, nothing is kept."""
    response = admin.post(f"/staff/invitations/candidates/{SLUG}/contact",
                          data={"email": email, "postal_address": postal})
    assert response.status_code == status
    contact = _db.session.get(CandidateContact, candidate().id)
    if message:
        assert message in response.text and contact is None
    else:
        assert (contact.email, contact.postal_address) == (email, "PO Box 1\nTroy, AL")
        assert "dunaway@campaign.example" not in admin.get(f"/candidates/{SLUG}").text
