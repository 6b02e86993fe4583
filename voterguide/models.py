"""The data model: places (states, counties, districts), elections (races, candidates,
questionnaires, questions, answers) and the staff side (users, change sets, column pairings,
photos). Rules that must always hold live in the database.

The live election rows are the published guide; drafts live only in change sets until an
admin publishes them."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .extensions import db


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    """A database enum stored by value, with a CHECK constraint on every backend."""
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                validate_strings=True, create_constraint=True)


class BoundaryKind(enum.Enum):
    """How a district's area is known."""

    COUNTIES = "counties"  # exactly the union of its counties
    POLYGON = "polygon"  # an explicit polygon
    UNMAPPED = "unmapped"  # somewhere inside its counties; no public boundary exists


class QuestionKind(enum.Enum):
    """What sort of answer a question takes."""

    YES_NO = "yes_no"
    SCALE = "scale"
    TEXT = "text"


class RaceStatus(enum.Enum):
    """Whether a race is contested, has one candidate, or is off the ballot."""

    CONTESTED = "contested"
    UNCONTESTED = "uncontested"
    CANCELLED = "cancelled"


class ResponseStatus(enum.Enum):
    """Whether a candidate answered the questionnaire."""

    RESPONDED = "responded"
    NO_RESPONSE = "no_response"
    DECLINED = "declined"


class State(db.Model):
    """A state the guide covers, with links to its official voter tools."""

    __tablename__ = "states"
    __table_args__ = (CheckConstraint("length(code) = 2", name="state_code_length"),)

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    fips: Mapped[str] = mapped_column(String(2), unique=True)
    # A list of {"label", "url"} objects, in the order they are shown.
    voter_tools: Mapped[list] = mapped_column(db.JSON, default=list)
    # The "voting" object of the state's state.json (docs/data-format.md): deadlines per
    # election, the ID rule, polling hours and official links, each with its source.
    facts: Mapped[dict] = mapped_column(db.JSON, default=dict, server_default=sql_text("'{}'"))
    # How the state's district attorneys are chosen (state.json's "office_selection"):
    # partisan or not, the term, the primary, the majority rule and the runoff.
    office_selection: Mapped[dict] = mapped_column(db.JSON, default=dict)

    @property
    def partisan(self) -> bool:
        """Whether candidates run with a party label (unknown: as they are entered)."""
        return bool((self.office_selection or {}).get("partisan", True))


class County(db.Model):
    """A county, with its boundary as WKB (longitude/latitude)."""

    __tablename__ = "counties"
    __table_args__ = (CheckConstraint("length(fips) = 5", name="county_fips_length"),)

    fips: Mapped[str] = mapped_column(String(5), primary_key=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    boundary: Mapped[bytes] = mapped_column(LargeBinary)

    state: Mapped[State] = relationship()


class DistrictCounty(db.Model):
    """A county that a district covers (or, for an unmapped district, lies within)."""

    __tablename__ = "district_counties"

    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"),
                                             primary_key=True)
    county_fips: Mapped[str] = mapped_column(ForeignKey("counties.fips"), primary_key=True)


