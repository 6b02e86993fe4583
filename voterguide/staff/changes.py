"""Change sets: how imports and browser edits reach the published guide.

A change is a plain dict, kept as JSON on a ChangeSet:

    {"entity": "candidate", "key": "<slug>", "label": "...", "before": {...} | None,
     "after": {...} | None}
    {"entity": "answer", "key": ["<candidate slug>", <question id>], "label": "...",
     "before": {...} | None, "after": {...} | None}
    {"entity": "contact", "key": "<candidate slug>", "label": "...",
     "before": {"email": ..., "postal_address": ...} | None, "after": {...} | None}
                                                                  (staff only)
    {"entity": "profile" | "figure", ...}   an office profile or a district figure
                                            (voterguide/staff/profile_changes.py)

The season is made of the same changes (keys and fields in SEASON_FIELDS below):

    {"entity": "election", "key": "<slug>", ...}          name, date, state_code, is_sample,
                                                          name_es
    {"entity": "stage", "key": ["<election slug>", <n>]}   name, date
    {"entity": "questionnaire", "key": "<slug>"}          title, description, sent_on,
                                                          reminder_on, deadline, title_es,
                                                          description_es
    {"entity": "question", "key": ["<questionnaire slug>", "<code>"]}
                                  position, topic, text, kind, scale_low, scale_high,
                                  word_limit, retired, topic_es, text_es, scale_low_es,
                                  scale_high_es
    {"entity": "race", "key": ["<election slug>", "<district id>", "<office>"]}
                                  questionnaire (a slug), status, status_note, stage (a number)

A field ``<name>_<language>`` (``topic_es``) is the text in another language, kept in the
record's ``translations`` JSON (``{"es": {"topic": ...}}``, which ``presenters.in_language``
reads); "" means none is given, so the page shows the English one.

``before`` None creates the record, ``after`` None deletes it; otherwise both hold only the
fields that change. A change set is applied only if every ``before`` still matches the live
rows, so a draft computed against an older guide is refused instead of overwriting newer work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..models import (
    Answer,
    Candidate,
    CandidateContact,
    ChangeSet,
    District,
    Election,
    ElectionStage,
    Question,
    QuestionKind,
    Questionnaire,
    Race,
    RaceStatus,
    ResponseStatus,
)
from ..questionnaire.services import follow_deadline
from ..serializers import (  # one vocabulary with the API and the open data
    answer_fields,
    candidate_fields,
)
from .profile_changes import ENTITIES as PROFILE_ENTITIES
from .profile_changes import ProfileRows, apply_profile_changes, touched_districts

#: The fields a change set may change on each record of the season, in this order.
SEASON_FIELDS = {
    "election": ("name", "date", "state_code", "is_sample", "name_es"),
    "stage": ("name", "date"),
    "questionnaire": ("title", "description", "sent_on", "reminder_on", "deadline",
                      "title_es", "description_es"),
    "question": ("position", "topic", "text", "kind", "scale_low", "scale_high", "word_limit",
                 "retired", "topic_es", "text_es", "scale_low_es", "scale_high_es"),
    "race": ("questionnaire", "status", "status_note", "stage"),
}
#: The season's texts staff may give in other languages, by entity, and those languages.
TRANSLATED = {"election": ("name",), "questionnaire": ("title", "description"),
              "question": ("topic", "text", "scale_low", "scale_high")}
OTHER_LANGUAGES = ("es",)
#: The order records are written in (parents first); removals go the other way.
SEASON_ORDER = ("election", "stage", "questionnaire", "question", "race")


def _iso(value: dt.date | None) -> str | None:
    """A date as JSON."""
    return value.isoformat() if value else None


def season_fields(record) -> dict:
    """A season record's changeable fields as JSON-ready values (what change sets compare)."""
    if isinstance(record, Election):
        return {"name": record.name, "date": _iso(record.date), "state_code": record.state_code,
                "is_sample": bool(record.is_sample), **_translated(record, "election")}
    if isinstance(record, ElectionStage):
        return {"name": record.name, "date": _iso(record.date)}
    if isinstance(record, Questionnaire):
        return {"title": record.title, "description": record.description or "",
                "sent_on": _iso(record.sent_on), "reminder_on": _iso(record.reminder_on),
                "deadline": _iso(record.deadline),
                **_translated(record, "questionnaire")}
    if isinstance(record, Question):
        return {"position": record.position, "topic": record.topic, "text": record.text,
                "kind": record.kind.value, "scale_low": record.scale_low,
                "scale_high": record.scale_high, "word_limit": record.word_limit,
                "retired": bool(record.retired), **_translated(record, "question")}
    return {"questionnaire": record.questionnaire.slug if record.questionnaire else None,
            "status": record.status.value, "status_note": record.status_note or "",
            "stage": record.stage.position if record.stage else None}


