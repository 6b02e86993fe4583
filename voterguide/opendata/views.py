"""Open data: the published guide (elections, races, candidates, questions, answers) as CSV
and JSON, in the same vocabulary as the API (voterguide/serializers.py, docs/open-data.md).
Drafts never appear: only the live rows are read. CSV cells that a spreadsheet would run as a
formula are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import serializers
from ..extensions import db
from ..models import Candidate, District, DistrictFact, Election, OfficeProfile, Questionnaire, Race
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


def published_districts() -> list[dict]:
    """Every district with a published office profile or figures, as data, by id."""
    profiles = {p.district_id: p for p in db.session.scalars(select(OfficeProfile))}
    figures: dict[str, list[DistrictFact]] = {}
    for fact in db.session.scalars(select(DistrictFact).order_by(
            DistrictFact.district_id, DistrictFact.fact, DistrictFact.period)):
        figures.setdefault(fact.district_id, []).append(fact)
    ids = sorted(set(profiles) | set(figures))
    districts = {d.id: d for d in db.session.scalars(select(District).where(
        District.id.in_(ids)))} if ids else {}
    return [serializers.district_record(districts[i], profiles.get(i), figures.get(i, []))
            for i in ids]
def licence() -> dict[str, str]:
    """The open data's licence, from configuration."""
    config = current_app.config
    return {"name": config["DATA_LICENCE"], "url": config["DATA_LICENCE_URL"],
            "attribution": config["ORGANISATION"]}


def _licence_link() -> str:
    """The licence as an HTTP Link header (RFC 8288, rel="license")."""
    return f'<{current_app.config["DATA_LICENCE_URL"]}>; rel="license"'


@blueprint.get("/guide.json")
@cacheable
def guide_json():
    """The published guide as JSON: its licence, the races, and the districts' office
    profiles and figures."""
    response = jsonify(licence=licence(),
                       races=[serializers.race(race) for race in published_races()],
                       districts=published_districts())
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = _licence_link()
    return response


@blueprint.get("/guide.csv")
@cacheable
def guide_csv():
    """The published guide as CSV: one row per candidate and question. It starts with a
    byte-order mark, so that Excel reads it as UTF-8 ("Inés", not "InÃ©s"); its licence is
    in the Link header and in a licence file beside it (/data/LICENCE.txt)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(serializers.CSV_COLUMNS)
    for race in published_races():
        for row in serializers.csv_rows(race):
            writer.writerow([spreadsheet_safe(value) for value in row])
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="guide.csv"',
        "Access-Control-Allow-Origin": "*", "Link": _licence_link()})


@blueprint.get("/figures.csv")
@cacheable
def figures_csv():
    """The published district figures as CSV: one row per figure, in the columns a staff
    figures import reads, so the file loads back as it is; with a byte-order mark and the
    licence link, as guide.csv."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(serializers.FIGURE_CSV_COLUMNS)
    for fact in db.session.scalars(select(DistrictFact).order_by(
            DistrictFact.district_id, DistrictFact.fact, DistrictFact.period)
            .options(selectinload(DistrictFact.district))):
        writer.writerow([spreadsheet_safe(value) for value in serializers.figure_csv_row(fact)])
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="figures.csv"',
        "Access-Control-Allow-Origin": "*", "Link": _licence_link()})


@blueprint.get("/LICENCE.txt")
@cacheable
def licence_text():
    """The open data's licence in words, for those who download the files."""
    terms = licence()
    body = (f"The data in /data/guide.csv, /data/figures.csv and /data/guide.json is published by "
            f"{terms['attribution']} under the {terms['name']} licence: {terms['url']}\n"
            "You may share and adapt it, with credit. Fictional sample data is marked as "
            "such (the sample column, or \"sample\": true).\n")
    return Response(body, content_type="text/plain; charset=utf-8",
                    headers={"Access-Control-Allow-Origin": "*"})
