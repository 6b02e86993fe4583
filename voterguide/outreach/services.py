"""What the outreach features show: link cards, share links, flyers and calendar events,
built from the guide's own district and race views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import url_for
from flask_babel import gettext as _

from ..extensions import runtime
from ..guide.services import DistrictPage, RaceView, district_map
from ..models import Candidate, QuestionKind
from ..presenters import (
    N_,
    UNOPPOSED,
    WITHDRAWN,
    choice_words,
    contact_sentence,
    figure_words,
    in_language,
    no_answer_brief,
    office_words,
    party_label,
    party_words,
    question_text,
    question_topic,
    scale_key,
    silence_sentence,
    status_words,
)
from . import images
from .calendar import CalendarEvent
from .links import absolute_url, site_url

#: The flag a sample's share image carries.
SAMPLE_LABEL = N_("SAMPLE DATA: fictional candidates")


def image_cache() -> images.ImageCache:
    """The app's share-image cache."""
    return runtime().share_images


def _host() -> str:
    """The site's host name, as a card's footer shows it."""
    return site_url().split("://", 1)[-1]


@dataclass(frozen=True)
class OfficeSummary:
    """What a flyer, share image or embed shows of the office when its race is unopposed:
    who holds it, and one sourced figure."""

    incumbent: str | None  # "Gregory Hollis (Republican), in office since 2011"
    figure: str | None  # "County jail population, average daily, 2023: 232 people"
    source: str | None  # "Source: …, retrieved 2026-05-01"


def office_summary(page: DistrictPage) -> OfficeSummary | None:
    """The office in brief, or None when no profile or figure is published."""
    office = page.office
    if office is None:
        return None
    profile, headline = office.profile, office.headline
    incumbent = None
    if profile is not None and profile.incumbent_name:
        incumbent = profile.incumbent_name + (f" ({party_words(profile.incumbent_party)})"
                                              if profile.incumbent_party else "")
        if profile.in_office_since:
            incumbent += ", " + _("in office since %(year)s", year=profile.in_office_since)
    if headline is None:
        return OfficeSummary(incumbent, None, None)
    return OfficeSummary(incumbent, figure_words(headline),
                         _("Source:") + f" {headline.source_name}, "
                         + _("retrieved %(day)s", day=headline.retrieved_on.isoformat()))


def district_card(page: DistrictPage) -> images.Card:
    """The share image of a district: its races, candidates and map; for an unopposed race,
    the incumbent and the office's headline figure instead of a one-name list."""
    district = page.district
    lines = []
    summary = office_summary(page)
    for view in page.races[:2]:
        election = view.race.election
        lines.append(_("Election day %(day)s", day=long_day(election.date)))
        incumbent = " (" + _("incumbent") + ")"
        if view.unopposed and summary is not None:
            sole = next(c for c in view.candidates if not c.withdrawn)
            lines.append(f"{_(UNOPPOSED)}: {sole.name}" + (incumbent if sole.incumbent else ""))
            if summary.incumbent and not sole.incumbent:
                lines.append(_("Now held by %(name)s", name=summary.incumbent))
            if summary.figure:
                lines.append(summary.figure)
            continue
        names = [c.name + (incumbent if c.incumbent else "") for c in view.candidates]
        lines += names[:4] + ([_("and %(count)s more", count=len(names) - 4)]
                              if len(names) > 4 else [])
        if not names:
            lines.append(_("No candidates yet"))
    if not lines:
        lines.append(_("No races have been added yet"))
    return images.Card(kicker=f"{office_words(district.office)} · {district.state.name}",
                       title=district.name, lines=tuple(lines), map=page.map,
                       unmapped=district.boundary_kind.value == "unmapped",
                       sample=page.is_sample, sample_label=_(SAMPLE_LABEL), footer=_host())


def candidate_card(candidate: Candidate) -> images.Card:
    """The share image of a candidate: name, race, party and whether they answered."""
    race = candidate.race
    district = race.district
    party = party_label(candidate)
    details = " · ".join(d for d in (party, _("Incumbent") if candidate.incumbent else None)
                         if d)
    return images.Card(
        kicker=_("Candidate for %(office)s", office=office_words(race.office).lower()),
        title=candidate.name,
        lines=(f"{district.name}, {district.state.name}",
               *([details] if details else []),
               status_words(candidate) + (f" · {_(WITHDRAWN)}" if candidate.withdrawn else ""),
               _("Election day %(day)s", day=long_day(race.election.date))),
        map=district_map(district), unmapped=district.boundary_kind.value == "unmapped",
        sample=race.election.is_sample, sample_label=_(SAMPLE_LABEL), footer=_host())


def site_card() -> images.Card:
    """The share image of the pages that are about no one district."""
    return images.Card(kicker=_("Nonpartisan voter guide"),
                       title=_("Who is running for district attorney where you live?"),
                       lines=(_("Type your address: see the candidates on your ballot"),
                              _("and what they told us they would do.")),
                       footer=_host())


def long_day(day: dt.date) -> str:
    """A date in words without the weekday: "November 7, 2028" ("7 de noviembre de 2028")."""
    from babel.dates import format_date

    from ..presenters import language

    return format_date(day, "long", locale=language())


@dataclass(frozen=True)
class ShareLink:
    """A plain link that shares a page through one service."""

    label: str
    href: str


