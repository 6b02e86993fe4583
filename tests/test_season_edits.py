"""Nothing changed without a word: an answer that does not fit its question keeps the
candidate's words and is flagged; a re-import that would undo a browser correction asks per
answer and can keep it; the candidate page saves every field in one form (and says when
nothing changed); a candidate entered by mistake can be removed, and a rollback brings them
back. Real SQLite, real requests through the test client."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from voterguide.models import Answer, Candidate, ChangeSet, Election, Question, QuestionKind
from voterguide.staff import cleaners

from .support.spreadsheets import csv_bytes


def upload(client, rows: list[list[str]], name: str = "answers.csv") -> str:
    """Upload rows for the seeded election; the preview's URL."""
    from voterguide.extensions import db

    election = db.session.scalar(select(Election))
    response = client.post("/staff/imports/new", data={
        "election": str(election.id), "shape": "auto",
        "spreadsheet": (io.BytesIO(csv_bytes(rows)), name)}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def publish(client, url: str) -> None:
    """Apply and publish a change set (the confirmation page's button posts here)."""
    client.post(url + "/apply")
    client.post(url + "/publish")


def publish_my_draft(client, db) -> int:
    """Publish the signed-in user's draft of edits; its id."""
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit",
                                                      ChangeSet.status == "draft"))
    assert client.post(f"/staff/changes/{draft.id}/publish").status_code == 303
    return draft.id


@pytest.fixture
def person(db) -> tuple[Candidate, Question]:
    """A 6th-circuit candidate and a Yes/No question of their questionnaire."""
    candidate = db.session.scalar(select(Candidate).where(
        Candidate.slug.like("al-circuit-6-%")).order_by(Candidate.slug))
    question = next(q for q in candidate.race.questionnaire.questions
                    if q.kind is QuestionKind.YES_NO)
    return candidate, question


@pytest.mark.parametrize(("cell", "plain"), [
    ("Yes", True), ("no.", True), ("Y", True), ("Yes, with conditions", False),
    ("Yes, I would", False), ("No - only for violent crimes", False),
])
def test_plain_yes_no(cell, plain):
    """Only a bare yes or no is a plain choice."""
    assert cleaners.is_plain_choice(cell, QuestionKind.YES_NO) is plain


@pytest.mark.parametrize(("cell", "plain"), [
    ("4", True), ("4 of 5", True), ("3 - Neutral", True), ("Strongly agree", True),
    ("4 - but only with funding", False),
])
def test_plain_scale(cell, plain):
    """A number, a number of 5, or a number with its scale word is plain; more is not."""
    assert cleaners.is_plain_choice(cell, QuestionKind.SCALE, "Strongly disagree",
                                    "Strongly agree") is plain


@pytest.mark.parametrize("cell", ["Yes, with conditions", "Perhaps, it depends on the case"])
def test_an_answer_that_does_not_fit_keeps_the_candidates_words(admin, db, person, cell):
    """"Yes, with conditions" is never a plain Yes: the words are kept as written, no
    choice is made up, the preview flags it, and the public page shows the words."""
    candidate, question = person
    url = upload(admin, [["name", "district", "question", "answer", "explanation"],
                         [candidate.name, "6th Judicial Circuit", str(question.position), cell,
                          "Only for first offences."]])
    preview = admin.get(url).get_data(as_text=True)
    assert "Kept in the candidate&#39;s own words, with no Yes or No chosen" in preview
    publish(admin, url)
    db.session.expire_all()
    answer = db.session.scalar(select(Answer).where(Answer.candidate_id == candidate.id,
                                                    Answer.question_id == question.id))
    assert answer.choice is None
    assert answer.explanation == f"{cell}\n\nOnly for first offences."
    public = admin.get(f"/candidates/{candidate.slug}").get_data(as_text=True)
    assert cell in public


