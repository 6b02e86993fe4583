"""Importing a questionnaire spreadsheet: match its columns, clean every cell, and compute
the changes it would make to the published guide, with every problem named by row and column.

Two shapes: *wide* (one row per candidate, one column per question, as Google Forms,
SurveyMonkey and Typeform export) and *long* (one row per candidate and question). Nothing is
written here: the result is a list of changes for a ChangeSet (see changes.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Candidate,
    ColumnPairing,
    District,
    Election,
    Question,
    QuestionKind,
    Questionnaire,
    Race,
    ResponseStatus,
)
from . import cleaners
from .changes import answer_fields, candidate_fields, field_diff
from .cleaners import CleanError, normalise
from .reading import Table, column_letter

#: Header spellings of the candidate detail columns, normalised.
DETAIL_COLUMNS = {
    "name": {"name", "candidate", "candidate name", "full name", "your name", "candidate_name"},
    "district": {"district", "circuit", "judicial circuit", "district id", "district slug",
                 "division", "prosecutorial district"},
    "party": {"party", "political party", "party affiliation"},
    "incumbent": {"incumbent", "incumbent?", "is incumbent"},
    "website": {"website", "web site", "campaign website", "url", "website url"},
    "photo_url": {"photo", "photo url", "photo_url", "picture", "headshot", "image url"},
    "bio": {"bio", "biography", "about", "about the candidate"},
    "status": {"status", "questionnaire status", "response status", "response"},
    "received_on": {"received", "received on", "date received", "timestamp", "submitted",
                    "submitted at", "date"},
}
#: Long shape: the question, answer and explanation columns.
LONG_COLUMNS = {
    "question": {"question", "question text", "question number", "question id"},
    "answer": {"answer", "choice", "response value", "answer choice"},
    "explanation": {"explanation", "comment", "comments", "explain", "answer text"},
}
#: Columns survey tools add that the guide does not use: reported as ignored, quietly.
KNOWN_EXTRAS = {"email", "email address", "respondent id", "collector id", "ip address",
                "start date", "end date", "network id", "submit date (utc)", "response id"}
#: How a wide file marks a question's explanation column: "<question> — explanation".
EXPLANATION_SUFFIX = re.compile(
    r"^(?P<question>.+?)\s*(?:-{1,2}|:|\(|\[)?\s*(?:explanation|explain|comments?|why)\s*[)\]]?$")


@dataclass
class Problem:
    """Something wrong with the file: where (row, column) and why; blocking stops the import."""

    row: int | None
    column: str | None
    message: str
    blocking: bool = True

    def as_dict(self) -> dict:
        """A JSON-ready copy."""
        return {"row": self.row, "column": self.column, "message": self.message,
                "blocking": self.blocking}


@dataclass
class ImportResult:
    """What an import would change, what it would leave, and what is wrong with it."""

    shape: str
    changes: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    unpaired: list[str] = field(default_factory=list)  # wide headers matching no question

    @property
    def blocking(self) -> bool:
        """Whether any problem stops the import."""
        return any(p.blocking for p in self.problems)

    def summary(self) -> str:
        """One line: new candidates, changed candidates and answers, unchanged answers."""
        new = sum(c["entity"] == "candidate" and c["before"] is None for c in self.changes)
        edited = sum(c["entity"] == "candidate" and c["before"] is not None
                     for c in self.changes)
        answers = sum(c["entity"] == "answer" for c in self.changes)
        return (f"{new} new candidate{'s' * (new != 1)}, {edited} candidate detail change"
                f"{'s' * (edited != 1)}, {answers} answer change{'s' * (answers != 1)}, "
                f"{self.unchanged} answer{'s' * (self.unchanged != 1)} unchanged")


class ImportContext:
    """The election, questionnaire, districts, candidates and pairings an import matches."""

    def __init__(self, session: Session, election: Election):
        self.session, self.election = session, election
        races = list(session.scalars(select(Race).where(Race.election_id == election.id)
                                     .options(selectinload(Race.candidates)
                                              .selectinload(Candidate.answers))))
        self.races = races
        counts = Counter(r.questionnaire_id for r in races if r.questionnaire_id)
        self.questionnaire = (session.get(Questionnaire, counts.most_common(1)[0][0])
                              if counts else None)
        self.questions: list[Question] = list(self.questionnaire.questions) \
            if self.questionnaire else []
        self.districts: dict[str, District] = {}
        for district in session.scalars(select(District).where(
                District.state_code == election.state_code)):
            for key in (district.id, district.slug, district.name,
                        district.name.replace(" (", " ").rstrip(")")):
                self.districts[normalise(key)] = district
        self.candidates = {(r.district_id, normalise(c.name)): c
                           for r in races for c in r.candidates}
        self.slugs = set(session.scalars(select(Candidate.slug)))
        self.pairings: dict[str, int | None] = {}
        if self.questionnaire:
            self.pairings = {p.header: p.question_id for p in session.scalars(
                select(ColumnPairing).where(
                    ColumnPairing.questionnaire_id == self.questionnaire.id))}

    def question_for(self, header: str) -> Question | None | bool:
        """The question a header or long-shape cell names; False if staff chose to ignore it."""
        key = normalise(header)
        if key in self.pairings:
            pair = self.pairings[key]
            return False if pair is None else next(
                (q for q in self.questions if q.id == pair), None)
        number = re.match(r"^(?:q|question)?\s*(\d+)$", key)
        for question in self.questions:
            text, topic = normalise(question.text), normalise(question.topic)
            if key in (text, topic, f"{question.position} {topic}", f"{question.position}. "
                       f"{topic}", f"q{question.position} {topic}") or \
                    (number and int(number.group(1)) == question.position) or \
                    re.sub(r"^(q?\d+[.):]?\s+)", "", key) in (text, topic):
                return question
        return None

    def district_for(self, value: str) -> District:
        """The district a cell names by slug, division id or name."""
        district = self.districts.get(normalise(value))
        if district is None:
            if not value.strip():
                raise CleanError("The district is empty.")
            raise CleanError(f"“{value[:80]}” is not a district of {self.election.state.name}"
                             " (use its slug, e.g. al-circuit-6, its division id or its name).")
        return district

    def new_slug(self, district: District, name: str) -> str:
        """A unique URL slug for a new candidate."""
        base = f"{district.slug}-" + (re.sub(r"[^a-z0-9]+", "-", normalise(name)).strip("-")
                                      or "candidate")
        slug, n = base[:140], 2
        while slug in self.slugs:
            slug, n = f"{base[:136]}-{n}", n + 1
        self.slugs.add(slug)
        return slug


@dataclass
class Cell:
    """A cell's text and where it is."""

    text: str
    row: int
    column: str


