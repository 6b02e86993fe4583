"""Loading the fictional sample election from ``data/<state>/demo-election.json``.

The sample is made through the same change sets as staff's own work: the season (the
election, its voting days, the questionnaire and its questions, the races) is published as
one change set of the kind "sample", the candidates and their answers as a second, so the
demo shows in the history, can be rolled back, and never does what staff cannot. Loading is
idempotent: each change compares the file with the live records (matched by their slugs and
question codes), so a second load finds nothing to change and makes no change set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import content
from ..models import (
    Candidate,
    ChangeSetKind,
    District,
    DistrictFact,
    Election,
    FactUnit,
    OfficeProfile,
    Questionnaire,
)
from ..serializers import answer_fields, candidate_fields
from . import services
from .changes import merge, season_fields

#: The languages whose texts a sample election may have beside it: demo-election.<code>.json.
LANGUAGES = ("es",)


def load_demo_election(session: Session, path: Path) -> Election:
    """Publish the sample election in ``path`` as change sets of the kind "sample" (flushes,
    does not commit); returns the election. Refused with ValueError, changing nothing, when
    the file names a district, a voting day or a question that is not there."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    spec = data["election"]
    texts = _translations(path)
    for race in data["races"]:
        if session.get(District, race["district"]) is None:
            raise ValueError(f"The demo election names an unknown district {race['district']}"
                             " - load the state's districts first.")
    stages = {stage["position"] for stage in spec.get("stages", [])}
    for race in data["races"]:
        for position in [race.get("stage")] + [c.get("elected_at_stage")
                                               for c in race["candidates"]]:
            if position is not None and position not in stages:
                raise ValueError(f"The demo election names an unknown stage {position}.")
    season = _season_changes(session, data, texts)
    _publish(session, season, path, f"The sample election: {spec['name']}", spec["slug"])
    election = session.scalar(select(Election).where(Election.slug == spec["slug"]))
    people = _candidate_changes(session, data)
    _publish(session, people, path, "The sample candidates and their answers", spec["slug"])
    return election


def _translations(path: Path) -> dict:
    """The sample's texts in other languages, from ``demo-election.<code>.json`` beside it:
    {"es": {"election": {"name": ...}, "questionnaire": {...}, "questions": {<English
    topic>: {"topic": ..., "text": ...}}}}."""
    found = {}
    for code in LANGUAGES:
        other = path.with_name(f"{path.stem}.{code}.json")
        if other.is_file():
            found[code] = json.loads(other.read_text(encoding="utf-8"))
    return found


def _in_languages(texts: dict, part: str, fields: tuple[str, ...], topic: str | None = None
                  ) -> dict:
    """The change-set fields ``<field>_<code>`` of one record's translated texts ("" when
    the file gives none, so the page shows the English one)."""
    values = {}
    for code in LANGUAGES:
        given = texts.get(code, {}).get(part, {})
        if topic is not None:
            given = given.get(topic, {})
        values.update({f"{field}_{code}": given.get(field) or "" for field in fields})
    return values


def _date(value: str | None) -> str | None:
    """A date from the file, checked, as change sets keep it (ISO)."""
    return dt.date.fromisoformat(value).isoformat() if value else None


def _season_changes(session: Session, data: dict, texts: dict) -> list[dict]:
    """The changes that make the live season match the file's."""
    spec, quest = data["election"], data["questionnaire"]
    changes: list[dict] = []

    def want(entity: str, key, label: str, live, wanted: dict) -> None:
        nonlocal changes
        changes = merge(changes, {"entity": entity, "key": key, "label": label,
                                  "before": season_fields(live) if live is not None else None,
                                  "after": wanted})

    election = session.scalar(select(Election).where(Election.slug == spec["slug"]))
    want("election", spec["slug"], spec["name"], election, {
        "name": spec["name"], "date": _date(spec["date"]), "state_code": spec["state"],
        "is_sample": bool(data.get("sample")), **_in_languages(texts, "election", ("name",))})
    days = {stage.position: stage for stage in election.stages} if election else {}
    for stage in spec.get("stages", []):
        want("stage", [spec["slug"], stage["position"]], f"{spec['name']}: {stage['name']}",
             days.get(stage["position"]), {"name": stage["name"], "date": _date(stage["date"])})
    questionnaire = session.scalar(select(Questionnaire).where(
        Questionnaire.slug == quest["slug"]))
    want("questionnaire", quest["slug"], quest["title"], questionnaire, {
        "title": quest["title"], "description": quest.get("description", ""),
        "sent_on": _date(quest.get("sent_on")), "reminder_on": _date(quest.get("reminder_on")),
        "deadline": _date(quest.get("deadline")),
        **_in_languages(texts, "questionnaire", ("title", "description"))})
    asked = questionnaire.all_questions if questionnaire else []
    by_code = {q.code: q for q in asked}
    by_place = {q.position: q for q in asked}
    for question in quest["questions"]:
        live = by_code.get(question.get("code")) or by_place.get(question["position"])
        code = question.get("code") or (live.code if live else f"q{question['position']}")
        want("question", [quest["slug"], code],
             f"Question {question['position']}: {question['topic']}", live, {
                 "position": question["position"], "topic": question["topic"],
                 "text": question["text"], "kind": question["kind"],
                 "scale_low": question.get("scale_low"),
                 "scale_high": question.get("scale_high"),
                 "word_limit": question.get("word_limit"), "retired": False,
                 **_in_languages(texts, "questions",
                                 ("topic", "text", "scale_low", "scale_high"),
                                 topic=question["topic"])})
    races = {(r.district_id, r.office): r for r in election.races} if election else {}
    for race in data["races"]:
        district = session.get(District, race["district"])
        wanted = {"questionnaire": quest["slug"], "stage": race.get("stage")}
        wanted.update({name: race[name] for name in ("status", "status_note") if name in race})
        want("race", [spec["slug"], race["district"], race["office"]],
             f"Race: {race['office']}, {district.name}",
             races.get((race["district"], race["office"])), wanted)
    return changes


