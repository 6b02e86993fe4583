"""Rollback that always works, and the pages that ask before anything reaches voters:
rolling back an import after a later edit keeps the edit and says so with a link; a
rolled-back change reads "rolled back" and offers no second rollback; publish, rollback and
discard ask on a page of their own; a blocked import is labelled blocked; a change set
downloads as the spreadsheet an import reads, and its uploaded file by its uploader.
Real SQLite, real requests through the test client."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from voterguide.models import Answer, Candidate, ChangeSet, ChangeSetStatus

from .support import sign_in
from .support.spreadsheets import csv_bytes


@pytest.fixture
def two_answers(db) -> tuple[Candidate, list[Answer]]:
    """A published 6th-circuit candidate with at least two answers."""
    for candidate in db.session.scalars(select(Candidate).where(
            Candidate.slug.like("al-circuit-6-%")).order_by(Candidate.slug)):
        if len(candidate.answers) >= 2:
            return candidate, sorted(candidate.answers, key=lambda a: a.question.position)[:2]
    raise AssertionError("the demo election has a 6th-circuit candidate with two answers")


def import_words(client, candidate: Candidate, answers: list[Answer], words: list[str],
                 name: str = "answers.csv") -> str:
    """Upload a long file giving each answer new words; return the preview's URL."""
    rows = [["name", "district", "question", "answer", "explanation"]]
    for answer, text in zip(answers, words, strict=True):
        rows.append([candidate.name, "6th Judicial Circuit", str(answer.question.position),
                     answer.choice or "", text])
    from voterguide.extensions import db
    from voterguide.models import Election

    election = db.session.scalar(select(Election))
    response = client.post("/staff/imports/new", data={
        "election": str(election.id), "shape": "auto",
        "spreadsheet": (__import__("io").BytesIO(csv_bytes(rows)), name)},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def publish(client, url: str) -> str:
    """Apply an import to the draft and publish it through the confirmation page."""
    client.post(url + "/apply")
    confirm = client.get(url + "/publish").get_data(as_text=True)
    assert "Voters will see these changes" in confirm and "Yes, publish" in confirm
    return client.post(url + "/publish", follow_redirects=True).get_data(as_text=True)


def edit_answer(client, slug: str, answer: Answer, words: str) -> int:
    """Correct one answer in the browser's one form and publish the edit; its change set id."""
    page = client.get(f"/staff/candidates/{slug}")
    assert page.status_code == 200
    client.post(f"/staff/candidates/{slug}/answers/{answer.question_id}", data={
        f"q{answer.question_id}-choice": answer.choice or "",
        f"q{answer.question_id}-explanation": words})
    from voterguide.extensions import db

    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit",
                                                      ChangeSet.status == "draft"))
    client.post(f"/staff/changes/{draft.id}/publish")
    return draft.id


def test_rollback_after_a_later_edit_keeps_the_edit_and_names_it(admin, db, two_answers):
    """Import two answers, correct one in the browser, roll back the import: the other answer
    goes back, the correction stays, and the pages say which later change kept it."""
    candidate, answers = two_answers
    slug, originals = candidate.slug, [a.explanation for a in answers]
    first, second = answers
    url = import_words(admin, candidate, answers, ["Imported one.", "Imported two."])
    assert "Published: voters see it now." in publish(admin, url)
    edit_id = edit_answer(admin, slug, first, "Corrected by staff.")
    confirm = admin.get(url + "/rollback").get_data(as_text=True)
    assert "Left as later changes made them (1)" in confirm
    assert f'href="/staff/changes/{edit_id}"' in confirm
    assert "Yes, roll back" in confirm
    done = admin.post(url + "/rollback", follow_redirects=True).get_data(as_text=True)
    assert "1 later change kept" in done
    db.session.expire_all()
    now = {a.question_id: a.explanation for a in db.session.scalar(
        select(Candidate).where(Candidate.slug == slug)).answers}
    assert now[first.question_id] == "Corrected by staff."
    assert now[second.question_id] == originals[1]
    page = admin.get(url).get_data(as_text=True)
    assert "Published, then rolled back" in page
    assert "Roll back…" not in page
    again = admin.post(url + "/rollback", follow_redirects=True).get_data(as_text=True)
    assert "already been rolled back" in again
    assert db.session.scalar(select(ChangeSet.id).where(ChangeSet.kind == "rollback")
                             .order_by(ChangeSet.id.desc()).offset(1)) is None
    history = admin.get("/staff/history").get_data(as_text=True)
    assert "Published, then rolled back" in history and "Rollback of the import of answers.csv" \
        in history


def test_rollback_with_nothing_of_its_own_left_points_at_the_later_changes(admin, db,
                                                                           two_answers):
    """When later changes rewrote everything, rolling back is refused with the later change
    sets to roll back first, and nothing is written."""
    candidate, answers = two_answers
    url = import_words(admin, candidate, answers[:1], ["Imported."])
    publish(admin, url)
    edit_id = edit_answer(admin, candidate.slug, answers[0], "Rewritten.")
    confirm = admin.get(url + "/rollback").get_data(as_text=True)
    assert "Nothing of this change is left to roll back" in confirm
    assert f'href="/staff/changes/{edit_id}"' in confirm
    refused = admin.post(url + "/rollback", follow_redirects=True).get_data(as_text=True)
    assert "Roll those back first" in refused
    # Rolling back the later edit first, then the import, puts the original words back.
    admin.post(f"/staff/changes/{edit_id}/rollback")
    admin.post(url + "/rollback")
    db.session.expire_all()
    assert db.session.get(Answer, answers[0].id).explanation == answers[0].explanation


