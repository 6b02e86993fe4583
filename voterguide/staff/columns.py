"""What each column of an import holds: a candidate detail, a question's answer, a question's
explanation, a survey tool's own bookkeeping, or nothing the guide knows.

Headers are compared with the questions as people really title them: numbered ("3.", "Q3:"),
with "(optional)", a trailing "*" or "?", extra instructions, the text cut short, a grid row
("Title [Money bail]"), or the topic alone. A column staff paired once is read the same way
next time, for that questionnaire and survey tool.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from ..models import Question
from . import surveytools as tools
from .cleaners import normalise
from .names import fold
from .reading import Column, Table

#: The candidate details a column can hold, with the plain name shown in the pairing menu.
DETAILS = {"name": "Candidate's name", "first_name": "Given name", "last_name": "Surname",
           "district": "District", "party": "Party", "email": "Email (kept for staff only)",
           "postal_address": "Postal address (kept for staff only)",
           "incumbent": "Incumbent (yes/no)", "website": "Website", "photo_url": "Photo address",
           "bio": "Biography",
           "bio_source": "Who wrote the biography (the candidate, or staff)",
           "status": "Questionnaire status (responded, declined…)",
           "received_on": "Date received"}
IGNORE = "ignore"

#: Header spellings of the candidate details, folded.
DETAIL_SPELLINGS = {
    "name": {"name", "candidate", "candidate name", "candidates name", "full name", "your name",
             "your full name", "name of candidate", "candidate full name",
             "what is your name", "what is your full name", "ballot name",
             "name as it will appear on the ballot", "respondent name"},
    "first_name": {"first name", "given name", "first", "your first name"},
    "last_name": {"last name", "surname", "family name", "last", "your last name"},
    "district": {"district", "circuit", "judicial circuit", "district id", "district slug",
                 "division", "prosecutorial district", "jurisdiction", "county", "race"},
    "party": {"party", "political party", "party affiliation", "your party"},
    "incumbent": {"incumbent", "is incumbent", "are you the incumbent"},
    "website": {"website", "web site", "campaign website", "url", "website url",
                "campaign web site"},
    "photo_url": {"photo", "photo url", "photo_url", "picture", "headshot", "image url"},
    "bio": {"bio", "biography", "about", "about the candidate", "short biography"},
    "bio_source": {"bio source", "bio_source", "biography source", "biography written by",
                   "bio written by", "who wrote the biography", "biography by"},
    "status": {"status", "questionnaire status", "response status"},
    "received_on": {"received", "received on", "date received", "timestamp", "submitted",
                    "submitted at", "date", "submission date", "date submitted"},
    "email": {"email", "email address", "e-mail", "e-mail address", "your email",
              "your email address", "campaign email", "email_address"},
    "postal_address": {"postal address", "postal_address", "mailing address", "address",
                       "campaign address", "office address", "mailing", "street address",
                       "campaign mailing address"},
}
#: Long shape: the question, answer and explanation columns.
LONG_COLUMNS = {
    "question": {"question", "question text", "question number", "question id"},
    "answer": {"answer", "choice", "response value", "answer choice"},
    "explanation": {"explanation", "comment", "comments", "explain", "answer text"},
}
#: Columns survey tools and spreadsheets add that the guide does not use: ignored, noted.
KNOWN_EXTRAS = {"respondent id", "collector id", "ip address", "start date", "end date",
                "network id", "response id", "id", "notes", "internal notes", "#", "row"}
#: How a column says it is a question's explanation: "<question> — explanation".
EXPLANATION_SUFFIX = re.compile(
    r"^(?P<question>.+?)\s*(?:-{1,2}|:|\(|\[|/)?\s*(?:explanation|explain|comments?|why|"
    r"other \(please specify\)|please explain( your answer)?)\s*[)\]]?$")
#: Words of a header that asks for an explanation of the question before it.
EXPLAINING = re.compile(r"\b(explain|explanation|comments?|elaborate|tell us more|why|reasons?|"
                        r"details?|specify|say more|in your own words|other)\b")
STOP_WORDS = {"the", "a", "an", "of", "to", "in", "for", "on", "and", "or", "be", "you", "your",
              "would", "should", "do", "does", "is", "are", "what", "how", "with", "that",
              "this", "any", "will", "we", "our", "their", "it", "as", "by", "at", "from",
              "have", "has", "if", "please", "i"}
DECORATION = re.compile(
    r"^\s*(?:(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):\-]\s*|q(?:uestion)?\s*\d{1,3}\s+|#\d{1,3}\s+|"
    r"\(optional\)\s*|\*\s*)+|\s*(?:\((?:optional|required|select one|choose one|yes/no|"
    r"check one)\)|\*|[?.:!]+)+\s*$", re.IGNORECASE)


@dataclass
class Reading:
    """How one column is read: its target, and a short reason shown in the preview."""

    column: Column
    target: str | None  # a detail name, "question:<id>", "explanation:<id>", IGNORE or None
    how: str = ""
    score: float = 1.0

    @property
    def question_id(self) -> int | None:
        """The question this column answers or explains."""
        if self.target and ":" in self.target:
            return int(self.target.split(":", 1)[1])
        return None


@lru_cache(maxsize=65536)
def undecorated(header: str) -> str:
    """A header without numbering, "(optional)", "*" and end punctuation, folded."""
    text = header
    for _ in range(3):
        stripped = DECORATION.sub("", text).strip()
        if stripped == text:
            break
        text = stripped
    return fold(text)


@lru_cache(maxsize=65536)
def _content(text: str) -> frozenset[str]:
    """The words of a text that carry its meaning."""
    return frozenset(w for w in fold(text).split() if w not in STOP_WORDS)


def _wordings(question: Question) -> list[tuple[str, str]]:
    """A question's (text, topic) in English and in each language staff gave it (a survey
    sent in Spanish comes back with Spanish headers); a missing half stays English."""
    found = [(question.text, question.topic)]
    for given in (question.translations or {}).values():
        if given.get("text") or given.get("topic"):
            found.append((given.get("text") or question.text,
                          given.get("topic") or question.topic))
    return found


def question_score(header: str, question: Question) -> float:
    """How well a header names a question, in any of its languages, from 0 to 1 (0.8 and
    more: it does)."""
    return max(_score(header, text, topic) for text, topic in _wordings(question))


def question_words(questions: list[Question]) -> list[frozenset[str]]:
    """The meaningful words of each question's text and topic, for might_name_a_question."""
    return [_content(undecorated(t)) for q in questions for pair in _wordings(q)
            for t in pair]


