"""What the guide's pages need: address lookup, and the district page's content."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from .. import queries
from ..extensions import runtime
from ..geo.boundaries import district_index
from ..geo.districts import DistrictShape, Match, Reason
from ..geo.geocoding import Location, Locator
from ..geo.svgmap import SvgMap, draw
from ..models import Answer, Candidate, District, Question, Race, ResponseStatus
from ..presenters import language, no_answer_words, office_words
from . import choices as wording  # the picker's words (``choices`` is a field name here)
from .office import OfficeView, office_view
from .voting import VotingSummary, main_election, voting_summary

#: Kept for callers of the old names: the sentences live in ``guide.choices``.
WHY_ASKED, GENERIC_WHY = wording.WHY_ASKED, wording.GENERIC_WHY


def locator() -> Locator:
    """The app's locator, built by the factory from configuration."""
    return runtime().locator


@dataclass(frozen=True)
class LookupResult:
    """Where an address was placed: the districts it may be in (``choices``: exactly one
    is the voter's, or none when ``match.outside`` and the place is across the line) and
    the offices inside them whose race may be on the ballot too (``also``)."""

    location: Location
    match: Match
    choices: list[DistrictShape]
    also: list[DistrictShape] = field(default_factory=list)

    @property
    def districts(self) -> list[DistrictShape]:
        """Every district the lookup names: the choices, then the offices inside them."""
        return [*self.choices, *self.also]

    @property
    def found(self) -> bool:
        """True when the place may be in some district this guide covers."""
        return bool(self.choices)

    def options(self) -> list[wording.Option]:
        """The picker's answers: the counties the place touches, by district."""
        index = district_index()

        def touched(district: DistrictShape) -> list[str]:
            names = [index.county_names.get(f, f) for f in self.match.counties
                     if f in district.counties]
            return names or list(district.county_names)

        return wording.options(self.choices, touched, self.match.outside, self.state_names,
                               lambda d: index.state_names.get(d.state, d.state))

    @property
    def state_names(self) -> list[str]:
        """The names of the states of the choices."""
        names = district_index().state_names
        return list(dict.fromkeys(names.get(d.state, d.state) for d in self.choices))

    def message(self) -> str:
        """Why the voter is asked, and what, in one or two plain sentences."""
        return wording.explain(self.match.reason, self.options(), self.state_names)


def look_up(address: str) -> LookupResult:
    """Geocode an address and match it to districts; raises GeocodingError subclasses."""
    location = locator().locate(address)
    return place(location)


def place(location: Location) -> LookupResult:
    """Match a location to districts."""
    index = district_index()
    match = index.lookup(location)
    return LookupResult(location, match, [index.shapes[d] for d in match.choice_ids],
                        [index.shapes[p.district_id] for p in match.also])


@dataclass(frozen=True)
class Picker:
    """The picker page: its answers, and why and what it asks."""

    options: list[wording.Option]
    why: str
    question: str
    #: By district id: the offices inside it whose races its page shows too.
    inside: dict[str, list[str]] = field(default_factory=dict)
    state_names: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """The page's question: by county, unless two answers name the same counties."""
        phrases = [o.label for o in self.options]
        if len(set(phrases)) == len(phrases):
            return _("Which county do you live in?")
        return _("Which of these districts is yours?")

    @property
    def slugs(self) -> list[str]:
        """The slugs of the districts offered, for the picker's own address."""
        return [o.district.slug for o in self.options if o.district is not None]

    @property
    def outside(self) -> bool:
        """True when "outside this guide" is one of the answers."""
        return any(o.district is None for o in self.options)

    @property
    def single(self) -> District | None:
        """The one district there is to choose, when that is all."""
        if len(self.options) == 1 and self.options[0].district is not None:
            return self.options[0].district
        return None