class District(db.Model):
    """A prosecutor's office's area, identified by an Open Civic Data style division id."""

    __tablename__ = "districts"
    __table_args__ = (
        CheckConstraint("id LIKE 'ocd-division/%'", name="district_id_is_ocd"),
        CheckConstraint("boundary_kind != 'polygon' OR polygon IS NOT NULL",
                        name="district_polygon_present"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    boundary_kind: Mapped[BoundaryKind] = mapped_column(_enum(BoundaryKind, "boundary_kind"))
    polygon: Mapped[bytes | None] = mapped_column(LargeBinary)

    state: Mapped[State] = relationship()
    counties: Mapped[list[County]] = relationship(secondary="district_counties",
                                                  order_by="County.name")
    races: Mapped[list[Race]] = relationship(back_populates="district")


class BoundaryVersion(db.Model):
    """A number that grows whenever districts or counties change, so that every server
    process (not only the one that loaded them) rebuilds its district index."""

    __tablename__ = "boundary_version"
    __table_args__ = (CheckConstraint("id = 1", name="boundary_version_single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    number: Mapped[int] = mapped_column(default=0)


class ContentVersion(db.Model):
    """A number that grows whenever the published guide changes (a publish, a rollback, a
    data load), so that every server process's page cache serves the new pages at once."""

    __tablename__ = "content_version"
    __table_args__ = (CheckConstraint("id = 1", name="content_version_single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    number: Mapped[int] = mapped_column(default=0)
    #: When the number last moved (UTC): public pages' Last-Modified.
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Election(db.Model):
    """An election day in one state."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"))
    #: Its name in other languages: {"es": {"name": ...}} (presenters.in_language reads it).
    translations: Mapped[dict] = mapped_column(db.JSON, default=dict,
                                               server_default=sql_text("'{}'"))
    # Fictional demo content: every page that shows it says "Sample data".
    is_sample: Mapped[bool] = mapped_column(default=False)

    state: Mapped[State] = relationship()
    races: Mapped[list[Race]] = relationship(back_populates="election")
    stages: Mapped[list[ElectionStage]] = relationship(back_populates="election",
                                                       order_by="ElectionStage.position",
                                                       cascade="all, delete-orphan")


class ElectionStage(db.Model):
    """One voting day of an election: a primary, a runoff, a general election. Data, not
    code: a state with a June primary and a November runoff has two stages; the first
    sample election, one."""

    __tablename__ = "election_stages"
    __table_args__ = (
        UniqueConstraint("election_id", "position"),
        CheckConstraint("position >= 1", name="election_stage_position_positive"),
        CheckConstraint("length(name) > 0", name="election_stage_name_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))  # "Primary", "Runoff", "General election"
    date: Mapped[dt.date] = mapped_column(Date)

    election: Mapped[Election] = relationship(back_populates="stages")


class Questionnaire(db.Model):
    """The questions sent to the candidates of one or more races."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Its title and description in other languages: {"es": {"title": ..., "description": ...}}.
    translations: Mapped[dict] = mapped_column(db.JSON, default=dict,
                                               server_default=sql_text("'{}'"))
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    # When a reminder went out (None: not known).
    reminder_on: Mapped[dt.date | None] = mapped_column(Date)
    # The last day candidates may answer online; after it, who did not answer is shown as
    # "Did not respond by <date>" (voterguide/presenters.py).
    deadline: Mapped[dt.date | None] = mapped_column(Date)

    # The questions voters see, in order: a retired question is left out (its answers stay).
    questions: Mapped[list[Question]] = relationship(
        primaryjoin="and_(Questionnaire.id == Question.questionnaire_id, "
                    "Question.retired.is_(False))",
        order_by="Question.position", viewonly=True)
    # Every question, retired ones too (for staff).
    all_questions: Mapped[list[Question]] = relationship(back_populates="questionnaire",
                                                         order_by="Question.position")


class Question(db.Model):
    """One question of a questionnaire, in its place."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "position"),
        UniqueConstraint("questionnaire_id", "code"),
        CheckConstraint("position >= 1", name="question_position_positive"),
        CheckConstraint("word_limit IS NULL OR word_limit > 0", name="question_word_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id",
                                                             ondelete="CASCADE"))
    position: Mapped[int]
    topic: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    #: Its topic, text and scale ends in other languages: {"es": {"topic": ..., "text": ...}}.
    translations: Mapped[dict] = mapped_column(db.JSON, default=dict,
                                               server_default=sql_text("'{}'"))
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind, "question_kind"))
    scale_low: Mapped[str | None] = mapped_column(String(100))
    scale_high: Mapped[str | None] = mapped_column(String(100))
    # The most words an answer's explanation may have (None: no limit).
    word_limit: Mapped[int | None] = mapped_column()
    # A retired question is no longer asked or shown; its answers stay, in history.
    retired: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Stable within its questionnaire (change sets name questions by it: positions move).
    code: Mapped[str] = mapped_column(String(40), default=lambda: "q" + secrets.token_hex(6))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="all_questions")


class Race(db.Model):
    """An office on the ballot in one district at one election."""

    __tablename__ = "races"
    __table_args__ = (UniqueConstraint("election_id", "district_id", "office"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"))
    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id"), index=True)
    office: Mapped[str] = mapped_column(String(100))
    questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaires.id"))
    status: Mapped[RaceStatus] = mapped_column(_enum(RaceStatus, "race_status"),
                                               default=RaceStatus.CONTESTED,
                                               server_default=RaceStatus.CONTESTED.value)
    # What voters read about an uncontested or cancelled race ("" for the standard wording).
    status_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The voting day the race is decided on, where the election has several (else None).
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("election_stages.id",
                                                            ondelete="SET NULL"))

    election: Mapped[Election] = relationship(back_populates="races")
    stage: Mapped[ElectionStage | None] = relationship()
    district: Mapped[District] = relationship(back_populates="races")
    questionnaire: Mapped[Questionnaire | None] = relationship()
    candidates: Mapped[list[Candidate]] = relationship(back_populates="race",
                                                       order_by="Candidate.name")


class Candidate(db.Model):
    """A person running in a race."""

    __tablename__ = "candidates"
    __table_args__ = (
        UniqueConstraint("race_id", "name"),
        CheckConstraint("length(name) > 0", name="candidate_name_present"),
        CheckConstraint("website IS NULL OR website LIKE 'http%'", name="candidate_website_url"),
        CheckConstraint("photo_url IS NULL OR photo_url LIKE 'http%' OR photo_url LIKE '/%'",
                        name="candidate_photo_url"),
        CheckConstraint("bio_source IS NULL OR bio_source IN ('candidate', 'staff')",
                        name="candidate_bio_source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("races.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(150), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    party: Mapped[str | None] = mapped_column(String(100))
    incumbent: Mapped[bool] = mapped_column(default=False)
    website: Mapped[str | None] = mapped_column(String(500))
    photo_url: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str] = mapped_column(Text, default="")
    # Who wrote the biography: "candidate" or "staff" (None: not recorded).
    bio_source: Mapped[str | None] = mapped_column(String(20))
    response_status: Mapped[ResponseStatus] = mapped_column(
        _enum(ResponseStatus, "response_status"), default=ResponseStatus.NO_RESPONSE)
    # Withdrawn candidates stay on the page, marked, so a voter holding an old flyer learns why.
    withdrawn: Mapped[bool] = mapped_column(default=False)
    # What a candidate who declined the questionnaire chose to say instead, shown as theirs.
    statement: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The voting day on which the candidate was elected outright (e.g. a majority at the
    # primary, so the race is not on the November ballot); None: not elected (yet).
    elected_at_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("election_stages.id", ondelete="SET NULL"))

    race: Mapped[Race] = relationship(back_populates="candidates")
    elected_at_stage: Mapped[ElectionStage | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="candidate",
                                                 cascade="all, delete-orphan")


class CandidateContact(db.Model):
    """How staff reach a candidate (an email address from their questionnaire): for staff
    only, in a table of its own so that nothing that shows a candidate to voters can show it."""

    __tablename__ = "candidate_contacts"
    __table_args__ = (CheckConstraint("email IS NULL OR email LIKE '%@%'",
                                      name="candidate_contact_email_has_at"),)

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"),
                                              primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # Where a letter with the questionnaire's access code goes (campaign or office address).
    postal_address: Mapped[str | None] = mapped_column(Text)


class Answer(db.Model):
    """A candidate's answer to one question, with where and when it came from."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("candidate_id", "question_id"),
        CheckConstraint("choice IS NOT NULL OR length(explanation) > 0",
                        name="answer_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    choice: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[dt.date | None] = mapped_column(Date)

    candidate: Mapped[Candidate] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class FactUnit(enum.Enum):
    """What a district figure counts or measures."""

    PEOPLE = "people"
    PERCENT = "percent"  # 0 to 100
    CASES = "cases"
    DOLLARS = "dollars"
    DAYS = "days"
    PER_100K = "per_100k"  # per 100,000 residents


class OfficeProfile(db.Model):
    """What a district's prosecutor's office is and who holds it, shown above its races in
    every district (most races are uncontested). ``policies`` is a list of {"title", "url"}
    objects: what the office has published or committed to, each with its link."""

    __tablename__ = "office_profiles"
    __table_args__ = (
        CheckConstraint("length(office_name) > 0", name="office_profile_name_present"),
        CheckConstraint("website IS NULL OR website LIKE 'http%'",
                        name="office_profile_website_url"),
        CheckConstraint("in_office_since IS NULL OR in_office_since BETWEEN 1800 AND 2200",
                        name="office_profile_since_year"),
        CheckConstraint("last_contested_year IS NULL OR last_contested_year BETWEEN 1800 AND 2200",
                        name="office_profile_contested_year"),
    )

    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"),
                                             primary_key=True)
    office_name: Mapped[str] = mapped_column(String(200))
    incumbent_name: Mapped[str | None] = mapped_column(String(200))
    incumbent_party: Mapped[str | None] = mapped_column(String(100))
    in_office_since: Mapped[int | None]  # a year
    term_ends: Mapped[dt.date | None] = mapped_column(Date)
    running_again: Mapped[bool | None]  # None: not known yet
    how_chosen: Mapped[str] = mapped_column(Text, default="")
    last_contested_year: Mapped[int | None]
    last_contested_result: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    contact: Mapped[str] = mapped_column(Text, default="")  # the office's public contact
    policies: Mapped[list] = mapped_column(db.JSON, default=list)
    # The figure (a fact name) a flyer or share image shows for an unopposed race.
    headline_fact: Mapped[str | None] = mapped_column(String(200))
    # Fictional demo content: shown with "Sample data".
    is_sample: Mapped[bool] = mapped_column(default=False)

    district: Mapped[District] = relationship()


class DistrictFact(db.Model):
    """One sourced figure about a district for one period, e.g. the average daily county
    jail population in 2023. A figure without a source cannot be saved."""

    __tablename__ = "district_facts"
    __table_args__ = (
        UniqueConstraint("district_id", "fact", "period", name="district_fact_key"),
        CheckConstraint("length(fact) > 0", name="district_fact_named"),
        CheckConstraint("length(period) IN (4, 7)", name="district_fact_period_shape"),
        CheckConstraint("length(source_name) > 0", name="district_fact_source_named"),
        CheckConstraint("source_url LIKE 'http%'", name="district_fact_source_url"),
        CheckConstraint("unit != 'percent' OR (value >= 0 AND value <= 100)",
                        name="district_fact_percent_range"),
        CheckConstraint("unit = 'percent' OR value >= 0", name="district_fact_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"),
                                             index=True)
    fact: Mapped[str] = mapped_column(String(200))  # e.g. "County jail population"
    period: Mapped[str] = mapped_column(String(7))  # "YYYY" or "YYYY-MM"
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[FactUnit] = mapped_column(_enum(FactUnit, "fact_unit"))
    # County FIPS codes the figure covers (the district's counties when it covers them all).
    counties: Mapped[list] = mapped_column(db.JSON, default=list)
    source_name: Mapped[str] = mapped_column(String(300))
    source_url: Mapped[str] = mapped_column(String(500))
    retrieved_on: Mapped[dt.date] = mapped_column(Date)
    caveat: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(default=False)

    district: Mapped[District] = relationship()

    @validates("source_name", "source_url")
    def _source_present(self, key: str, value: str | None) -> str:
        """Refuse a figure without a source before the database has to."""
        if not value or not str(value).strip():
            raise ValueError(f"A figure needs its {key.replace('_', ' ')}.")
        if key == "source_url" and not str(value).startswith(("http://", "https://")):
            raise ValueError("A figure's source link must be an http(s) address.")
        return value


class GeocodeCacheEntry(db.Model):
    """A geocoding result, keyed by a keyed hash of the normalised address: the address
    itself is never stored, and coordinates are rounded to about 100 metres."""

    __tablename__ = "geocode_cache"
    __table_args__ = (CheckConstraint("length(key) = 64", name="geocode_cache_key_is_hash"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(50))
    # lat, lon (rounded), precision, counties, state: what the lookup needs, nothing more.
    location: Mapped[dict] = mapped_column(db.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)


class GeocodeCacheDay(db.Model):
    """How often the geocoding cache answered, per day: counts only."""

    __tablename__ = "geocode_cache_days"
    __table_args__ = (CheckConstraint("hits >= 0 AND misses >= 0", name="cache_counts_positive"),)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    misses: Mapped[int] = mapped_column(default=0)


class CampaignEvent(enum.Enum):
    """What a campaign code brought: a page view, or an address lookup that resolved."""

    VISIT = "visit"
    LOOKUP = "lookup"


class CampaignCount(db.Model):
    """How many visits or lookups one campaign code brought on one day to one district.

    Counts only: no IP address, cookie, address or user agent is kept. ``district`` is a
    district slug, or "" when the page or lookup named no single district.
    """

    __tablename__ = "campaign_counts"
    __table_args__ = (
        UniqueConstraint("day", "code", "district", "kind", name="campaign_count_key"),
        CheckConstraint("count >= 1", name="campaign_count_positive"),
        CheckConstraint("length(code) BETWEEN 1 AND 32", name="campaign_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    code: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[CampaignEvent] = mapped_column(_enum(CampaignEvent, "campaign_event"))
    count: Mapped[int] = mapped_column(default=1)


class StaffRole(enum.Enum):
    """What a staff member may do: editors import and edit; admins also publish and manage."""

    EDITOR = "editor"
    ADMIN = "admin"


class StaffUser(db.Model):
    """A staff member who signs in to load and correct the guide."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("email LIKE '%@%'", name="staff_email_has_at"),
                      CheckConstraint("failed_logins >= 0", name="staff_failures_non_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole, "staff_role"))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # A disabled user cannot sign in, and is signed out at their next request.
    disabled: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Bumped at sign-out and at a password change: every session signed before is over.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Whether the account may sign in (Flask-Login refuses inactive users)."""
        return not self.disabled

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        """Whether this user may publish and manage users."""
        return self.role is StaffRole.ADMIN


class SignInFailure(db.Model):
    """Wrong passwords for one staff account from one client (a keyed hash of its address,
    never the address): enough of them lock that client, not the account, out for a while."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (UniqueConstraint("user_id", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ChangeSetKind(enum.Enum):
    """Where a change set came from."""

    IMPORT = "import"
    EDIT = "edit"
    ROLLBACK = "rollback"
    QUESTIONNAIRE = "questionnaire"  # a candidate's answers (or refusal), sent online
    SAMPLE = "sample"  # the fictional sample election, loaded by `flask setup --demo`


class ChangeSetStatus(enum.Enum):
    """Where a change set is on its way to the public guide."""

    PREVIEW = "preview"  # an import being checked; nothing is queued yet
    DRAFT = "draft"  # queued for an admin to publish
    PUBLISHED = "published"
    DISCARDED = "discarded"


class ChangeSet(db.Model):
    """A set of changes to the guide (an import, browser edits or a rollback) and its history.

    ``changes`` is a list of {"entity", "key", "before", "after"} objects (see
    voterguide/staff/changes.py); publishing applies them only if every "before" still holds.
    """

    __tablename__ = "change_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChangeSetKind] = mapped_column(_enum(ChangeSetKind, "change_set_kind"))
    status: Mapped[ChangeSetStatus] = mapped_column(_enum(ChangeSetStatus, "change_set_status"),
                                                    index=True)
    election_id: Mapped[int | None] = mapped_column(ForeignKey("elections.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[list] = mapped_column(db.JSON, default=list)
    problems: Mapped[list] = mapped_column(db.JSON, default=list)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_checksum: Mapped[str | None] = mapped_column(String(64))  # SHA-256, hex
    file_shape: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[bytes | None] = mapped_column(LargeBinary)  # the uploaded file, for re-checks
    delete_missing: Mapped[bool] = mapped_column(default=False)
    # Staff's answers to the import's questions: {"names": {key: slug or "new"},
    # "dates": {"order": "mdy" or "dmy"}}; kept when the file is checked again.
    decisions: Mapped[dict | None] = mapped_column(db.JSON, default=dict)
    # How the file was read: the survey tool, its header rows, every column and how it was
    # read, and the questions staff must answer (see voterguide/staff/importer.py).
    reading: Mapped[dict | None] = mapped_column(db.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rolls_back_id: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id"))

    election: Mapped[Election | None] = relationship()
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[StaffUser | None] = relationship(foreign_keys=[published_by_id])
    rolls_back: Mapped[ChangeSet | None] = relationship(remote_side=[id])


class ColumnPairing(db.Model):
    """A spreadsheet column that staff paired once (with a question, its explanation, a
    candidate detail, or nothing), remembered for that questionnaire and survey tool."""

    __tablename__ = "column_pairings"
    __table_args__ = (UniqueConstraint("questionnaire_id", "tool", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id",
                                                             ondelete="CASCADE"))
    # The survey tool whose export it was ("surveymonkey", "qualtrics", "spreadsheet", …);
    # "" for pairings made before tools were told apart (they apply to every tool).
    tool: Mapped[str] = mapped_column(String(30), default="", server_default="")
    header: Mapped[str] = mapped_column(String(500))  # normalised header text
    # "question", "explanation", a candidate detail ("name", "district", "party", "email", …)
    # or "ignore"; None in older rows: a question if question_id is set, else ignore.
    target: Mapped[str | None] = mapped_column(String(30))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id",
                                                               ondelete="CASCADE"))


class Photo(db.Model):
    """A candidate photo uploaded by staff, re-encoded, stored by the SHA-256 of its bytes."""

    __tablename__ = "photos"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Invitation(db.Model):
    """A candidate's private way into the online questionnaire: a long link and a short code.

    Neither is stored: both are derived from ``salt`` with a key the database does not hold
    (voterguide/questionnaire/tokens.py), and only their hashes are kept, to find the
    invitation again. A new invitation for the same candidate revokes the old one. The
    timestamps are the tracker's: sent, opened, draft saved, submitted, declined, returned.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("length(token_hash) = 64", name="invitation_token_is_hash"),
        CheckConstraint("length(code_hash) = 64", name="invitation_code_is_hash"),
        CheckConstraint("reminders_sent >= 0", name="invitation_reminders_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"),
                                              index=True)
    salt: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # "email" or "letter": how the link or the code reached the candidate.
    sent_by: Mapped[str | None] = mapped_column(String(10))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    draft_saved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    declined_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decline_statement: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    return_note: Mapped[str] = mapped_column(Text, default="")
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The change set the latest submission (or refusal) became, for staff to publish.
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id"))

    candidate: Mapped[Candidate] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()
    change_set: Mapped[ChangeSet | None] = relationship()


class DraftAnswer(db.Model):
    """A candidate's answer saved in the online questionnaire, not yet submitted: theirs
    alone until they submit it (kept when an invitation is reissued)."""

    __tablename__ = "draft_answers"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"),
                                              primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    choice: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
