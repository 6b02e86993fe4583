"""Importing a questionnaire spreadsheet: read each column, clean every cell, find each row's
candidate, and compute the changes it would make to the published guide, with every problem
named by row and column.

Two shapes: *wide* (one row per candidate, one column per question, as survey tools export)
and *long* (one row per candidate and question). Nothing is written here: the result is a
list of changes for a ChangeSet (see changes.py), the questions staff must answer first (is
this the candidate already in the guide? which order are the dates in?) and a report of how
each column was read.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Candidate,
    CandidateContact,
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    ColumnPairing,
    District,
    Election,
    Question,
    QuestionKind,
    Questionnaire,
    Race,
    ResponseStatus,
)
from . import cleaners, columns, dates, names
from .changes import answer_fields, candidate_fields, contact_fields, field_diff
from .cleaners import CleanError, normalise
from .district_names import DistrictNames
from .reading import Sheet, Table, column_letter
from .surveytools import BY_ID, lay_out

NEW = "new"


@dataclass
class Problem:
    """Something wrong with the file: where (row, column) and why; blocking stops the import."""

    row: int | None
    column: str | None
    message: str
    blocking: bool = True
    ask: bool = False  # waits for staff to answer a question in the preview

    def as_dict(self) -> dict:
        """A JSON-ready copy."""
        return {"row": self.row, "column": self.column, "message": self.message,
                "blocking": self.blocking, "ask": self.ask}


@dataclass
class ImportResult:
    """What an import would change, what it would leave, what is wrong with it, what staff
    must answer, and how the file was read."""

    shape: str
    changes: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    unpaired: list[str] = field(default_factory=list)  # headers matching nothing
    asks: list[dict] = field(default_factory=list)  # questions for staff (names, dates)
    reading: dict = field(default_factory=dict)  # the tool, header rows, every column

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
        text = (f"{new} new candidate{'s' * (new != 1)}, {edited} candidate detail change"
                f"{'s' * (edited != 1)}, {answers} answer change{'s' * (answers != 1)}, "
                f"{self.unchanged} answer{'s' * (self.unchanged != 1)} unchanged")
        open_asks = sum(a.get("chosen") is None for a in self.asks)
        if open_asks:
            text += f"; {open_asks} question{'s' * (open_asks != 1)} to answer first"
        return text


class ImportContext:
    """The election, questionnaire, districts, candidates and pairings an import matches."""

    def __init__(self, session: Session, election: Election):
        self.session, self.election = session, election
        races = list(session.scalars(select(Race).where(Race.election_id == election.id)
                                     .options(selectinload(Race.candidates)
                                              .selectinload(Candidate.answers),
                                              selectinload(Race.district))))
        self.races = races
        counts = Counter(r.questionnaire_id for r in races if r.questionnaire_id)
        self.questionnaire = (session.get(Questionnaire, counts.most_common(1)[0][0])
                              if counts else None)
        self.questions: list[Question] = list(self.questionnaire.questions) \
            if self.questionnaire else []
        self.places = DistrictNames(session, election.state_code)
        self.by_district: dict[str, list[Candidate]] = defaultdict(list)
        for race in races:
            self.by_district[race.district_id].extend(race.candidates)
        self.everyone = [c for r in races for c in r.candidates]
        self.slugs = set(session.scalars(select(Candidate.slug)))
        self.pairings: dict[str, str] = {}
        self.question_words = columns.question_words(self.questions)
        self._last_writers: dict[tuple[str, int], ChangeSet] | None = None

    def manual_edit(self, slug: str, question_id: int) -> dict | None:
        """Who corrected an answer in the browser and when ({"id", "by", "on"}), if the last
        published change to it was such a correction (not an import or a rollback)."""
        if self._last_writers is None:
            self._last_writers = {}
            for change_set in self.session.scalars(select(ChangeSet).where(
                    ChangeSet.status == ChangeSetStatus.PUBLISHED).order_by(ChangeSet.id)):
                for change in change_set.changes:
                    if change["entity"] == "answer":
                        self._last_writers[(change["key"][0], int(change["key"][1]))] = \
                            change_set
        writer = self._last_writers.get((slug, question_id))
        if writer is None or writer.kind is not ChangeSetKind.EDIT:
            return None
        when = writer.published_at or writer.created_at
        return {"id": writer.id, "by": writer.created_by.email if writer.created_by else
                "the command line", "on": f"{when:%-d %B %Y}"}

    def load_pairings(self, tool: str) -> None:
        """The columns staff paired before, for this questionnaire and this survey tool."""
        if self.questionnaire is None:
            return
        found: dict[str, str] = {}
        for pairing in self.session.scalars(select(ColumnPairing).where(
                ColumnPairing.questionnaire_id == self.questionnaire.id,
                ColumnPairing.tool.in_(["", tool])).order_by(ColumnPairing.tool)):
            found[pairing.header] = pairing_target(pairing)
        self.pairings = found

    def knows(self, header: str) -> bool:
        """Whether a header names something the guide reads (for finding the header row)."""
        text = header.strip()
        if not text or len(text) > 400:
            return False
        return bool(columns.detail_for(text) or columns.detail_like(text)
                    or normalise(text) in columns.KNOWN_EXTRAS
                    or any(normalise(text) in s for s in columns.LONG_COLUMNS.values())
                    or columns.might_name_a_question(text, self.question_words))

    def new_slug(self, district: District, name: str) -> str:
        """A unique URL slug for a new candidate; accented letters keep their base letters."""
        base = f"{district.slug}-" + (names.slug_words(name) or "candidate")
        slug, n = base[:140], 2
        while slug in self.slugs:
            slug, n = f"{base[:136]}-{n}", n + 1
        self.slugs.add(slug)
        return slug


def pairing_target(pairing: ColumnPairing) -> str:
    """What a remembered pairing reads a column as (older pairings name only a question)."""
    if pairing.target in ("question", "explanation") and pairing.question_id:
        return f"{pairing.target}:{pairing.question_id}"
    if pairing.target and pairing.target not in ("question", "explanation"):
        return pairing.target
    return f"question:{pairing.question_id}" if pairing.question_id else columns.IGNORE


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
    name: str
    districts: tuple[District, ...]
    details: dict = field(default_factory=dict)
    answers: dict[int, dict] = field(default_factory=dict)  # question id -> answer fields
    answered_questions: set[int] = field(default_factory=set)  # question ids the file covers
    notes: dict[int, str] = field(default_factory=dict)  # question id -> why words were kept
    candidate: Candidate | None = None  # the guide's candidate, once found
    district: District | None = None  # where a new candidate runs

    @property
    def label(self) -> str:
        """The name and district, for messages."""
        place = (self.candidate.race.district.name if self.candidate else
                 self.district.name if self.district else
                 " or ".join(d.name for d in self.districts) or "no district")
        return f"{self.candidate.name if self.candidate else self.name} ({place})"


class Reader:
    """One import's reading of a table against the guide."""

    def __init__(self, context: ImportContext, table: Table, result: ImportResult,
                 decisions: dict):
        self.context, self.table, self.result = context, table, result
        self.decisions = decisions or {}
        self.tool = BY_ID.get(table.tool, BY_ID["spreadsheet"])
        self.date_order: str | None = dates.MDY
        self.unreadable = False  # no way to read rows (no name column, …)

    def where(self, index: int | None) -> str:
        """A column as a person finds it: its letter and header."""
        if index is None:
            return ""
        label = self.table.columns[index].label if index < len(self.table.columns) else ""
        return f"{column_letter(index)} ({label[:80]})" if label else column_letter(index)

    def problem(self, row: int | None, index: int | None, message: str,
                blocking: bool = True, ask: bool = False) -> None:
        """Record a problem."""
        self.result.problems.append(Problem(row, self.where(index) or None, message, blocking,
                                            ask))