def _translated(record, entity: str) -> dict:
    """A record's texts in other languages as change-set fields: {"topic_es": ...}, "" for
    a text not given."""
    given = record.translations or {}
    return {f"{field}_{code}": (given.get(code) or {}).get(field) or ""
            for code in OTHER_LANGUAGES for field in TRANSLATED[entity]}


def _set_translation(record, name: str, value: str | None) -> bool:
    """Write a ``<field>_<language>`` change-set field into the record's translations (a
    new dict, so the JSON column sees the change); whether ``name`` was one."""
    field, _, code = name.rpartition("_")
    if code not in OTHER_LANGUAGES or not field:
        return False
    translations = {k: dict(v) for k, v in (record.translations or {}).items()}
    texts = translations.setdefault(code, {})
    if value:
        texts[field] = value
    else:
        texts.pop(field, None)
    if not texts:
        del translations[code]
    record.translations = translations
    return True


def season_key(record) -> object:
    """A season record's key in change sets."""
    if isinstance(record, (Election, Questionnaire)):
        return record.slug
    if isinstance(record, ElectionStage):
        return [record.election.slug, record.position]
    if isinstance(record, Question):
        return [record.questionnaire.slug, record.code]
    return [record.election.slug, record.district_id, record.office]


class ChangeConflict(Exception):
    """Some rows a change set touches changed since it was made; nothing was applied."""

    def __init__(self, conflicts: list[str]):
        super().__init__("; ".join(conflicts))
        self.conflicts = conflicts


def contact_fields(record: CandidateContact) -> dict:
    """A staff-only contact's fields (what change sets compare); never public."""
    return {"email": record.email, "postal_address": record.postal_address}


def field_diff(current: dict, wanted: dict) -> tuple[dict, dict]:
    """The (before, after) of the fields in ``wanted`` that differ from ``current``."""
    changed = [name for name, value in wanted.items() if current.get(name) != value]
    return ({name: current.get(name) for name in changed},
            {name: wanted[name] for name in changed})


def inverse(changes: Iterable[dict]) -> list[dict]:
    """The changes that undo ``changes``."""
    return [{**change, "before": change["after"], "after": change["before"]}
            for change in reversed(list(changes))]


def merge(changes: list[dict], change: dict) -> list[dict]:
    """Add a change to a draft, folding it into the draft's earlier change of the same record.

    ``change`` must be computed against the draft (the live rows with the draft applied)."""
    merged, found = [], False
    for earlier in changes:
        if earlier["entity"] != change["entity"] or earlier["key"] != change["key"]:
            merged.append(earlier)
            continue
        found = True
        if earlier["before"] is None:  # created in this draft
            before = None
            after = None if change["after"] is None else {**earlier["after"], **change["after"]}
        else:
            before = {**(change["before"] or {}), **earlier["before"]}
            after = None if change["after"] is None else {**(earlier["after"] or {}),
                                                          **change["after"]}
        if before is None and after is None:
            continue  # created and removed again in the same draft
        if before is not None and after is not None:
            same = [k for k, v in after.items() if before.get(k) == v]
            if len(same) == len(after):
                continue  # edited back to what is published
            after = {k: v for k, v in after.items() if k not in same}
            before = {k: v for k, v in before.items() if k in after}
        merged.append({**earlier, "label": change.get("label") or earlier.get("label"),
                       "before": before, "after": after})
    if not found and change["before"] is not None and change["after"] is not None:
        before, after = field_diff(change["before"], change["after"])
        if after:
            merged.append({**change, "before": before, "after": after})
    elif not found and (change["before"] is not None or change["after"] is not None):
        merged.append(change)
    return merged