def test_reimport_asks_before_undoing_a_correction_and_can_keep_it(admin, db, person):
    """Import, correct one answer in the browser, import the same file again: the preview
    says the file would undo the correction; keeping it leaves the correction published."""
    candidate, question = person
    rows = [["name", "district", "question", "answer", "explanation"],
            [candidate.name, "6th Judicial Circuit", str(question.position), "Yes",
             "Teh words."]]
    publish(admin, upload(admin, rows))
    slug, field = candidate.slug, f"q{question.id}-explanation"
    admin.post(f"/staff/candidates/{slug}", data={
        "name": candidate.name, "party": candidate.party or "", "website": "", "bio": "",
        "response_status": "responded", f"q{question.id}-choice": "Yes",
        field: "The words."})
    edit_id = publish_my_draft(admin, db)
    url = upload(admin, rows, "again.csv")
    preview = admin.get(url).get_data(as_text=True)
    assert "The file would undo that correction" in preview
    assert "Keep the correction: “Yes The words.”" in preview
    assert "Apply to the draft" not in preview  # it waits for the answer
    key = f"{slug}|{question.id}"
    admin.post(url + "/decisions", data={f"edit:{key}": "keep"})
    kept = admin.get(url).get_data(as_text=True)
    assert "This file changes nothing in the guide" in kept
    # Choosing the file's words instead makes a change that says what it undoes.
    admin.post(url + "/decisions", data={f"edit:{key}": "file"})
    db.session.expire_all()
    change_set = db.session.scalar(select(ChangeSet).where(ChangeSet.file_name == "again.csv"))
    [change] = [c for c in change_set.changes if c["entity"] == "answer"]
    assert change["reverts_edit"]["id"] == edit_id
    assert "This undoes a correction made in the browser" in admin.get(url).get_data(
        as_text=True)
    assert db.session.scalar(select(Answer.explanation).where(
        Answer.candidate_id == candidate.id, Answer.question_id == question.id)) == "The words."


def test_a_made_up_decision_is_refused(admin, db, person):
    """A decision for an answer the preview did not ask about is refused, not stored."""
    candidate, question = person
    url = upload(admin, [["name", "district", "question", "answer"],
                         [candidate.name, "6th Judicial Circuit", str(question.position), "No"]])
    page = admin.post(url + "/decisions", data={"edit:nobody|1": "file"},
                      follow_redirects=True).get_data(as_text=True)
    assert "does not fit the question asked" in page


def test_the_edit_page_saves_every_field_in_one_form(admin, db, person):
    """Details, two answers and a received-on date change in one save; none is lost."""
    candidate, _ = person
    questions = candidate.race.questionnaire.questions[:2]
    page = admin.get(f"/staff/candidates/{candidate.slug}").get_data(as_text=True)
    assert page.count("Save everything to my draft") == 1
    data = {"name": candidate.name, "party": "Green", "website": "", "bio": "A new bio.",
            "response_status": "responded"}
    for number, question in enumerate(questions):
        data[f"q{question.id}-choice"] = "" if question.kind is QuestionKind.TEXT else (
            "Yes" if question.kind is QuestionKind.YES_NO else "3")
        data[f"q{question.id}-explanation"] = f"Words {number}."
        data[f"q{question.id}-received_on"] = "2028-07-0" + str(number + 1)
    saved = admin.post(f"/staff/candidates/{candidate.slug}", data=data, follow_redirects=True)
    text = saved.get_data(as_text=True)
    assert "Saved to your draft (3 changes)" in text
    assert "Words 0." in text and "Words 1." in text and "A new bio." in text
    assert 'value="2028-07-02"' in text
    again = admin.post(f"/staff/candidates/{candidate.slug}", data=data, follow_redirects=True)
    assert "Nothing changed" in again.get_data(as_text=True)
    publish_my_draft(admin, db)
    db.session.expire_all()
    fresh = db.session.get(Candidate, candidate.id)
    assert fresh.party == "Green" and fresh.bio == "A new bio."
    by_question = {a.question_id: a for a in fresh.answers}
    assert by_question[questions[0].id].explanation == "Words 0."
    assert by_question[questions[1].id].received_on.isoformat() == "2028-07-02"