def might_name_a_question(header: str, targets: list[frozenset[str]]) -> bool:
    """A quick test, with no string distance: does a header share most of its words with a
    question's text or topic? (For finding the header row among many cells.)"""
    words = _content(undecorated(header))
    if not words:
        return False
    for target in targets:
        shared = len(words & target)
        if shared and shared >= 0.6 * len(words) and (shared >= 3 or shared == len(target)):
            return True
    return False


@lru_cache(maxsize=65536)
def _score(header: str, question_text: str, question_topic: str) -> float:
    """question_score, remembered: the same header is scored against each question once."""
    h = undecorated(header)
    if not h:
        return 0.0
    text, topic = fold(question_text), fold(question_topic)
    plain_text = undecorated(question_text)
    if h in (text, topic, plain_text):
        return 1.0
    words = _content(h)
    best = max(_similarity(h, plain_text) if words & _content(plain_text) else 0.0,
               _similarity(h, topic) if topic and words & _content(topic) else 0.0)
    if len(h) >= 20 and (h.startswith(plain_text) or plain_text.startswith(h)):
        best = max(best, 0.95)  # the text with instructions after it, or cut short
    question_words = _content(plain_text)
    if len(question_words) >= 3:
        covered = len(words & question_words) / len(question_words)
        extra = len(words - question_words)
        if covered >= 0.85 and extra <= max(6, len(question_words)):
            best = max(best, 0.8 + 0.15 * covered - 0.01 * extra)
    topic_words = _content(topic)
    if topic_words and topic_words <= words and len(words - topic_words) <= 2:
        best = max(best, 0.9)  # "Money bail (Q1)"
    return best


