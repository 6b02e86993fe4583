"""How the guide words a candidate's questionnaire status, in one place: every page, the
embed, the flyer, the PDF and the share image say the same thing for the same status.

- ``status_words``: the status itself ("Answered the questionnaire", "Did not respond",
  "Declined to respond").
- ``no_answer_words``: why a cell of the answers has no answer, as a sentence.
- ``no_answer_brief``: the same in a few words, for a flyer's table.

After the questionnaire's deadline, a candidate who did not respond is shown as "Did not
respond by <the deadline>".
"""

from __future__ import annotations

import datetime as dt

from .models import (
    Candidate,
    DistrictFact,
    FactUnit,
    Question,
    QuestionKind,
    ResponseStatus,
)

STATUS_WORDS = {
    ResponseStatus.RESPONDED: "Answered the questionnaire",
    ResponseStatus.NO_RESPONSE: "Did not respond",
    ResponseStatus.DECLINED: "Declined to respond",
}
NO_ANSWER_WORDS = {
    ResponseStatus.RESPONDED: "Did not answer this question.",
    ResponseStatus.NO_RESPONSE: "Did not respond to the questionnaire.",
    ResponseStatus.DECLINED: "Declined to respond to the questionnaire.",
}
NO_ANSWER_BRIEF = {
    ResponseStatus.RESPONDED: "No answer",
    ResponseStatus.NO_RESPONSE: "Did not respond",
    ResponseStatus.DECLINED: "Declined to respond",
}
#: Every brief "no answer" wording: a flyer shows these cells in italics.
MISSING_BRIEFS = frozenset(NO_ANSWER_BRIEF.values())
#: How the pages state the order of candidates (the order guide.services.ballot_order gives).
ORDER_SENTENCE = ("Listed alphabetically by last name; the incumbent is marked, not listed "
                  "first.")
#: Who wrote a candidate's biography (Candidate.bio_source), as its byline says.
BIO_BYLINES = {"candidate": "Biography written by the candidate.",
               "staff": "Biography written by our staff from public sources."}
#: How a candidate who left the race is marked.
WITHDRAWN = "Withdrawn from the race"


#: How a race with one candidate on the ballot is marked, and what that means.
UNOPPOSED = "Unopposed"
UNOPPOSED_MEANING = ("Only one candidate is on the ballot for this office: nobody is running "
                     "against them, so they will take office unless a write-in campaign "
                     "beats them. Their answers still tell you what they would do in office.")
#: A figure's unit in words, after its number.
UNIT_WORDS = {FactUnit.PEOPLE: "people", FactUnit.PERCENT: "%", FactUnit.CASES: "cases",
              FactUnit.DOLLARS: "", FactUnit.DAYS: "days",
              FactUnit.PER_100K: "per 100,000 residents"}


def number_words(value: float, unit: FactUnit) -> str:
    """A figure's value with its unit: "1,204 people", "38.5%", "$2,100,000"."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit is FactUnit.DOLLARS:
        return "$" + text
    if unit is FactUnit.PERCENT:
        return text + "%"
    return f"{text} {UNIT_WORDS[unit]}"


def figure_words(fact: DistrictFact) -> str:
    """A figure in one line: "County jail population, 2023: 1,204 people"."""
    return f"{fact.fact}, {fact.period}: {number_words(fact.value, fact.unit)}"
#: The five points of an agree/disagree scale, in words.
AGREE_SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
               "Strongly agree")


def scale_point_words(question: Question, point: int) -> str:
    """What a point of a question's 1-5 scale means: the agree/disagree words when the scale
    runs from "Strongly disagree" to "Strongly agree", else its ends' own labels, with
    "closer to ..." between them."""
    low, high = question.scale_low or "", question.scale_high or ""
    if (low.casefold(), high.casefold()) == (AGREE_SCALE[0].casefold(),
                                             AGREE_SCALE[-1].casefold()):
        return AGREE_SCALE[point - 1]
    low, high = low or "lowest", high or "highest"
    return {1: low, 2: f"Closer to “{low}”", 3: "In the middle", 4: f"Closer to “{high}”",
            5: high}[point]


def choice_words(question: Question, choice: str | None) -> str:
    """An answer's choice as a voter reads it: "Agree (4 of 5)", "Yes"; "" for none."""
    choice = (choice or "").strip()
    if not choice:
        return ""
    if question.kind is QuestionKind.SCALE and choice.isdigit() and 1 <= int(choice) <= 5:
        return f"{scale_point_words(question, int(choice))} ({choice} of 5)"
    return choice


def scale_key(question: Question) -> str:
    """A scale question's five points in one line: "1 Strongly disagree · ... · 5 ..."."""
    return " · ".join(f"{n} {scale_point_words(question, n)}" for n in range(1, 6))