def test_a_bad_field_saves_nothing_and_keeps_what_was_typed(admin, db, person):
    """A bad website and a bad date: a 422, every typed value still in the form, no draft."""
    candidate, question = person
    response = admin.post(f"/staff/candidates/{candidate.slug}", data={
        "name": candidate.name, "party": "", "website": "not a site", "bio": "Kept bio.",
        "response_status": "responded", f"q{question.id}-choice": "No",
        f"q{question.id}-explanation": "Kept words ✓.", f"q{question.id}-received_on": "31/31"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Nothing was saved" in text and "Kept words ✓." in text and "Kept bio." in text
    assert db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit")) is None


def test_remove_a_candidate_and_bring_them_back(admin, db, person):
    """Removing goes into the draft; published, the candidate is gone with their answers;
    the rollback brings back the candidate and every answer."""
    candidate, _ = person
    slug, name, count = candidate.slug, candidate.name, len(candidate.answers)
    assert admin.post(f"/staff/candidates/{slug}/remove").status_code == 303
    assert name in admin.get("/districts/al-circuit-6").get_data(as_text=True)
    edit_id = publish_my_draft(admin, db)
    assert admin.get(f"/candidates/{slug}").status_code == 404
    admin.post(f"/staff/changes/{edit_id}/rollback")
    db.session.expire_all()
    back = db.session.scalar(select(Candidate).where(Candidate.slug == slug))
    assert back is not None and len(back.answers) == count
    assert admin.get(f"/candidates/{slug}").status_code == 200


def test_a_new_candidate_can_be_given_a_biography_and_answers_before_publishing(admin, db,
                                                                               person):
    """The staff page of a candidate only in the draft works; its save joins the draft's
    new candidate; published, everything arrives at once."""
    from voterguide.models import Race

    candidate, question = person
    race = db.session.get(Race, candidate.race_id)
    admin.post("/staff/candidates/new", data={"race": str(race.id), "name": "Brand New",
                                              "party": ""})
    slug = next(c["key"] for c in db.session.scalar(select(ChangeSet).where(
        ChangeSet.kind == "edit")).changes if c["entity"] == "candidate")
    page = admin.get(f"/staff/candidates/{slug}")
    assert page.status_code == 200 and "Not published yet" in page.get_data(as_text=True)
    response = admin.post(f"/staff/candidates/{slug}", data={
        "name": "Brand New", "party": "", "website": "", "bio": "Grew up here.",
        "response_status": "responded", f"q{question.id}-choice": "Yes",
        f"q{question.id}-explanation": "Because."}, follow_redirects=True)
    assert "Saved to your draft (2 changes)" in response.get_data(as_text=True)
    change_set = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit"))
    db.session.expire_all()
    assert [c["entity"] for c in change_set.changes] == ["candidate", "answer"]
    admin.post(f"/staff/changes/{change_set.id}/publish")
    public = admin.get(f"/candidates/{slug}").get_data(as_text=True)
    assert "Grew up here." in public and "Because." in public
    assert admin.get("/staff/candidates/nobody-at-all").status_code == 404


def test_every_problem_of_a_row_is_shown_at_once(admin, db, person):
    """A row with an unknown district and an answer too long: both problems in one upload."""
    candidate, question = person
    url = upload(admin, [["name", "district", question.topic, f"{question.topic} explanation"],
                         ["Somebody", "Atlantis", "Yes", "x" * 20_001]])
    page = admin.get(url).get_data(as_text=True)
    assert "is not a district of Alabama" in page
    assert f"Question {question.position}:" in page


def test_a_file_with_spanish_headers_reads_each_question(admin, db, person):
    """A questionnaire sent in Spanish comes back with its questions' Spanish topics or
    texts as headers: each column is read as the question staff gave that Spanish to (a new
    candidate's answers, so nothing is already there)."""
    candidate, _ = person
    questions = [q for q in candidate.race.questionnaire.questions
                 if (q.translations or {}).get("es", {}).get("topic")
                 and q.kind is not QuestionKind.TEXT][:2]
    assert len(questions) == 2, "the demo gives its questions Spanish texts"
    by_topic, by_text = questions[0], questions[1]
    cells = {QuestionKind.YES_NO: "Sí", QuestionKind.SCALE: "4"}
    url = upload(admin, [
        ["name", "district", by_topic.translations["es"]["topic"],
         by_text.translations["es"]["text"]],
        ["Pat Newcomer", "6th Judicial Circuit", cells[by_topic.kind],
         cells[by_text.kind]]], "respuestas.csv")
    db.session.expire_all()
    change_set = db.session.scalar(select(ChangeSet).where(
        ChangeSet.file_name == "respuestas.csv"))
    preview = admin.get(url).get_data(as_text=True)
    read = {int(c["key"][1]): c["after"] for c in change_set.changes
            if c["entity"] == "answer" and c["key"][0].endswith("pat-newcomer")}
    assert set(read) == {by_topic.id, by_text.id}, preview
    assert read[by_topic.id]["choice"] == {QuestionKind.YES_NO: "Yes",
                                           QuestionKind.SCALE: "4"}[by_topic.kind]
    assert read[by_text.id]["choice"] == {QuestionKind.YES_NO: "Yes",
                                          QuestionKind.SCALE: "4"}[by_text.kind]


def test_who_wrote_a_biography_is_set_in_the_browser_and_voters_read_it(admin, db, client,
                                                                          person):
    """The edit page says who wrote the biography; saved and published, the public page
    and the API say it too; a rollback puts the old words back; a made-up value is refused
    with nothing saved."""
    candidate, _ = person
    slug, before = candidate.slug, candidate.bio_source
    page = admin.get(f"/staff/candidates/{slug}").get_data(as_text=True)
    assert "Who wrote the biography" in page and 'value="staff"' in page
    fields = {"name": candidate.name, "party": candidate.party or "", "website": "",
              "bio": "Raised in Tuscaloosa.", "response_status": "responded"}
    refused = admin.post(f"/staff/candidates/{slug}", data={**fields, "bio_source": "aliens"})
    assert refused.status_code == 422
    assert db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit")) is None
    wanted = "candidate" if before == "staff" else "staff"
    admin.post(f"/staff/candidates/{slug}", data={**fields, "bio_source": wanted})
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit"))
    shown = admin.get(f"/staff/changes/{draft.id}").get_data(as_text=True)
    assert "Biography written by" in shown
    edit_id = publish_my_draft(admin, db)
    byline = {"candidate": "Biography written by the candidate.",
              "staff": "Biography written by our staff from public sources."}
    assert byline[wanted] in client.get(f"/candidates/{slug}").get_data(as_text=True)
    race = client.get(f"/api/v1/districts/{candidate.race.district_id}").get_json()
    found = [c for r in race["races"] for c in r["candidates"] if c["slug"] == slug]
    assert found and found[0]["bio_source"] == wanted
    unsaid = admin.post(f"/staff/candidates/{slug}", data={**fields, "bio_source": ""},
                        follow_redirects=True)
    assert "Saved to your draft" in unsaid.get_data(as_text=True)
    admin.post(f"/staff/changes/{edit_id}/rollback")
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).bio_source == before


def test_a_candidate_elected_outright_is_set_in_the_browser(admin, db, client):
    """A primary can decide a race: the edit page of a candidate in an election with several
    voting days offers them; saved and published, the race page says the candidate was
    elected; a day the election does not have is refused with nothing saved. An election
    with one voting day shows no such field."""
    winner = db.session.scalar(select(Candidate).where(
        Candidate.elected_at_stage_id.is_not(None)))
    slug, district = winner.slug, winner.race.district.slug
    page = admin.get(f"/staff/candidates/{slug}").get_data(as_text=True)
    assert "Elected outright on" in page
    assert '<option selected value="1">Primary (Mar 7, 2028)</option>' in page
    fields = {"name": winner.name, "website": winner.website or "", "bio": winner.bio,
              "bio_source": winner.bio_source or "",
              "response_status": winner.response_status.value, "party": winner.party or "",
              **({"incumbent": "y"} if winner.incumbent else {})}  # the form as the page has it
    refused = admin.post(f"/staff/candidates/{slug}", data={**fields, "elected_at_stage": "7"})
    assert refused.status_code == 422 and "Not a valid choice" in refused.text
    assert db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit")) is None
    before = client.get(f"/districts/{district}").text
    admin.post(f"/staff/candidates/{slug}", data={**fields, "elected_at_stage": ""})
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit"))
    assert [c["after"] for c in draft.changes] == [{"elected_at_stage": None}]
    publish_my_draft(admin, db)
    db.session.expire_all()
    assert db.session.get(Candidate, winner.id).elected_at_stage is None
    assert client.get(f"/districts/{district}").text != before  # no longer decided
    admin.post(f"/staff/candidates/{slug}", data={**fields, "elected_at_stage": "1"})
    publish_my_draft(admin, db)
    db.session.expire_all()
    assert db.session.get(Candidate, winner.id).elected_at_stage.position == 1
    alabama = db.session.scalar(select(Candidate).where(Candidate.slug.like("al-circuit-6-%")))
    assert "Elected outright on" not in admin.get(f"/staff/candidates/{alabama.slug}").text


def test_an_import_says_who_wrote_the_biographies_and_its_export_keeps_it(admin, db, person):
    """A "biography written by" column is read (the candidate, or staff, in a few
    spellings), published, and written back by the staff export under the same heading;
    a word that says neither is a problem naming the column's rule."""
    candidate, question = person
    before = candidate.bio_source
    wanted, words = ("candidate", "The candidate") if before == "staff" else ("staff",
                                                                             "Our staff")
    header = ["name", "district", "biography", "biography written by", question.text]
    refused = upload(admin, [header, [candidate.name, "6th Judicial Circuit", "Raised here.",
                                      "aliens", "Yes"]], "bad.csv")
    page = admin.get(refused).get_data(as_text=True)
    assert "does not say who wrote the biography" in page
    url = upload(admin, [header, [candidate.name, "6th Judicial Circuit", "Raised here.",
                                  words, "Yes"]])
    change_set = db.session.scalar(select(ChangeSet).where(ChangeSet.file_name == "answers.csv"))
    assert [c["after"] for c in change_set.changes if c["entity"] == "candidate"] == [
        {"bio": "Raised here.", "bio_source": wanted}]
    publish(admin, url)
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).bio_source == wanted
    exported = admin.get(url + "/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {row["biography written by"] for row in rows if row["name"] == candidate.name} == {
        wanted}


def test_a_candidate_form_missing_its_text_fields_is_saved_not_a_500(admin, db):
    """A hand-made POST with only a name and a status (no party, website or biography
    fields at all: a candidate whose party is null) is a save, never a server error."""
    candidate = db.session.scalar(select(Candidate).where(Candidate.party.is_(None)))
    response = admin.post(f"/staff/candidates/{candidate.slug}",
                          data={"name": candidate.name, "response_status": "declined"})
    assert response.status_code == 303
