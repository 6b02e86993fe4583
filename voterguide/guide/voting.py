"""The voting facts a page puts first: the election day, the next deadline, the ID rule,
polling hours and the official links. They come from the state's ``state.json`` ("voting",
docs/data-format.md), loaded into ``State.facts``: another state is new data, not new code.

A deadline's date is the one the state's file gives for that election; when it gives none,
the date follows the state's rule ("14 days before election day") and says so. Either way a
date the official calendar has not confirmed is marked, never presented as certain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..models import Election, State
from ..presenters import said


@dataclass(frozen=True)
class Fact:
    """One rule in words, with where it comes from."""

    text: str
    source: str = ""
    url: str = ""
    short: str = ""


@dataclass(frozen=True)
class Link:
    """An official page a voter may need."""

    label: str
    url: str


@dataclass(frozen=True)
class Deadline:
    """A last day before an election: to register, to apply for or return a ballot."""

    kind: str
    label: str
    date: dt.date
    rule: str
    url: str = ""
    source: str = ""
    #: False when the date follows the rule and no official calendar has confirmed it.
    confirmed: bool = False


@dataclass(frozen=True)
class VotingSummary:
    """What a voter needs next for one election in one state."""

    state_name: str
    election: Election
    deadlines: list[Deadline]
    today: dt.date
    photo_id: Fact | None = None
    polling_hours: Fact | None = None
    absentee: Fact | None = None
    polling_place: Link | None = None
    links: list[Link] = field(default_factory=list)
    authority: Link | None = None
    #: Why some dates are not confirmed, in the state file's words.
    note: str = ""

    @property
    def next_deadline(self) -> Deadline | None:
        """The first deadline not yet passed (None once they all have)."""
        return next((d for d in self.deadlines if d.date >= self.today), None)

    @property
    def passed(self) -> bool:
        """True once election day is over."""
        return self.election.date < self.today

    @property
    def unconfirmed(self) -> bool:
        """True when some deadline's date follows the rule only."""
        return any(not d.confirmed for d in self.deadlines)


def _fact(spec: dict | None) -> Fact | None:
    """A fact from its state-file object, or None."""
    if not spec or not spec.get("text"):
        return None
    return Fact(said(spec, "text"), spec.get("source", ""), spec.get("url", ""),
                said(spec, "short"))


def _link(spec: dict | None) -> Link | None:
    """A link from its state-file object, or None."""
    if not spec or not spec.get("url"):
        return None
    return Link(said(spec, "label") or said(spec, "name"), spec["url"])


def election_facts(facts: dict, day: dt.date) -> dict:
    """The state file's entry for the election on ``day`` (empty when it has none)."""
    for entry in facts.get("elections", []):
        if entry.get("date") == day.isoformat():
            return entry
    return {}


def deadlines(facts: dict, day: dt.date) -> list[Deadline]:
    """The deadlines of the election on ``day``, earliest first."""
    entry = election_facts(facts, day)
    given = entry.get("deadlines", {})
    confirmed = bool(entry.get("confirmed"))
    result = []
    for rule in facts.get("deadlines", []):
        if rule["kind"] in given:
            date, sure = dt.date.fromisoformat(given[rule["kind"]]), confirmed
        elif "days_before" in rule:
            date, sure = day - dt.timedelta(days=int(rule["days_before"])), False
        else:
            continue
        result.append(Deadline(rule["kind"], said(rule, "label"), date, said(rule, "rule"),
                               rule.get("url", ""), rule.get("source", ""), sure))
    return sorted(result, key=lambda d: d.date)


def voting_summary(state: State, election: Election,
                   today: dt.date | None = None) -> VotingSummary:
    """The voting summary for an election in a state (today: the server's date)."""
    facts = state.facts or {}
    today = today or dt.date.today()
    return VotingSummary(
        state_name=state.name,
        election=election,
        deadlines=deadlines(facts, election.date),
        today=today,
        photo_id=_fact(facts.get("photo_id")),
        polling_hours=_fact(facts.get("polling_hours")),
        absentee=_fact(facts.get("absentee")),
        polling_place=_link(facts.get("polling_place")),
        links=[Link(said(t, "label"), t["url"]) for t in state.voter_tools or []],
        authority=_link(facts.get("authority")),
        note=said(election_facts(facts, election.date), "note"),
    )


def main_election(elections: list[Election], today: dt.date | None = None) -> Election | None:
    """The election a page's summary is about: the next one, else the latest."""
    today = today or dt.date.today()
    if not elections:
        return None
    upcoming = sorted((e for e in elections if e.date >= today), key=lambda e: e.date)
    return upcoming[0] if upcoming else max(elections, key=lambda e: e.date)