def _similarity(a: str, b: str) -> float:
    """difflib's ratio, skipped (0) when its cheap upper bounds say it cannot reach 0.8."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
        return 0.0
    return matcher.ratio()


def _spellings(extra: dict[str, set[str]] | None = None) -> dict[str, str]:
    """Every spelling of every detail, folded, to the detail it names."""
    found: dict[str, str] = {}
    for name, spellings in {**DETAIL_SPELLINGS, **(extra or {})}.items():
        for spelling in spellings:
            found.setdefault(spelling, name)
            found.setdefault(fold(spelling), name)
    return found


SPELLINGS = _spellings()


@lru_cache(maxsize=65536)
def detail_for(header: str) -> str | None:
    """The candidate detail a header names exactly (after numbering and "*" are removed)."""
    for key in (normalise(header), undecorated(header), fold(header)):
        if key in SPELLINGS:
            return SPELLINGS[key]
    return None


NAME_EXCLUDED = re.compile(r"\b(e-?mail|campaign|manager|organi[sz]ation|committee|treasurer|"
                           r"contact|file|user|nick|company|employer|party|first|last|middle|"
                           r"given|family|reference|spouse|website|district|circuit)\b")


def detail_like(header: str) -> str | None:
    """The candidate detail a form's question asks for, by its words ("What is your full
    name?", "Which judicial circuit are you running in?"); None if it asks for none."""
    text = undecorated(header)
    words = text.split()
    if not words or len(words) > 16:
        return None
    if re.search(r"\be ?mail\b", text):
        return "email"
    if re.search(r"\b(postal|mailing) address\b", text):
        return "postal_address"
    if re.search(r"\b(first|given) name\b", text):
        return "first_name"
    if re.search(r"\b(last|family) name\b|\bsurname\b", text):
        return "last_name"
    if re.search(r"\bname\b", text) and not NAME_EXCLUDED.search(text):
        return "name"
    if re.search(r"\b(judicial circuit|circuit|prosecutorial district|jurisdiction|division|"
                 r"district(?! attorney)|county)\b", text) and not re.search(
                     r"\bdistrict attorney\b.*\b(office|change|policy)\b", text):
        return "district"
    if re.search(r"\bpart(y|ies)\b", text):
        return "party"
    if re.search(r"\b(website|web site|web address|url)\b", text):
        return "website"
    if re.search(r"\b(photo|headshot|picture)\b", text):
        return "photo_url"
    if re.search(r"\bincumbent\b|\bcurrently hold\b", text):
        return "incumbent"
    return None


def read_columns(table: Table, questions: list[Question], pairings: dict[str, str],
                 long_shape: bool = False) -> list[Reading]:
    """How each column of a table is read, in column order."""
    readings: list[Reading] = []
    by_position = {q.position: q for q in questions}
    for column in table.columns:
        readings.append(_read_one(table, column, questions, by_position, pairings, long_shape))
    if not long_shape:
        _explanations(table, readings, questions)
        _best_per_question(readings)
    # A given name and surname are only used when no column holds the whole name.
    if any(r.target == "name" for r in readings):
        for reading in readings:
            if reading.target in ("first_name", "last_name") and reading.how.startswith(
                    ("the ", "recognised")):
                reading.target, reading.how = IGNORE, "a full name column is also present"
    return readings


def _read_one(table: Table, column: Column, questions: list[Question],
              by_position: dict[int, Question], pairings: dict[str, str],
              long_shape: bool) -> Reading:
    """How one column is read, before explanations are attached to their questions."""
    label = column.label
    if column.key in pairings:
        target = pairings[column.key]
        valid = target in DETAILS or target == IGNORE or (
            ":" in target and int(target.split(":")[1]) in {q.id for q in questions})
        if valid:
            return Reading(column, target, "paired by staff")
    role = column.tool_role
    if role == tools.TOOL:
        return Reading(column, IGNORE, f"a column of the {table.tool_name} export's own")
    if role in (tools.RECEIVED, tools.EMAIL, tools.FIRST, tools.LAST):
        return Reading(column, role, f"the {table.tool_name} column for it")
    if role == tools.EXPLANATION:
        return Reading(column, None, "explanation")  # attached in _explanations
    if long_shape:
        for name, spellings in LONG_COLUMNS.items():
            if normalise(label) in spellings:
                return Reading(column, f"long:{name}", "")
    text = _text(column)
    continuation = column.group is not None and column.index != column.group
    detail = detail_for(text)
    if role == tools.HIDDEN:
        if detail:
            return Reading(column, detail, f"a {table.tool_name} hidden field named for it")
        return Reading(column, IGNORE, f"a {table.tool_name} hidden field")
    if detail and not continuation:
        return Reading(column, detail, "recognised by its header")
    if long_shape:
        return Reading(column, None, "")
    question, score = _best_question(column, questions)
    if question is not None and score >= 0.99:
        return Reading(column, f"question:{question.id}", "matched by its text", score)
    suffix = EXPLANATION_SUFFIX.match(normalise(label))
    if suffix:
        explained, explained_score = _best_question_for_text(suffix.group("question"),
                                                             questions)
        if explained is not None:
            return Reading(column, f"explanation:{explained.id}", "named as its explanation",
                           explained_score)
    if question is not None:
        return Reading(column, f"question:{question.id}", "matched by its text", score)
    like = detail_like(text)
    if like and not continuation:
        return Reading(column, like, "recognised by the question it asks")
    number = re.fullmatch(r"(?:q|question)\s*(\d{1,3})", normalise(label))
    if table.tool == "spreadsheet" and (number or normalise(label).isdigit()):
        position = int(number.group(1) if number else normalise(label))
        if position in by_position:
            return Reading(column, f"question:{by_position[position].id}",
                           f"question number {position}")
    if normalise(label) in KNOWN_EXTRAS:
        return Reading(column, IGNORE, "not used by the guide")
    return Reading(column, None, "")