def run_import(session: Session, election: Election, source: Sheet | Table,
               shape: str | None = None, delete_missing: bool = False,
               decisions: dict | None = None) -> ImportResult:
    """Check a file against an election and compute the changes it would make."""
    context = ImportContext(session, election)
    if context.questionnaire is None:
        result = ImportResult(shape or "wide")
        result.problems.append(Problem(None, None, f"The election “{election.name}” has no "
                                       "questionnaire yet, so answers cannot be matched."))
        return result
    table = source if isinstance(source, Table) else lay_out(source, context.knows)
    context.load_pairings(table.tool)
    labels = [normalise(c.label) for c in table.columns]
    long_shape = shape == "long" or (shape is None and "question" in labels and any(
        h in columns.LONG_COLUMNS["answer"] for h in labels))
    result = ImportResult("long" if long_shape else "wide")
    reader = Reader(context, table, result, decisions or {})
    for note in table.notes:
        reader.problem(None, None, note, blocking=False)
    readings = columns.read_columns(table, context.questions, context.pairings, long_shape)
    _report_columns(reader, readings)
    _check_columns(reader, readings, long_shape)
    _settle_date_order(reader, readings)
    if table.tool == "qualtrics":
        _refuse_numeric_qualtrics(reader, readings)
    people = (_read_long if long_shape else _read_wide)(reader, readings)
    _find_candidates(reader, people)  # its questions are asked even beside other problems
    if not result.blocking:
        _compare(reader, people, delete_missing)
    result.problems.sort(key=lambda p: (not p.blocking, p.row or 0))
    return result


