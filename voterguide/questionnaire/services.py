"""The online questionnaire's services: what a candidate sees and saves, word limits,
submission (a draft change set for staff to publish), refusal, return with a note, the
tracker's states and reminders. Every function flushes; the request or command commits.

What a question asks for (its choices, its word limit) is read in ``choices_for`` and
``word_limit`` only, so that richer question settings change these two functions alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Candidate,
    CandidateContact,
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    DraftAnswer,
    Election,
    Invitation,
    Question,
    QuestionKind,
    Questionnaire,
    Race,
    ResponseStatus,
)
from ..presenters import in_language
from ..serializers import answer_fields, candidate_fields
from ..timing import SN_
from .tokens import now

#: The most characters an explanation or a statement may have, whatever the word limit.
MAX_CHARACTERS = 20_000


class QuestionnaireRefused(ValueError):
    """Something a candidate or staff member asked for that cannot be done; says why."""


# -- what a question asks for ------------------------------------------------------------

def choices_for(question: Question) -> list[tuple[str, str]]:
    """The choices a question offers, as (value stored, label shown); none for text."""
    if question.kind is QuestionKind.YES_NO:  # stored in English, shown in the page's language
        return [("Yes", _("Yes")), ("No", _("No"))]
    if question.kind is QuestionKind.SCALE:
        low = in_language(question, "scale_low") or "1"
        high = in_language(question, "scale_high") or "5"
        return [(str(n), f"{n}" + (f" ({low})" if n == 1 else f" ({high})" if n == 5 else ""))
                for n in range(1, 6)]
    return []


def word_limit(question: Question) -> int:
    """The most words a candidate's explanation of this question may have: the question's
    own limit, set by staff, else QUESTIONNAIRE_WORD_LIMIT."""
    return int(question.word_limit or current_app.config["QUESTIONNAIRE_WORD_LIMIT"])


def words(text: str) -> int:
    """How many words a text has (as the page's counter counts them)."""
    return len(text.split())


# -- what the candidate sees -------------------------------------------------------------

@dataclass
class Field:
    """One question on the candidate's page: their current answer and any problem."""

    question: Question
    choices: list[tuple[str, str]]
    limit: int
    choice: str | None = None
    explanation: str = ""
    problem: str | None = None

    @property
    def words(self) -> int:
        """How many words the explanation has."""
        return words(self.explanation)

    @property
    def answered(self) -> bool:
        """Whether anything is filled in."""
        return bool(self.choice or self.explanation)


@dataclass
class Sheet:
    """Everything the candidate's page shows."""

    invitation: Invitation
    candidate: Candidate
    race: Race
    questionnaire: Questionnaire
    fields: list[Field]
    problems: list[str] = field(default_factory=list)

    @property
    def deadline(self) -> dt.date | None:
        """The last day answers are taken."""
        return self.questionnaire.deadline


def questionnaire_of(invitation: Invitation) -> Questionnaire:
    """The questionnaire an invitation is for (its candidate's race's); refused if none."""
    return questionnaire_of_candidate(invitation.candidate)


def questionnaire_of_candidate(candidate: Candidate) -> Questionnaire:
    """The questionnaire of a candidate's race; refused if the race has none."""
    if candidate.race.questionnaire is None:
        raise QuestionnaireRefused(f"{candidate.name}'s race has no questionnaire yet.")
    return candidate.race.questionnaire


def sheet(session: Session, invitation: Invitation) -> Sheet:
    """The candidate's page: their race's questions with their saved (else published)
    answers."""
    candidate = invitation.candidate
    questionnaire = questionnaire_of(invitation)
    saved = {d.question_id: d for d in session.scalars(
        select(DraftAnswer).where(DraftAnswer.candidate_id == candidate.id))}
    published = {a.question_id: a for a in candidate.answers}
    fields = []
    for question in questionnaire.questions:
        found = saved.get(question.id) or published.get(question.id)
        fields.append(Field(question, choices_for(question), word_limit(question),
                            found.choice if found else None,
                            found.explanation if found else ""))
    return Sheet(invitation, candidate, candidate.race, questionnaire, fields)


def saved_sheet(session: Session, invitation: Invitation) -> Sheet:
    """The candidate's page as saved, each answer checked as a submission would be."""
    current = sheet(session, invitation)
    values = {}
    for answer in current.fields:
        values[f"choice-{answer.question.id}"] = answer.choice or ""
        values[f"explanation-{answer.question.id}"] = answer.explanation
    return read_answers(current, values)


def mark_opened(invitation: Invitation) -> None:
    """Note when the candidate first opened the questionnaire."""
    if invitation.opened_at is None:
        invitation.opened_at = now()


def read_answers(current: Sheet, form) -> Sheet:
    """The answers a submitted form holds, checked; problems are kept on each field.

    A choice that is not one of the question's is a problem; so is an explanation over the
    word limit (kept as typed, so that nothing is lost: saving is allowed, submitting not).
    """
    for answer in current.fields:
        question = answer.question
        choice = (form.get(f"choice-{question.id}") or "").strip() or None
        explanation = (form.get(f"explanation-{question.id}") or "").replace("\r\n", "\n")
        explanation = explanation.strip()
        answer.problem = None
        if choice is not None and choice not in {value for value, _ in answer.choices}:
            answer.problem = _("Choose one of the answers offered.")
            choice = None
        if len(explanation) > MAX_CHARACTERS:
            answer.problem = _("This answer is longer than %(most)s characters; only the "
                              "first ones were kept.", most=f"{MAX_CHARACTERS:,}")
            explanation = explanation[:MAX_CHARACTERS]
        answer.choice, answer.explanation = choice, explanation
        if answer.problem is None and answer.words > answer.limit:
            answer.problem = _("This answer has %(words)s words; the limit is %(limit)s. "
                              "Shorten it before you submit.", words=answer.words,
                              limit=answer.limit)
    return current


def editable(invitation: Invitation) -> bool:
    """Whether answers may still change: the deadline has not passed."""
    questionnaire = invitation.candidate.race.questionnaire
    return questionnaire is not None and (questionnaire.deadline is None
                                          or now().date() <= questionnaire.deadline)


def _require_editable(invitation: Invitation) -> None:
    """Refuse a change after the deadline."""
    if not editable(invitation):
        raise QuestionnaireRefused(_("The deadline has passed: answers can no longer change."))


def save_draft(session: Session, current: Sheet) -> None:
    """Keep the candidate's answers as typed, for them alone, until they submit (flushes)."""
    _require_editable(current.invitation)
    saved = {d.question_id: d for d in session.scalars(
        select(DraftAnswer).where(DraftAnswer.candidate_id == current.candidate.id))}
    at = now()
    for answer in current.fields:
        row = saved.get(answer.question.id)
        if row is None:
            row = DraftAnswer(candidate_id=current.candidate.id, question_id=answer.question.id)
            session.add(row)
        row.choice, row.explanation, row.updated_at = answer.choice, answer.explanation, at
    current.invitation.draft_saved_at = at
    session.flush()


def save_draft_if_editable(session: Session, current: Sheet) -> None:
    """Keep what was typed when a submission is refused, so that nothing is lost."""
    if editable(current.invitation):
        save_draft(session, current)


def submit(session: Session, current: Sheet) -> ChangeSet | None:
    """Send the candidate's answers to staff: saved, then made a draft change set that an
    admin publishes (flushes). Refused, with the reasons on the fields, if any answer has a
    problem or none is given. Returns None when the answers match what is published."""
    problems = [a for a in current.fields if a.problem]
    if problems:
        raise QuestionnaireRefused(ngettext(
            "%(num)d answer must be fixed first (see below). Your answers are saved.",
            "%(num)d answers must be fixed first (see below). Your answers are saved.",
            len(problems)))
    if not any(a.answered for a in current.fields):
        raise QuestionnaireRefused(_("Answer at least one question before you submit, or "
                                     "decline below."))
    save_draft(session, current)
    candidate, today = current.candidate, now().date().isoformat()
    published = {a.question_id: a for a in candidate.answers}
    changes = _status_change(candidate, ResponseStatus.RESPONDED, "")
    for answer in current.fields:
        question, live = answer.question, published.get(answer.question.id)
        label = f"{candidate.name}: question {question.position} ({question.topic})"
        key = [candidate.slug, question.id]
        before = answer_fields(live) if live else None
        if not answer.answered:
            if before is not None:
                changes.append({"entity": "answer", "key": key, "label": label,
                                "before": before, "after": None})
            continue
        wanted = {"choice": answer.choice, "explanation": answer.explanation,
                  "received_on": today}
        if before is None:
            changes.append({"entity": "answer", "key": key, "label": label, "before": None,
                            "after": wanted})
        elif (before["choice"], before["explanation"]) != (answer.choice, answer.explanation):
            changes.append({"entity": "answer", "key": key, "label": label,
                            "before": before, "after": wanted})
    count = sum(a.answered for a in current.fields)
    return _hand_to_staff(session, current.invitation, changes,
                          f"{candidate.name} answered {count} of {len(current.fields)} "
                          "questions online", submitted=True)


def _status_change(candidate: Candidate, status: ResponseStatus, statement: str) -> list[dict]:
    """The change of a candidate's questionnaire status and statement, if any."""
    live = candidate_fields(candidate)
    wanted = {"response_status": status.value, "statement": statement}
    changed = [k for k, v in wanted.items() if live.get(k) != v]
    if not changed:
        return []
    return [{"entity": "candidate", "key": candidate.slug, "label": f"{candidate.name} "
             "(questionnaire status)", "before": {k: live.get(k) for k in changed},
             "after": {k: wanted[k] for k in changed}}]


def _hand_to_staff(session: Session, invitation: Invitation, changes: list[dict], summary: str,
                   *, submitted: bool) -> ChangeSet | None:
    """Replace the candidate's earlier unpublished change set with a new draft (flushes)."""
    earlier = invitation.change_set
    if earlier is not None and earlier.status in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
        earlier.status = ChangeSetStatus.DISCARDED
    at = now()
    change_set = None
    if changes:
        change_set = ChangeSet(kind=ChangeSetKind.QUESTIONNAIRE, status=ChangeSetStatus.DRAFT,
                               election=invitation.candidate.race.election, changes=changes,
                               problems=[], summary=summary, created_at=at, decisions={},
                               reading={})
        session.add(change_set)
    invitation.change_set = change_set
    if submitted:
        invitation.submitted_at, invitation.declined_at = at, None
    else:
        invitation.declined_at, invitation.submitted_at = at, None
    invitation.returned_at, invitation.return_note = None, ""
    session.flush()
    return change_set


def decline(session: Session, invitation: Invitation, statement: str) -> ChangeSet | None:
    """The candidate declines to answer, with an optional statement shown as theirs
    (flushes): a draft change set like a submission."""
    _require_editable(invitation)
    statement = (statement or "").replace("\r\n", "\n").strip()
    limit = int(current_app.config["QUESTIONNAIRE_WORD_LIMIT"])
    if len(statement) > MAX_CHARACTERS or words(statement) > limit:
        raise QuestionnaireRefused(_("The statement has %(words)s words; the limit is "
                                     "%(limit)s.", words=words(statement), limit=limit))
    invitation.decline_statement = statement
    candidate = invitation.candidate
    changes = _status_change(candidate, ResponseStatus.DECLINED, statement)
    return _hand_to_staff(session, invitation, changes, f"{candidate.name} declined the "
                          "questionnaire online" + (", with a statement" if statement else ""),
                          submitted=False)


def return_to_candidate(session: Session, invitation: Invitation, note: str) -> None:
    """Staff send a submission back with a note (flushes): its draft change set is dropped,
    the candidate's answers stay as they wrote them, and they may submit again."""
    note = (note or "").replace("\r\n", "\n").strip()
    if not note:
        raise QuestionnaireRefused("Write a note saying what the candidate should look at.")
    if len(note) > 5000:
        raise QuestionnaireRefused("The note is longer than 5,000 characters.")
    if invitation.submitted_at is None and invitation.declined_at is None:
        raise QuestionnaireRefused("There is nothing to return: the candidate has not "
                                   "submitted.")
    change_set = invitation.change_set
    if change_set is not None and change_set.status is ChangeSetStatus.PUBLISHED:
        raise QuestionnaireRefused("These answers are already published. Roll back the change "
                                   "set first if they should not be public.")
    if change_set is not None and change_set.status is ChangeSetStatus.DRAFT:
        change_set.status = ChangeSetStatus.DISCARDED
    invitation.change_set = None
    invitation.submitted_at = invitation.declined_at = None
    invitation.returned_at, invitation.return_note = now(), note
    session.flush()


# -- the tracker -------------------------------------------------------------------------

#: The tracker's states, from the furthest along.
STATE_WORDS = {
    "rolled_back": SN_("Published, then rolled back"),
    "published": SN_("Published"),
    "set_aside": SN_("Submission discarded by staff"),
    "submitted": SN_("Submitted, waiting to be published"),
    "declined": SN_("Declined"),
    "returned": SN_("Returned to the candidate"),
    "draft": SN_("Draft saved"),
    "opened": SN_("Opened"),
    "invited": SN_("Invited"),
    "revoked": SN_("Invitation withdrawn"),
    "expired": SN_("Invitation expired"),
    "not_invited": SN_("Not invited yet"),
}


@dataclass
class TrackedCandidate:
    """One candidate's row of the tracker."""

    candidate: Candidate
    invitation: Invitation | None
    contact: CandidateContact | None
    rolled_back: bool = False

    @property
    def state(self) -> str:
        """Where the candidate is, as a key of STATE_WORDS."""
        invitation = self.invitation
        if invitation is None:
            return "not_invited"
        change_set = invitation.change_set
        answered = invitation.submitted_at or invitation.declined_at
        if change_set is not None and change_set.status is ChangeSetStatus.PUBLISHED:
            return "rolled_back" if self.rolled_back else "published"
        if answered and change_set is None:
            return "published"  # what they sent is what the guide already says
        if answered and change_set.status is ChangeSetStatus.DISCARDED:
            return "set_aside"
        if invitation.declined_at:
            return "declined"
        if invitation.submitted_at:
            return "submitted"
        if invitation.revoked_at:
            return "revoked"
        if invitation.expires_at <= now():
            return "expired"
        for state, at in (("returned", invitation.returned_at),
                          ("draft", invitation.draft_saved_at),
                          ("opened", invitation.opened_at)):
            if at:
                return state
        return "invited"

    @property
    def steps(self) -> list[tuple[str, dt.datetime]]:
        """Each step the candidate took, with when."""
        invitation = self.invitation
        if invitation is None:
            return []
        change_set = invitation.change_set
        found = [("Invited" + (" by email" if invitation.sent_by == "email" else
                               " by letter" if invitation.sent_by == "letter" else ""),
                  invitation.sent_at or invitation.created_at),
                 ("Opened", invitation.opened_at), ("Draft saved", invitation.draft_saved_at),
                 ("Submitted", invitation.submitted_at), ("Declined", invitation.declined_at),
                 ("Returned", invitation.returned_at),
                 ("Reminded", invitation.last_reminded_at),
                 ("Published", change_set.published_at if change_set is not None and
                  change_set.status is ChangeSetStatus.PUBLISHED else None),
                 ("Withdrawn", invitation.revoked_at)]
        return [(label, at) for label, at in found if at]


@dataclass
class TrackedRace:
    """A race's rows of the tracker."""

    race: Race
    rows: list[TrackedCandidate]


def tracker(session: Session, election: Election) -> list[TrackedRace]:
    """Every race of an election and where each candidate is with the questionnaire."""
    races = list(session.scalars(select(Race).where(Race.election_id == election.id)
                                 .options(selectinload(Race.candidates))))
    races.sort(key=lambda r: r.district.name)
    ids = [c.id for r in races for c in r.candidates]
    latest: dict[int, Invitation] = {}
    contacts: dict[int, CandidateContact] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for invitation in session.scalars(select(Invitation).where(
                Invitation.candidate_id.in_(chunk)).order_by(Invitation.id)):
            latest[invitation.candidate_id] = invitation
        for contact in session.scalars(select(CandidateContact).where(
                CandidateContact.candidate_id.in_(chunk))):
            contacts[contact.candidate_id] = contact
    published = [i.change_set_id for i in latest.values() if i.change_set_id is not None]
    rolled_back = set()
    for start in range(0, len(published), 500):
        rolled_back |= set(session.scalars(select(ChangeSet.rolls_back_id).where(
            ChangeSet.rolls_back_id.in_(published[start:start + 500]),
            ChangeSet.status == ChangeSetStatus.PUBLISHED)))

    def row(candidate: Candidate) -> TrackedCandidate:
        invitation = latest.get(candidate.id)
        return TrackedCandidate(candidate, invitation, contacts.get(candidate.id),
                                invitation is not None and invitation.change_set_id in rolled_back)

    return [TrackedRace(race, [row(c) for c in race.candidates]) for race in races]


# -- reminders ---------------------------------------------------------------------------

def why_not_remind(invitation: Invitation | None) -> str | None:
    """Why a reminder cannot go to this invitation's candidate now, or None if it can."""
    cap = int(current_app.config["QUESTIONNAIRE_MAX_REMINDERS"])
    if invitation is None or invitation.revoked_at is not None:
        return "has no working invitation"
    if invitation.expires_at <= now() or not editable(invitation):
        return "is past the deadline"
    if invitation.submitted_at or invitation.declined_at:
        return "has already answered"
    if invitation.reminders_sent >= cap:
        return f"has had {cap} reminder{'s' * (cap != 1)}, the most we send"
    return None


def reminder_point(deadline: dt.date, today: dt.date) -> dt.date | None:
    """The latest scheduled reminder day (QUESTIONNAIRE_REMINDER_DAYS before the deadline)
    that has come, or None."""
    days = [int(d) for d in current_app.config["QUESTIONNAIRE_REMINDER_DAYS"].split(",") if d]
    points = [deadline - dt.timedelta(days=d) for d in days]
    came = [p for p in points if p <= today <= deadline]
    return max(came) if came else None


def due_reminders(session: Session, today: dt.date) -> list[Invitation]:
    """The working invitations whose candidates are due a scheduled reminder today: a
    reminder day has come since their last reminder, and they are under the cap."""
    due = []
    for invitation in session.scalars(select(Invitation).where(
            Invitation.revoked_at.is_(None), Invitation.submitted_at.is_(None),
            Invitation.declined_at.is_(None), Invitation.expires_at > now())
            .order_by(Invitation.id)):
        questionnaire = invitation.candidate.race.questionnaire
        if questionnaire is None or questionnaire.deadline is None:
            continue
        point = reminder_point(questionnaire.deadline, today)
        if point is None or why_not_remind(invitation) is not None:
            continue
        last = invitation.last_reminded_at
        if last is None or last.date() < point:
            due.append(invitation)
    return due


def count_reminder(invitation: Invitation) -> None:
    """Note a reminder that went out."""
    invitation.reminders_sent += 1
    invitation.last_reminded_at = now()


def follow_deadline(session: Session, questionnaire: Questionnaire) -> None:
    """Move the expiry of the questionnaire's working invitations to its deadline (flushes)."""
    from .tokens import expiry

    for invitation in session.scalars(select(Invitation).join(Invitation.candidate)
                                      .join(Candidate.race).where(
            Race.questionnaire_id == questionnaire.id, Invitation.revoked_at.is_(None))):
        invitation.expires_at = expiry(invitation.candidate)
    session.flush()


def contact_of(session: Session, candidate: Candidate) -> CandidateContact | None:
    """The candidate's staff-only contact row."""
    return session.get(CandidateContact, candidate.id)


def save_contact(session: Session, candidate: Candidate, email: str | None,
                 postal_address: str | None) -> CandidateContact:
    """Keep how staff reach a candidate (flushes): staff-only, never published."""
    contact = session.get(CandidateContact, candidate.id)
    if contact is None:
        contact = CandidateContact(candidate_id=candidate.id)
        session.add(contact)
    contact.email, contact.postal_address = email, postal_address
    session.flush()
    return contact


__all__ = ["QuestionnaireRefused", "choices_for", "word_limit", "sheet", "read_answers",
           "save_draft", "submit", "decline", "return_to_candidate", "tracker",
           "due_reminders", "why_not_remind", "count_reminder", "follow_deadline"]