def test_rolling_back_a_rollback_puts_the_change_back(admin, db, two_answers):
    """A rollback is itself a published change that can be rolled back."""
    candidate, answers = two_answers
    url = import_words(admin, candidate, answers[:1], ["Imported."])
    publish(admin, url)
    admin.post(url + "/rollback")
    undo = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "rollback"))
    admin.post(f"/staff/changes/{undo.id}/rollback")
    db.session.expire_all()
    assert db.session.get(Answer, answers[0].id).explanation == "Imported."


def test_publish_and_discard_ask_first_and_get_changes_nothing(admin, db, two_answers):
    """The confirmation pages write nothing; discard's page says voters see no change."""
    candidate, answers = two_answers
    url = import_words(admin, candidate, answers[:1], ["Imported."])
    admin.post(url + "/apply")
    before = admin.get(f"/candidates/{candidate.slug}").data
    for action in ("publish", "discard"):
        page = admin.get(f"{url}/{action}")
        assert page.status_code == 200
    assert "Nothing voters see changes" in admin.get(url + "/discard").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ChangeSet.status).where(
        ChangeSet.file_name == "answers.csv")) is ChangeSetStatus.DRAFT
    assert admin.get(f"/candidates/{candidate.slug}").data == before
    done = admin.post(url + "/discard", follow_redirects=True).get_data(as_text=True)
    assert "Discarded: nothing voters see has changed" in done
    assert "Import a file again" in done  # "What you can do" still says something
    # A discarded change cannot be published or discarded again, and its pages say so.
    refused = admin.get(url + "/publish", follow_redirects=True).get_data(as_text=True)
    assert "Only a draft can be published" in refused


def test_editors_cannot_reach_the_publish_or_rollback_pages(editor, db, two_answers):
    """The confirmation pages are as admin-only as the actions."""
    candidate, answers = two_answers
    url = import_words(editor, candidate, answers[:1], ["Imported."])
    editor.post(url + "/apply")
    assert editor.get(url + "/publish").status_code == 403
    assert editor.get(url + "/rollback").status_code == 403
    assert editor.get(url + "/discard").status_code == 200


def test_a_blocked_import_is_labelled_blocked_and_can_be_discarded(admin, db):
    """An import with a blocking problem reads "Blocked" on the staff home and its page."""
    from voterguide.models import Election

    election = db.session.scalar(select(Election))
    rows = [["name", "district", "question", "answer"], ["Nobody Known", "", "1", "Yes"]]
    response = admin.post("/staff/imports/new", data={
        "election": str(election.id), "shape": "auto",
        "spreadsheet": (__import__("io").BytesIO(csv_bytes(rows)), "bad.csv")},
        content_type="multipart/form-data")
    url = response.headers["Location"]
    home = admin.get("/staff/").get_data(as_text=True)
    assert "Blocked: problems to fix" in home and "it can be discarded" in home
    page = admin.get(url).get_data(as_text=True)
    assert "This import is blocked" in page and "Discard this import…" in page
    admin.post(url + "/discard")
    assert "Blocked" not in admin.get("/staff/").get_data(as_text=True)


def test_export_reads_back_as_an_import_that_changes_nothing(admin, db, two_answers):
    """A published import's export, uploaded again, is read as the same answers."""
    candidate, answers = two_answers
    url = import_words(admin, candidate, answers, ["Exported one.", "Exported, two."])
    publish(admin, url)
    exported = admin.get(url + "/export.csv")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith("attachment")
    text = exported.get_data(as_text=True)
    assert "Exported, two." in text and candidate.name in text
    from voterguide.models import Election

    election = db.session.scalar(select(Election))
    again = admin.post("/staff/imports/new", data={
        "election": str(election.id), "shape": "auto",
        "spreadsheet": (__import__("io").BytesIO(exported.data), "export.csv")},
        content_type="multipart/form-data")
    page = admin.get(again.headers["Location"]).get_data(as_text=True)
    assert "This file changes nothing in the guide" in page, re.sub(r"\s+", " ", page)[-3000:]


def test_the_uploaded_file_downloads_for_its_uploader_and_admins_only(client, make_user, db,
                                                                      two_answers):
    """The original bytes come back to the uploader and to admins; another editor gets 403."""
    candidate, answers = two_answers
    make_user("one@example.org", "editor")
    make_user("two@example.org", "editor")
    make_user("boss@example.org", "admin")
    sign_in(client, "one@example.org")
    url = import_words(client, candidate, answers[:1], ["Mine."], name="my file (1).csv")
    mine = client.get(url + "/original")
    assert mine.status_code == 200 and b"Mine." in mine.data
    assert "my_file_1.csv" in mine.headers["Content-Disposition"]
    client.post("/staff/logout")
    sign_in(client, "two@example.org")
    assert client.get(url + "/original").status_code == 403
    assert "download the uploaded file" not in client.get(url).get_data(as_text=True)
    client.post("/staff/logout")
    sign_in(client, "boss@example.org")
    assert client.get(url + "/original").status_code == 200
    client.post(url + "/discard")
    assert client.get(url + "/original").status_code == 404
