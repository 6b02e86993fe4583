"""A season set up in the browser (test client, real SQLite): an election with two voting
days, two races, a questionnaire with questions added, moved and retired, all in one draft
that pages show before it is published; published, the import takes answers for it; a
rollback takes the season back off the guide. Bad input is a 4xx that keeps what was typed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from voterguide.models import (
    ChangeSet,
    Election,
    Question,
    Questionnaire,
    Race,
    RaceStatus,
)

from .support.spreadsheets import csv_bytes


def draft(db) -> ChangeSet:
    """The signed-in user's draft."""
    db.session.expire_all()
    return db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit",
                                                     ChangeSet.status == "draft"))


def make_season(client) -> tuple[str, str]:
    """Create an election, a questionnaire with three questions and two races; the election's
    and the questionnaire's pages."""
    response = client.post("/staff/season/questionnaires/new", data={
        "title": "Prosecutor questions 2030", "description": "Sent to every candidate.",
        "sent_on": "2030-03-01"})
    assert response.status_code == 303, response.get_data(as_text=True)
    questionnaire = response.headers["Location"]
    for topic, kind in (("Cash bail", "yes_no"), ("Diversion", "scale"), ("Priorities", "text")):
        response = client.post(questionnaire, data={
            "save": "question", "q-topic": topic, "q-text": f"What about {topic.lower()}?",
            "q-kind": kind, "q-scale_low": "Never" if kind == "scale" else "",
            "q-scale_high": "Always" if kind == "scale" else "", "q-word_limit": "150"})
        assert response.status_code == 303, response.get_data(as_text=True)
    response = client.post("/staff/season/elections/new", data={
        "name": "2030 Election", "state_code": "AL", "date": "2030-11-05",
        "stage_1_name": "Primary", "stage_1_date": "2030-05-24",
        "stage_2_name": "General election", "stage_2_date": "2030-11-05"})
    assert response.status_code == 303, response.get_data(as_text=True)
    election = response.headers["Location"]
    for district, status in (("al-circuit-6", "contested"), ("al-circuit-10", "uncontested")):
        response = client.post(election + "/races", data={
            "r-district": district, "r-office": "", "r-questionnaire": "prosecutor-questions-2030",
            "r-stage": "2", "r-status": status, "r-status_note": ""})
        assert response.status_code == 303, response.get_data(as_text=True)
    return election, questionnaire


def test_a_season_is_one_draft_shown_before_it_is_published(admin, db):
    """Everything goes into one draft; the staff pages show it; voters see nothing yet."""
    election, questionnaire = make_season(admin)
    assert db.session.scalar(select(Election).where(Election.name == "2030 Election")) is None
    page = admin.get(election).get_data(as_text=True)
    assert "2030 Election" in page and "Races (2)" in page
    assert "6th Judicial Circuit (Tuscaloosa County)" in page
    assert "Uncontested: one candidate" in page
    page = admin.get(questionnaire).get_data(as_text=True)
    assert page.index("Cash bail") < page.index("Diversion") < page.index("Priorities")
    assert "Scale of 1 to 5 (Never to Always), up to 150 words" in page
    changes = draft(db).changes
    assert {c["entity"] for c in changes} == {"election", "stage", "questionnaire", "question",
                                              "race"}
    assert "2030 Election" not in admin.get("/staff/imports/new").get_data(as_text=True)


def test_the_district_menu_is_in_natural_order_and_names_counties(admin, db):
    """2nd before 10th before 19th; each district with its counties."""
    election, _ = make_season(admin)
    page = admin.get(election).get_data(as_text=True)
    menu = page[page.index('id="r-district"'):]
    menu = menu[:menu.index("</select>")]
    assert menu.index("2nd Judicial Circuit") < menu.index("10th Judicial Circuit") \
        < menu.index("19th Judicial Circuit")
    assert "al-circuit-6" in menu and "(Tuscaloosa County)" in menu


