"""A change set as the spreadsheet an import reads: one row per candidate and question (the
long shape), with the candidate's details on each row, so a draft or a published change can
be checked in a spreadsheet, kept, or loaded again."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Candidate, District, Question, ResponseStatus
from ..presenters import STATUS_WORDS

COLUMNS = ["name", "district", "party", "incumbent", "website", "bio", "biography written by",
           "status", "question", "answer", "explanation", "received on"]
#: The candidate's details: the columns before the question.
DETAIL_COLUMNS = COLUMNS[:COLUMNS.index("question")]
#: A spreadsheet opening a cell that starts with one of these runs it as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A value as a cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def change_set_csv(session: Session, changes: list[dict]) -> bytes:
    """The candidates and answers ``changes`` write, as they will be after it (UTF-8 CSV with
    a byte-order mark, which Excel needs to read accents right)."""
    slugs = sorted({c["key"] if c["entity"] == "candidate" else c["key"][0] for c in changes
                    if c["entity"] in ("candidate", "answer")})
    live = {c.slug: c for c in session.scalars(select(Candidate).where(
        Candidate.slug.in_(slugs)))} if slugs else {}
    districts = dict(session.execute(select(District.id, District.name)).all())
    details: dict[str, dict] = {}
    for slug in slugs:
        candidate = live.get(slug)
        values = {"name": candidate.name, "party": candidate.party,
                  "incumbent": candidate.incumbent, "website": candidate.website,
                  "bio": candidate.bio, "bio_source": candidate.bio_source,
                  "status": candidate.response_status.value,
                  "district": districts.get(candidate.race.district_id, "")} if candidate \
            else {}
        for change in changes:
            if change["entity"] == "candidate" and change["key"] == slug and change["after"]:
                after = dict(change["after"])
                race = after.pop("race", None)
                if race:
                    values["district"] = districts.get(race["district"], race["district"])
                if "response_status" in after:
                    after["status"] = after.pop("response_status")
                values.update(after)
        if "status" in values:
            values["status"] = STATUS_WORDS[ResponseStatus(values["status"])]
        values["biography written by"] = values.pop("bio_source", None)
        details[slug] = values
    question_ids = {int(c["key"][1]) for c in changes if c["entity"] == "answer"}
    questions = {q.id: q for q in session.scalars(select(Question).where(
        Question.id.in_(question_ids)))} if question_ids else {}
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(COLUMNS)
    written = set()
    for change in changes:
        if change["entity"] != "answer" or change["after"] is None:
            continue
        slug, question_id = change["key"][0], int(change["key"][1])
        person, question = details.get(slug, {}), questions.get(question_id)
        answer = change["after"]
        current = next((a for a in (live[slug].answers if slug in live else [])
                        if a.question_id == question_id), None)
        values = {"choice": current.choice if current else None,
                  "explanation": current.explanation if current else "",
                  "received_on": current.received_on.isoformat() if current and
                  current.received_on else None, **answer}
        writer.writerow([_cell(person.get(k)) for k in DETAIL_COLUMNS] + [
            _cell(question.position if question else question_id),
            _cell(values["choice"]), _cell(values["explanation"]),
            _cell(values["received_on"])])
        written.add(slug)
    for slug in slugs:
        if slug not in written and slug in details:
            person = details[slug]
            writer.writerow([_cell(person.get(k)) for k in DETAIL_COLUMNS] + ["", "", "", ""])
    return ("\ufeff" + output.getvalue()).encode("utf-8")
