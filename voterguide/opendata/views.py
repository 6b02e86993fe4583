"""Open data: the published guide (elections, races, candidates, questions, answers) as CSV
and JSON. Drafts never appear: only the live rows are read. CSV cells that a spreadsheet would
run as a formula are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Candidate, Election, Questionnaire, Race

blueprint = Blueprint("opendata", __name__, url_prefix="/data")

CSV_COLUMNS = ["election", "election_date", "sample", "district_id", "district", "office",
               "candidate_slug", "candidate", "party", "incumbent", "withdrawn",
               "questionnaire_status", "website", "question_number", "topic", "question",
               "choice", "explanation", "received_on"]


def spreadsheet_safe(value: object) -> str:
    """A cell's text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def published_races() -> list[Race]:
    """Every race with its election, district, questionnaire, candidates and answers."""
    return list(db.session.scalars(
        select(Race).join(Race.election).order_by(Election.date, Race.district_id, Race.office)
        .options(selectinload(Race.election), selectinload(Race.district),
                 selectinload(Race.questionnaire).selectinload(Questionnaire.questions),
                 selectinload(Race.candidates).selectinload(Candidate.answers))))


@blueprint.get("/guide.json")
def guide_json():
    """The published guide as JSON."""
    races = []
    for race in published_races():
        questions = race.questionnaire.questions if race.questionnaire else []
        races.append({
            "election": {"slug": race.election.slug, "name": race.election.name,
                         "date": race.election.date.isoformat(),
                         "sample": race.election.is_sample},
            "district": {"id": race.district.id, "slug": race.district.slug,
                         "name": race.district.name},
            "office": race.office,
            "questions": [{"id": q.id, "number": q.position, "topic": q.topic, "text": q.text,
                           "kind": q.kind.value} for q in questions],
            "candidates": [{
                "slug": c.slug, "name": c.name, "party": c.party, "incumbent": c.incumbent,
                "withdrawn": c.withdrawn, "website": c.website,
                "questionnaire_status": c.response_status.value,
                "answers": [{"question": a.question_id, "choice": a.choice,
                             "explanation": a.explanation,
                             "received_on": a.received_on.isoformat() if a.received_on else None}
                            for a in sorted(c.answers, key=lambda a: a.question_id)]}
                for c in race.candidates]})
    response = jsonify(races=races)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/guide.csv")
def guide_csv():
    """The published guide as CSV: one row per candidate and question."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for race in published_races():
        questions = race.questionnaire.questions if race.questionnaire else []
        for candidate in race.candidates:
            answers = {a.question_id: a for a in candidate.answers}
            for question in questions or [None]:
                answer = answers.get(question.id) if question else None
                writer.writerow([spreadsheet_safe(v) for v in (
                    race.election.slug, race.election.date.isoformat(), race.election.is_sample,
                    race.district.id, race.district.name, race.office, candidate.slug,
                    candidate.name, candidate.party, candidate.incumbent, candidate.withdrawn,
                    candidate.response_status.value, candidate.website,
                    question.position if question else "", question.topic if question else "",
                    question.text if question else "", answer.choice if answer else "",
                    answer.explanation if answer else "",
                    answer.received_on.isoformat() if answer and answer.received_on else "")])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="guide.csv"',
        "Access-Control-Allow-Origin": "*"})