def test_move_and_retire_questions_then_publish_and_import(admin, db):
    """Move "Priorities" up, retire "Cash bail", publish: the guide has the election, its
    voting days and races, the questions in their new order; then answers import into it."""
    election, questionnaire = make_season(admin)
    codes = {c["after"]["topic"]: c["key"][1] for c in draft(db).changes
             if c["entity"] == "question"}
    admin.post(f"{questionnaire}/questions/{codes['Priorities']}/move",
               data={"direction": "up"})
    page = admin.get(questionnaire).get_data(as_text=True)
    assert page.index("Priorities") < page.index("Diversion")
    response = admin.post(f"{questionnaire}/questions/{codes['Cash bail']}", data={
        "q-topic": "Cash bail", "q-text": "What about cash bail?", "q-kind": "yes_no",
        "q-retired": "y"})
    assert response.status_code == 303
    assert "(retired)" in admin.get(questionnaire).get_data(as_text=True)
    change_set = draft(db)
    confirm = admin.get(f"/staff/changes/{change_set.id}/publish").get_data(as_text=True)
    assert "Election: 2030 Election" in confirm
    admin.post(f"/staff/changes/{change_set.id}/publish")
    db.session.expire_all()
    found = db.session.scalar(select(Election).where(Election.name == "2030 Election"))
    assert [s.name for s in found.stages] == ["Primary", "General election"]
    races = {r.district.slug: r for r in found.races}
    assert races["al-circuit-10"].status is RaceStatus.UNCONTESTED
    assert races["al-circuit-6"].stage.name == "General election"
    asked = db.session.scalar(select(Questionnaire).where(Questionnaire.title ==
                                                          "Prosecutor questions 2030"))
    assert [q.topic for q in asked.questions] == ["Priorities", "Diversion"]
    assert [q.topic for q in asked.all_questions] == ["Cash bail", "Priorities", "Diversion"]
    response = admin.post("/staff/imports/new", data={
        "election": str(found.id), "shape": "auto", "spreadsheet": (io.BytesIO(csv_bytes([
            ["name", "district", "Diversion", "Priorities"],
            ["Pat Newcomer", "6th Judicial Circuit", "4", "Victims first."]])), "a.csv")},
        content_type="multipart/form-data")
    preview = response.headers["Location"]
    admin.post(preview + "/apply")
    admin.post(preview + "/publish")
    public = admin.get("/districts/al-circuit-6").get_data(as_text=True)
    assert "Pat Newcomer" in public and "Victims first." in public


def test_rolling_back_a_season_removes_what_nothing_else_uses(admin, db):
    """Rolled back before any candidate joined, the season leaves the guide entirely."""
    make_season(admin)
    change_set = draft(db)
    admin.post(f"/staff/changes/{change_set.id}/publish")
    before = db.session.scalar(select(Question).order_by(Question.id.desc()))
    assert before is not None
    admin.post(f"/staff/changes/{change_set.id}/rollback")
    db.session.expire_all()
    assert db.session.scalar(select(Election).where(Election.name == "2030 Election")) is None
    assert db.session.scalar(select(Questionnaire).where(
        Questionnaire.title == "Prosecutor questions 2030")) is None
    assert "Published, then rolled back" in admin.get(
        f"/staff/changes/{change_set.id}").get_data(as_text=True)


def test_a_race_can_be_marked_cancelled_with_its_words(admin, db):
    """A published race is cancelled through the draft; the words voters read are kept."""
    race = db.session.scalar(select(Race).join(Race.district).where(
        Race.district.has(slug="al-circuit-6")))
    url = (f"/staff/season/elections/{race.election.slug}/races/al-circuit-6"
           f"?office={race.office}")
    assert admin.get(url).status_code == 200
    response = admin.post(url, data={"r-questionnaire": race.questionnaire.slug, "r-stage": "",
                                     "r-status": "cancelled",
                                     "r-status_note": "The office was abolished."})
    assert response.status_code == 303, response.get_data(as_text=True)
    change_set = draft(db)
    [change] = change_set.changes
    assert change["after"] == {"status": "cancelled", "status_note": "The office was abolished."}
    admin.post(f"/staff/changes/{change_set.id}/publish")
    db.session.expire_all()
    assert db.session.get(Race, race.id).status is RaceStatus.CANCELLED
    assert "The office was abolished." in admin.get("/districts/al-circuit-6").get_data(
        as_text=True)