@dataclass
class CandidateRows:
    """One candidate's details and answers as read from the file, before comparison."""

    row: int
    district: District
    name: str
    details: dict = field(default_factory=dict)
    answers: dict[int, dict] = field(default_factory=dict)  # question id -> answer fields
    answered_questions: set[int] = field(default_factory=set)  # question ids the file covers


def run_import(session: Session, election: Election, table: Table, shape: str | None = None,
               delete_missing: bool = False) -> ImportResult:
    """Check a table against an election and compute the changes it would make."""
    context = ImportContext(session, election)
    headers = [normalise(h) for h in table.headers]
    shape = shape or ("long" if "question" in headers and
                      any(h in LONG_COLUMNS["answer"] for h in headers) else "wide")
    result = ImportResult(shape)
    for note in table.notes:
        result.problems.append(Problem(None, None, note, blocking=False))
    if context.questionnaire is None:
        result.problems.append(Problem(None, None, f"The election “{election.name}” has no "
                                       "questionnaire yet, so answers cannot be matched."))
        return result
    seen = Counter(headers)
    for index, header in enumerate(headers):
        if header and seen[header] > 1:
            result.problems.append(Problem(1, _where(table, index), "This header appears more "
                                           "than once; rename one of the columns."))
    reader = _read_long if shape == "long" else _read_wide
    people = reader(context, table, result)
    if not result.blocking:
        _compare(context, people, result, delete_missing)
    result.problems.sort(key=lambda p: (not p.blocking, p.row or 0))
    return result


def _where(table: Table, index: int) -> str:
    """A column as a person finds it: its letter and header."""
    header = table.headers[index] if index < len(table.headers) else ""
    return f"{column_letter(index)} ({header})" if header else column_letter(index)


def _detail_columns(table: Table, extra: dict[str, set[str]] | None = None) -> dict[str, int]:
    """Which column holds each candidate detail (and long-shape column), by header."""
    found: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = normalise(header)
        for name, spellings in {**DETAIL_COLUMNS, **(extra or {})}.items():
            if key in spellings and name not in found:
                found[name] = index
    return found


def _missing_required(table: Table, columns: dict[str, int], required: list[str],
                      result: ImportResult) -> bool:
    """Report required columns the file lacks; True if any is missing."""
    missing = [name for name in required if name not in columns]
    for name in missing:
        spellings = {**DETAIL_COLUMNS, **LONG_COLUMNS}[name]
        result.problems.append(Problem(1, None, f"The file has no “{name}” column (a header "
                                       f"such as {', '.join(sorted(spellings)[:3])})."))
    return bool(missing)