def _report_columns(reader: Reader, readings: list[columns.Reading]) -> None:
    """Keep how every column was read, for the preview and its pairing menu."""
    table = reader.table
    filled = Counter(i for _, row in table.rows for i, cell in enumerate(row) if cell.strip())
    reader.result.reading = {
        "tool": table.tool, "tool_name": table.tool_name,
        "tool_description": reader.tool.description, "file": table.description,
        "header_rows": table.header_rows, "rows": len(table.rows),
        "columns": [{"index": r.column.index, "letter": column_letter(r.column.index),
                     "label": r.column.label, "key": r.column.key, "target": r.target,
                     "how": r.how, "filled": filled[r.column.index],
                     "tool_column": r.column.tool_role == "tool"} for r in readings],
    }


def _check_columns(reader: Reader, readings: list[columns.Reading], long_shape: bool) -> None:
    """Report columns read twice as the same thing, missing names, and unpaired columns."""
    result = reader.result
    targets = Counter(r.target for r in readings if r.target and r.target != columns.IGNORE)
    for reading in readings:
        target = reading.target
        if target and target != columns.IGNORE and targets[target] > 1:
            what = _target_name(reader.context, target)
            reader.problem(reader.table.header_rows[-1] if reader.table.header_rows else 1,
                           reading.column.index, f"More than one column is read as {what}; "
                           "pair one of them with something else (or ignore it) below.")
    present = {r.target for r in readings}
    if long_shape:
        for name in ("question", "answer"):
            if f"long:{name}" not in present:
                reader.unreadable = True
                reader.problem(1, None, f"The file has no “{name}” column (a header such as "
                               f"{', '.join(sorted(columns.LONG_COLUMNS[name])[:3])}).")
    if "name" not in present and not ({"first_name", "last_name"} <= present or
                                      "last_name" in present):
        reader.unreadable = True
        reader.problem(1, None, "The file has no “name” column: no column reads as the "
                       "candidate's name (a header such as Name, Full name or “What is your "
                       "full name?”). Pair the column that holds it below.")
    if not long_shape and not any((r.target or "").startswith("question:") for r in readings):
        if {"email", "postal_address"} & present and "district" in present:
            # The qualified-candidate list (name, district, party, email, postal address):
            # candidates and how to reach them, before anyone has answered.
            reader.problem(1, None, "No column holds answers: read as a list of candidates "
                           "(their email and postal address are kept for staff only).",
                           blocking=False)
        else:
            reader.problem(1, None, "No column matches a question of the "
                           f"{reader.context.questionnaire.title}. Pair the columns with "
                           "questions below, or check it is the right file.")
    for reading in readings:
        if reading.target is not None:
            continue
        filled = reader.result.reading["columns"][reading.column.index]["filled"]
        result.unpaired.append(reading.column.label)
        if filled:
            reader.problem(None, reading.column.index, f"Matches no question of the "
                           f"{reader.context.questionnaire.title} and no candidate detail, and "
                           f"{filled} row{'s have' if filled != 1 else ' has'} something in it. "
                           "Pair it "
                           "with a question or a detail below, or choose to ignore it.")
        else:
            reader.problem(None, reading.column.index, "Empty, and matches nothing the guide "
                           "knows: ignored. Pair it below if it is a question.", blocking=False)
    for reading in readings:
        if reading.target == columns.IGNORE and reading.how not in ("paired by staff",):
            filled = reader.result.reading["columns"][reading.column.index]["filled"]
            if filled and reading.column.tool_role != "tool" and reading.how not in (
                    "a full name column is also present",):
                reader.problem(None, reading.column.index, f"Not used by the guide ({reading.how}"
                               "); ignored.", blocking=False)