class _Live:
    """The live rows a list of changes touches, loaded in a few queries."""

    def __init__(self, session: Session, changes: list[dict]):
        self.session = session
        slugs = {c["key"] for c in changes if c["entity"] in ("candidate", "contact")}
        slugs |= {c["key"][0] for c in changes if c["entity"] == "answer"}
        self.candidates: dict[str, Candidate] = {}
        slug_list = sorted(slugs)
        for start in range(0, len(slug_list), 500):
            for candidate in session.scalars(select(Candidate).where(
                    Candidate.slug.in_(slug_list[start:start + 500]))):
                self.candidates[candidate.slug] = candidate
        ids = [c.id for c in self.candidates.values()]
        self.answers: dict[tuple[str, int], Answer] = {}
        by_id = {c.id: c.slug for c in self.candidates.values()}
        held: dict[str, list[Answer]] = {slug: [] for slug in self.candidates}
        for start in range(0, len(ids), 500):
            for answer in session.scalars(select(Answer).where(
                    Answer.candidate_id.in_(ids[start:start + 500]))):
                self.answers[(by_id[answer.candidate_id], answer.question_id)] = answer
                held[by_id[answer.candidate_id]].append(answer)
        for slug, candidate in self.candidates.items():  # no query per candidate later
            if "answers" not in inspect(candidate).dict:
                set_committed_value(candidate, "answers", held[slug])
        self.contacts: dict[str, CandidateContact] = {}
        for start in range(0, len(ids), 500):
            for contact in session.scalars(select(CandidateContact).where(
                    CandidateContact.candidate_id.in_(ids[start:start + 500]))):
                self.contacts[by_id[contact.candidate_id]] = contact
        self.profiles = ProfileRows(session, changes)
        self.elections: dict[str, Election] = {}
        self.races: dict[tuple[str, str, str], Race] = {}
        self.races_read: set[str] = set()
        self.season: dict[tuple[str, str], object] = {}
        if any(c["entity"] in SEASON_FIELDS for c in changes):
            self.load_season(changes)

    def load_season(self, changes: list[dict]) -> None:
        """The season records the changes touch (few: a season has tens of them)."""
        wanted = {c["entity"] for c in changes if c["entity"] in SEASON_FIELDS}
        models = {"election": Election, "stage": ElectionStage, "questionnaire": Questionnaire,
                  "question": Question, "race": Race}
        for entity in wanted:
            for record in self.session.scalars(select(models[entity])):
                self.season[(entity, str(season_key(record)))] = record

    def record(self, change: dict):
        """The live season record a change touches, or None."""
        return self.season.get((change["entity"], str(change["key"])))

    def race(self, spec: dict) -> Race:
        """The race a new candidate runs in, created if the election has none in that
        district. The election's races are read once (a large import adds thousands of
        candidates to a few races: one query each would hold the write lock for seconds)."""
        election_slug = spec["election"]
        if election_slug not in self.races_read:
            self.races_read.add(election_slug)
            with self.session.no_autoflush:
                election = self.session.scalar(select(Election).where(
                    Election.slug == election_slug))
                self.elections[election_slug] = election
                for race in self.session.scalars(select(Race).where(
                        Race.election_id == election.id)):
                    self.races[(election_slug, race.district_id, race.office)] = race
        key = (election_slug, spec["district"], spec["office"])
        race = self.races.get(key)
        if race is None:
            with self.session.no_autoflush:
                questionnaire = self.session.scalar(select(Questionnaire).where(
                    Questionnaire.slug == spec.get("questionnaire")))
            race = Race(election=self.elections[election_slug], district_id=spec["district"],
                        office=spec["office"], questionnaire=questionnaire)
            self.session.add(race)
            self.races[key] = race
        return race

    def current(self, change: dict) -> dict | None:
        """The live fields of the record a change touches, or None if it does not exist."""
        if change["entity"] in PROFILE_ENTITIES:
            return self.profiles.current(change)
        if change["entity"] == "candidate":
            candidate = self.candidates.get(change["key"])
            return candidate_fields(candidate) if candidate else None
        if change["entity"] == "contact":
            contact = self.contacts.get(change["key"])
            return contact_fields(contact) if contact else None
        if change["entity"] in SEASON_FIELDS:
            record = self.record(change)
            return season_fields(record) if record is not None else None
        answer = self.answers.get(_answer_key(change))
        return answer_fields(answer) if answer else None