def _read_wide(context: ImportContext, table: Table, result: ImportResult) -> list:
    """Read a wide table: details columns, one column per question, optional explanations."""
    columns = _detail_columns(table)
    question_columns: dict[int, Question] = {}
    explanation_columns: dict[int, Question] = {}
    used = set(columns.values())
    for index, header in enumerate(table.headers):
        if index in used or not header:
            continue
        question = context.question_for(header)
        if question is False:
            continue
        if question:
            question_columns[index] = question
            continue
        suffix = EXPLANATION_SUFFIX.match(normalise(header))
        question = context.question_for(suffix.group("question")) if suffix else None
        if question:
            explanation_columns[index] = question
        elif normalise(header) in KNOWN_EXTRAS:
            result.problems.append(Problem(None, _where(table, index), "Not used by the guide; "
                                           "ignored.", blocking=False))
        else:
            result.unpaired.append(header)
            result.problems.append(Problem(None, _where(table, index), "Matches no question of "
                                           f"the {context.questionnaire.title} and no candidate "
                                           "detail; ignored. Pair it with a question on the "
                                           "import page if it is one.", blocking=False))
    for label, found in (("question", question_columns), ("explanation", explanation_columns)):
        clashes = Counter(q.id for q in found.values())
        for index, question in found.items():
            if clashes[question.id] > 1:
                result.problems.append(Problem(1, _where(table, index), f"More than one {label} "
                                               f"column matches question {question.position}."))
    if _missing_required(table, columns, ["name", "district"], result):
        return []
    if not question_columns:
        result.problems.append(Problem(1, None, "No column matches a question of the "
                                       f"{context.questionnaire.title}. Pair the columns with "
                                       "questions below, or check it is the right file."))
    people = []
    for number, row in table.rows:
        person = _read_person(context, table, columns, number, row, result)
        if person is None:
            continue
        for index, question in question_columns.items():
            explanation_index = next((i for i, q in explanation_columns.items()
                                      if q.id == question.id), None)
            explanation = row[explanation_index] if explanation_index is not None else ""
            _read_answer(person, question, Cell(row[index], number, _where(table, index)),
                         Cell(explanation, number, _where(table, explanation_index)
                              if explanation_index is not None else ""), result)
        people.append(person)
    return people


def _read_person(context: ImportContext, table: Table, columns: dict[str, int], number: int,
                 row: list[str], result: ImportResult) -> CandidateRows | None:
    """A row's candidate details, cleaned; None if the name or district is unusable."""
    cleaned, ok = {}, True
    for name, index in columns.items():
        cleaner = {"name": cleaners.clean_name, "district": context.district_for,
                   "party": cleaners.clean_party, "incumbent": cleaners.clean_incumbent,
                   "website": cleaners.clean_url, "photo_url": cleaners.clean_url,
                   "bio": cleaners.clean_bio, "status": cleaners.clean_status,
                   "received_on": cleaners.clean_date}.get(name)
        if cleaner is None:
            continue
        try:
            cleaned[name] = cleaner(row[index])
        except CleanError as error:
            result.problems.append(Problem(number, _where(table, index), str(error)))
            ok = ok and name not in ("name", "district")
    if not ok or "name" not in cleaned or "district" not in cleaned:
        return None
    return CandidateRows(number, cleaned.pop("district"), cleaned.pop("name"), cleaned)


def _read_answer(person: CandidateRows, question: Question, choice: Cell, explanation: Cell,
                 result: ImportResult) -> None:
    """Clean one answer (choice and explanation) into the candidate's answers."""
    person.answered_questions.add(question.id)
    try:
        if question.kind is QuestionKind.TEXT:
            chosen = None
            words = "\n\n".join(t for t in (cleaners.clean_explanation(choice.text),
                                            cleaners.clean_explanation(explanation.text)) if t)
        else:
            chosen = cleaners.clean_choice(choice.text, question.kind, question.scale_low,
                                           question.scale_high)
            words = cleaners.clean_explanation(explanation.text)
    except CleanError as error:
        result.problems.append(Problem(choice.row, choice.column, f"Question "
                                       f"{question.position}: {error}"))
        return
    if chosen is None and not words:
        return
    received = person.details.get("received_on")
    person.answers[question.id] = {"choice": chosen, "explanation": words,
                                   "received_on": received.isoformat() if received else None}


