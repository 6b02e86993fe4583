"""When an office is elected, in plain sentences: the next election for a district's office
(from its state's ``office_selection.cycle``, where one district may be an exception), and
which voting day of a race comes next and what happens if nobody wins a majority (from the
election's stages and the candidate elected outright, if any).

Everything here is data: no state is named. ``today`` is the server's date unless given.
"""

from __future__ import annotations

import calendar
import datetime as dt

from babel.dates import format_date, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _

from .models import District, ElectionStage, Race


def N_(text: str) -> str:  # noqa: N802  (gettext's name for "translated later")
    """Mark an English wording for the catalogues; it is translated where it is shown."""
    return text


def SN_(text: str) -> str:  # noqa: N802  (N_, for the staff pages' own catalogue)
    """Mark an English wording of the staff pages for the staff catalogue (staff.pot); the
    staff pages translate it where they show it (voterguide/web/staff_words.py)."""
    return text


#: Small numbers as a sentence says them ("for six years").
NUMBER_WORDS = {1: N_("one"), 2: N_("two"), 3: N_("three"), 4: N_("four"), 5: N_("five"),
                6: N_("six"), 7: N_("seven"), 8: N_("eight"), 10: N_("ten"), 12: N_("twelve")}


def count_words(number):
    """A small number in words in the page's language ("four", "cuatro"); others as given."""
    return _(NUMBER_WORDS[number]) if number in NUMBER_WORDS else number


def language() -> str:
    """The page's language for Babel's formats (English outside a request)."""
    return str(get_locale() or "en")


def _day(value: dt.date) -> str:
    """A date as a sentence reads it: March 7, 2028 (7 de marzo de 2028)."""
    return format_date(value, "long", locale=language())


def _month(year: int, month: int) -> str:
    """A month of a year: March 2028 (marzo de 2028)."""
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=language())


def _name(name: str) -> str:
    """A voting day's name inside a sentence, in the page's language: "primary" ("primaria");
    the names the states' data use are marked in presenters.STAGES."""
    return _(name[:1].upper() + name[1:]).lower()


def _office(name: str) -> str:
    """An office's name inside a sentence: "district attorney" ("fiscal de distrito")."""
    name = _(name)
    return name if name.isupper() else name.lower()


def said(spec: dict, key: str) -> str:
    """A state file's text in the page's language: ``key_<language>`` when the file gives
    one (``"label_es"``, ``"years_es"``), else ``key`` as written."""
    return spec.get(f"{key}_{language()}") or spec.get(key) or ""


def office_rules(district: District) -> dict:
    """The state's ``office_selection`` for this district: a cycle exception that names the
    district's slug replaces the cycle and may change ``decided_at`` and ``ballot``."""
    rules = dict(district.state.office_selection or {})
    cycle = rules.get("cycle")
    if not cycle:
        return rules
    for exception in cycle.get("exceptions", []):
        if district.slug in exception.get("districts", []):
            own = {key: value for key, value in exception.items() if key != "districts"}
            rules["cycle"] = own
            for key in ("decided_at", "ballot"):
                if key in own:
                    rules[key] = own[key]
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


def next_election_sentence(district: District, today: dt.date | None = None) -> str:
    """When the office is next elected in this district, as a sentence ("" when the state's
    data has no cycle)."""
    rules = office_rules(district)
    cycle = rules.get("cycle") or {}
    year = next_election_year(cycle, today or dt.date.today())
    if year is None:
        return ""
    office = _office(district.office)
    first, *later = cycle["stages"]
    when = _month(year, first["month"])
    if first["name"] == "general election":
        text = _("The next election for %(office)s here is in %(when)s", office=office,
                 when=when)
    else:
        text = _("The next election for %(office)s here is at the %(when)s %(stage)s",
                 office=office, when=when, stage=_name(first["name"]))
    runoff = next((stage for stage in later if stage.get("if_no_majority")), None)
    if runoff:
        text += _("; if nobody wins a majority of the votes there, the top two meet again at "
                  "the %(when)s %(stage)s", when=_month(year, runoff["month"]),
                  stage=_name(runoff["name"]))
    every = cycle["every_years"]
    every = count_words(every)
    years = said(cycle, "years")
    if years:
        return text + _(" (every %(every)s years, in %(years)s).", every=every, years=years)
    return text + _(" (every %(every)s years).", every=every)


def _elected(race: Race) -> list:
    """The race's candidates elected outright at one of its voting days."""
    return [c for c in race.candidates if c.elected_at_stage is not None]


def stage_sentence(race: Race, today: dt.date | None = None) -> str:
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
        if after:
            return _("Decided at the %(stage)s on %(date)s: %(name)s won a majority of the "
                     "votes and was elected, so this race is not on the ballot of the "
                     "%(next)s on %(next_date)s.", stage=_name(stage.name),
                     date=_day(stage.date), name=winner.name, next=_name(after[0].name),
                     next_date=_day(after[0].date))
        return _("Decided at the %(stage)s on %(date)s: %(name)s won a majority of the votes "
                 "and was elected.", stage=_name(stage.name), date=_day(stage.date),
                 name=winner.name)
    if race.stage is not None:
        # Staff said which voting day decides this race.
        return _("Decided on the %(stage)s: %(date)s.", stage=_name(race.stage.name),
                 date=_day(race.stage.date))
    first, runoff = stages[0], stages[1]
    majority = rules.get("majority_required") and rules.get("decided_at") == "primary"
    upcoming = next((s for s in stages if s.date >= today), None)
    candidates = [c for c in race.candidates if not c.withdrawn]
    days = {"first": _name(first.name), "first_date": _day(first.date),
            "next": _name(runoff.name), "next_date": _day(runoff.date)}
    if upcoming is first:
        text = _("Next: the %(first)s on %(first_date)s.", **days)
        if majority and len(candidates) == 1:
            return text + _(" With one candidate, the race is decided there: it will not be "
                            "on the ballot of the %(next)s on %(next_date)s.", **days)
        if majority:
            text += _(" A candidate who wins a majority of the votes there is elected; if "
                      "nobody does, the top two meet again at the %(next)s on "
                      "%(next_date)s.", **days)
        return text
    if upcoming is not None:
        days.update(next=_name(upcoming.name), next_date=_day(upcoming.date))
        if majority:
            return _("The %(first)s was on %(first_date)s. Next: the %(next)s on "
                     "%(next_date)s, where the top two candidates meet again if nobody won a "
                     "majority at the %(first)s.", **days)
        return _("The %(first)s was on %(first_date)s. Next: the %(next)s on %(next_date)s.",
                 **days)
    return _("The %(first)s was on %(first_date)s and the %(last)s on %(last_date)s.",
             first=days["first"], first_date=days["first_date"],
             last=_name(stages[-1].name), last_date=_day(stages[-1].date))


def register(app) -> None:
    """Make ``district|next_election_sentence`` and ``race|stage_sentence`` template
    filters."""
    app.add_template_filter(next_election_sentence)
    app.add_template_filter(stage_sentence)