def picker(keys: list[str], reason: Reason | None, outside: bool,
           counties: list[str] = ()) -> Picker | None:
    """The picker for districts named by slug or id (unknown ones dropped); None when none
    is known. An office inside another's area is not an answer of its own: the district
    around it stands for it (its page shows both races). ``counties`` (FIPS codes) are the
    counties the place touches: a district's answers name those of its counties, or all of
    them when none is given or none of the given is its own."""
    index = district_index()
    found: dict[str, District] = {}
    for key in dict.fromkeys(keys):
        district = queries.district_by_slug_or_id(key)
        if district is None:
            continue
        around = index.around(district.id)
        for shape in around or [district]:
            found.setdefault(shape.id, district if shape is district
                             else queries.district_by_slug_or_id(shape.id))
    districts = [d for d in found.values() if d is not None]
    if not districts:
        return None
    states = list(dict.fromkeys(d.state.name for d in districts))
    touched = set(counties)

    def names(district: District) -> list[str]:
        own = [c.name for c in district.counties if c.fips in touched]
        return own or [c.name for c in district.counties]

    answers = wording.options(districts, names, outside, states, lambda d: d.state.name)
    inside = {d.id: [s.name for s in index.inside(d.id)] for d in districts}
    return Picker(answers, wording.why(reason, states, outside),
                  wording.question(answers), {k: v for k, v in inside.items() if v}, states)


@dataclass(frozen=True)
class AnswerCell:
    """One candidate's answer to one question, or why there is none."""

    candidate: Candidate
    answer: Answer | None

    @property
    def missing_reason(self) -> str:
        """Plain words for an absent answer."""
        return no_answer_words(self.candidate)


@dataclass(frozen=True)
class QuestionRow:
    """A question and every candidate's answer to it, in the race's candidate order."""

    question: Question
    cells: list[AnswerCell]


#: Words after a surname that are not the surname ("Jr.", "III").
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})


def last_name(name: str) -> str:
    """A candidate's surname as an alphabetical list sorts by it: the last word that is not a
    suffix such as "Jr." ("Ana María de la Cruz" sorts under Cruz, as most lists would)."""
    words = [w for w in name.replace(",", " ").split() if w.lower() not in NAME_SUFFIXES]
    return (words or [name])[-1]