def _answer_key(change: dict) -> tuple[str, int]:
    """An answer change's key as a tuple."""
    slug, question_id = change["key"]
    return slug, int(question_id)


def conflicts_of(session: Session, changes: list[dict]) -> list[str]:
    """Plain sentences naming every change whose ``before`` no longer matches the live rows."""
    live = _Live(session, changes)
    return [_conflict_message(change) for change in changes
            if not _still_holds(live.current(change), change["before"])]


def _still_holds(current: dict | None, before: dict | None) -> bool:
    """Whether the live record still matches a change's ``before``."""
    if before is None:
        return current is None
    # "race" only says where a new candidate runs; it is not a field of the candidate.
    return current is not None and all(current.get(k) == v for k, v in before.items()
                                       if k != "race")


def _conflict_message(change: dict) -> str:
    """Why one change can no longer be applied."""
    label = change.get("label") or change["key"]
    if change["before"] is None:
        return f"{label}: already exists now."
    return f"{label}: changed since this draft was made."


def apply_changes(session: Session, changes: list[dict]) -> None:
    """Apply changes to the live rows (flushes); raises ChangeConflict and applies nothing."""
    live = _Live(session, changes)
    conflicts = [_conflict_message(c) for c in changes
                 if not _still_holds(live.current(c), c["before"])]
    if conflicts:
        raise ChangeConflict(conflicts)
    season = sorted((c for c in changes if c["entity"] in SEASON_FIELDS),
                    key=lambda c: SEASON_ORDER.index(c["entity"]))
    for change in season:
        if change["after"] is not None:
            _write_season(session, live, change)
            session.flush()
    _settle_positions(session, live, season)
    candidates = [c for c in changes if c["entity"] == "candidate"]
    answers = [c for c in changes if c["entity"] == "answer"]
    for change in candidates:
        if change["after"] is not None:
            _write_candidate(session, live, change)
    session.flush()
    new_answers = []
    for change in answers:
        existing = live.answers.get(_answer_key(change))
        if change["after"] is None:
            session.delete(existing)
        elif existing is None:
            candidate = live.candidates[change["key"][0]]
            new_answers.append({"explanation": "", "choice": None, "received_on": None,
                                **_answer_values(change["after"]),
                                "candidate_id": candidate.id,
                                "question_id": int(change["key"][1])})
        else:
            for name, value in _answer_values(change["after"]).items():
                setattr(existing, name, value)
    _insert_answers(session, live, new_answers)
    for change in (c for c in changes if c["entity"] == "contact"):
        contact = live.contacts.get(change["key"])
        if change["after"] is None:
            if contact is not None:
                session.delete(contact)
        elif contact is None:
            session.add(CandidateContact(candidate_id=live.candidates[change["key"]].id,
                                         **change["after"]))
        else:
            for name, value in change["after"].items():
                setattr(contact, name, value)
    for change in candidates:
        if change["after"] is None:
            # SQLite enforces no ON DELETE CASCADE here: remove the staff-only row ourselves.
            candidate = live.candidates[change["key"]]
            contact = live.contacts.get(change["key"])
            if contact is not None:
                session.delete(contact)
            session.delete(candidate)
    session.flush()
    for change in reversed(season):
        if change["after"] is None:
            record = live.record(change)
            if isinstance(record, Race) and record.candidates:
                raise ChangeConflict([f"{change.get('label') or change['key']}: it has "
                                      "candidates now; remove them first."])
            parent = {ElectionStage: ("election", "stages"), Race: ("election", "races"),
                      Question: ("questionnaire", "all_questions")}.get(type(record))
            owner = getattr(record, parent[0]) if parent else None
            if isinstance(record, Election):  # the history stays, naming it by its slug
                session.execute(update(ChangeSet).where(ChangeSet.election_id == record.id)
                                .values(election_id=None))
            session.delete(record)
            session.flush()
            if owner is not None:  # its parent's list no longer holds it
                session.expire(owner, [parent[1]])

    apply_profile_changes(session, live.profiles, changes)