def test_an_uncontested_race_says_so_in_the_standard_words(admin, db):
    """With no words of staff's own, voters read the standard sentence."""
    race = db.session.scalar(select(Race).join(Race.district).where(
        Race.district.has(slug="al-circuit-6")))
    url = (f"/staff/season/elections/{race.election.slug}/races/al-circuit-6"
           f"?office={race.office}")
    admin.post(url, data={"r-questionnaire": race.questionnaire.slug, "r-stage": "",
                          "r-status": "uncontested", "r-status_note": ""})
    admin.post(f"/staff/changes/{draft(db).id}/publish")
    assert "Only one candidate is on the ballot for this office." in admin.get(
        "/districts/al-circuit-6").get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "state_code": "AL", "date": "2030-11-05"}, "This field is required"),
    ({"name": "X", "state_code": "ZZ", "date": "2030-11-05"}, "Not a valid choice"),
    ({"name": "X", "state_code": "AL", "date": "5 Nov"}, "Not a valid date value"),
    ({"name": "Ünïcode ✓ " * 30, "state_code": "AL", "date": "2030-11-05"}, "200 characters"),
    ({"name": "X", "state_code": "AL", "date": "2030-11-05", "stage_1_name": "Primary"},
     "both a name and a date"),
], ids=["empty", "unknown-state", "bad-date", "too-long", "half-a-stage"])
def test_bad_election_forms_are_422_and_keep_what_was_typed(admin, db, data, message):
    """A refused election form says why, keeps the typed values and saves nothing."""
    response = admin.post("/staff/season/elections/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert draft(db) is None


def test_bad_question_and_race_forms_are_refused(admin, db):
    """A scale with one word, a zero word limit, an unknown district, a race twice: 422s,
    nothing saved."""
    election, questionnaire = make_season(admin)
    before = len(draft(db).changes)
    for data in ({"save": "question", "q-topic": "T", "q-text": "Q?", "q-kind": "scale",
                  "q-scale_low": "Never"},
                 {"save": "question", "q-topic": "T", "q-text": "Q?", "q-kind": "text",
                  "q-word_limit": "0"},
                 {"save": "question", "q-topic": "", "q-text": "", "q-kind": "nonsense"}):
        assert admin.post(questionnaire, data=data).status_code == 422
    for district in ("al-circuit-99", "al-circuit-6"):
        response = admin.post(election + "/races", data={
            "r-district": district, "r-status": "contested"})
        assert response.status_code == 422
    assert "already has a District Attorney race" in response.get_data(as_text=True)
    assert len(draft(db).changes) == before
    assert admin.get("/staff/season/elections/nope").status_code == 404
    assert admin.get("/staff/season/questionnaires/nope/questions/q1").status_code == 404


def test_rolling_back_a_season_keeps_what_later_imports_use(admin, db):
    """After answers came in for a new race, rolling the season back leaves the race, its
    election, questionnaire and the answered question, says so, and removes the rest."""
    make_season(admin)
    change_set = draft(db)
    admin.post(f"/staff/changes/{change_set.id}/publish")
    found = db.session.scalar(select(Election).where(Election.name == "2030 Election"))
    response = admin.post("/staff/imports/new", data={
        "election": str(found.id), "shape": "auto", "spreadsheet": (io.BytesIO(csv_bytes([
            ["name", "district", "Diversion"], ["Pat Newcomer", "6th Judicial Circuit", "4"]])),
            "a.csv")}, content_type="multipart/form-data")
    preview = response.headers["Location"]
    admin.post(preview + "/apply")
    admin.post(preview + "/publish")
    confirm = admin.get(f"/staff/changes/{change_set.id}/rollback").get_data(as_text=True)
    assert "1 candidate still uses it" in confirm and "1 answer still uses it" in confirm
    admin.post(f"/staff/changes/{change_set.id}/rollback")
    db.session.expire_all()
    found = db.session.scalar(select(Election).where(Election.name == "2030 Election"))
    assert [r.district.slug for r in found.races] == ["al-circuit-6"]
    topics = [q.topic for q in found.races[0].questionnaire.all_questions]
    assert topics == ["Diversion"]
    assert "Pat Newcomer" in admin.get("/districts/al-circuit-6").get_data(as_text=True)


def _question_form(question, **spanish) -> dict:
    """A question's edit form as published, with its Spanish fields as given."""
    return {"q-topic": question.topic, "q-text": question.text,
            "q-kind": question.kind.value, "q-scale_low": question.scale_low or "",
            "q-scale_high": question.scale_high or "",
            "q-word_limit": str(question.word_limit or ""),
            **{f"q-{name}": value for name, value in spanish.items()}}


def _question_url(question: Question) -> str:
    """A question's staff page."""
    return f"/staff/season/questionnaires/{question.questionnaire.slug}/questions/{question.code}"


def _first_question(db) -> Question:
    """The 6th circuit's first question (the demo gives it a Spanish text)."""
    race = db.session.scalar(select(Race).where(Race.district.has(slug="al-circuit-6")))
    return race.questionnaire.questions[0]


def test_a_spanish_text_is_edited_previewed_published_and_rolled_back(admin, db, client):
    """Staff give a question its Spanish topic and text and the questionnaire its Spanish
    title: the draft holds them as topic_es / text_es / title_es, the preview names them,
    the Spanish page shows them once published (the English page keeps its words), and a
    rollback brings the Spanish that was there before."""
    question = _first_question(db)
    old = dict(question.translations.get("es", {}))
    url = _question_url(question)
    form = admin.get(url).get_data(as_text=True)
    assert "Spanish topic" in form and 'lang="es"' in form
    if old.get("topic"):  # the form is filled with the Spanish text there is
        assert old["topic"] in form
    response = admin.post(url, data=_question_form(
        question, topic_es="  Fianza   en efectivo, ¿sí o no? ",
        text_es="¿Eliminaría usted la fianza en efectivo?\r\nSegún la ley…"))
    assert response.status_code == 303, response.get_data(as_text=True)
    questionnaire = question.questionnaire
    kept_description = questionnaire.translations.get("es", {}).get("description", "")
    response = admin.post(f"/staff/season/questionnaires/{questionnaire.slug}", data={
        "save": "details", "d-title": questionnaire.title,
        "d-description": questionnaire.description or "",
        **{f"d-{name}": getattr(questionnaire, name).isoformat()
           if getattr(questionnaire, name) else "" for name in ("sent_on", "reminder_on",
                                                                "deadline")},
        "d-title_es": "Cuestionario de la guía",
        "d-description_es": kept_description})
    assert response.status_code == 303, response.get_data(as_text=True)
    change_set = draft(db)
    by_entity = {c["entity"]: c for c in change_set.changes}
    assert by_entity["question"]["after"] == {
        "topic_es": "Fianza en efectivo, ¿sí o no?",
        "text_es": "¿Eliminaría usted la fianza en efectivo?\nSegún la ley…"}
    assert by_entity["questionnaire"]["after"] == {"title_es": "Cuestionario de la guía"}
    preview = admin.get(f"/staff/changes/{change_set.id}").get_data(as_text=True)
    assert "Spanish topic" in preview and "Fianza en efectivo, ¿sí o no?" in preview
    assert "Fianza en efectivo" not in client.get("/es/districts/al-circuit-6").get_data(
        as_text=True)  # nothing reaches voters before it is published
    assert admin.post(f"/staff/changes/{change_set.id}/publish").status_code == 303
    spanish = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert "Fianza en efectivo, ¿sí o no?" in spanish
    assert "¿Eliminaría usted la fianza en efectivo?" in spanish
    assert "Cuestionario de la guía" in spanish
    english = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert "Fianza en efectivo" not in english and question.topic in english
    db.session.expire_all()
    assert db.session.get(Question, question.id).translations["es"]["topic"] == \
        "Fianza en efectivo, ¿sí o no?"
    assert f"/staff/changes/{change_set.id}" in admin.get("/staff/history").get_data(
        as_text=True)
    confirm = admin.get(f"/staff/changes/{change_set.id}/rollback").get_data(as_text=True)
    assert "Fianza en efectivo, ¿sí o no?" in confirm  # the rollback says what it undoes
    assert admin.post(f"/staff/changes/{change_set.id}/rollback").status_code == 303
    spanish = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert "Fianza en efectivo" not in spanish and "Cuestionario de la guía" not in spanish
    db.session.expire_all()
    assert db.session.get(Question, question.id).translations.get("es", {}) == old
    if old.get("topic"):
        assert old["topic"] in spanish


def test_a_new_question_in_spanish_and_one_left_english(admin, db, client):
    """A question added with a Spanish text (and a scale with Spanish words) shows them on
    the Spanish page, under the election's Spanish name; one added without shows its English
    words there (nothing empty), and its translations stay empty."""
    election, _ = make_season(admin)
    questionnaire = "/staff/season/questionnaires/prosecutor-questions-2030"
    response = admin.post(questionnaire, data={
        "save": "question", "q-topic": "Victims", "q-text": "How would you help victims?",
        "q-kind": "text", "q-topic_es": "Víctimas",
        "q-text_es": "¿Cómo ayudaría usted a las víctimas?"})
    assert response.status_code == 303, response.get_data(as_text=True)
    response = admin.post(questionnaire, data={
        "save": "question", "q-topic": "Treatment", "q-text": "Treatment over prison?",
        "q-kind": "scale", "q-scale_low": "Never", "q-scale_high": "Always",
        "q-topic_es": "Tratamiento", "q-text_es": "¿Tratamiento en lugar de prisión?",
        "q-scale_low_es": "Jamás", "q-scale_high_es": "Siempre jamás"})
    assert response.status_code == 303, response.get_data(as_text=True)
    response = admin.post(election, data={
        "save": "election", "e-name": "2030 Election", "e-state_code": "AL",
        "e-date": "2030-11-05", "e-name_es": "Elección de 2030",
        "e-stage_1_name": "Primary", "e-stage_1_date": "2030-05-24",
        "e-stage_2_name": "General election", "e-stage_2_date": "2030-11-05"})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert 'value="Elección de 2030"' in admin.get(election).get_data(as_text=True)
    listed = admin.get(questionnaire).get_data(as_text=True)
    assert "Víctimas: ¿Cómo ayudaría usted a las víctimas?" in listed
    assert listed.count("No Spanish text yet") == 3  # the three questions of make_season
    change_set = draft(db)
    admin.post(f"/staff/changes/{change_set.id}/publish")
    db.session.expire_all()
    asked = {q.topic: q for q in db.session.scalars(select(Question))}
    assert asked["Victims"].translations == {"es": {
        "topic": "Víctimas", "text": "¿Cómo ayudaría usted a las víctimas?"}}
    assert asked["Cash bail"].translations in ({}, None)
    found = db.session.scalar(select(Election).where(Election.name == "2030 Election"))
    response = admin.post("/staff/imports/new", data={
        "election": str(found.id), "shape": "auto", "spreadsheet": (io.BytesIO(csv_bytes([
            ["name", "district", "Cash bail", "Victims", "Treatment"],
            ["Pat Newcomer", "6th Judicial Circuit", "Yes", "Listen first.", "4"]])), "a.csv")},
        content_type="multipart/form-data")
    preview = response.headers["Location"]
    admin.post(preview + "/apply")
    admin.post(preview + "/publish")
    page = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert "Pat Newcomer" in page
    assert "Víctimas" in page and "¿Cómo ayudaría usted a las víctimas?" in page
    assert "Cash bail" in page and "What about cash bail?" in page  # no Spanish: as written
    assert "Elección de 2030" in page and "2030 Election" not in page
    assert "Tratamiento" in page and "Jamás" in page and "Siempre jamás" in page
    english = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert "2030 Election" in english and "Jamás" not in english


@pytest.mark.parametrize(("field", "value", "message"), [
    ("q-topic_es", "Fianza ñ✓ " * 20, "100 characters"),
    ("q-text_es", "¿Qué? " * 1_000, "5000 characters"),
    ("q-topic_es", "Fianza\x00", "invisible control character"),
    ("q-text_es", "¿Qué?\x1b[31m", "invisible control character"),
    ("q-topic", "Cash\x00bail", "invisible control character"),
    ("q-text_es", "Fianza \ufffd\ufffd", "could not be read"),
], ids=["long-topic", "huge-text", "nul", "escape", "english-nul", "replacement"])
def test_bad_spanish_question_text_is_refused(admin, db, field, value, message):
    """Too long a Spanish topic or text, or one holding a control character (PostgreSQL
    cannot store a NUL) or bytes that were not UTF-8, is a 422 that says why and saves
    nothing, never a 500."""
    question = _first_question(db)
    url = _question_url(question)
    response = admin.post(url, data={**_question_form(question), field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert draft(db) is None


def test_bytes_that_are_not_utf8_are_refused_and_drafted_nowhere(admin, db):
    """A form body whose Spanish topic is not UTF-8 (a lone surrogate's bytes): Werkzeug
    would keep those bytes percent-escaped as visible text; the form is refused with a 400
    that says why, and no draft holds them."""
    question = _first_question(db)
    url = _question_url(question)
    from urllib.parse import urlencode
    body = urlencode(_question_form(question)).encode() + b"&q-topic_es=Fianza%ED%A0%80"
    response = admin.post(url, data=body,
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "was not sent as UTF-8 text" in response.get_data(as_text=True)
    assert draft(db) is None


def test_hostile_spanish_text_is_kept_as_text(admin, db, client):
    """Markup typed as the Spanish topic reaches the Spanish page escaped, never as markup."""
    question = _first_question(db)
    url = _question_url(question)
    response = admin.post(url, data=_question_form(
        question, topic_es='<script>alert("ñ")</script>', text_es="Texto"))
    assert response.status_code == 303
    admin.post(f"/staff/changes/{draft(db).id}/publish")
    page = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert '<script>alert("ñ")' not in page
    assert "&lt;script&gt;alert(" in page


def test_too_long_a_spanish_title_is_refused(admin, db):
    """A questionnaire's Spanish title over 200 characters: a 422 naming the limit."""
    question = _first_question(db)
    questionnaire = question.questionnaire
    response = admin.post(f"/staff/season/questionnaires/{questionnaire.slug}", data={
        "save": "details", "d-title": questionnaire.title, "d-title_es": "Título ✓ " * 30})
    assert response.status_code == 422
    assert "200 characters" in response.get_data(as_text=True)
    assert draft(db) is None


def test_a_rollback_leaves_a_spanish_text_changed_again_since(admin, db, client):
    """Spanish topic A is published, then B; rolling back A's change leaves B (later work
    is not thrown away) and says which field it left."""
    question = _first_question(db)
    url = _question_url(question)
    texts = dict(question.translations.get("es", {}))
    form = {"topic_es": "Primera", "text_es": texts.get("text", "")}
    admin.post(url, data=_question_form(question, **form))
    first = draft(db).id
    admin.post(f"/staff/changes/{first}/publish")
    admin.post(url, data=_question_form(question, **{**form, "topic_es": "Segunda"}))
    admin.post(f"/staff/changes/{draft(db).id}/publish")
    confirm = admin.get(f"/staff/changes/{first}/rollback").get_data(as_text=True)
    assert "it was changed since (Spanish topic)" in confirm
    admin.post(f"/staff/changes/{first}/rollback")
    assert "Segunda" in client.get("/es/districts/al-circuit-6").get_data(as_text=True)


def test_a_questionnaires_dates_are_set_in_the_browser(admin, db):
    """Staff set when the questionnaire went out, the reminder and the deadline on its page
    (the public pages say them; the candidates' links follow the deadline); a deadline
    before the questionnaire was sent is refused, naming the field."""
    questionnaire = db.session.scalar(select(Questionnaire).where(
        Questionnaire.slug == "al-2028-da-questionnaire-sample"))
    url = f"/staff/season/questionnaires/{questionnaire.slug}"
    page = admin.get(url).get_data(as_text=True)
    assert 'value="2028-08-15"' in page and 'value="2028-06-15"' in page  # filled in
    data = {"save": "details", "d-title": questionnaire.title,
            "d-description": questionnaire.description, "d-sent_on": "2028-06-01",
            "d-reminder_on": "2028-06-15", "d-deadline": "2028-05-01",
            "d-title_es": questionnaire.translations["es"]["title"],
            "d-description_es": questionnaire.translations["es"]["description"]}
    refused = admin.post(url, data=data)
    assert refused.status_code == 422
    assert "The deadline cannot come before the questionnaire was sent." in refused.text
    assert draft(db) is None
    response = admin.post(url, data={**data, "d-deadline": "2028-09-01"})
    assert response.status_code == 303, response.text
    assert [c["after"] for c in draft(db).changes] == [{"deadline": "2028-09-01"}]
