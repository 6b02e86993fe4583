"""When an office is elected, in plain sentences: the next election for a district's office
(from its state's ``office_selection.cycle``, where one district may be an exception), and
which voting day of a race comes next and what happens if nobody wins a majority (from the
election's stages and the candidate elected outright, if any).

Everything here is data: no state is named. ``today`` is the server's date unless given.
"""

from __future__ import annotations

import calendar
import datetime as dt

from .models import District, ElectionStage, Race

NUMBER_WORDS = {2: "two", 4: "four", 6: "six"}


def _day(value: dt.date) -> str:
    """A date as a sentence reads it: March 7, 2028."""
    return f"{value:%B} {value.day}, {value.year}"


def _office(name: str) -> str:
    """An office's name inside a sentence: "district attorney"."""
    return name if name.isupper() else name.lower()


def office_rules(district: District) -> dict:
    """The state's ``office_selection`` for this district: a cycle exception that names the
    district's slug replaces the cycle and may change ``decided_at``."""
    rules = dict(district.state.office_selection or {})
    cycle = rules.get("cycle")
    if not cycle:
        return rules
    for exception in cycle.get("exceptions", []):
        if district.slug in exception.get("districts", []):
            own = {key: value for key, value in exception.items() if key != "districts"}
            rules["cycle"] = own
            if "decided_at" in own:
                rules["decided_at"] = own["decided_at"]
            break
    return rules


def next_election_year(cycle: dict, today: dt.date) -> int | None:
    """The year of the next election of the cycle that is not over by ``today`` (the end of
    its first voting day's month); never before the cycle's ``year``, its first election
    under the rule in force."""
    every, year, stages = cycle.get("every_years"), cycle.get("year"), cycle.get("stages")
    if not (every and year and stages):
        return None
    first_month = stages[0]["month"]
    candidate = year + ((today.year - year) // every) * every
    if candidate < today.year:
        candidate += every
    candidate = max(candidate, year)
    last_day = dt.date(candidate, first_month, calendar.monthrange(candidate, first_month)[1])
    if last_day < today:
        candidate += every
    return candidate


def next_election_words(district: District, today: dt.date | None = None) -> str:
    """When the office is next elected in this district, as a sentence ("" when the state's
    data has no cycle)."""
    rules = office_rules(district)
    cycle = rules.get("cycle") or {}
    year = next_election_year(cycle, today or dt.date.today())
    if year is None:
        return ""
    office = _office(district.office)
    first, *later = cycle["stages"]
    month = calendar.month_name[first["month"]]
    text = f"The next election for {office} here is at the {month} {year} {first['name']}"
    if first["name"] == "general election":
        text = f"The next election for {office} here is in {month} {year}"
    runoff = next((stage for stage in later if stage.get("if_no_majority")), None)
    if runoff:
        text += (f"; if nobody wins a majority of the votes there, the top two meet again "
                 f"at the {calendar.month_name[runoff['month']]} {year} {runoff['name']}")
    every = cycle["every_years"]
    years = cycle.get("years")
    text += f" (every {NUMBER_WORDS.get(every, every)} years"
    return text + (f", in {years})." if years else ").")


def _elected(race: Race) -> list:
    """The race's candidates elected outright at one of its voting days."""
    return [c for c in race.candidates if c.elected_at_stage is not None]


def stage_words(race: Race, today: dt.date | None = None) -> str:
    """Which voting day of the race comes next and what happens if nobody wins a majority,
    or on which day it was decided; "" for an election with one voting day."""
    stages: list[ElectionStage] = list(race.election.stages)
    if len(stages) < 2:
        return ""
    today = today or dt.date.today()
    rules = office_rules(race.district)
    elected = _elected(race)
    if elected:
        winner, stage = elected[0], elected[0].elected_at_stage
        after = [s for s in stages if s.position > stage.position]
        text = (f"Decided at the {stage.name.lower()} on {_day(stage.date)}: {winner.name} "
                "won a majority of the votes and was elected")
        if after:
            text += (f", so this race is not on the ballot of the {after[0].name.lower()} on "
                     f"{_day(after[0].date)}")
        return text + "."
    if race.stage is not None:
        # Staff said which voting day decides this race.
        return f"Decided on the {race.stage.name.lower()}: {_day(race.stage.date)}."
    first, runoff = stages[0], stages[1]
    majority = rules.get("majority_required") and rules.get("decided_at") == "primary"
    upcoming = next((s for s in stages if s.date >= today), None)
    candidates = [c for c in race.candidates if not c.withdrawn]
    if upcoming is first:
        text = f"Next: the {first.name.lower()} on {_day(first.date)}."
        if majority and len(candidates) == 1:
            return text + (" With one candidate, the race is decided there: it will not be "
                           f"on the ballot of the {runoff.name.lower()} on "
                           f"{_day(runoff.date)}.")
        if majority:
            text += (" A candidate who wins a majority of the votes there is elected; if "
                     f"nobody does, the top two meet again at the {runoff.name.lower()} on "
                     f"{_day(runoff.date)}.")
        return text
    if upcoming is not None:
        text = (f"The {first.name.lower()} was on {_day(first.date)}. Next: the "
                f"{upcoming.name.lower()} on {_day(upcoming.date)}")
        if majority:
            text += (", where the top two candidates meet again if nobody won a majority at "
                     f"the {first.name.lower()}")
        return text + "."
    return (f"The {first.name.lower()} was on {_day(first.date)} and the "
            f"{stages[-1].name.lower()} on {_day(stages[-1].date)}.")


def register(app) -> None:
    """Make ``district|next_election_words`` and ``race|stage_words`` template filters."""
    app.add_template_filter(next_election_words)
    app.add_template_filter(stage_words)