def _insert_answers(session: Session, live: _Live, rows: list[dict]) -> None:
    """Add new answers in a few multi-row INSERTs, not one ORM object each: a large import
    adds tens of thousands, and the publication holds the write lock while it does (flushes).
    The candidates they belong to forget their loaded answers, so a page rendered next reads
    them."""
    if not rows:
        return
    session.flush()
    session.execute(insert(Answer), rows)
    owners = {row["candidate_id"] for row in rows}
    for candidate in live.candidates.values():
        if candidate.id in owners:
            session.expire(candidate, ["answers"])


def _write_season(session: Session, live: _Live, change: dict) -> None:
    """Create or update one record of the season (an election, a stage, a questionnaire,
    a question, a race)."""
    entity, key, values = change["entity"], change["key"], dict(change["after"])
    record = live.record(change)
    if record is None:
        if entity == "election":
            record = Election(slug=key)
        elif entity == "questionnaire":
            record = Questionnaire(slug=key)
        elif entity == "stage":
            record = ElectionStage(election=_by_slug(session, Election, key[0]),
                                   position=int(key[1]))
        elif entity == "question":
            questionnaire = _by_slug(session, Questionnaire, key[0])
            record = Question(questionnaire=questionnaire, code=key[1],
                              position=10_000 + len(questionnaire.all_questions))
        else:
            record = Race(election=_by_slug(session, Election, key[0]), district_id=key[1],
                          office=key[2])
        session.add(record)
        live.season[(entity, str(key))] = record
    for name, value in values.items():
        if name in ("date", "sent_on", "reminder_on", "deadline"):
            value = dt.date.fromisoformat(value) if value else None
        elif name == "kind":
            value = QuestionKind(value)
        elif name == "status":
            value = RaceStatus(value)
        elif name == "questionnaire":
            record.questionnaire = _by_slug(session, Questionnaire, value) if value else None
            continue
        elif name == "stage":
            record.stage = session.scalar(select(ElectionStage).where(
                ElectionStage.election_id == record.election.id,
                ElectionStage.position == int(value))) if value else None
            continue
        elif name == "position":
            record.wanted_position = int(value)  # set once every question is in place
            continue
        elif entity in TRANSLATED and _set_translation(record, name, value):
            continue
        setattr(record, name, value)
    if entity == "questionnaire" and "deadline" in values and record.id is not None:
        session.flush()
        follow_deadline(session, record)  # the candidates' private links expire with it


def _settle_positions(session: Session, live: _Live, season: list[dict]) -> None:
    """Move questions to their new places in two steps, so that a swap never meets the
    one-question-per-place rule half way."""
    moving = [record for record in live.season.values()
              if isinstance(record, Question) and getattr(record, "wanted_position", None)]
    if not moving:
        return
    for record in moving:
        record.position = 20_000 + record.wanted_position
    session.flush()
    for record in moving:
        record.position = record.wanted_position
        del record.wanted_position
    session.flush()


def _by_slug(session: Session, model, slug: str):
    """A record by slug (one written earlier in the same change set, too)."""
    return session.scalar(select(model).where(model.slug == slug))


