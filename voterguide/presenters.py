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

from .models import Candidate, ResponseStatus

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


def _day(value: dt.date) -> str:
    """A deadline as shown: Aug 15, 2028."""
    return f"{value:%b} {value.day}, {value.year}"


def status_words(candidate: Candidate) -> str:
    """The candidate's questionnaire status in words."""
    deadline = missed_deadline(candidate)
    if deadline is not None:
        return f"Did not respond by {_day(deadline)}"
    return STATUS_WORDS[candidate.response_status]


def no_answer_words(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, as a sentence."""
    deadline = missed_deadline(candidate)
    if deadline is not None:
        return f"Did not respond to the questionnaire by {_day(deadline)}."
    return NO_ANSWER_WORDS[candidate.response_status]


def no_answer_brief(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, in two or three words."""
    return NO_ANSWER_BRIEF[candidate.response_status]


def register(app) -> None:
    """Make the wordings template filters: ``candidate|status_words`` and the others."""
    app.add_template_filter(status_words)
    app.add_template_filter(no_answer_words)
    app.add_template_filter(no_answer_brief)
    app.add_template_global(MISSING_BRIEFS, "MISSING_BRIEFS")
    app.add_template_global(WITHDRAWN, "WITHDRAWN")
