"""Named read queries, kept together so pages and the API ask the same questions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .extensions import db
from .models import (
    Candidate,
    County,
    District,
    DistrictFact,
    Election,
    OfficeProfile,
    Questionnaire,
    Race,
    State,
)


def _storable(key: str) -> bool:
    """Whether a key could be stored at all: PostgreSQL refuses a NUL character in text (an
    error, not a miss), and no row holds one, so such a key finds nothing."""
    return "\x00" not in key


def district_by_slug_or_id(key: str) -> District | None:
    """A district by its URL slug or its full division id, with its state (the district and
    picker pages name it) loaded in the same query."""
    if not _storable(key):
        return None
    return db.session.scalar(select(District).where((District.slug == key) | (District.id == key))
                             .options(joinedload(District.state)))


def races_for_district(district: District, election_slug: str | None = None) -> list[Race]:
    """The district's races (at one election if a slug is given), soonest election first,
    with candidates and answers loaded.

    The election (joined anyway, for the order) and the questionnaire come in the races' own
    rows, and the questions with them: four queries in all, whatever the number of races.
    """
    query = select(Race).join(Race.election).where(Race.district_id == district.id)
    if election_slug is not None and not _storable(election_slug):
        return []
    if election_slug is not None:
        query = query.where(Election.slug == election_slug)
    return list(db.session.scalars(
        query
        .order_by(Election.date, Race.office)
        .options(
            contains_eager(Race.election),
            joinedload(Race.questionnaire).selectinload(Questionnaire.questions),
            selectinload(Race.candidates).selectinload(Candidate.answers),
        )
    ))


def candidate_by_slug(slug: str) -> Candidate | None:
    """A candidate by URL slug."""
    if not _storable(slug):
        return None
    return db.session.scalar(select(Candidate).where(Candidate.slug == slug))


def candidates_shown() -> list[Candidate]:
    """Every candidate with a page, by slug (the sitemap lists them)."""
    return list(db.session.scalars(select(Candidate).order_by(Candidate.slug)))


def states() -> list[State]:
    """The states the guide covers (loaded, and named by VOTERGUIDE_STATES), by name."""
    from flask import current_app

    covered = {s.strip().upper() for s in current_app.config["STATES"].split(",") if s.strip()}
    return list(db.session.scalars(select(State).where(State.code.in_(covered))
                                   .order_by(State.name)))


def counties_with_districts(state: State) -> list[County]:
    """A state's counties by name; each county's districts come through district_counties."""
    return list(db.session.scalars(select(County).where(County.state_code == state.code)
                                   .order_by(County.name)))


def districts_of_county(county: County) -> list[District]:
    """The districts that cover (or lie within) a county, mapped offices first."""
    districts = db.session.scalars(select(District).where(District.counties.contains(county)))
    return sorted(districts, key=lambda d: (d.boundary_kind.value == "unmapped", d.name))


def office_profile(district_id: str) -> OfficeProfile | None:
    """The published profile of a district's office, if staff have written one."""
    return db.session.get(OfficeProfile, district_id)


def district_facts(district_id: str) -> list[DistrictFact]:
    """A district's published figures, by fact and period."""
    return list(db.session.scalars(select(DistrictFact).where(
        DistrictFact.district_id == district_id).order_by(DistrictFact.fact,
                                                         DistrictFact.period)))
def districts_of_state(state: State) -> list[District]:
    """A state's districts in their natural order (1st, 2nd, ... 10th), by slug's number."""
    districts = db.session.scalars(select(District).where(District.state_code == state.code))
    return sorted(districts, key=lambda d: [(0, int(p), "") if p.isdigit() else (1, 0, p)
                                            for p in d.slug.split("-")])


def questionnaires_shown() -> list[Questionnaire]:
    """The questionnaires of the published races, oldest first (the about page says how
    and when each was sent)."""
    return list(db.session.scalars(
        select(Questionnaire).where(Questionnaire.id.in_(select(Race.questionnaire_id)))
        .order_by(Questionnaire.sent_on, Questionnaire.id)))