def ballot_order(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates alphabetically by last name, then full name; withdrawn ones last. The
    incumbent is not put first: marking them is enough, and first place is an advantage."""
    return sorted(candidates, key=lambda c: (c.withdrawn, last_name(c.name).casefold(),
                                             c.name.casefold()))


@dataclass(frozen=True)
class RaceView:
    """A race with its questionnaire laid out as questions × the candidates who answered;
    those who did not are named once for the race, not in every row."""

    race: Race
    candidates: list[Candidate]
    rows: list[QuestionRow] = field(default_factory=list)

    @property
    def unopposed(self) -> bool:
        """Whether one candidate is on the ballot (a withdrawn one does not count)."""
        return sum(not c.withdrawn for c in self.candidates) == 1

    @property
    def responded(self) -> int:
        """How many candidates returned the questionnaire."""
        return sum(c.response_status is ResponseStatus.RESPONDED for c in self.candidates)

    @property
    def responders(self) -> list[Candidate]:
        """The candidates whose answers the questions show: those who returned the
        questionnaire, and any other with answers on record (kept, never hidden)."""
        return [c for c in self.candidates if has_answers(c)]

    @property
    def silent(self) -> list[Candidate]:
        """The candidates who did not respond (declined or never answered)."""
        return [c for c in self.candidates if c.response_status is not ResponseStatus.RESPONDED]

    @property
    def declined(self) -> list[Candidate]:
        """The candidates who told us they would not answer."""
        return [c for c in self.candidates if c.response_status is ResponseStatus.DECLINED]

    @property
    def no_response(self) -> list[Candidate]:
        """The candidates who never answered."""
        return [c for c in self.candidates if c.response_status is ResponseStatus.NO_RESPONSE]


def has_answers(candidate: Candidate) -> bool:
    """True when the candidate returned the questionnaire or has answers on record."""
    return candidate.response_status is ResponseStatus.RESPONDED or bool(candidate.answers)


def race_view(race: Race) -> RaceView:
    """Lay out a race's answers as one row per question, one cell per candidate who
    returned the questionnaire (or has answers on record)."""
    candidates = ballot_order(list(race.candidates))
    answering = [c for c in candidates if has_answers(c)]
    rows = []
    if race.questionnaire:
        for question in race.questionnaire.questions:
            cells = [AnswerCell(c, next((a for a in c.answers if a.question_id == question.id),
                                        None)) for c in answering]
            rows.append(QuestionRow(question, cells))
    return RaceView(race, candidates, rows)


@dataclass(frozen=True)
class AlsoOnBallot:
    """Another office whose race is on the same voters' ballots: one inside this district's
    area without a boundary of its own (possibly on the ballot), or the district around such
    an office (on the ballot for certain)."""

    district: District
    sentence: str
    certain: bool
    races: list[RaceView]


@dataclass(frozen=True)
class DistrictPage:
    """Everything the district page shows."""

    district: District
    races: list[RaceView]
    map: SvgMap | None
    is_sample: bool
    also: list[AlsoOnBallot] = field(default_factory=list)
    #: The office's profile and figures, shown above the races (None: none published).
    office: OfficeView | None = None
    #: The next step for the page's main election (None: no race yet).
    voting: VotingSummary | None = None

    @property
    def ballot(self) -> list[tuple[RaceView, bool]]:
        """Every race the page shows, each with whether it is on the voter's ballot for
        certain (an office inside this district's area may not be)."""
        return [*((v, True) for v in self.races),
                *((v, a.certain) for a in self.also for v in a.races)]


def district_page(district: District, election_slug: str | None = None) -> DistrictPage:
    """Build the district page's content (for one election's races, if a slug is given)."""
    races = [race_view(r) for r in queries.races_for_district(district, election_slug)]
    also = also_on_ballot(district, election_slug)
    office = office_view(district)
    election = main_election([v.race.election for v in races]
                             or [v.race.election for a in also for v in a.races])
    return DistrictPage(district, races, district_map(district),
                        any(r.race.election.is_sample for r in [*races, *(
                            v for a in also for v in a.races)]) or bool(
                            office and office.is_sample), also, office,
                        voting_summary(district.state, election) if election else None)


def also_on_ballot(district: District, election_slug: str | None = None) -> list[AlsoOnBallot]:
    """The offices that share this district's voters, each with one plain sentence."""
    index = district_index()
    related = [(shape, False) for shape in index.inside(district.id)]
    related += [(shape, True) for shape in index.around(district.id)]
    result = []
    for shape, certain in related:
        other = queries.district_by_slug_or_id(shape.id)
        if other is None:
            continue
        where = wording.county_phrase(shape.county_names)
        office, name = office_words(other.office).lower(), other.name
        if certain:
            sentence = _("Every voter in %(where)s also votes for the %(name)s %(office)s.",
                         where=where, name=name, office=office)
        else:
            sentence = (shape.ballot_note if language() == "en" else "") or _(
                "Some voters in %(where)s also vote for the %(name)s %(office)s. No published "
                "map shows where its area ends: your sample ballot shows whether it is on "
                "yours.", where=where, name=name, office=office)
        races = [race_view(r) for r in queries.races_for_district(other, election_slug)]
        result.append(AlsoOnBallot(other, sentence, certain, races))
    return result


def district_map(district: District) -> SvgMap | None:
    """The district drawn inside its state, cached per process."""
    index = district_index()
    if district.id not in index.maps:
        area = index.area_of(district.id)
        index.maps[district.id] = draw(area, index.state_area(district.state_code)) if area \
            else None
    return index.maps[district.id]
