"""The import preview staff see: the tool recognised, every column with a menu to pair it,
the questions to answer (near names, date order), and the new candidates listed as new."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select

from voterguide.models import Candidate, ChangeSet, Election

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
    change_set = db.session.scalar(select(ChangeSet))
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