def _answer_values(fields: dict) -> dict:
    """Answer fields as model values."""
    values = dict(fields)
    if "received_on" in values:
        values["received_on"] = (dt.date.fromisoformat(values["received_on"])
                                 if values["received_on"] else None)
    return values


def _write_candidate(session: Session, live: _Live, change: dict) -> None:
    """Create or update one candidate."""
    candidate = live.candidates.get(change["key"])
    values = dict(change["after"])
    race_spec = values.pop("race", None)
    if candidate is None:
        candidate = Candidate(slug=change["key"], race=live.race(race_spec))
        session.add(candidate)
        live.candidates[candidate.slug] = candidate
    for name, value in values.items():
        if name == "response_status":
            value = ResponseStatus(value)
        elif name == "elected_at_stage":
            candidate.elected_at_stage = _stage_of(candidate, value, change)
            continue
        setattr(candidate, name, value)


def _stage_of(candidate: Candidate, position: int | None, change: dict) -> ElectionStage | None:
    """The voting day of the candidate's election at a position (None for none); a change
    naming a day the election does not have is refused."""
    if position is None:
        return None
    for stage in candidate.race.election.stages:
        if stage.position == int(position):
            return stage
    raise ChangeConflict([f"{change.get('label') or change['key']}: the election has no "
                          f"voting day {position}."])


def touched_pages(session: Session, changes: list[dict]) -> tuple[list[str], list[str]]:
    """The district slugs and candidate slugs whose public pages a change set alters."""
    slugs = sorted({c["key"] if c["entity"] == "candidate" else c["key"][0] for c in changes
                    if c["entity"] in ("candidate", "answer")})
    districts = touched_districts(changes)
    for change in changes:
        race = (change["after"] or {}).get("race")
        if race:
            districts.add(race["district"])
    for start in range(0, len(slugs), 500):
        districts |= set(session.scalars(select(Race.district_id).join(Candidate).where(
            Candidate.slug.in_(slugs[start:start + 500]))))
    district_slugs = sorted(session.scalars(select(District.slug).where(
        District.id.in_(sorted(districts))))) if districts else []
    return district_slugs, slugs



class RollbackPlan:
    """What rolling back a change set would do: ``changes`` undo what is still its own;
    ``left`` names each record a later change set changed again, which stays as it is now.

    Each item of ``left`` is {"entity", "key", "label", "fields": [...], "why": "...",
    "users": [[entity, key], ...]}: ``users`` are the records that keep it (a race's
    candidates, a question's answers), which later change sets may have written instead."""

    def __init__(self, changes: list[dict], left: list[dict]):
        self.changes, self.left = changes, left


def plan_rollback(session: Session, changes: list[dict]) -> RollbackPlan:
    """Undo ``changes`` where the live rows still hold what they wrote; leave the rest.

    A field a later change set wrote again is left as it is now (rolling it back would
    throw that later work away); a record made by ``changes`` is removed only if nothing
    wrote to it since, and a candidate only if every answer it holds goes with it."""
    live = _Live(session, changes)
    undo: list[dict] = []
    left: list[dict] = []

    def leave(change: dict, why: str, fields: list[str] | None = None,
              users: list[tuple[str, object]] = ()) -> None:
        left.append({"entity": change["entity"], "key": change["key"],
                     "label": change.get("label") or str(change["key"]),
                     "fields": fields or [], "why": why,
                     "users": [[entity, key] for entity, key in users]})

    for change in reversed(list(changes)):
        current = live.current(change)
        before, after = change["before"], change["after"]
        if after is None:  # it removed a record: put it back unless one is there again
            if current is None:
                undo.append({**change, "before": None, "after": before})
            else:
                leave(change, "it was added again since")
            continue
        if current is None:
            leave(change, "it was removed since")
            continue
        own = [k for k, v in after.items() if k != "race" and current.get(k) == v]
        changed = [k for k in after if k != "race" and k not in own]
        if before is None:  # it made a record: remove it only if still exactly as made
            if changed:
                leave(change, "it was changed since", changed)
            else:
                undo.append({**change, "before": {k: v for k, v in after.items()
                                                  if k != "race"}, "after": None})
            continue
        if own:
            undo.append({**change, "before": {k: after[k] for k in own},
                         "after": {k: before[k] for k in own}})
        if changed:
            leave(change, "it was changed since", changed)
    # A candidate goes only with all of its answers: otherwise later answers would be lost.
    removed_answers = {tuple(_answer_key(c)) for c in undo
                       if c["entity"] == "answer" and c["after"] is None}
    for change in [c for c in undo if c["entity"] == "candidate" and c["after"] is None]:
        candidate = live.candidates[change["key"]]
        kept = [a for a in candidate.answers if (candidate.slug, a.question_id)
                not in removed_answers]
        if kept:
            undo.remove(change)
            undo[:] = [c for c in undo if not (c["entity"] == "contact"
                                               and c["key"] == change["key"])]
            leave(change, f"it still has {len(kept)} answer{'s' * (len(kept) != 1)} "
                  "written since", users=[("answer", [candidate.slug, a.question_id])
                                          for a in kept])
    _keep_what_others_use(live, undo, leave)
    return RollbackPlan(undo, left)