def share_links(url: str, text: str) -> list[ShareLink]:
    """Plain share links (no script, no third-party image) for a page address and a text."""
    message = f"{text} {url}"
    return [
        ShareLink(_("Email"), "mailto:?" + urlencode({"subject": text, "body": message},
                                                  quote_via=quote)),
        ShareLink(_("Text message"), "sms:?&body=" + quote(message, safe="")),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": message}, quote_via=quote)),
        ShareLink("X (Twitter)", "https://twitter.com/intent/tweet?"
                  + urlencode({"url": url, "text": text}, quote_via=quote)),
        ShareLink("Facebook", "https://www.facebook.com/sharer/sharer.php?"
                  + urlencode({"u": url}, quote_via=quote)),
    ]


@dataclass(frozen=True)
class FlyerCandidate:
    """A candidate on a flyer, with a one-line summary per question (empty for a candidate
    who did not respond: the flyer says that once, not in every row)."""

    name: str
    party: str | None  # None: a nonpartisan office, no party label at all
    incumbent: bool
    summaries: list[str]
    status: str = ""
    responded: bool = True

    @property
    def label(self) -> str:
        """Party and incumbency under the name: "Party, incumbent", "Incumbent" or ""."""
        label = ", ".join(p for p in (self.party, _("incumbent") if self.incumbent else None) if p)
        return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class FlyerQuestion:
    """A question as a flyer prints it: topic, full text and, for a scale, its key."""

    topic: str
    text: str
    key: str = ""


@dataclass(frozen=True)
class FlyerRace:
    """A race on a flyer: its questions, every candidate, and the answers of those who
    returned the questionnaire; the others named once (``silence``)."""

    office: str
    election: str
    date: dt.date
    questions: list[FlyerQuestion]
    candidates: list[FlyerCandidate]
    #: For an unopposed race: the office in brief (incumbent, one sourced figure).
    unopposed: bool = False
    record: OfficeSummary | None = None
    silence: str = ""
    contact: str = ""

    @property
    def topics(self) -> list[str]:
        """The questions' topics, in order."""
        return [q.topic for q in self.questions]

    @property
    def responders(self) -> list[FlyerCandidate]:
        """The candidates whose answers the table shows."""
        return [c for c in self.candidates if c.responded]

    @property
    def scale_keys(self) -> list[str]:
        """The distinct scale keys of the questions, for one legend under the table."""
        return list(dict.fromkeys(q.key for q in self.questions if q.key))


#: The most words of a written answer a flyer's cell quotes.
FLYER_QUOTE_WORDS = 8


def answer_summary(view: RaceView, candidate: Candidate, position: int) -> str:
    """One line for a candidate's answer: the choice in words ("Agree (4 of 5)"), the
    opening words of a written answer in quotes, or why there is none."""
    row = next(r for r in view.rows if r.question.position == position)
    cell = next((c for c in row.cells if c.candidate.id == candidate.id), None)
    if cell is None or cell.answer is None:
        return no_answer_brief(candidate)
    if cell.answer.choice:
        if row.question.kind is QuestionKind.SCALE:
            return choice_words(row.question, cell.answer.choice)
        return cell.answer.choice
    words = cell.answer.explanation.split()
    quoted = " ".join(words[:FLYER_QUOTE_WORDS])
    return f"“{quoted}{' …' if len(words) > FLYER_QUOTE_WORDS else ''}”"


def flyer_races(page: DistrictPage) -> list[FlyerRace]:
    """The district's races as a flyer lays them out."""
    races = []
    for view in page.races:
        positions = [row.question.position for row in view.rows]
        questions = [FlyerQuestion(question_topic(row.question), question_text(row.question),
                                   scale_key(row.question)
                                   if row.question.kind is QuestionKind.SCALE else "")
                     for row in view.rows]
        answering = {c.id for c in view.responders}
        candidates = [FlyerCandidate(c.name, party_label(c), c.incumbent,
                                     [answer_summary(view, c, p) for p in positions]
                                     if c.id in answering else [],
                                     status_words(c), c.id in answering)
                      for c in view.candidates]
        questionnaire = view.race.questionnaire
        silence = contact = ""
        if questionnaire and view.silent:
            silence = silence_sentence(view.silent, len(view.candidates), questionnaire.deadline)
            contact = contact_sentence(questionnaire.sent_on, questionnaire.reminder_on)
        races.append(FlyerRace(office_words(view.race.office),
                               in_language(view.race.election, "name"),
                               view.race.election.date, questions, candidates,
                               view.unopposed,
                               office_summary(page) if view.unopposed else None,
                               silence, contact))
    return races


def calendar_events(page: DistrictPage) -> list[CalendarEvent]:
    """One all-day event per election of the district's races."""
    district = page.district
    url = absolute_url(url_for("guide.district", slug=district.slug))
    seen, events = set(), []
    for view in page.races:
        election = view.race.election
        if election.slug in seen:
            continue
        seen.add(election.slug)
        offices = sorted({office_words(v.race.office) for v in page.races
                          if v.race.election is election})
        events.append(CalendarEvent(
            uid=f"{election.slug}.{district.slug}@{_host()}",
            day=election.date,
            summary=_("Election day:") + " " + in_language(election, "name"),
            description=_("%(offices)s on the ballot in the %(district)s, %(state)s. "
                          "Candidates and their answers: %(url)s", offices=", ".join(offices),
                          district=district.name, state=district.state.name, url=url),
            url=url))
    return events
