"""Loading the fictional sample election from ``data/<state>/demo-election.json``.

Loading is idempotent: records are matched by their stable slugs and updated in place, so
running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import content
from .models import (
    Answer,
    Candidate,
    District,
    DistrictFact,
    Election,
    ElectionStage,
    FactUnit,
    OfficeProfile,
    Question,
    QuestionKind,
    Questionnaire,
    Race,
    ResponseStatus,
)


def load_demo_election(session: Session, path: Path) -> Election:
    """Insert or update the sample election in ``path`` (flushes, does not commit)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    spec = data["election"]
    election = _one(session, Election, spec["slug"])
    election.name, election.date = spec["name"], dt.date.fromisoformat(spec["date"])
    election.state_code, election.is_sample = spec["state"], bool(data.get("sample"))
    stages = _load_stages(session, election, spec.get("stages", []))
    questionnaire = _load_questionnaire(session, data["questionnaire"])
    _load_translations(Path(path), election, questionnaire)
    questions = {q.position: q for q in questionnaire.questions}
    for race_spec in data["races"]:
        district = session.get(District, race_spec["district"])
        if district is None:
            raise ValueError(f"The demo election names an unknown district {race_spec['district']}"
                             " - load the state's districts first.")
        race = session.scalar(select(Race).where(Race.election == election,
                                                 Race.district == district,
                                                 Race.office == race_spec["office"]))
        if race is None:
            race = Race(election=election, district=district, office=race_spec["office"])
            session.add(race)
        race.questionnaire = questionnaire
        race.stage = _stage(stages, race_spec.get("stage"))
        for candidate_spec in race_spec["candidates"]:
            _load_candidate(session, race, candidate_spec, questions, stages)
    session.flush()
    content.bump(session)
    return election


def _load_stages(session: Session, election: Election,
                 specs: list[dict]) -> dict[int, ElectionStage]:
    """Insert or update the election's voting days by position; return them by position."""
    existing = {stage.position: stage for stage in election.stages}
    for spec in specs:
        stage = existing.get(spec["position"])
        if stage is None:
            stage = ElectionStage(position=spec["position"])
            election.stages.append(stage)
            existing[stage.position] = stage
        stage.name, stage.date = spec["name"], dt.date.fromisoformat(spec["date"])
    session.flush()
    return existing


def _stage(stages: dict[int, ElectionStage], position: int | None) -> ElectionStage | None:
    """The stage at a position the demo file names (None when it names none)."""
    if position is None:
        return None
    if position not in stages:
        raise ValueError(f"The demo election names an unknown stage {position}.")
    return stages[position]


#: The languages whose texts a sample election may have beside it: demo-election.<code>.json.
LANGUAGES = ("es",)


def _load_translations(path: Path, election: Election, questionnaire: Questionnaire) -> None:
    """The sample's texts in other languages, from ``demo-election.<code>.json`` beside it:
    the election's name, the questionnaire's title and description, and each question's
    topic and text, matched by its English topic (a question without one stays English)."""
    for code in LANGUAGES:
        other = path.with_name(f"{path.stem}.{code}.json")
        if not other.is_file():
            continue
        data = json.loads(other.read_text(encoding="utf-8"))
        election.translations = {**(election.translations or {}),
                                 code: data.get("election", {})}
        questionnaire.translations = {**(questionnaire.translations or {}),
                                      code: data.get("questionnaire", {})}
        for question in questionnaire.questions:
            texts = data.get("questions", {}).get(question.topic)
            if texts:
                question.translations = {**(question.translations or {}), code: texts}


def _one(session: Session, model, slug: str):
    """The record with this slug, or a new one added to the session."""
    record = session.scalar(select(model).where(model.slug == slug))
    if record is None:
        record = model(slug=slug)
        session.add(record)
    return record


def _load_questionnaire(session: Session, spec: dict) -> Questionnaire:
    """Insert or update a questionnaire and its questions by position."""
    questionnaire = _one(session, Questionnaire, spec["slug"])
    questionnaire.title, questionnaire.description = spec["title"], spec.get("description", "")
    questionnaire.sent_on, questionnaire.reminder_on, questionnaire.deadline = (
        dt.date.fromisoformat(spec[key]) if spec.get(key) else None
        for key in ("sent_on", "reminder_on", "deadline"))
    session.flush()
    existing = {q.position: q for q in questionnaire.all_questions}
    for q in spec["questions"]:
        question = existing.get(q["position"]) or Question(questionnaire=questionnaire,
                                                           position=q["position"])
        question.topic, question.text = q["topic"], q["text"]
        question.kind = QuestionKind(q["kind"])
        question.scale_low, question.scale_high = q.get("scale_low"), q.get("scale_high")
        session.add(question)
    session.flush()
    session.refresh(questionnaire)
    return questionnaire


def _load_candidate(session: Session, race: Race, spec: dict,
                    questions: dict[int, Question], stages: dict[int, ElectionStage]) -> None:
    """Insert or update a candidate and their answers."""
    candidate = _one(session, Candidate, spec["slug"])
    candidate.race = race
    candidate.elected_at_stage = _stage(stages, spec.get("elected_at_stage"))
    candidate.name, candidate.party = spec["name"], spec.get("party")
    candidate.incumbent = bool(spec.get("incumbent"))
    candidate.website, candidate.photo_url = spec.get("website"), spec.get("photo_url")
    candidate.bio, candidate.bio_source = spec.get("bio", ""), spec.get("bio_source")
    candidate.response_status = ResponseStatus(spec["questionnaire_status"])
    answers = {a.question.position: a for a in candidate.answers}
    for answer_spec in spec.get("answers", []):
        question = questions[answer_spec["question"]]
        answer = answers.get(question.position) or Answer(question=question)
        if answer not in candidate.answers:
            candidate.answers.append(answer)
        answer.choice = answer_spec.get("choice")
        answer.explanation = answer_spec.get("explanation", "")
        answer.received_on = (dt.date.fromisoformat(answer_spec["received_on"])
                              if answer_spec.get("received_on") else None)


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
