"""One vocabulary for the guide as data: the JSON API (/api/v1/districts/...), the open data
(/data/guide.json, /data/guide.csv) and change sets all use these functions, so each field has
one name everywhere. The fields are documented in docs/open-data.md.

- election: ``slug``, ``name``, ``date`` (YYYY-MM-DD), ``sample`` (fictional sample data),
  ``stages`` (its voting days: ``number``, ``name``, ``date``; empty for a single day)
- district: ``id`` (Open Civic Data division id), ``slug``, ``name``
- race: ``office``, ``partisan`` (false: a nonpartisan office, whose candidates carry no
  ``party`` at all), ``election``, ``district``, ``questionnaire``, ``questions``,
  ``candidates``
- question: ``id`` (stable), ``number`` (its place in the questionnaire, from 1), ``topic``,
  ``text``, ``kind`` (``yes_no``, ``scale``, ``text``), ``scale_low``, ``scale_high``
- candidate: ``slug``, then the editable fields that change sets also carry (``name``,
  ``party``, ``incumbent``, ``website``, ``photo_url``, ``bio``, ``bio_source``: who wrote
  the biography, ``candidate``, ``staff`` (from public sources) or null, ``response_status``:
  ``responded``, ``no_response`` or ``declined``, ``withdrawn``, ``statement``: what a
  candidate who declined said instead, in their words), ``elected_at_stage``: the
  ``number`` of the voting day on which they were elected outright, or null), then
  ``answers``
- answer: ``question_id``, ``question_number``, then the editable fields (``choice``,
  ``explanation``, ``received_on``)
- office profile: the editable fields (PROFILE_FIELDS), ``sample``
- figure: ``fact``, ``period``, then the editable fields (FIGURE_FIELDS), ``sample``
"""

from __future__ import annotations

from .models import (
    Answer,
    Candidate,
    District,
    DistrictFact,
    Election,
    OfficeProfile,
    Question,
    Race,
)

#: The candidate fields a change set may change, in this order.
CANDIDATE_FIELDS = ("name", "party", "incumbent", "website", "photo_url", "bio",
                    "response_status", "withdrawn", "statement")
#: The answer fields a change set may change.
ANSWER_FIELDS = ("choice", "explanation", "received_on")
#: The open data CSV: one row per candidate and question, named as in the JSON.
CSV_COLUMNS = ["election_slug", "election_name", "election_date", "sample", "district_id",
               "district_slug", "district_name", "office", "candidate_slug", "name", "party",
               "incumbent", "withdrawn", "response_status", "website", "question_id",
               "question_number", "topic", "question_text", "choice", "explanation",
               "received_on"]


def election(record: Election) -> dict:
    """An election as data."""
    return {"slug": record.slug, "name": record.name, "date": record.date.isoformat(),
            "sample": record.is_sample,
            "stages": [{"number": s.position, "name": s.name, "date": s.date.isoformat()}
                       for s in record.stages],
            "translations": _translations(record)}


def _translations(record) -> dict:
    """A record's texts in other languages as staff gave them: {"es": {"name": ...}} (a
    text not given is left out: a reader shows the English one)."""
    return {code: dict(texts) for code, texts in sorted((record.translations or {}).items())
            if texts}


def district(record: District) -> dict:
    """A district's identity as data."""
    return {"id": record.id, "slug": record.slug, "name": record.name}


def question(record: Question) -> dict:
    """A question as data."""
    return {"id": record.id, "number": record.position, "topic": record.topic,
            "text": record.text, "kind": record.kind.value, "scale_low": record.scale_low,
            "scale_high": record.scale_high, "translations": _translations(record)}


def candidate_fields(record: Candidate) -> dict:
    """A candidate's editable fields as JSON-ready values (what change sets compare)."""
    return {"name": record.name, "party": record.party, "incumbent": record.incumbent,
            "website": record.website, "photo_url": record.photo_url, "bio": record.bio or "",
            "bio_source": record.bio_source,
            "response_status": record.response_status.value, "withdrawn": bool(record.withdrawn),
            "statement": record.statement or "",
            "elected_at_stage": record.elected_at_stage.position if record.elected_at_stage
            else None}


def answer_fields(record: Answer) -> dict:
    """An answer's editable fields as JSON-ready values (what change sets compare)."""
    return {"choice": record.choice, "explanation": record.explanation or "",
            "received_on": record.received_on.isoformat() if record.received_on else None}


def answer(record: Answer) -> dict:
    """An answer as data, naming its question both ways."""
    return {"question_id": record.question_id, "question_number": record.question.position,
            **answer_fields(record)}


def partisan(record: Race) -> bool:
    """Whether the race's office is chosen with party labels (its state's data says)."""
    return record.district.state.partisan