def _target_name(context: ImportContext, target: str) -> str:
    """A target in words: "the candidate's name", "question 3 (Marijuana possession)"."""
    if target.startswith(("question:", "explanation:")):
        kind, question_id = target.split(":")
        question = next((q for q in context.questions if q.id == int(question_id)), None)
        if question is None:
            return "a question"
        what = f"question {question.position} ({question.topic})"
        return what if kind == "question" else f"the explanation of {what}"
    if target.startswith("long:"):
        return f"the {target[5:]} column"
    return columns.DETAILS.get(target, target).lower()


def _settle_date_order(reader: Reader, readings: list[columns.Reading]) -> None:
    """Work out (or ask) whether the file's a/b/y dates are month/day or day/month."""
    table, context = reader.table, reader.context
    date_columns = [r.column.index for r in readings if r.target == "received_on" or re.search(
        r"\b(date|time|timestamp)\b", normalise(r.column.label))]
    values = [row[i] for _, row in table.rows for i in date_columns if i < len(row)]
    earliest = context.questionnaire.sent_on
    latest = context.election.date
    try:
        found = dates.file_order(values, earliest, latest)
    except CleanError as error:
        reader.problem(None, None, str(error))
        return
    chosen = (reader.decisions.get("dates") or {}).get("order")
    reader.date_order = chosen if chosen in (dates.MDY, dates.DMY) else found.order
    if found.order is None:
        ask = {"kind": "dates", "key": "order", "example": found.example,
               "question": f"Dates such as “{found.example}”: which order is the file in?",
               "choices": [{"value": v, "label": dates.ORDER_NAMES[v]}
                           for v in (dates.MDY, dates.DMY)], "chosen": chosen}
        reader.result.asks.append(ask)
        if chosen not in (dates.MDY, dates.DMY):
            reader.problem(None, None, f"The file's dates (such as “{found.example}”) could be "
                           "month/day or day/month: answer which below.", ask=True)
    elif found.order == dates.DMY:
        reader.problem(None, None, f"Dates were read as day/month/year: {found.reason}.",
                       blocking=False)


def _refuse_numeric_qualtrics(reader: Reader, readings: list[columns.Reading]) -> None:
    """A Qualtrics file exported with numeric values writes yes/no as 1 and 2: refuse it."""
    questions = {q.id: q for q in reader.context.questions}
    for reading in readings:
        question = questions.get(reading.question_id) if (reading.target or "").startswith(
            "question:") else None
        if question is None or question.kind is not QuestionKind.YES_NO:
            continue
        values = {row[reading.column.index].strip() for _, row in reader.table.rows
                  if row[reading.column.index].strip()}
        if values and all(v.isdigit() for v in values) and values - {"0", "1"}:
            reader.problem(None, reading.column.index, "This Qualtrics file was downloaded with "
                           "“Use numeric values”: yes/no answers are written as numbers ("
                           f"{', '.join(sorted(values))}), which cannot be read safely. "
                           "Download it again from Qualtrics with “Use choice text” and "
                           "upload that.")
            return


def _cleaned(text: str) -> str:
    """A cell as the cleaners take it (Microsoft Forms ends choices with “;”)."""
    return text.strip().rstrip(";").strip()


def _read_wide(reader: Reader, readings: list[columns.Reading]) -> list[CandidateRows]:
    """Read a wide table: details columns, one column per question, optional explanations."""
    if reader.unreadable:
        return []
    table, context = reader.table, reader.context
    questions = {q.id: q for q in context.questions}
    detail_columns = {r.target: r.column.index for r in readings if r.target in columns.DETAILS}
    answer_columns = {r.question_id: r.column.index for r in readings
                      if (r.target or "").startswith("question:")}
    explanation_columns: dict[int, list[int]] = defaultdict(list)
    for r in readings:
        if (r.target or "").startswith("explanation:"):
            explanation_columns[r.question_id].append(r.column.index)
    people = []
    for position, (number, row) in enumerate(table.rows):
        skip = reader.tool.skip_row(table, row)
        if skip:
            reader.problem(number, None, f"{skip}: not a candidate's response, skipped.",
                           blocking=False)
            continue
        has_answers = any(row[i].strip() for i in [*answer_columns.values(), *(
            i for group in explanation_columns.values() for i in group)])
        named = any(row[detail_columns[k]].strip() for k in ("name", "first_name", "last_name")
                    if k in detail_columns)
        placed = "district" in detail_columns and row[detail_columns["district"]].strip()
        if not named and not placed:
            if position == 0 and any(c.strip() for c in row):
                reader.problem(number, None, "This row, right under the headers, has no name "
                               "and no district: read as a second header row and skipped.",
                               blocking=False)
                continue
            if not has_answers:
                reader.problem(number, None, "No name, no district and no answers: skipped.",
                               blocking=False)
                continue
        person = _read_person(reader, detail_columns, number, row)
        unusable = person is None
        if unusable:  # still read its answers: every problem of the row is shown at once
            person = CandidateRows(number, "", ())
        for question_id, index in answer_columns.items():
            words = [row[i] for i in explanation_columns.get(question_id, []) if row[i].strip()]
            _read_answer(person, questions[question_id], Cell(row[index], number,
                                                              reader.where(index)),
                         "\n\n".join(words), reader)
        for question_id, group in explanation_columns.items():
            if question_id not in answer_columns:  # an explanation with no answer column
                words = "\n\n".join(row[i] for i in group if row[i].strip())
                _read_answer(person, questions[question_id], Cell("", number,
                                                                  reader.where(group[0])),
                             words, reader)
        if not unusable:
            people.append(person)
    return people