def _read_long(context: ImportContext, table: Table, result: ImportResult) -> list:
    """Read a long table: one row per candidate and question."""
    columns = _detail_columns(table, LONG_COLUMNS)
    if _missing_required(table, columns, ["name", "district", "question", "answer"], result):
        return []
    people: dict[tuple[str, str], CandidateRows] = {}
    answered: dict[tuple[str, str, int], int] = {}
    for number, row in table.rows:
        person = _read_person(context, table, columns, number, row, result)
        if person is None:
            continue
        key = (person.district.id, normalise(person.name))
        known = people.setdefault(key, person)
        for name, value in person.details.items():
            if value is not None and known.details.get(name) in (None, ""):
                known.details[name] = value
        where = _where(table, columns["question"])
        question = context.question_for(row[columns["question"]])
        if not question:
            result.problems.append(Problem(number, where, f"“{row[columns['question']][:80]}” "
                                           f"is not a question of the "
                                           f"{context.questionnaire.title}."))
            continue
        if (*key, question.id) in answered:
            result.problems.append(Problem(number, where, f"{person.name} already answered "
                                           f"question {question.position} in row "
                                           f"{answered[(*key, question.id)]}."))
            continue
        answered[(*key, question.id)] = number
        explanation_index = columns.get("explanation")
        _read_answer(known, question, Cell(row[columns["answer"]], number,
                                           _where(table, columns["answer"])),
                     Cell(row[explanation_index] if explanation_index is not None else "",
                          number, ""), result)
    return list(people.values())


def _compare(context: ImportContext, people: list[CandidateRows], result: ImportResult,
             delete_missing: bool) -> None:
    """Turn what the file says into changes against the live guide."""
    seen: dict[tuple[str, str], int] = {}
    if result.shape == "wide":
        for person in people:
            key = (person.district.id, normalise(person.name))
            if key in seen:
                result.problems.append(Problem(person.row, None, f"{person.name} "
                                               f"({person.district.name}) is also in row "
                                               f"{seen[key]}: a candidate may appear once."))
            seen.setdefault(key, person.row)
        if result.blocking:
            return
    questions = {q.id: q for q in context.questions}
    for person in people:
        candidate = context.candidates.get((person.district.id, normalise(person.name)))
        label = f"{person.name} ({person.district.name})"
        wanted = {k: v for k, v in person.details.items()
                  if k in ("party", "incumbent", "website", "photo_url", "bio") and
                  v not in (None, "")}
        status = person.details.get("status")
        if status is None and person.answers:
            status = ResponseStatus.RESPONDED
        if status is not None:
            wanted["response_status"] = status.value
        if candidate is None:
            slug = context.new_slug(person.district, person.name)
            fields = {"name": person.name, "party": None, "incumbent": False, "website": None,
                      "photo_url": None, "bio": "", "response_status": "no_response",
                      "withdrawn": False, **wanted}
            fields["race"] = _race_spec(context, person.district)
            result.changes.append({"entity": "candidate", "key": slug, "label": label,
                                   "before": None, "after": fields})
            existing_answers = {}
        else:
            slug = candidate.slug
            before, after = field_diff(candidate_fields(candidate), wanted)
            if after:
                result.changes.append({"entity": "candidate", "key": slug, "label": label,
                                       "before": before, "after": after})
            existing_answers = {a.question_id: a for a in candidate.answers}
        for question_id, fields in person.answers.items():
            answer = existing_answers.get(question_id)
            answer_label = f"{person.name}: question {questions[question_id].position} " \
                           f"({questions[question_id].topic})"
            if answer is not None and fields["received_on"] is None:
                fields = {**fields, "received_on": answer_fields(answer)["received_on"]}
            if answer is None:
                result.changes.append({"entity": "answer", "key": [slug, question_id],
                                       "label": answer_label, "before": None, "after": fields})
                continue
            before, after = field_diff(answer_fields(answer), fields)
            if after:
                result.changes.append({"entity": "answer", "key": [slug, question_id],
                                       "label": answer_label, "before": before, "after": after})
            else:
                result.unchanged += 1
        if delete_missing:
            for question_id in sorted(person.answered_questions - set(person.answers)):
                answer = existing_answers.get(question_id)
                if answer is not None:
                    result.changes.append({
                        "entity": "answer", "key": [slug, question_id],
                        "label": f"{person.name}: question {questions[question_id].position} "
                                 f"({questions[question_id].topic})",
                        "before": answer_fields(answer), "after": None})


def _race_spec(context: ImportContext, district: District) -> dict:
    """Which race a new candidate joins: the election's race in that district."""
    race = next((r for r in context.races if r.district_id == district.id), None)
    return {"election": context.election.slug, "district": district.id,
            "office": race.office if race else district.office,
            "questionnaire": context.questionnaire.slug}