def candidate(record: Candidate) -> dict:
    """A candidate and their answers (in question order) as data; no ``party`` for a
    nonpartisan office."""
    answers = sorted(record.answers, key=lambda a: a.question.position)
    fields = candidate_fields(record)
    if not partisan(record.race):
        del fields["party"]
    return {"slug": record.slug, **fields,
            "answers": [answer(a) for a in answers]}


def race(record: Race, candidates: list[Candidate] | None = None) -> dict:
    """A race as data: its election, district, questions and candidates (in page order if
    given, else by name)."""
    questions = record.questionnaire.questions if record.questionnaire else []
    return {"office": record.office, "partisan": partisan(record),
            "election": election(record.election),
            "district": district(record.district),
            "questionnaire": record.questionnaire.title if record.questionnaire else None,
            "questions": [question(q) for q in questions],
            "candidates": [candidate(c) for c in (candidates or record.candidates)]}


def csv_rows(record: Race) -> list[list[object]]:
    """A race's CSV rows (CSV_COLUMNS): one per candidate and question, or one per candidate
    when the race has no questionnaire. A nonpartisan office's party cells are empty."""
    questions = record.questionnaire.questions if record.questionnaire else []
    shows_party = partisan(record)
    rows = []
    for person in record.candidates:
        answers = {a.question_id: a for a in person.answers}
        head = [record.election.slug, record.election.name, record.election.date.isoformat(),
                record.election.is_sample, record.district.id, record.district.slug,
                record.district.name, record.office, person.slug, person.name,
                person.party if shows_party else "",
                person.incumbent, person.withdrawn, person.response_status.value,
                person.website]
        for asked in questions or [None]:
            found = answers.get(asked.id) if asked else None
            fields = answer_fields(found) if found else {}
            rows.append(head + ([asked.id, asked.position, asked.topic, asked.text]
                                if asked else ["", "", "", ""])
                        + [fields.get("choice"), fields.get("explanation"),
                           fields.get("received_on")])
    return rows


#: The office profile fields a change set may change, in this order.
PROFILE_FIELDS = ("office_name", "incumbent_name", "incumbent_party", "in_office_since",
                  "term_ends", "running_again", "how_chosen", "last_contested_year",
                  "last_contested_result", "website", "contact", "policies", "headline_fact",
                  "sample")
#: The figure fields a change set may change (a figure is keyed by district, fact, period).
FIGURE_FIELDS = ("value", "unit", "counties", "source_name", "source_url", "retrieved_on",
                 "caveat", "sample")
#: The open data figures CSV: one row per figure. The first nine columns are the columns a
#: staff import reads (voterguide/staff/profiles.py), so the file loads back as it is.
FIGURE_CSV_COLUMNS = ["district", "fact", "period", "value", "unit", "source", "link",
                      "retrieved", "caveat", "counties", "district_slug", "district_name",
                      "sample"]


def profile_fields(record: OfficeProfile) -> dict:
    """An office profile's editable fields as JSON-ready values (what change sets compare)."""
    return {"office_name": record.office_name, "incumbent_name": record.incumbent_name,
            "incumbent_party": record.incumbent_party, "in_office_since": record.in_office_since,
            "term_ends": record.term_ends.isoformat() if record.term_ends else None,
            "running_again": record.running_again, "how_chosen": record.how_chosen or "",
            "last_contested_year": record.last_contested_year,
            "last_contested_result": record.last_contested_result or "",
            "website": record.website, "contact": record.contact or "",
            "policies": [dict(p) for p in record.policies or []],
            "headline_fact": record.headline_fact, "sample": bool(record.is_sample)}


def figure_fields(record: DistrictFact) -> dict:
    """A figure's editable fields as JSON-ready values (what change sets compare)."""
    return {"value": record.value, "unit": record.unit.value,
            "counties": list(record.counties or []), "source_name": record.source_name,
            "source_url": record.source_url, "retrieved_on": record.retrieved_on.isoformat(),
            "caveat": record.caveat or "", "sample": bool(record.is_sample)}


def figure(record: DistrictFact) -> dict:
    """A figure as data."""
    return {"fact": record.fact, "period": record.period, **figure_fields(record)}


def office_profile(record: OfficeProfile | None) -> dict | None:
    """An office profile as data, or None."""
    return profile_fields(record) if record is not None else None


def district_record(record: District, profile: OfficeProfile | None,
                    figures: list[DistrictFact]) -> dict:
    """A district with its office profile and figures, as the open data lists it."""
    return {**district(record), "profile": office_profile(profile),
            "figures": [figure(f) for f in figures]}


def figure_csv_row(record: DistrictFact) -> list[object]:
    """A figure's row of the figures CSV (FIGURE_CSV_COLUMNS)."""
    value = int(record.value) if float(record.value).is_integer() else record.value
    return [record.district_id, record.fact, record.period, value, record.unit.value,
            record.source_name, record.source_url, record.retrieved_on.isoformat(),
            record.caveat or "", ";".join(record.counties or []), record.district.slug,
            record.district.name, record.is_sample]