def _read_person(reader: Reader, detail_columns: dict[str, int], number: int,
                 row: list[str]) -> CandidateRows | None:
    """A row's candidate details, cleaned; None if the name is unusable."""
    context = reader.context
    cleaned: dict = {}
    ok = True
    for name, index in detail_columns.items():
        cleaner = {"party": cleaners.clean_party, "incumbent": cleaners.clean_incumbent,
                   "website": cleaners.clean_url, "photo_url": cleaners.clean_url,
                   "bio": cleaners.clean_bio, "bio_source": cleaners.clean_bio_source,
                   "status": cleaners.clean_status,
                   "received_on": lambda v: dates.parse(v, reader.date_order)
                   if reader.date_order else None,  # undecided: the preview asks once
                   "name": cleaners.clean_name, "email": cleaners.clean_email,
                   "postal_address": cleaners.clean_postal_address}.get(name)
        if cleaner is None:
            continue
        try:
            cleaned[name] = cleaner(row[index])
        except CleanError as error:
            if name in ("email", "postal_address"):
                reader.problem(number, index, f"{error} It is not kept.", blocking=False)
                continue
            reader.problem(number, index, str(error))
            ok = ok and name != "name"
    if "name" not in cleaned:
        given = " ".join(row[detail_columns[k]].strip() for k in ("first_name", "last_name")
                         if k in detail_columns).strip()
        try:
            cleaned["name"] = cleaners.clean_name(given)
        except CleanError as error:
            index = detail_columns.get("name", detail_columns.get("last_name"))
            reader.problem(number, index, str(error))
            return None
    if not ok:
        return None
    districts: tuple[District, ...] = ()
    if "district" in detail_columns:
        index = detail_columns["district"]
        value = row[index]
        match = context.places.find(value)
        if value.strip() and not match.districts:
            reader.problem(number, index, f"“{value[:80]}” is not a district of "
                           f"{context.election.state.name} (use its name, e.g. 6th Judicial "
                           "Circuit, its slug as in its page's address, or a county that lies "
                           "in one district).")
            return None
        districts = match.districts
        if match.how and len(districts) == 1:
            note = match.how + "."
            if not any(p.message == note for p in reader.result.problems):
                reader.problem(number, index, note, blocking=False)
    return CandidateRows(number, cleaned.pop("name"), districts, cleaned)


def _read_answer(person: CandidateRows, question: Question, choice: Cell, explanation: str,
                 reader: Reader) -> None:
    """Clean one answer (choice and explanation) into the candidate's answers."""
    person.answered_questions.add(question.id)
    note = None
    try:
        if question.kind is QuestionKind.TEXT:
            chosen = None
            words = "\n\n".join(t for t in (cleaners.clean_explanation(choice.text),
                                            cleaners.clean_explanation(explanation)) if t)
        else:
            text = _cleaned(choice.text)
            words = cleaners.clean_explanation(explanation)
            try:
                chosen = cleaners.clean_choice(text, question.kind, question.scale_low,
                                               question.scale_high)
            except CleanError as error:
                chosen, note = None, f"{error}".rstrip(".")
            else:
                if chosen is not None and not cleaners.is_plain_choice(
                        text, question.kind, question.scale_low, question.scale_high):
                    note = f"“{text[:80]}” says more than {_choice_words(question, chosen)}"
                    chosen = None
            if note:
                # Never cut the candidate's words down to a choice: keep them as written.
                words = "\n\n".join(t for t in (cleaners.clean_explanation(choice.text),
                                                words) if t)
                kind = "Yes or No" if question.kind is QuestionKind.YES_NO else "number"
                note = (f"Question {question.position}: {note}. Kept in the candidate's own "
                        f"words, with no {kind} chosen; choose one on the candidate's page "
                        "if they meant one.")
                reader.result.problems.append(Problem(choice.row, choice.column, note,
                                                      blocking=False))
                person.notes[question.id] = note
    except CleanError as error:
        reader.result.problems.append(Problem(choice.row, choice.column, f"Question "
                                              f"{question.position}: {error}"))
        return
    if chosen is None and not words:
        return
    received = person.details.get("received_on")
    person.answers[question.id] = {"choice": chosen, "explanation": words,
                                   "received_on": received.isoformat() if received else None}


