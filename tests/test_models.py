"""Rules that live in the database, and the settings the app refuses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from voterguide import config
from voterguide.models import (
    Answer,
    Candidate,
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    District,
    Election,
    Question,
    Race,
)
from voterguide.staff import services


def test_production_refuses_the_development_secret_key(make_app):
    with pytest.raises(config.ConfigurationError, match="SECRET_KEY"):
        make_app(ENV="production")
    app = make_app(ENV="production", SECRET_KEY="x" * 64, SITE_URL="https://guide.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_settings_come_from_voterguide_environment_variables():
    got = config.from_environment({"VOTERGUIDE_STATES": "al,ga", "VOTERGUIDE_ADDRESS_MAX_LENGTH":
                                   "120", "SECRET_KEY": "s3cret"})
    assert (got["STATES"], got["ADDRESS_MAX_LENGTH"], got["SECRET_KEY"]) == ("al,ga", 120,
                                                                             "s3cret")
    assert config.from_environment({})["GEOCODER"] == "offline"


def test_an_unknown_environment_is_refused(make_app):
    with pytest.raises(config.ConfigurationError):
        make_app(ENV="staging")


def test_a_candidate_answers_a_question_once(db):
    answer = db.session.query(Answer).first()
    db.session.add(Answer(candidate=answer.candidate, question=answer.question, choice="Yes"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_answer_is_never_empty(db):
    candidate = db.session.query(Candidate).filter(~Candidate.answers.any()).first()
    question = db.session.query(Question).first()
    db.session.add(Answer(candidate=candidate, question=question, choice=None, explanation=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_race_is_unique_per_election_district_and_office(db):
    race = db.session.query(Race).first()
    db.session.add(Race(election=race.election, district=race.district, office=race.office))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("sql", [
    "UPDATE candidates SET response_status = 'maybe' WHERE id = 1",
    "UPDATE questions SET kind = 'essay' WHERE id = 1",
    "UPDATE questions SET position = 0 WHERE id = 1",
    "UPDATE candidates SET website = 'javascript:alert(1)' WHERE id = 1",
    "UPDATE districts SET boundary_kind = 'polygon' WHERE slug = 'al-circuit-6'",
    "UPDATE counties SET fips = '123' WHERE fips = '01125'",
])
def test_the_database_refuses_broken_rows(db, sql):
    # SQLite checks an enum with a CHECK constraint (IntegrityError); PostgreSQL's enum type
    # refuses the value as it reads it (DataError).
    with pytest.raises((IntegrityError, DataError)):
        db.session.execute(text(sql))
        db.session.flush()
    db.session.rollback()


def test_enum_values_are_checked_before_they_reach_the_database(db):
    with pytest.raises(StatementError):
        db.session.execute(text("SELECT 1"))  # a clean session first
        db.session.get(District, "ocd-division/country:us/state:al/circuit:6").boundary_kind = "x"
        db.session.flush()
    db.session.rollback()


def test_loading_the_demo_twice_changes_nothing(runner, db):
    def snapshot():
        return [(a.id, a.candidate_id, a.question_id, a.choice, a.explanation, a.received_on)
                for a in db.session.query(Answer).order_by(Answer.id)]

    before = snapshot()
    change_sets = db.session.query(ChangeSet).count()
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert snapshot() == before
    assert db.session.query(Race).count() == 42 + 3  # Alabama's races and California's
    assert db.session.query(ChangeSet).count() == change_sets  # nothing to change: no history


def test_the_sample_is_published_through_change_sets(db, admin):
    """The demo is made by the staff's own publication: per state, the season and then the
    candidates, each a published change set of the kind "sample" in the history."""
    sample = db.session.scalars(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.SAMPLE).order_by(ChangeSet.id)).all()
    assert [(cs.election.slug, cs.status) for cs in sample] == [
        ("al-2028-general-sample", ChangeSetStatus.PUBLISHED)] * 2 + [
        ("ca-2028-primary-sample", ChangeSetStatus.PUBLISHED)] * 2
    season, people = sample[0].changes, sample[1].changes
    assert {c["entity"] for c in season} == {"election", "questionnaire", "question", "race"}
    assert len([c for c in season if c["entity"] == "race"]) == 42
    assert {c["entity"] for c in people} == {"candidate", "answer"}
    assert all(c["before"] is None for c in season + people)  # made from nothing
    assert {c["entity"] for c in sample[2].changes} >= {"stage"}  # California's two days
    page = admin.get("/staff/history").get_data(as_text=True)
    assert page.count("Sample data loaded from demo-election.json") == 4
    detail = admin.get(f"/staff/changes/{sample[3].id}").get_data(as_text=True)
    assert "elected outright on voting day : 1" in " ".join(
        re.sub(r"<[^>]+>", " ", detail).lower().split())  # Fresno's winner, in words


def test_the_sample_can_be_rolled_back_and_loaded_again(db, runner, admin):
    """Rolling back the sample (candidates first, then the season) removes it from the guide;
    loading it again brings it back as new change sets."""
    def sample(slug):
        return db.session.scalars(select(ChangeSet).join(ChangeSet.election).where(
            ChangeSet.kind == ChangeSetKind.SAMPLE, Election.slug == slug)
            .order_by(ChangeSet.id)).all()

    season, people = sample("ca-2028-primary-sample")
    plan = services.plan_rollback(db.session, season)  # its races still have candidates:
    assert plan.changes == []  # nothing of it may go (its voting days go with the election)
    assert {"why": "3 candidates still use it", "label": "Race: District Attorney, Fresno "
            "County"}.items() <= next(i for i in plan.left if "Fresno" in i["label"]).items()
    with pytest.raises(services.StaffActionRefused, match="Roll those back first"):
        services.rollback(db.session, season, None)
    db.session.rollback()
    season, people = sample("ca-2028-primary-sample")
    confirm = admin.get(f"/staff/changes/{season.id}/rollback").get_data(as_text=True)
    assert "Nothing of this change is left to roll back." in confirm
    kept_by_people = [i for i in plan.left  # each race with candidates, question answered,
                      if {e for e, _ in i["users"]} & {"candidate", "answer"}]  # day won on
    assert len(kept_by_people) > 3
    assert confirm.count(f'href="/staff/changes/{people.id}"') == len(kept_by_people)
    assert "Later change to roll back first:" in confirm
    season, people = sample("ca-2028-primary-sample")
    services.rollback(db.session, people, None)
    services.rollback(db.session, season, None)
    db.session.commit()
    assert db.session.scalar(select(Election).where(
        Election.slug == "ca-2028-primary-sample")) is None
    assert db.session.scalar(select(Candidate).where(
        Candidate.slug.like("ca-county-%"))) is None
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert len(sample("ca-2028-primary-sample")) == 2  # loaded again, as new change sets
    assert db.session.query(ChangeSet).filter(ChangeSet.kind == ChangeSetKind.SAMPLE,
                                              ChangeSet.election_id.is_(None)).count() == 2
    # (the first load stays in the history, naming the election it made by its slug)
    fresno = db.session.scalar(select(Candidate).join(Candidate.race).where(
        Race.district_id == "ocd-division/country:us/state:ca/county:fresno",
        Candidate.elected_at_stage_id.is_not(None)))
    assert fresno.elected_at_stage.position == 1


def test_an_unknown_state_folder_is_a_clear_error(runner):
    result = runner.invoke(args=["places", "load-state", "zz"])
    assert result.exit_code != 0 and "No data folder" in result.output


def test_the_sample_election_is_marked_as_sample(db):
    race = db.session.query(Race).first()
    assert race.election.is_sample and race.election.date == dt.date(2028, 11, 7)
