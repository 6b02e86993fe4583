"""How the guide words a candidate's questionnaire status, in one place: every page, the
embed, the flyer, the PDF and the share image say the same thing for the same status.

- ``status_words``: the status itself ("Answered the questionnaire", "Did not respond",
  "Declined to respond").
- ``no_answer_words``: why a cell of the answers has no answer, as a sentence.
- ``no_answer_brief``: the same in a few words, for a flyer's table.
- ``party_label``: the party shown beside a candidate, or None for a nonpartisan office,
  which shows no party anywhere.
- ``office_selection_words``: how the state chooses the office, as plain sentences.
"""

from __future__ import annotations

from .models import Candidate, ResponseStatus, State

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


def status_words(candidate: Candidate) -> str:
    """The candidate's questionnaire status in words."""
    return STATUS_WORDS[candidate.response_status]


def no_answer_words(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, as a sentence."""
    return NO_ANSWER_WORDS[candidate.response_status]


def no_answer_brief(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, in two or three words."""
    return NO_ANSWER_BRIEF[candidate.response_status]


#: Party shown for a candidate of a partisan office who gave none.
NO_PARTY = "No party listed"
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 10: "ten", 12: "twelve"}


def is_partisan(candidate: Candidate) -> bool:
    """Whether the candidate's office is chosen with party labels (state.json says)."""
    return candidate.race.district.state.partisan


def party_label(candidate: Candidate) -> str | None:
    """The party beside a candidate's name: None for a nonpartisan office (no party label
    at all, not even "No party listed"), else the party or NO_PARTY."""
    if not is_partisan(candidate):
        return None
    return candidate.party or NO_PARTY


def office_selection_words(state: State, office: str = "District Attorney") -> str:
    """How the state chooses the office, in plain sentences from its ``office_selection``
    ("" when the state's data does not say)."""
    rules = state.office_selection or {}
    if not rules:
        return ""
    office = office[0].lower() + office[1:] if office[1:2].islower() else office
    years = rules.get("term_years")
    term = f" for {NUMBER_WORDS.get(years, years)} years" if years else ""
    majority = rules.get("majority_required", False)
    runoff = rules.get("runoff")
    if rules.get("partisan", True):
        text = (f"The {office} is elected{term} in a partisan election: each party chooses "
                "its candidate at a primary")
        if majority and runoff == "primary_runoff":
            text += (" (if nobody wins a majority of the votes there, the top two meet "
                     "again in a runoff)")
        return text + ", and the general election in November decides."
    text = (f"The {office} is elected{term} in a nonpartisan election: candidates appear "
            "on the ballot without a party.")
    if rules.get("decided_at") == "primary" and majority:
        text += (" A candidate who wins a majority of the votes at the primary is elected "
                 "outright; otherwise the top two candidates meet again at the general "
                 "election in November.")
    elif rules.get("decided_at") == "general":
        text += " The general election in November decides."
    return text


def register(app) -> None:
    """Make the wordings template filters: ``candidate|status_words`` and the others."""
    app.add_template_filter(status_words)
    app.add_template_filter(no_answer_words)
    app.add_template_filter(no_answer_brief)
    app.add_template_filter(party_label)
    app.add_template_filter(office_selection_words)
    app.add_template_global(MISSING_BRIEFS, "MISSING_BRIEFS")
    app.add_template_global(WITHDRAWN, "WITHDRAWN")
