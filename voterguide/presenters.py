"""How the guide words a candidate's questionnaire status, in one place: every page, the
embed, the flyer, the PDF and the share image say the same thing for the same status.

- ``status_words``: the status itself ("Answered the questionnaire", "Did not respond",
  "Declined to respond").
- ``no_answer_words``: why a cell of the answers has no answer, as a sentence.
- ``no_answer_brief``: the same in a few words, for a flyer's table.
"""

from __future__ import annotations

from .models import Candidate, DistrictFact, FactUnit, ResponseStatus

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


def status_words(candidate: Candidate) -> str:
    """The candidate's questionnaire status in words."""
    return STATUS_WORDS[candidate.response_status]


def no_answer_words(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, as a sentence."""
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
    app.add_template_global(MISSING_BRIEFS, "MISSING_BRIEFS")
    app.add_template_global(WITHDRAWN, "WITHDRAWN")
