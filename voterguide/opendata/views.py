"""Open data: the published guide (elections, races, candidates, questions, answers) as CSV
and JSON, in the same vocabulary as the API (voterguide/serializers.py, docs/open-data.md).
Drafts never appear: only the live rows are read. CSV cells that a spreadsheet would run as a
formula are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import serializers
from ..extensions import db
from ..models import Candidate, Election, Questionnaire, Race
from ..web.rules import cacheable

blueprint = Blueprint("opendata", __name__, url_prefix="/data")

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
@cacheable
def guide_json():
    """The published guide as JSON."""
    response = jsonify(races=[serializers.race(race) for race in published_races()])
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/guide.csv")
@cacheable
def guide_csv():
    """The published guide as CSV: one row per candidate and question."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(serializers.CSV_COLUMNS)
    for race in published_races():
        for row in serializers.csv_rows(race):
            writer.writerow([spreadsheet_safe(value) for value in row])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="guide.csv"',
        "Access-Control-Allow-Origin": "*"})
