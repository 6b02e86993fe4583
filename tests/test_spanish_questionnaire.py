"""The candidates' questionnaire in Spanish at /es/, like the voter pages: its pages' words
from the catalogue, and each question in the page's language from the translations staff
gave (the English words where they gave none). Real database, real requests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from voterguide.extensions import db as _db
from voterguide.models import Candidate, CandidateContact, QuestionKind
from voterguide.questionnaire import tokens

from .support.mailbox import body, mailbox

SLUG = "al-circuit-1-jamal-dunaway"
EMAIL = "dunaway@campaign.example"


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


def _invite() -> tuple[Candidate, str]:
    """An invitation for a demo candidate (committed); the candidate and the link's token."""
    person = _db.session.scalar(select(Candidate).where(Candidate.slug == SLUG))
    invitation = tokens.issue(_db.session, person, None)
    _db.session.commit()
    return person, tokens.token_for(invitation)


def test_the_code_page_is_in_spanish_at_es(app, client):
    """/es/questionnaire asks for the code in Spanish; /questionnaire stays English."""
    spanish = client.get("/es/questionnaire")
    assert spanish.status_code == 200
    page = spanish.get_data(as_text=True)
    assert 'lang="es"' in page and "Candidatos: abra su cuestionario" in page
    assert "Código de acceso" in page and 'class="code">ACDEF-GHJKM</span>' in page
    english = client.get("/questionnaire").get_data(as_text=True)
    assert "Candidates: open your questionnaire" in english and "Candidatos" not in english


def test_a_code_that_does_not_work_is_refused_in_spanish(app, client):
    """A wrong code and a wrong link: the same 404s as in English, in Spanish."""
    response = client.post("/es/questionnaire", data={"code": "AAAAA-AAAAA"})
    assert response.status_code == 404
    assert "Ese código no abre ningún cuestionario" in response.get_data(as_text=True)
    response = client.get("/es/questionnaire/not-a-working-link")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Este enlace no abre ningún cuestionario" in page
    assert 'href="/es/questionnaire">escriba el código de su carta</a>' in page


def test_questions_are_shown_in_the_pages_language(app, client):
    """Staff's Spanish topic and text show at /es/, the English ones at the plain address;
    a yes/no question's choices read Sí/No in Spanish and still store Yes/No; a question with
    no Spanish keeps its English words."""
    person, token = _invite()
    questions = person.race.questionnaire.questions
    yes_no = next(q for q in questions if q.kind is QuestionKind.YES_NO)
    other = next(q for q in questions if q is not yes_no)
    yes_no.translations = {"es": {"topic": "Fianza ñandú", "text": "¿Eliminaría la fianza?"}}
    other.translations = {}
    _db.session.commit()
    spanish = client.get(f"/es/questionnaire/{token}")
    assert spanish.status_code == 200
    page = spanish.get_data(as_text=True)
    assert "Fianza ñandú" in page and "¿Eliminaría la fianza?" in page
    assert 'value="Yes"' in page and ">Sí</label>" in page
    assert other.topic in page and other.text in page
    english = client.get(f"/questionnaire/{token}").get_data(as_text=True)
    assert "Fianza ñandú" not in english and yes_no.topic in english
    assert ">Yes</label>" in english
    saved = client.post(f"/es/questionnaire/{token}", data={
        "action": "save", f"choice-{yes_no.id}": "Yes",
        f"explanation-{yes_no.id}": "Sí, la eliminaría."})
    assert saved.status_code == 303 and "/es/questionnaire/" in saved.location
    assert "Las preguntas" in page and "Guardar y terminar más tarde" in page
    assert "Quién ve qué, y cuándo" in page and "Who sees what" not in page
    preview = client.get(f"/es/questionnaire/{token}/preview").get_data(as_text=True)
    assert "Vista previa: sus respuestas como las verán los votantes" in preview
    assert "Fianza ñandú" in preview and "Sí, la eliminaría." in preview
    submitted = client.post(f"/es/questionnaire/{token}/submit")
    assert submitted.status_code == 303 and "/es/questionnaire/" in submitted.location
    receipt = client.get(submitted.location).get_data(as_text=True)
    assert "Recibido: gracias" in receipt and "Qué pasa ahora" in receipt
    assert "Fianza ñandú" in receipt


def test_the_english_pages_keep_their_words(app, client):
    """The plain address still reads as before: no Spanish slips in."""
    _, token = _invite()
    page = client.get(f"/questionnaire/{token}").get_data(as_text=True)
    assert "The questions" in page and "Save and finish later" in page
    assert "Las preguntas" not in page


def test_problems_and_messages_are_in_spanish(app, client):
    """What the candidate is told at /es/ (saved, too many words, the statement's limit) is
    Spanish, and nothing is submitted while an answer is too long."""
    person, token = _invite()
    question = person.race.questionnaire.questions[0]
    saved = client.post(f"/es/questionnaire/{token}", data={
        "action": "save", f"explanation-{question.id}": "Corta."}, follow_redirects=True)
    assert "Guardado. Vuelva a esta página" in saved.get_data(as_text=True)
    long = client.post(f"/es/questionnaire/{token}", data={
        "action": "submit", f"explanation-{question.id}": "palabra " * 600})
    assert long.status_code == 422
    page = long.get_data(as_text=True)
    assert "1 respuesta debe corregirse primero" in page and "Acórtela antes de enviar" in page
    declined = client.post(f"/es/questionnaire/{token}/decline",
                           data={"statement": "no " * 6000})
    assert declined.status_code == 422
    assert "La declaración tiene" in declined.get_data(as_text=True)


def test_the_invitation_email_and_letter_give_the_spanish_address(mail_app, inbox):
    """The emailed invitation names the Spanish twin of the private link and of the code
    page; the Spanish link opens the questionnaire in Spanish; the letter names the Spanish
    code page."""
    from voterguide.questionnaire import sending

    person = _db.session.scalar(select(Candidate).where(Candidate.slug == SLUG))
    if _db.session.get(CandidateContact, person.id) is None:
        _db.session.add(CandidateContact(candidate_id=person.id, email=EMAIL,
                                         postal_address="1 Main St\nTuscaloosa, AL"))
    _db.session.commit()
    with mail_app.test_request_context():
        invitation = sending.invite_by_email(_db.session, person, None)
        _db.session.commit()
        token = tokens.token_for(invitation)
    inbox.wait_for(1)
    text = body(inbox.to(EMAIL)[-1])
    assert f"http://guide.example/es/questionnaire/{token}" in text
    assert "http://guide.example/es/questionnaire)" in text and text.startswith("Dear")
    page = mail_app.test_client().get(f"/es/questionnaire/{token}")
    assert page.status_code == 200 and "Las preguntas" in page.get_data(as_text=True)
    with mail_app.test_request_context():
        pdf = sending.invite_by_letter(_db.session, [person], None)
    assert pdf.startswith(b"%PDF")