def _keep_what_others_use(live: _Live, undo: list[dict], leave) -> None:
    """Leave a season record a rollback would remove while something it does not remove
    still uses it: a race with candidates, a question with answers, an election with races,
    a voting day with races or candidates elected on it, a questionnaire with questions or
    races."""
    removed = {(c["entity"], str(c["key"])) for c in undo if c["after"] is None}
    changed = True
    while changed:  # leaving one record can mean leaving its parent too
        changed = False
        for change in [c for c in undo if c["after"] is None and c["entity"] in SEASON_FIELDS]:
            record = live.record(change)
            if change["entity"] == "stage" and ("election", str(change["key"][0])) \
                    not in removed:  # a voting day goes only with its election
                undo.remove(change)
                removed.discard((change["entity"], str(change["key"])))
                leave(change, "its election stays")
                changed = True
                continue
            users = _users_of(live.session, record)
            kept = [u for u in users if (u[0], str(u[1])) not in removed]
            if kept:
                undo.remove(change)
                removed.discard((change["entity"], str(change["key"])))
                leave(change, f"{_used_by_words(kept)} still use{'s' * (len(kept) == 1)} it",
                      users=kept)
                changed = True


def _users_of(session: Session, record) -> list[tuple[str, object]]:
    """The records that use a season record, as (entity, key)."""
    if isinstance(record, Race):
        return [("candidate", c.slug) for c in record.candidates]
    if isinstance(record, Question):
        return [("answer", [slug, question_id]) for slug, question_id in session.execute(
            select(Candidate.slug, Answer.question_id).join(Answer.candidate)
            .where(Answer.question_id == record.id))]
    if isinstance(record, Election):
        return [("race", season_key(r)) for r in record.races] + \
            [("stage", season_key(s)) for s in record.stages]
    if isinstance(record, ElectionStage):  # a race held on it, a candidate elected on it
        return [("race", season_key(r)) for r in session.scalars(
            select(Race).where(Race.stage_id == record.id))] + \
            [("candidate", slug) for slug in session.scalars(
                select(Candidate.slug).where(Candidate.elected_at_stage_id == record.id))]
    if isinstance(record, Questionnaire):
        return [("question", season_key(q)) for q in record.all_questions] + \
            [("race", season_key(r)) for r in session.scalars(
                select(Race).where(Race.questionnaire_id == record.id))]
    return []


def _used_by_words(users: list[tuple[str, object]]) -> str:
    """"2 candidates", "1 answer"."""
    counts: dict[str, int] = {}
    for entity, _ in users:
        counts[entity] = counts.get(entity, 0) + 1
    return " and ".join(f"{n} {entity}{'s' * (n != 1)}" for entity, n in counts.items())


def same_record(change: dict, entity: str, key) -> bool:
    """Whether a change touches the record (entity, key)."""
    return change["entity"] == entity and change["key"] == key
