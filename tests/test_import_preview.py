"""The import preview staff see: the tool recognised, every column with a menu to pair it,
the questions to answer (near names, date order), and the new candidates listed as new."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select

from voterguide.models import Candidate, ChangeSet, ChangeSetKind, Election

from .support import DATA_DIR, REPO

EXPORTS = REPO / "tests" / "data" / "survey-exports"
SLUG = "al-2028-general-sample"
Q1 = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))[
    "questionnaire"]["questions"][0]["text"]


def upload(client, content: bytes, name: str):
    """Post a file to the import form; return the preview's URL."""
    from voterguide.extensions import db

    election = db.session.scalar(select(Election).where(Election.slug == SLUG))
    response = client.post("/staff/imports/new", data={
        "election": str(election.id), "shape": "auto",
        "spreadsheet": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def csv_bytes(rows) -> bytes:
    """Rows as CSV bytes."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_preview_names_the_tool_and_offers_every_column(editor):
    """The tool is named; every column has a menu offering the candidate's details and each
    question; the tool's own columns are set to "ignore"."""
    url = upload(editor, (EXPORTS / "surveymonkey.csv").read_bytes(), "sm.csv")
    page = editor.get(url).get_data(as_text=True)
    assert "Written by</dt><dd>SurveyMonkey" in page
    assert page.count('<select id="pair-') == 29
    for option in ("Candidate&#39;s name", "District", "Party", "Email (kept for staff only)",
                   "1. Money bail", "Explanation of 10. Most important change"):
        assert option in page
    respondent = page[page.index("Column A: Respondent ID"):][:400]
    assert 'value="ignore" selected' in respondent


def test_near_names_are_asked_and_answered_in_the_browser_form(editor, db):
    """"Is this Andrés Pettway?" with a choice; answering yes lets the file be applied with no
    new candidate."""
    url = upload(editor, csv_bytes([["name", "district", "Money bail"],
                                    ["Andres Pettway", "13th Circuit", "Yes"]]), "a.csv")
    page = editor.get(url).get_data(as_text=True)
    assert "Is this Andrés Pettway (13th Judicial Circuit)?" in page
    assert "Apply to the draft" not in page
    field = re.search(r'name="(name:[^"]+)" value="al-circuit-13-andres-pettway"', page)
    response = editor.post(url + "/decisions", data={field.group(1):
                                                     "al-circuit-13-andres-pettway"})
    assert response.status_code == 303
    page = editor.get(url).get_data(as_text=True)
    assert "Apply to the draft" in page and "New candidates" not in page
    assert editor.post(url + "/apply").status_code == 303
    change_set = db.session.scalar(select(ChangeSet).where(ChangeSet.kind == ChangeSetKind.IMPORT))
    assert change_set.status.value == "draft"
    assert {c["key"][0] for c in change_set.changes if c["entity"] == "answer"} == {
        "al-circuit-13-andres-pettway"}


def test_a_wrong_answer_to_a_question_is_refused_plainly(editor):
    """An answer the question did not offer is refused with a message, not a 500."""
    url = upload(editor, csv_bytes([["name", "district", "Money bail"],
                                    ["Andres Pettway", "13th Circuit", "Yes"]]), "a.csv")
    response = editor.post(url + "/decisions", data={"name:nobody|x": "someone"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "does not fit the question" in response.get_data(as_text=True)


def test_pairing_a_column_from_the_menu(editor, db):
    """Choosing "Candidate's name" for an unrecognised column reads it as the name, and is
    remembered for the next file of the same tool."""
    rows = [["Timestamp", "Nombre del candidato", "Circuito", Q1],
            ["7/20/2028 9:00", "Simone Pruitt", "al-circuit-6", "Yes"]]
    url = upload(editor, csv_bytes(rows), "g.csv")
    page = editor.get(url).get_data(as_text=True)
    assert "no “name” column" in page
    response = editor.post(url + "/pairings", data={
        "pair:nombre del candidato": "name", "was:nombre del candidato": "",
        "pair:circuito": "district", "was:circuito": "",
        "pair:timestamp": "received_on", "was:timestamp": "received_on"})
    assert response.status_code == 303
    page = editor.get(url).get_data(as_text=True)
    assert "Apply to the draft" in page
    second = editor.get(upload(editor, csv_bytes(rows), "g2.csv")).get_data(as_text=True)
    assert "Apply to the draft" in second
    assert db.session.scalar(select(Candidate).where(Candidate.name == "Nombre del candidato")) \
        is None


def test_an_unknown_target_is_refused(editor):
    """A menu value that is no column target is a clear refusal."""
    url = upload(editor, csv_bytes([["name", "district", "Money bail"],
                                    ["Simone Pruitt", "al-circuit-6", "Yes"]]), "a.csv")
    response = editor.post(url + "/pairings", data={"pair:name": "password", "was:name": "name"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "not something a column can hold" in response.get_data(as_text=True)


def _questionnaire_slug(db) -> str:
    election = db.session.scalar(select(Election).where(Election.slug == SLUG))
    return election.races[0].questionnaire.slug


def test_a_remembered_pairing_is_named_in_the_preview_and_can_be_forgotten(editor, db):
    """Pair a column once: the next upload says the pairing was remembered and applied; the
    questionnaire's remembered columns list it; forgetting it (after a confirmation page)
    means the next upload reads the column by its header again."""
    from voterguide.models import ColumnPairing

    rows = [["name", "district", "Shoe size"], ["Rosa Import", "al-circuit-6", "9"]]
    url = upload(editor, csv_bytes(rows), "a.csv")
    page = editor.get(url).get_data(as_text=True)
    assert "remembered pairing" not in page
    response = editor.post(url + "/pairings", data={"pair:shoe size": "ignore",
                                                    "was:shoe size": ""})
    assert response.status_code == 303
    again = editor.get(upload(editor, csv_bytes(rows), "b.csv")).get_data(as_text=True)
    assert "1 column was read as staff paired it on an earlier upload" in again
    assert "A remembered pairing: paired by staff on an earlier upload." in again
    slug = _questionnaire_slug(db)
    assert f"/staff/season/questionnaires/{slug}/columns" in again

    listing = editor.get(f"/staff/season/questionnaires/{slug}/columns")
    text = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "“shoe size”" in text and "Not used by the guide: ignored" in text
    [pairing] = db.session.scalars(select(ColumnPairing)).all()
    forget = f"/staff/season/questionnaires/{slug}/columns/forget?pairing={pairing.id}"
    confirm = editor.get(forget).get_data(as_text=True)
    assert "Forget this pairing?" in confirm and "Yes, forget it" in confirm
    db.session.expire_all()
    assert db.session.scalar(select(ColumnPairing)) is not None  # asking changed nothing
    response = editor.post(f"/staff/season/questionnaires/{slug}/columns/forget",
                           data={"pairing": str(pairing.id)})
    assert response.status_code == 303
    assert "Forgotten (1 pairing)" in editor.get(response.headers["Location"]).get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ColumnPairing)) is None
    third = editor.get(upload(editor, csv_bytes(rows), "c.csv")).get_data(as_text=True)
    assert "remembered pairing" not in third
    assert "Pair it" in third  # the column is unknown again, and said so


def test_forgetting_every_pairing_and_refusals(editor, db):
    """"Forget all" forgets every pairing of the questionnaire after its confirmation; a
    pairing already forgotten, or nonsense, is refused plainly (never a 500)."""
    from voterguide.models import ColumnPairing

    url = upload(editor, csv_bytes([["name", "district", "Shoe size", "Hat size"],
                                    ["Rosa Import", "al-circuit-6", "9", "7"]]), "a.csv")
    editor.post(url + "/pairings", data={"pair:shoe size": "ignore", "pair:hat size": "party"})
    slug = _questionnaire_slug(db)
    base = f"/staff/season/questionnaires/{slug}/columns"
    assert "Forget all 2 pairings" in editor.get(base).get_data(as_text=True)
    confirm = editor.get(base + "/forget?pairing=all").get_data(as_text=True)
    assert "Forget all 2 remembered pairings?" in confirm and "Party" in confirm
    assert editor.post(base + "/forget", data={"pairing": "all"}).status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(ColumnPairing)).all() == []
    page = editor.get(base).get_data(as_text=True)
    assert "No column pairing is remembered" in page
    gone = editor.post(base + "/forget", data={"pairing": "12345"})
    assert gone.status_code == 303
    assert "not remembered any more" in editor.get(base).get_data(as_text=True)
    assert editor.get(base + "/forget?pairing=12345").status_code == 303
    assert editor.get(base + "/forget?pairing=drop").status_code == 404
    assert editor.get("/staff/season/questionnaires/no-such/columns").status_code == 404
