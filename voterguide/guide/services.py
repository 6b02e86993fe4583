"""What the guide's pages need: address lookup, and the district page's content."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import queries
from ..extensions import runtime
from ..geo.boundaries import district_index
from ..geo.districts import DistrictShape, Match, Reason
from ..geo.geocoding import Location, Locator
from ..geo.svgmap import SvgMap, draw
from ..models import Answer, Candidate, District, Question, Race, ResponseStatus
from ..presenters import no_answer_words

#: One sentence on why the voter is asked to choose, by reason.
WHY_ASKED = {
    Reason.COARSE: "We can place your address only by its ZIP code or town, and that area "
    "reaches into more than one district. Choose the district that includes your county.",
    Reason.BORDER: "Your address is close to the line between districts, too close for our "
    "map to be sure. Choose the district that includes your county.",
    Reason.SHARED_COUNTY: "Your county has more than one district attorney's office, and we "
    "can't tell from an address which one serves you. Read how they differ below.",
}
GENERIC_WHY = "More than one district may include your address. Choose the one you live in."


def locator() -> Locator:
    """The app's locator, built by the factory from configuration."""
    return runtime().locator


@dataclass(frozen=True)
class LookupResult:
    """Where an address was placed and which districts it may be in."""

    location: Location
    match: Match
    districts: list[DistrictShape]


def look_up(address: str) -> LookupResult:
    """Geocode an address and match it to districts; raises GeocodingError subclasses."""
    location = locator().locate(address)
    return place(location)


def place(location: Location) -> LookupResult:
    """Match a location to districts."""
    index = district_index()
    match = index.lookup(location)
    return LookupResult(location, match, index.shapes_of(match))


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


@dataclass(frozen=True)
class RaceView:
    """A race with its questionnaire laid out as questions × candidates."""

    race: Race
    candidates: list[Candidate]
    rows: list[QuestionRow] = field(default_factory=list)

    @property
    def responded(self) -> int:
        """How many candidates returned the questionnaire."""
        return sum(c.response_status is ResponseStatus.RESPONDED for c in self.candidates)


def race_view(race: Race) -> RaceView:
    """Lay out a race's answers as one row per question, one cell per candidate."""
    candidates = sorted(race.candidates, key=lambda c: (c.withdrawn, not c.incumbent, c.name))
    rows = []
    if race.questionnaire:
        for question in race.questionnaire.questions:
            cells = [AnswerCell(c, next((a for a in c.answers if a.question_id == question.id),
                                        None)) for c in candidates]
            rows.append(QuestionRow(question, cells))
    return RaceView(race, candidates, rows)


@dataclass(frozen=True)
class DistrictPage:
    """Everything the district page shows."""

    district: District
    races: list[RaceView]
    map: SvgMap | None
    is_sample: bool


def district_page(district: District, election_slug: str | None = None) -> DistrictPage:
    """Build the district page's content (for one election's races, if a slug is given)."""
    races = [race_view(r) for r in queries.races_for_district(district, election_slug)]
    return DistrictPage(district, races, district_map(district),
                        any(r.race.election.is_sample for r in races))


def district_map(district: District) -> SvgMap | None:
    """The district drawn inside its state, cached per process."""
    index = district_index()
    if district.id not in index.maps:
        area = index.area_of(district.id)
        index.maps[district.id] = draw(area, index.state_area(district.state_code)) if area \
            else None
    return index.maps[district.id]