def _choice_words(question: Question, chosen: str) -> str:
    """A choice as staff read it: "Yes", "4 of 5"."""
    return chosen if question.kind is QuestionKind.YES_NO else f"{chosen} of 5"


def _read_long(reader: Reader, readings: list[columns.Reading]) -> list[CandidateRows]:
    """Read a long table: one row per candidate and question."""
    if reader.unreadable:
        return []
    context, table = reader.context, reader.table
    detail_columns = {r.target: r.column.index for r in readings if r.target in columns.DETAILS}
    long = {r.target[5:]: r.column.index for r in readings if (r.target or "").startswith(
        "long:")}
    people: dict[tuple, CandidateRows] = {}
    answered: dict[tuple, int] = {}
    for number, row in table.rows:
        person = _read_person(reader, detail_columns, number, row)
        if person is None:
            continue
        key = (names.fold(person.name), tuple(d.id for d in person.districts))
        known = people.setdefault(key, person)
        for name, value in person.details.items():
            if value is not None and known.details.get(name) in (None, ""):
                known.details[name] = value
        index = long["question"]
        text = row[index]
        question = _long_question(context, text)
        if question is None:
            reader.problem(number, index, f"“{text[:80]}” is not a question of the "
                           f"{context.questionnaire.title}.")
            continue
        if (*key, question.id) in answered:
            reader.problem(number, index, f"{person.name} already answered question "
                           f"{question.position} in row {answered[(*key, question.id)]}.")
            continue
        answered[(*key, question.id)] = number
        explanation = row[long["explanation"]] if "explanation" in long else ""
        _read_answer(known, question, Cell(row[long["answer"]], number,
                                           reader.where(long["answer"])), explanation, reader)
    return list(people.values())


def _long_question(context: ImportContext, text: str) -> Question | None:
    """The question a long-shape cell names: by its number, text or topic."""
    key = normalise(text)
    if key in context.pairings and context.pairings[key].startswith("question:"):
        question_id = int(context.pairings[key].split(":")[1])
        return next((q for q in context.questions if q.id == question_id), None)
    number = re.fullmatch(r"(?:q|question)?\s*(\d{1,3})", key)
    if number:
        return next((q for q in context.questions if q.position == int(number.group(1))), None)
    return columns._best_question_for_text(text, context.questions)[0]


