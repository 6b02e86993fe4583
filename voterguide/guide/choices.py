"""The picker's question in plain words: which county the voter lives in, and why we ask.

Voters know their county, not their judicial circuit, so every question names counties
("Do you live in Russell County or Lee County?"); the districts follow from the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..geo.districts import Reason

#: One sentence on why the voter is asked to choose, by reason; {state} is the state's name.
WHY_ASKED = {
    Reason.COARSE: "We know only your ZIP code or town, and it reaches into more than one "
    "county with a different district attorney.",
    Reason.BORDER: "Your address is close to a county line, too close for our map to be sure "
    "which side it is on.",
    Reason.STATE_LINE: "Your address is close to the edge of {state}, too close for our map "
    "to be sure which side of the line it is on.",
    Reason.SHARED_COUNTY: "Your county has more than one district attorney's office, and no "
    "published map shows which one serves you.",
}
GENERIC_WHY = "More than one district may include your address."


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
        return f"{names[0]} County"
    return f"{', '.join(names[:-1])} or {names[-1]} County"


def either(phrases: Sequence[str]) -> str:
    """'A or B', 'A, B or C'."""
    phrases = list(phrases)
    if len(phrases) <= 1:
        return "".join(phrases)
    return f"{', '.join(phrases[:-1])} or {phrases[-1]}"


def outside_phrase(state_names: Sequence[str]) -> str:
    """'outside <state>', 'outside <state> and <other state>'."""
    names = list(dict.fromkeys(state_names))
    if not names:
        return "outside the area this guide covers"
    return "outside " + (names[0] if len(names) == 1 else
                         f"{', '.join(names[:-1])} and {names[-1]}")


def options(districts: Sequence, counties_of, outside: bool, state_names: Sequence[str],
            state_of=None) -> list[Option]:
    """The picker's answers: one per county of each district (``counties_of(district)``
    gives their names, those the place touches when known), then "outside" when possible.
    With districts of more than one state, each county is named with its state."""
    found: list[Option] = []
    several_states = len(set(state_names)) > 1
    for district in districts:
        for name in counties_of(district) or [district.name]:
            label = f"{name} County" if name != district.name else name
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
    text = either(parts)
    return f"Do you live {'' if text.startswith('outside') else 'in '}{text}?"


#: The ZIP code or town reaches across the line of a state this guide doesn't cover.
ACROSS_THE_LINE = ("We know only your ZIP code or town, and part of it lies across the {state} "
                   "state line.")


def why(reason: Reason | None, state_names: Sequence[str], outside: bool = False) -> str:
    """The sentence on why we ask, for a reason code."""
    text = WHY_ASKED.get(reason, GENERIC_WHY)
    if reason is Reason.COARSE and outside:
        text = ACROSS_THE_LINE
    names = list(dict.fromkeys(state_names))
    return text.format(state=" or ".join(names) if names else "state")


def explain(reason: Reason, answers: Sequence[Option], state_names: Sequence[str]) -> str:
    """Why we ask and what, in plain words: the picker's and the API's message."""
    outside = any(a.district is None for a in answers)
    return f"{why(reason, state_names, outside)} {question(answers)}"
