"""The picker's question in plain words: which county the voter lives in, and why we ask.

Voters know their county, not their judicial circuit, so every question names counties
("Do you live in Russell County or Lee County?"); the districts follow from the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from ..geo.districts import Reason
from ..presenters import N_

#: One sentence on why the voter is asked to choose, by reason; {state} is the state's name.
WHY_ASKED = {
    Reason.COARSE: N_("We know only your ZIP code or town, and it reaches into more than one "
                      "county with a different district attorney."),
    Reason.BORDER: N_("Your address is close to a county line, too close for our map to be "
                      "sure which side it is on."),
    Reason.STATE_LINE: N_("Your address is close to the edge of %(state)s, too close for our "
                          "map to be sure which side of the line it is on."),
    Reason.SHARED_COUNTY: N_("Your county has more than one district attorney's office, and "
                             "no published map shows which one serves you."),
}
GENERIC_WHY = N_("More than one district may include your address.")


@dataclass(frozen=True)
class Option:
    """One answer to the picker's question: a county and its district, or outside."""

    label: str  # "Lee County", "Outside <state>"
    district: object | None  # a District or DistrictShape; None for "outside this guide"


def county_phrase(names: Sequence[str]) -> str:
    """'Lee County' or 'Choctaw, Clarke or Washington County'."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        return _("%(county)s County", county=names[0])
    return _("%(counties)s or %(last)s County", counties=", ".join(names[:-1]), last=names[-1])


def either(phrases: Sequence[str]) -> str:
    """'A or B', 'A, B or C'."""
    phrases = list(phrases)
    if len(phrases) <= 1:
        return "".join(phrases)
    return _("%(choices)s or %(last)s", choices=", ".join(phrases[:-1]), last=phrases[-1])


def outside_phrase(state_names: Sequence[str]) -> str:
    """'outside <state>', 'outside <state> and <other state>'."""
    names = list(dict.fromkeys(state_names))
    if not names:
        return _("outside the area this guide covers")
    return _("outside %(states)s", states=names[0] if len(names) == 1 else
             _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1]))


def options(districts: Sequence, counties_of, outside: bool, state_names: Sequence[str],
            state_of=None) -> list[Option]:
    """The picker's answers: one per county of each district (``counties_of(district)``
    gives their names, those the place touches when known), then "outside" when possible.
    With districts of more than one state, each county is named with its state."""
    found: list[Option] = []
    several_states = len(set(state_names)) > 1
    for district in districts:
        for name in counties_of(district) or [district.name]:
            label = _("%(county)s County", county=name) if name != district.name else name
            if several_states and state_of is not None:
                label = f"{label}, {state_of(district)}"
            found.append(Option(label, district))
    labels = [o.label for o in found]
    found = [Option(f"{o.label}: {o.district.name}", o.district) if labels.count(o.label) > 1
             else o for o in found]
    if outside:
        phrase = outside_phrase(state_names)
        found.append(Option(phrase[0].upper() + phrase[1:], None))
    return found


def question(answers: Sequence[Option]) -> str:
    """'Do you live in Russell County or Lee County?', '... or outside <state>?'"""
    parts = [a.label if a.district is not None else a.label[0].lower() + a.label[1:]
             for a in answers]
    if not parts:
        return ""
    if answers[0].district is None:
        return _("Do you live %(places)s?", places=either(parts))
    return _("Do you live in %(places)s?", places=either(parts))


#: The ZIP code or town reaches across the line of a state this guide doesn't cover.
ACROSS_THE_LINE = N_("We know only your ZIP code or town, and part of it lies across the "
                     "%(state)s state line.")


def why(reason: Reason | None, state_names: Sequence[str], outside: bool = False) -> str:
    """The sentence on why we ask, for a reason code."""
    text = WHY_ASKED.get(reason, GENERIC_WHY)
    if reason is Reason.COARSE and outside:
        text = ACROSS_THE_LINE
    names = list(dict.fromkeys(state_names))
    return _(text, state=either(names) if names else _("the state"))


def explain(reason: Reason, answers: Sequence[Option], state_names: Sequence[str]) -> str:
    """Why we ask and what, in plain words: the picker's and the API's message."""
    outside = any(a.district is None for a in answers)
    return f"{why(reason, state_names, outside)} {question(answers)}"
