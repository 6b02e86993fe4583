"""A questionnaire's questions round-trip in a spreadsheet with a column per language: the
download, its Spanish columns filled, uploaded, published, shows on the Spanish page, and the
next download is the same file; bad files are refused with their rows named and nothing
saved. Real database, real requests through the test client."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from voterguide.models import ChangeSet, Race

from .support.spreadsheets import xlsx_bytes


def _questionnaire(db):
    """The 6th circuit's questionnaire."""
    race = db.session.scalar(select(Race).where(Race.district.has(slug="al-circuit-6")))
    return race.questionnaire


def _draft(db):
    """The signed-in user's draft of edits, or None."""
    db.session.expire_all()
    return db.session.scalar(select(ChangeSet).where(ChangeSet.kind == "edit",
                                                     ChangeSet.status == "draft"))


def _download(client, slug: str) -> bytes:
    response = client.get(f"/staff/season/questionnaires/{slug}/questions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.data


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _upload(client, slug: str, content: bytes, name: str = "questions.csv"):
    return client.post(f"/staff/season/questionnaires/{slug}/questions/upload", data={
        "spreadsheet": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_spanish_columns_round_trip_through_a_draft(admin, db, client):
    """Fill the Spanish columns, upload: a draft; published, the Spanish page shows the
    words; the next download is byte for byte the file uploaded; a rollback takes it back."""
    slug = _questionnaire(db).slug
    first = _download(admin, slug)
    rows = _rows(first)
    assert rows[0] == ["code", "position", "topic", "text", "kind", "scale low",
                       "scale high", "word limit", "topic_es", "text_es", "scale_low_es",
                       "scale_high_es"]
    assert len(rows) > 2
    rows[1][8], rows[1][9] = "Fianza ñandú", "¿Eliminaría la fianza?\nSegún la ley… ✓"
    edited = _csv(rows)
    response = _upload(admin, slug, edited)
    assert response.status_code == 303, response.get_data(as_text=True)
    draft = _draft(db)
    assert draft is not None and any(c["entity"] == "question" for c in draft.changes)
    assert "Fianza ñandú" not in client.get("/es/districts/al-circuit-6").get_data(
        as_text=True)  # nothing reaches voters before it is published
    assert "Fianza ñandú" in admin.get(f"/staff/changes/{draft.id}").get_data(as_text=True)
    assert admin.post(f"/staff/changes/{draft.id}/publish").status_code == 303
    spanish = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert "Fianza ñandú" in spanish and "¿Eliminaría la fianza?" in spanish
    assert "Fianza ñandú" not in client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert _download(admin, slug) == edited
    assert _upload(admin, slug, edited).status_code == 303  # the same file: nothing changes
    assert not (_draft(db) and _draft(db).changes)
    assert admin.post(f"/staff/changes/{draft.id}/rollback").status_code == 303
    assert _download(admin, slug) == first


def test_an_xlsx_file_and_a_new_question(admin, db):
    """An Excel file is read too; a row with no code is a new question, at the end."""
    questionnaire = _questionnaire(db)
    count = len(questionnaire.all_questions)
    rows = _rows(_download(admin, questionnaire.slug))
    rows.append(["", "", "Victims", "How would you help victims?", "text", "", "", "", "Víctimas",
                 "¿Cómo ayudaría a las víctimas?", "", ""])
    response = _upload(admin, questionnaire.slug, xlsx_bytes(rows), "questions.xlsx")
    assert response.status_code == 303, response.get_data(as_text=True)
    added = [c for c in _draft(db).changes if c["after"] and c["after"].get("topic") ==
             "Victims"]
    assert added and added[0]["after"]["position"] == count + 1
    assert added[0]["after"]["topic_es"] == "Víctimas"


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: rows[1].__setitem__(4, "multiple choice"), "is not one the guide knows"),
    (lambda rows: rows[1].__setitem__(2, "  "), "the topic is empty"),
    (lambda rows: rows[1].__setitem__(0, "qnope"), "has the code"),
    (lambda rows: rows[1].__setitem__(1, "zero"), "not a whole number"),
    (lambda rows: rows[2].__setitem__(1, rows[1][1]), "Two questions would be number"),
    (lambda rows: rows[1].__setitem__(9, "bad\x07text"), "control character"),
    (lambda rows: rows[1].__setitem__(8, "ñ" * 101), "longer than 100"),
    (lambda rows: rows.__setitem__(0, ["name", "answer"]), "header row"),
    (lambda rows: rows.__setitem__(0, rows[0] + ["notes"]), "not one the guide reads"),
    (lambda rows: rows.__delitem__(slice(1, None)), "no questions under it"),
    (lambda rows: [r.append(r[8]) for r in rows], "is there twice"),
])
def test_a_bad_file_is_refused_and_nothing_saved(admin, db, change, message):
    """Every bad row or header is named, with a 422, and nothing goes into the draft."""
    slug = _questionnaire(db).slug
    rows = _rows(_download(admin, slug))
    change(rows)
    response = _upload(admin, slug, _csv(rows))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _draft(db) is None


@pytest.mark.parametrize("content", [b"", b"   \n", b"%PDF-1.4 nothing", b"\x00\xff" * 50,
                                     b"PK\x03\x04broken zip", b"<html><body>hi</body></html>"])
def test_a_hostile_or_empty_file_is_refused(admin, db, content):
    """Empty, binary, a broken workbook, a web page: a 4xx, never a 500, nothing saved."""
    response = _upload(admin, _questionnaire(db).slug, content)
    assert 400 <= response.status_code < 500
    assert _draft(db) is None


def test_no_file_and_an_unknown_questionnaire(admin, db):
    """No file chosen is a 422; a questionnaire that does not exist is a 404."""
    slug = _questionnaire(db).slug
    assert admin.post(f"/staff/season/questionnaires/{slug}/questions/upload").status_code \
        == 422
    assert admin.get("/staff/season/questionnaires/nope/questions.csv").status_code == 404
    assert _upload(admin, "nope", b"code,topic,text,kind\n,a,b,text\n").status_code == 404