def _find_candidates(reader: Reader, people: list[CandidateRows]) -> None:
    """Find each row's candidate in the guide: exactly, or by asking staff about a near match;
    a row matching nobody is a new candidate (which needs one district)."""
    context = reader.context
    chosen_names = (reader.decisions.get("names") or {})
    for person in people:
        pool = [c for d in person.districts for c in context.by_district.get(d.id, [])] \
            if person.districts else context.everyone
        levels = [(names.compare(person.name, c.name), c) for c in pool]
        exact = [c for level, c in levels if level == names.EXACT]
        near = sorted(((names.RANK[level], c.name, c) for level, c in levels
                       if level in (names.FOLDED, names.NEAR)), key=lambda t: t[:2])
        if not exact and not near and person.districts:
            # The same name elsewhere in this election: perhaps the district is written wrong.
            near = sorted(((names.RANK[level], c.name, c) for c in context.everyone
                           if c not in pool and (level := names.compare(person.name, c.name))
                           in (names.EXACT, names.FOLDED)), key=lambda t: t[:2])
        if len(exact) == 1 and not (len(person.districts) != 1 and len(pool) > 1 and near):
            person.candidate = exact[0]
            continue
        choices = exact + [c for _, _, c in near if c not in exact]
        if not choices:
            if len(person.districts) == 1:
                person.district = person.districts[0]
                continue
            if not person.districts:
                reader.problem(person.row, None, f"“{person.name}” is not a candidate of "
                               f"{context.election.name}, and the file has no district for a "
                               "new candidate: add a district column, or check the name.")
            else:
                reader.problem(person.row, None, f"“{person.name}” is a new candidate, but the "
                               "district could be " + " or ".join(d.name for d in
                                                                  person.districts)
                               + ": write the district's own name.")
            continue
        key = names.fold(person.name) + "|" + ",".join(sorted(d.id for d in person.districts))
        decision = chosen_names.get(key)
        can_be_new = len(person.districts) == 1
        options = [{"value": c.slug, "label": f"Yes: {c.name} ({c.race.district.name})"}
                   for c in choices]
        if can_be_new:
            options.append({"value": NEW, "label": f"No: add “{person.name}” as a new candidate "
                            f"in the {person.districts[0].name}"})
        valid = {o["value"] for o in options}
        first = choices[0]
        reader.result.asks.append({
            "kind": "name", "key": key, "row": person.row, "written": person.name,
            "question": f"Row {person.row} says “{person.name}”. Is this {first.name} "
                        f"({first.race.district.name})?" if len(choices) == 1 else
                        f"Row {person.row} says “{person.name}”. Which candidate is this?",
            "choices": options, "chosen": decision if decision in valid else None})
        if decision not in valid:
            reader.problem(person.row, None, f"“{person.name}” is close to "
                           + " and ".join(f"{c.name} ({c.race.district.name})" for c in choices)
                           + ": answer below whether it is the same person.", ask=True)
        elif decision == NEW:
            person.district = person.districts[0]
        else:
            person.candidate = next(c for c in choices if c.slug == decision)


def _compare(reader: Reader, people: list[CandidateRows], delete_missing: bool) -> None:
    """Turn what the file says into changes against the live guide."""
    context, result = reader.context, reader.result
    seen: dict[tuple, int] = {}
    if result.shape == "wide":
        for person in people:
            key = ("candidate", person.candidate.id) if person.candidate else (
                "new", person.district.id, names.fold(person.name))
            if key in seen:
                reader.problem(person.row, None, f"{person.label} is also in row {seen[key]}: a "
                               "candidate may appear once. Delete the row you do not want "
                               "(survey tools keep every submission) and upload the file again.")
            seen.setdefault(key, person.row)
    for person in people:
        status = person.details.get("status")
        if person.answers and status is ResponseStatus.NO_RESPONSE:
            reader.problem(person.row, None, f"{person.label}: the file says the candidate did "
                           f"not respond, but the row holds {len(person.answers)} answers. "
                           "Change the status or remove the answers.")
        elif person.answers and status is ResponseStatus.DECLINED:
            reader.problem(person.row, None, f"{person.label}: the file says the candidate "
                           "declined; their page will say so above these answers.",
                           blocking=False)
    if result.blocking:
        return
    questions = {q.id: q for q in context.questions}
    contacts = _contacts(context, people)
    for person in people:
        candidate = person.candidate
        wanted = {k: v for k, v in person.details.items()
                  if k in ("party", "incumbent", "website", "photo_url", "bio", "bio_source") and
                  v not in (None, "")}
        status = person.details.get("status")
        if status is None and person.answers:
            status = ResponseStatus.RESPONDED  # the answers say so, whatever the guide said
        if status is not None:
            wanted["response_status"] = status.value
        label = person.label
        if candidate is None:
            slug = context.new_slug(person.district, person.name)
            fields = {"name": person.name, "party": None, "incumbent": False, "website": None,
                      "photo_url": None, "bio": "", "response_status": "no_response",
                      "withdrawn": False, **wanted}
            fields["race"] = _race_spec(context, person.district)
            result.changes.append({"entity": "candidate", "key": slug,
                                   "label": f"{label} (new)", "before": None, "after": fields})
            existing_answers = {}
        else:
            slug = candidate.slug
            before, after = field_diff(candidate_fields(candidate), wanted)
            if after:
                result.changes.append({"entity": "candidate", "key": slug, "label": label,
                                       "before": before, "after": after})
            existing_answers = {a.question_id: a for a in candidate.answers}
        reach = {k: person.details[k] for k in ("email", "postal_address")
                 if person.details.get(k)}
        if reach:
            current = contacts.get(candidate.id) if candidate else None
            if current is None:
                result.changes.append({
                    "entity": "contact", "key": slug, "label": f"{label}: contact (staff only)",
                    "before": None, "after": reach})
            else:
                before, after = field_diff(contact_fields(current), reach)
                if after:
                    result.changes.append({
                        "entity": "contact", "key": slug,
                        "label": f"{label}: contact (staff only)", "before": before,
                        "after": after})
        for question_id, fields in person.answers.items():
            answer = existing_answers.get(question_id)
            question = questions[question_id]
            answer_label = f"{label}: question {question.position} ({question.topic})"
            if answer is not None:
                published = answer_fields(answer)
                if fields["received_on"] is None:
                    fields = {**fields, "received_on": published["received_on"]}
                if not fields["explanation"] and fields["choice"] == published["choice"]:
                    # A blank cell never erases what is published (unless the choice changed:
                    # then the old words no longer explain it).
                    fields = {**fields, "explanation": published["explanation"]}
            note = {"note": person.notes[question_id]} if question_id in person.notes else {}
            if answer is None:
                result.changes.append({"entity": "answer", "key": [slug, question_id],
                                       "label": answer_label, "before": None, "after": fields,
                                       **note})
                continue
            before, after = field_diff(answer_fields(answer), fields)
            edit = context.manual_edit(slug, question_id) if after else None
            if edit is not None and not _overwrite_edit(reader, slug, question, person, edit,
                                                        answer, fields):
                result.unchanged += 1
                continue
            if after:
                result.changes.append({"entity": "answer", "key": [slug, question_id],
                                       "label": answer_label, "before": before, "after": after,
                                       **note, **({"reverts_edit": edit} if edit else {})})
            else:
                result.unchanged += 1
        if delete_missing:
            for question_id in sorted(person.answered_questions - set(person.answers)):
                answer = existing_answers.get(question_id)
                if answer is not None:
                    question = questions[question_id]
                    result.changes.append({
                        "entity": "answer", "key": [slug, question_id],
                        "label": f"{label}: question {question.position} ({question.topic})",
                        "before": answer_fields(answer), "after": None})