ANSWER_SUBHEADERS = ("", "response", "open-ended response")


def _text(column: Column) -> str:
    """A column's own text: its header, with a sub-header only where it says something."""
    return column.header if normalise(column.sub) in ANSWER_SUBHEADERS else column.label


def _forms(column: Column) -> list[str]:
    """The texts a column may name its question by: the label, a grid's row, a sub-header."""
    forms = [column.label]
    if column.sub and normalise(column.sub) not in ("response", "open-ended response"):
        forms.append(column.sub)  # a SurveyMonkey matrix row or option
    if column.sub and normalise(column.sub) in ("response", "open-ended response"):
        forms = [column.header]
    grid = re.fullmatch(r"(?P<title>.*)\[(?P<row>[^\]]+)\]\s*", column.label)
    if grid:
        forms += [grid.group("row"), grid.group("title")]
    return [f for f in forms if f.strip()]


def _best_question(column: Column, questions: list[Question]) -> tuple[Question | None, float]:
    """The question a column's header names, if one clearly does."""
    best: tuple[Question | None, float] = (None, 0.0)
    for form in _forms(column):
        found = _best_question_for_text(form, questions)
        if found[0] is not None and found[1] > best[1]:
            best = found
    return best


def _best_question_for_text(text: str, questions: list[Question]) -> tuple[Question | None,
                                                                            float]:
    """The question a text names: the best score if at least 0.8 and clearly ahead."""
    scored = sorted(((question_score(text, q), q) for q in questions), key=lambda s: -s[0])
    if not scored or scored[0][0] < 0.8:
        return None, 0.0
    if len(scored) > 1 and scored[1][0] > scored[0][0] - 0.06 and scored[0][0] < 1.0:
        return None, 0.0  # two questions fit about as well: let staff pair it
    return scored[0][1], scored[0][0]


def _explanations(table: Table, readings: list[Reading], questions: list[Question]) -> None:
    """Attach explanation columns to their questions: a tool's comment box to its question,
    an "explain your answer" column to the question just before it."""
    by_tag = {r.column.tag: r for r in readings if r.column.tag}
    for index, reading in enumerate(readings):
        column = reading.column
        if reading.target is not None and reading.how != "explanation":
            continue
        question_id = None
        if reading.how == "explanation" and column.group is not None:
            owner = readings[column.group]
            question_id = owner.question_id if owner.target and owner.target.startswith(
                "question:") else None
        elif reading.how == "explanation" and column.tag:
            base = re.sub(r"(_\d+)*_TEXT$", "", column.tag, flags=re.IGNORECASE)
            owner = by_tag.get(base)
            question_id = owner.question_id if owner and owner.target and \
                owner.target.startswith("question:") else None
        if question_id is None and (reading.how == "explanation" or EXPLAINING.search(
                undecorated(column.sub or column.label))):
            previous = _previous_question(readings, index)
            question_id = previous
        if question_id is not None:
            reading.target = f"explanation:{question_id}"
            reading.how = "the explanation of the question before it"
        elif reading.how == "explanation":
            reading.how, reading.target = "", None


def _previous_question(readings: list[Reading], index: int) -> int | None:
    """The question of the nearest answer column to the left, if only explanations lie between."""
    for earlier in reversed(readings[:index]):
        target = earlier.target or ""
        if target.startswith("question:"):
            return earlier.question_id
        if not target.startswith("explanation:"):
            return None
    return None


def _best_per_question(readings: list[Reading]) -> None:
    """When several columns look like one question, keep the clearest; the others wait for
    staff (two exact matches are left for the importer to report as a clash)."""
    for kind in ("question:", "explanation:"):
        best: dict[str, Reading] = {}
        for reading in readings:
            if not (reading.target or "").startswith(kind) or reading.how == "paired by staff":
                continue
            known = best.get(reading.target)
            if known is None or reading.score > known.score:
                best[reading.target] = reading
        for reading in readings:
            target = reading.target or ""
            if target.startswith(kind) and reading.how != "paired by staff":
                winner = best[target]
                if winner is not reading and reading.score < winner.score:
                    reading.target, reading.how = None, "looks like a question another " \
                                                        "column matches better"