def _candidate_changes(session: Session, data: dict) -> list[dict]:
    """The changes that make the live candidates and answers match the file's (run after
    the season is published: answers name their questions by id)."""
    quest = data["questionnaire"]
    questionnaire = session.scalar(select(Questionnaire).where(
        Questionnaire.slug == quest["slug"]))
    by_code = {q.code: q for q in questionnaire.all_questions}
    by_place = {q.position: q for q in questionnaire.all_questions}
    questions = {q["position"]: by_code.get(q.get("code")) or by_place[q["position"]]
                 for q in quest["questions"]}
    changes: list[dict] = []
    for race in data["races"]:
        for person in race["candidates"]:
            live = session.scalar(select(Candidate).where(Candidate.slug == person["slug"]))
            wanted = {"name": person["name"], "party": person.get("party"),
                      "incumbent": bool(person.get("incumbent")),
                      "website": person.get("website"), "photo_url": person.get("photo_url"),
                      "bio": person.get("bio", ""), "bio_source": person.get("bio_source"),
                      "response_status": person["questionnaire_status"],
                      "withdrawn": bool(person.get("withdrawn")),
                      "statement": person.get("statement", ""),
                      "elected_at_stage": person.get("elected_at_stage")}
            if live is None:
                wanted["race"] = {"election": data["election"]["slug"],
                                  "district": race["district"], "office": race["office"],
                                  "questionnaire": quest["slug"]}
            changes = merge(changes, {"entity": "candidate", "key": person["slug"],
                                      "label": person["name"], "before":
                                      candidate_fields(live) if live else None,
                                      "after": wanted})
            held = {a.question_id: a for a in live.answers} if live else {}
            for given in person.get("answers", []):
                question = questions[given["question"]]
                answer = held.get(question.id)
                changes = merge(changes, {
                    "entity": "answer", "key": [person["slug"], question.id],
                    "label": f"{person['name']}: question {question.position} "
                             f"({question.topic})",
                    "before": answer_fields(answer) if answer else None,
                    "after": {"choice": given.get("choice"),
                              "explanation": given.get("explanation", ""),
                              "received_on": _date(given.get("received_on"))}})
    return changes


def _publish(session: Session, changes: list[dict], path: Path, summary: str,
             election_slug: str) -> None:
    """Publish changes as one change set of the kind "sample" (none when nothing changes)."""
    change_set = services.publish_at_once(  # StaffActionRefused is a ValueError
        session, changes, f"{summary} ({len(changes)} change{'s' * (len(changes) != 1)})",
        None, ChangeSetKind.SAMPLE, file_name=path.name,
        file_checksum=hashlib.sha256(path.read_bytes()).hexdigest())
    if change_set is not None:
        change_set.election = session.scalar(select(Election).where(
            Election.slug == election_slug))
        session.flush()


def load_demo_profiles(session: Session, path: Path) -> int:
    """Insert or update the sample office profiles and figures in ``path`` (made by
    scripts/make_demo_profiles.py); returns how many profiles (flushes, does not commit).

    Every record is marked as sample data. Figures of a district that the file no longer
    lists are removed only if they are sample figures: staff's own figures stay."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for spec in data["profiles"]:
        spec = dict(spec)
        district_id = spec.pop("district")
        if session.get(District, district_id) is None:
            raise ValueError(f"The demo profiles name an unknown district {district_id}"
                             " - load the state's districts first.")
        figures = spec.pop("figures", [])
        profile = session.get(OfficeProfile, district_id) or OfficeProfile(
            district_id=district_id)
        session.add(profile)
        for name, value in spec.items():
            setattr(profile, name, value)
        profile.term_ends = dt.date.fromisoformat(spec["term_ends"]) if spec.get(
            "term_ends") else None
        profile.is_sample = True
        existing = {(f.fact, f.period): f for f in session.scalars(select(DistrictFact).where(
            DistrictFact.district_id == district_id))}
        counties = [c.fips for c in session.get(District, district_id).counties]
        for figure_spec in figures:
            fact = existing.pop((figure_spec["fact"], figure_spec["period"]), None) \
                or DistrictFact(district_id=district_id, fact=figure_spec["fact"],
                                period=figure_spec["period"])
            session.add(fact)
            fact.value, fact.unit = float(figure_spec["value"]), FactUnit(figure_spec["unit"])
            fact.source_name, fact.source_url = figure_spec["source_name"], \
                figure_spec["source_url"]
            fact.retrieved_on = dt.date.fromisoformat(figure_spec["retrieved_on"])
            fact.caveat, fact.counties, fact.is_sample = figure_spec.get("caveat", ""), \
                counties, True
        for stale in existing.values():
            if stale.is_sample:
                session.delete(stale)
    session.flush()
    content.bump(session)
    return len(data["profiles"])