def _overwrite_edit(reader: Reader, slug: str, question: Question, person: CandidateRows,
                    edit: dict, answer, fields: dict) -> bool:
    """Whether the file may overwrite an answer last corrected in the browser: staff are
    asked once per answer (keep the correction, or take the file's words); until they
    answer, the import waits."""
    key = f"{slug}|{question.id}"
    chosen = (reader.decisions.get("edits") or {}).get(key)

    def quote(values: dict) -> str:
        words = " ".join(t for t in (values.get("choice") or "",
                                     values.get("explanation") or "") if t)
        return f"“{words[:120]}{'…' if len(words) > 120 else ''}”" if words else "no answer"
    reader.result.asks.append({
        "kind": "edit", "key": key, "row": person.row, "written": person.name,
        "question": f"Row {person.row}, question {question.position} ({question.topic}): "
                    f"{person.label}'s answer was corrected in the browser by {edit['by']} "
                    f"on {edit['on']}. The file would undo that correction.",
        "choices": [{"value": "keep",
                     "label": f"Keep the correction: {quote(answer_fields(answer))}"},
                    {"value": "file", "label": f"Use the file's words: {quote(fields)}"}],
        "chosen": chosen if chosen in ("keep", "file") else None})
    if chosen not in ("keep", "file"):
        reader.problem(person.row, None, f"{person.label}, question {question.position}: this "
                       "would undo a correction made in the browser; answer below whether to "
                       "keep it.", ask=True)
        return True
    return chosen == "file"


def _contacts(context: ImportContext, people: list[CandidateRows]) -> dict:
    """The staff-only contact rows of the candidates a file names."""
    ids = [p.candidate.id for p in people if p.candidate is not None]
    if not ids:
        return {}
    return {c.candidate_id: c for c in context.session.scalars(
        select(CandidateContact).where(CandidateContact.candidate_id.in_(ids)))}


def _race_spec(context: ImportContext, district: District) -> dict:
    """Which race a new candidate joins: the election's race in that district."""
    race = next((r for r in context.races if r.district_id == district.id), None)
    return {"election": context.election.slug, "district": district.id,
            "office": race.office if race else district.office,
            "questionnaire": context.questionnaire.slug}


__all__ = ["ImportContext", "ImportResult", "Problem", "run_import", "pairing_target", "NEW"]