def day_words(day: dt.date, year: bool = True) -> str:
    """A date as "Aug 15, 2028" (or "Aug 15")."""
    text = f"{day:%b} {day.day}"
    return f"{text}, {day.year}" if year else text


def silence_sentence(silent: list[Candidate], total: int, deadline: dt.date | None) -> str:
    """How many of a race's candidates did not respond, once for the race: "2 of 3
    candidates did not respond by Aug 15, 2028." (declining is said apart, by name); before
    the deadline, that they have not responded yet."""
    if not silent:
        return ""
    declined = [c.name for c in silent if c.response_status is ResponseStatus.DECLINED]
    ignored = [c.name for c in silent if c.response_status is not ResponseStatus.DECLINED]
    parts = []
    if ignored:
        who = "candidate" if total == 1 else "candidates"
        if deadline is not None and dt.datetime.now(dt.UTC).date() <= deadline:
            # The questionnaire is still open: nobody has let the deadline pass yet.
            parts.append(f"{len(ignored)} of {total} {who} have not responded yet (answers "
                         f"are taken until {day_words(deadline)}): {_names(ignored)}.")
        else:
            by = f" by {day_words(deadline)}" if deadline else ""
            parts.append(f"{len(ignored)} of {total} {who} did not respond{by}: "
                         f"{_names(ignored)}.")
    if declined:
        parts.append(f"{_names(declined)} declined to respond.")
    return " ".join(parts)


def candidate_silence(candidate: Candidate, deadline: dt.date | None) -> str:
    """One candidate who has not answered, in a sentence for their own page."""
    if candidate.response_status is ResponseStatus.DECLINED:
        return f"{candidate.name} declined to respond to the questionnaire."
    if deadline is not None and dt.datetime.now(dt.UTC).date() <= deadline:
        return (f"{candidate.name} has not responded to the questionnaire yet (answers are "
                f"taken until {day_words(deadline)}).")
    by = f" by {day_words(deadline)}" if deadline else ""
    return f"{candidate.name} did not respond to the questionnaire{by}."


def _names(names: list[str]) -> str:
    """Names joined for a sentence: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def contact_sentence(sent_on: dt.date | None, reminder_on: dt.date | None) -> str:
    """When the questionnaire went out, and the reminder, as a sentence ("" if unknown)."""
    if not sent_on:
        return ""
    text = f"We sent the questionnaire to every candidate on {day_words(sent_on)}"
    if reminder_on:
        text += f" and a reminder on {day_words(reminder_on)}"
    return text + "."
def missed_deadline(candidate: Candidate) -> dt.date | None:
    """The deadline a candidate who did not respond let pass, or None (not passed, no
    deadline, or they responded or declined)."""
    if candidate.response_status is not ResponseStatus.NO_RESPONSE:
        return None
    questionnaire = candidate.race.questionnaire if candidate.race else None
    deadline = questionnaire.deadline if questionnaire is not None else None
    if deadline is None or dt.datetime.now(dt.UTC).date() <= deadline:
        return None
    return deadline


def status_words(candidate: Candidate) -> str:
    """The candidate's questionnaire status in words."""
    deadline = missed_deadline(candidate)
    if deadline is not None:
        return f"Did not respond by {day_words(deadline)}"
    return STATUS_WORDS[candidate.response_status]


def no_answer_words(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, as a sentence."""
    deadline = missed_deadline(candidate)
    if deadline is not None:
        return f"Did not respond to the questionnaire by {day_words(deadline)}."
    return NO_ANSWER_WORDS[candidate.response_status]


def no_answer_brief(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, in two or three words."""
    return NO_ANSWER_BRIEF[candidate.response_status]


def register(app) -> None:
    """Make the wordings template filters: ``candidate|status_words`` and the others."""
    app.add_template_filter(status_words)
    app.add_template_filter(no_answer_words)
    app.add_template_filter(no_answer_brief)
    app.add_template_filter(figure_words)
    app.add_template_global(number_words, "number_words")
    app.add_template_global(UNOPPOSED, "UNOPPOSED")
    app.add_template_global(UNOPPOSED_MEANING, "UNOPPOSED_MEANING")
    app.add_template_global(choice_words, "choice_words")
    app.add_template_global(scale_key, "scale_key")
    app.add_template_global(silence_sentence, "silence_sentence")
    app.add_template_global(candidate_silence, "candidate_silence")
    app.add_template_global(contact_sentence, "contact_sentence")
    app.add_template_global(MISSING_BRIEFS, "MISSING_BRIEFS")
    app.add_template_global(WITHDRAWN, "WITHDRAWN")
    app.add_template_global(ORDER_SENTENCE, "ORDER_SENTENCE")
    app.add_template_global(BIO_BYLINES, "BIO_BYLINES")
