"""How the guide words a candidate's questionnaire status, in one place: every page, the
embed, the flyer, the PDF and the share image say the same thing for the same status.

- ``status_words``: the status itself ("Answered the questionnaire", "Did not respond",
  "Declined to respond").
- ``no_answer_words``: why a cell of the answers has no answer, as a sentence.
- ``no_answer_brief``: the same in a few words, for a flyer's table.
- ``party_label``: the party shown beside a candidate, or None for a nonpartisan office,
  which shows no party anywhere.
- ``office_selection_words``: how the state chooses the office, as plain sentences.

After the questionnaire's deadline, a candidate who did not respond is shown as "Did not
respond by <the deadline>".

The wordings are English here, marked with ``N_`` for the catalogues; what voters read
goes through gettext in the page's language (``words()``, and the lazy template globals).
Staff code keeps the English constants (exports, import cleaners). The staff pages' wordings
(a change set's status, a field's name and value) are marked ``SN_`` for the staff
catalogue; their filters show them translated (voterguide/web/staff_words.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from . import timing
from .models import (
    Candidate,
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    District,
    DistrictFact,
    FactUnit,
    Question,
    QuestionKind,
    ResponseStatus,
    State,
)
from .timing import N_, SN_, count_words, language, office_rules, said


def words(text: str) -> str:
    """A marked wording in the page's language."""
    return _(text)


STATUS_WORDS = {
    ResponseStatus.RESPONDED: N_("Answered the questionnaire"),
    ResponseStatus.NO_RESPONSE: N_("Did not respond"),
    ResponseStatus.DECLINED: N_("Declined to respond"),
}
NO_ANSWER_WORDS = {
    ResponseStatus.RESPONDED: N_("Did not answer this question."),
    ResponseStatus.NO_RESPONSE: N_("Did not respond to the questionnaire."),
    ResponseStatus.DECLINED: N_("Declined to respond to the questionnaire."),
}
NO_ANSWER_BRIEF = {
    ResponseStatus.RESPONDED: N_("No answer"),
    ResponseStatus.NO_RESPONSE: N_("Did not respond"),
    ResponseStatus.DECLINED: N_("Declined to respond"),
}
#: Every brief "no answer" wording: a flyer shows these cells in italics.
MISSING_BRIEFS = frozenset(NO_ANSWER_BRIEF.values())
#: How the pages state the order of candidates (the order guide.services.ballot_order gives).
ORDER_SENTENCE = N_("Listed alphabetically by last name; the incumbent is marked, not listed "
                    "first.")
#: The same, as a flyer's aside after "Candidates".
ORDER_ASIDE = N_("listed alphabetically by last name; the incumbent is marked, not listed "
                 "first")
#: Who wrote a candidate's biography (Candidate.bio_source), as its byline says.
BIO_BYLINES = {"candidate": N_("Biography written by the candidate."),
               "staff": N_("Biography written by our staff from public sources.")}
#: How a candidate who left the race is marked.
WITHDRAWN = N_("Withdrawn from the race")


def is_missing_brief(summary: str) -> bool:
    """Whether a flyer's cell says there is no answer (in any language shown)."""
    return summary in MISSING_BRIEFS or summary in {_(brief) for brief in MISSING_BRIEFS}


#: A change set's status, as staff read it (a blocked preview and a rolled-back publication
#: are told apart from the others).
CHANGE_SET_STATUS_WORDS = {
    "preview": SN_("Being checked"),
    "blocked": SN_("Blocked: problems to fix"),
    "draft": SN_("Draft: waiting to be published"),
    "published": SN_("Published"),
    "rolled_back": SN_("Published, then rolled back"),
    "discarded": SN_("Discarded"),
}
#: What a kind of answer is called.
KIND_WORDS = {"yes_no": SN_("Yes/No"), "scale": SN_("Scale of 1 to 5"),
              "text": SN_("Written answer")}


def change_set_state(change_set: ChangeSet, rolled_back: bool = False) -> str:
    """A change set's state, one of the keys of CHANGE_SET_STATUS_WORDS."""
    if change_set.status is ChangeSetStatus.PUBLISHED and rolled_back:
        return "rolled_back"
    if change_set.status is ChangeSetStatus.PREVIEW and any(
            p.get("blocking") for p in change_set.problems or []):
        return "blocked"
    return change_set.status.value


def change_set_status(change_set: ChangeSet, rolled_back: bool = False) -> str:
    """A change set's state in words: "Blocked: problems to fix", "Published, then rolled
    back"."""
    return CHANGE_SET_STATUS_WORDS[change_set_state(change_set, rolled_back)]


#: How a change set is called, by kind (staff pages show them in the staff catalogue).
TITLE_WORDS = {
    "import": SN_("Import of %(file)s"),
    "rollback": SN_("Rollback of %(what)s"),
    "rollback_import": SN_("Rollback of the import of %(file)s"),
    "questionnaire": SN_("Answers sent online by a candidate"),
    "sample": SN_("Sample data loaded from %(file)s"),
    "edit": SN_("Edits in the browser by %(by)s"),
    "users": SN_("User change by %(by)s"),
    "numbered": SN_("%(title)s (no. %(number)s)"),
    "spreadsheet": SN_("a spreadsheet"),
    "change": SN_("a change"),
    "command_line": SN_("the command line"),
}


def change_set_title(change_set: ChangeSet, words: Callable[[str], str] = str) -> str:
    """A change set in plain words: "Import of answers.csv", "Edits in the browser by
    ann@example.org", "Rollback of the import of answers.csv", with its number; ``words``
    translates each wording (staff pages: the staff catalogue; stored text: English)."""
    return words(TITLE_WORDS["numbered"]) % {"title": _title(change_set, words),
                                             "number": change_set.id}


def _title(change_set: ChangeSet, words: Callable[[str], str]) -> str:
    """The change set's title without its number."""
    def file_name(of: ChangeSet, default: str) -> str:
        return of.file_name or words(TITLE_WORDS[default])

    if change_set.kind is ChangeSetKind.IMPORT:
        return words(TITLE_WORDS["import"]) % {"file": file_name(change_set, "spreadsheet")}
    if change_set.kind is ChangeSetKind.ROLLBACK:
        undone = change_set.rolls_back
        if undone is not None and undone.kind is ChangeSetKind.IMPORT:
            return words(TITLE_WORDS["rollback_import"]) % {
                "file": file_name(undone, "spreadsheet")}
        what = _title(undone, words).lower() if undone else words(TITLE_WORDS["change"])
        return words(TITLE_WORDS["rollback"]) % {"what": what}
    if change_set.kind is ChangeSetKind.QUESTIONNAIRE:
        return words(TITLE_WORDS["questionnaire"])
    if change_set.kind is ChangeSetKind.SAMPLE:
        return words(TITLE_WORDS["sample"]) % {"file": file_name(change_set, "command_line")}
    by = (change_set.created_by.email if change_set.created_by
          else words(TITLE_WORDS["command_line"]))
    if change_set.changes and all(c["entity"] == "user" for c in change_set.changes):
        return words(TITLE_WORDS["users"]) % {"by": by}
    return words(TITLE_WORDS["edit"]) % {"by": by}


#: Who wrote a biography, as staff pages say it.
BIO_SOURCE_WORDS = {"candidate": SN_("the candidate"),
                    "staff": SN_("our staff, from public sources")}
#: How a field of a change reads on staff pages.
FIELD_NAMES = {"response_status": SN_("questionnaire"), "photo_url": SN_("photo"),
               "bio": SN_("biography"), "bio_source": SN_("biography written by"),
               "received_on": SN_("received on"), "choice": SN_("answer"),
               "explanation": SN_("in their words"), "email": SN_("email (staff only)"),
               "scale_low": SN_("scale word for 1"), "scale_high": SN_("scale word for 5"),
               "word_limit": SN_("word limit"), "position": SN_("place"),
               "is_sample": SN_("sample data"), "state_code": SN_("state"),
               "questionnaire": SN_("questionnaire"), "district": SN_("district"),
               "topic_es": SN_("Spanish topic"), "text_es": SN_("Spanish text"),
               "title_es": SN_("Spanish title"), "description_es": SN_("Spanish description"),
               "scale_low_es": SN_("Spanish scale word for 1"),
               "scale_high_es": SN_("Spanish scale word for 5"), "name_es": SN_("Spanish name"),
               "deadline": SN_("answers due by"), "reminder_on": SN_("reminder sent on"),
               "stage": SN_("voting day"),
               "elected_at_stage": SN_("elected outright on voting day")}


def field_name(name: str) -> str:
    """A change's field name in words ("response_status" -> "questionnaire")."""
    return FIELD_NAMES.get(name, name.replace("_", " "))


def field_value(name: str, value) -> str:
    """A change's field value in words: "Did not respond", "Yes"/"No", "(none)"."""
    if value is None or value == "":
        return SN_("(none)")
    if isinstance(value, bool):
        return SN_("Yes") if value else SN_("No")
    if name == "response_status":
        try:
            return STATUS_WORDS[ResponseStatus(value)]
        except ValueError:
            return str(value)
    if name == "bio_source" and value in BIO_SOURCE_WORDS:
        return BIO_SOURCE_WORDS[value]
    if name == "kind" and value in KIND_WORDS:
        return KIND_WORDS[value]
    if name == "status" and value in RACE_STATUS_WORDS:
        return RACE_STATUS_WORDS[value]
    return str(value)


#: A race's status in words (staff menus; the public wording is in race_status_note).
RACE_STATUS_WORDS = {"contested": SN_("Contested: more than one candidate"),
                     "uncontested": SN_("Uncontested: one candidate"),
                     "cancelled": SN_("Cancelled: not on the ballot")}


def district_label(district) -> str:
    """A district as staff pick it from a menu: "6th Judicial Circuit (Tuscaloosa County)";
    a district of many counties names two and counts the rest."""
    counties = [c.name for c in getattr(district, "counties", [])]
    if not counties:
        return district.name
    if len(counties) == 1:
        return f"{district.name} ({counties[0]} County)"
    if len(counties) > 3:
        return (f"{district.name} ({counties[0]}, {counties[1]} and {len(counties) - 2} more "
                "counties)")
    return f"{district.name} ({', '.join(counties[:-1])} and {counties[-1]} counties)"


def natural_key(text: str) -> list:
    """A sort key that puts "2nd" before "10th" (numbers compared as numbers)."""
    import re

    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", text)]


#: What voters read about a race that is not contested, unless staff wrote their own words.
RACE_STATUS_NOTES = {
    "uncontested": N_("Only one candidate is on the ballot for this office."),
    "cancelled": N_("This race is not on the ballot."),
}


def race_status_note(race) -> str:
    """The sentence voters read about an uncontested or cancelled race ("" if contested)."""
    status = getattr(race.status, "value", race.status) or "contested"
    if status == "contested":
        return ""
    return race.status_note or _(RACE_STATUS_NOTES[status])


def kind_words(kind) -> str:
    """A question kind in words ("Yes/No")."""
    return KIND_WORDS[getattr(kind, "value", kind)]


#: How a race with one candidate on the ballot is marked, and what that means.
UNOPPOSED = N_("Unopposed")
UNOPPOSED_MEANING = N_("Only one candidate is on the ballot for this office: nobody is running "
                       "against them, so they will take office unless a write-in campaign "
                       "beats them. Their answers still tell you what they would do in office.")
#: A figure's unit in words, after its number (plural forms by the number).
UNIT_WORDS = {FactUnit.PEOPLE: ("%(number)s person", "%(number)s people"),
              FactUnit.CASES: ("%(number)s case", "%(number)s cases"),
              FactUnit.DAYS: ("%(number)s day", "%(number)s days")}


def number_words(value: float, unit: FactUnit) -> str:
    """A figure's value with its unit, in the page's language: "1,204 people", "38.5%",
    "$2,100,000" ("1204 personas", "38,5 %" in Spanish)."""
    text = format_decimal(value, "#,##0" if float(value).is_integer() else "#,##0.0",
                          locale=language())
    if unit is FactUnit.DOLLARS:
        return _("$%(number)s", number=text)
    if unit is FactUnit.PERCENT:
        return _("%(number)s%%", number=text)
    if unit is FactUnit.PER_100K:
        return _("%(number)s per 100,000 residents", number=text)
    count = int(value) if float(value).is_integer() else 2
    if unit is FactUnit.PEOPLE:
        return ngettext("%(number)s person", "%(number)s people", count, number=text)
    if unit is FactUnit.CASES:
        return ngettext("%(number)s case", "%(number)s cases", count, number=text)
    return ngettext("%(number)s day", "%(number)s days", count, number=text)


def figure_words(fact: DistrictFact) -> str:
    """A figure in one line: "County jail population, 2023: 1,204 people"."""
    return f"{fact.fact}, {fact.period}: {number_words(fact.value, fact.unit)}"
#: The five points of an agree/disagree scale, in words.
AGREE_SCALE = (N_("Strongly disagree"), N_("Disagree"), N_("Neither agree nor disagree"),
               N_("Agree"), N_("Strongly agree"))


def scale_point_words(question: Question, point: int) -> str:
    """What a point of a question's 1-5 scale means: the agree/disagree words when the scale
    runs from "Strongly disagree" to "Strongly agree", else its ends' own labels, with
    "closer to ..." between them."""
    low, high = question.scale_low or "", question.scale_high or ""
    if (low.casefold(), high.casefold()) != (AGREE_SCALE[0].casefold(),
                                             AGREE_SCALE[-1].casefold()):
        low, high = in_language(question, "scale_low"), in_language(question, "scale_high")
    if (low.casefold(), high.casefold()) == (AGREE_SCALE[0].casefold(),
                                             AGREE_SCALE[-1].casefold()):
        return _(AGREE_SCALE[point - 1])
    low, high = low or _("lowest"), high or _("highest")
    return {1: low, 2: _("Closer to “%(end)s”", end=low), 3: _("In the middle"),
            4: _("Closer to “%(end)s”", end=high), 5: high}[point]


def choice_words(question: Question, choice: str | None) -> str:
    """An answer's choice as a voter reads it: "Agree (4 of 5)", "Yes"; "" for none."""
    choice = (choice or "").strip()
    if not choice:
        return ""
    if question.kind is QuestionKind.SCALE and choice.isdigit() and 1 <= int(choice) <= 5:
        return _("%(words)s (%(point)s of 5)", words=scale_point_words(question, int(choice)),
                 point=choice)
    return {"Yes": _("Yes"), "No": _("No")}.get(choice, choice)


def scale_key(question: Question) -> str:
    """A scale question's five points in one line: "1 Strongly disagree · ... · 5 ..."."""
    return " · ".join(f"{n} {scale_point_words(question, n)}" for n in range(1, 6))


def day_words(day: dt.date, year: bool = True) -> str:
    """A date as "Aug 15, 2028" (or "Aug 15"); "15 ago 2028" in Spanish."""
    if year:
        return format_date(day, "medium", locale=language())
    return format_skeleton("MMMd", day, locale=language())


def silence_sentence(silent: list[Candidate], total: int, deadline: dt.date | None) -> str:
    """How many of a race's candidates did not respond, once for the race: "2 of 3
    candidates did not respond by Aug 15, 2028." (declining is said apart, by name); before
    the deadline, that they have not responded yet."""
    if not silent:
        return ""
    declined = [c.name for c in silent if c.response_status is ResponseStatus.DECLINED]
    ignored = [c.name for c in silent if c.response_status is not ResponseStatus.DECLINED]
    parts = []
    if ignored:
        numbers = {"count": len(ignored), "total": total, "names": and_list(ignored)}
        if deadline is not None and dt.datetime.now(dt.UTC).date() <= deadline:
            # The questionnaire is still open: nobody has let the deadline pass yet.
            parts.append(ngettext(
                "%(count)s of %(total)s candidate have not responded yet (answers are taken "
                "until %(deadline)s): %(names)s.",
                "%(count)s of %(total)s candidates have not responded yet (answers are taken "
                "until %(deadline)s): %(names)s.", total, deadline=day_words(deadline),
                **numbers))
        elif deadline:
            parts.append(ngettext(
                "%(count)s of %(total)s candidate did not respond by %(deadline)s: %(names)s.",
                "%(count)s of %(total)s candidates did not respond by %(deadline)s: %(names)s.",
                total, deadline=day_words(deadline), **numbers))
        else:
            parts.append(ngettext("%(count)s of %(total)s candidate did not respond: %(names)s.",
                                  "%(count)s of %(total)s candidates did not respond: "
                                  "%(names)s.", total, **numbers))
    if declined:
        parts.append(ngettext("%(names)s declined to respond.", "%(names)s declined to respond.",
                              len(declined), names=and_list(declined)))
    return " ".join(parts)


def candidate_silence(candidate: Candidate, deadline: dt.date | None) -> str:
    """One candidate who has not answered, in a sentence for their own page."""
    name = candidate.name
    if candidate.response_status is ResponseStatus.DECLINED:
        return _("%(name)s declined to respond to the questionnaire.", name=name)
    if deadline is not None and dt.datetime.now(dt.UTC).date() <= deadline:
        return _("%(name)s has not responded to the questionnaire yet (answers are taken "
                 "until %(deadline)s).", name=name, deadline=day_words(deadline))
    if deadline:
        return _("%(name)s did not respond to the questionnaire by %(deadline)s.", name=name,
                 deadline=day_words(deadline))
    return _("%(name)s did not respond to the questionnaire.", name=name)


def and_list(names: list[str]) -> str:
    """Names joined for a sentence: "A", "A and B", "A, B and C" (in the page's language)."""
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])




def contact_sentence(sent_on: dt.date | None, reminder_on: dt.date | None) -> str:
    """When the questionnaire went out, and the reminder, as a sentence ("" if unknown)."""
    if not sent_on:
        return ""
    if reminder_on:
        return _("We sent the questionnaire to every candidate on %(sent)s and a reminder on "
                 "%(reminder)s.", sent=day_words(sent_on), reminder=day_words(reminder_on))
    return _("We sent the questionnaire to every candidate on %(sent)s.",
             sent=day_words(sent_on))
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


def status_words(candidate: Candidate) -> str:
    """The candidate's questionnaire status in words."""
    deadline = missed_deadline(candidate)
    if deadline is not None:
        return _("Did not respond by %(deadline)s", deadline=day_words(deadline))
    return _(STATUS_WORDS[candidate.response_status])


def no_answer_words(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, as a sentence."""
    deadline = missed_deadline(candidate)
    if deadline is not None:
        return _("Did not respond to the questionnaire by %(deadline)s.",
                 deadline=day_words(deadline))
    return _(NO_ANSWER_WORDS[candidate.response_status])


def no_answer_brief(candidate: Candidate) -> str:
    """Why the candidate has no answer to a question, in two or three words."""
    return _(NO_ANSWER_BRIEF[candidate.response_status])


#: Party shown for a candidate of a partisan office who gave none.
NO_PARTY = N_("No party listed")
#: The offices the states' data name, translated when the page is not English.
OFFICES = {"District Attorney": N_("District Attorney")}


def office_words(office: str) -> str:
    """An office's title in the page's language (one not known here, as given)."""
    return _(OFFICES[office]) if office in OFFICES else office


def is_partisan(candidate: Candidate) -> bool:
    """Whether the candidate's office is chosen with party labels (state.json says)."""
    return candidate.race.district.state.partisan


def party_label(candidate: Candidate) -> str | None:
    """The party beside a candidate's name: None for a nonpartisan office (no party label
    at all, not even "No party listed"), else the party or NO_PARTY."""
    if not is_partisan(candidate):
        return None
    return party_words(candidate.party) if candidate.party else _(NO_PARTY)


#: The parties the states' data name, translated when the page is not English.
PARTIES = {"Democratic": N_("Democratic"), "Republican": N_("Republican"),
           "Independent": N_("Independent"), "Libertarian": N_("Libertarian"),
           "Green": N_("Green")}


#: The stages of an election the states' data name, translated when the page is not English.
STAGES = {"Primary": N_("Primary"), "Primary election": N_("Primary election"),
          "Runoff": N_("Runoff"), "Primary runoff": N_("Primary runoff"),
          "General election": N_("General election"), "General": N_("General election")}


def stage_words(stage: str) -> str:
    """A stage's name in the page's language (one not known here, as given)."""
    return _(STAGES[stage]) if stage in STAGES else stage


def in_language(item, field: str) -> str:
    """A text staff wrote (a question's topic, an election's name) in the page's language,
    when they gave one (``item.translations``), else as written."""
    given = (getattr(item, "translations", None) or {}).get(language()) or {}
    return given.get(field) or getattr(item, field) or ""


def question_topic(question: Question) -> str:
    """A question's topic in the page's language."""
    return in_language(question, "topic")


def question_text(question: Question) -> str:
    """A question's text in the page's language."""
    return in_language(question, "text")


def party_words(party: str) -> str:
    """A party's name in the page's language (a party not known here, as given)."""
    return _(PARTIES[party]) if party in PARTIES else party


def office_selection_words(place: State | District, office: str = "District Attorney") -> str:
    """How the state chooses the office, in plain sentences from its ``office_selection``
    ("" when the state's data does not say); given a district, with its own exception to
    the state's cycle, if it has one."""
    rules = office_rules(place) if isinstance(place, District) else (
        place.office_selection or {})
    if not rules:
        return ""
    office = office_words(office)
    office = office if office.isupper() else office.lower()
    years = rules.get("term_years")
    term = ngettext(" for %(years)s year", " for %(years)s years", years,
                    years=count_words(years)
                    ) if years else ""
    majority = rules.get("majority_required", False)
    runoff = rules.get("runoff")
    if rules.get("partisan", True):
        if majority and runoff == "primary_runoff":
            return _("The %(office)s is elected%(term)s in a partisan election: each party "
                     "chooses its candidate at a primary (if nobody wins a majority of the "
                     "votes there, the top two meet again in a runoff), and the general "
                     "election in November decides.", office=office, term=term)
        return _("The %(office)s is elected%(term)s in a partisan election: each party chooses "
                 "its candidate at a primary, and the general election in November decides.",
                 office=office, term=term)
    text = _("The %(office)s is elected%(term)s in a nonpartisan election: candidates appear "
             "on the ballot without a party.", office=office, term=term)
    if rules.get("decided_at") == "primary" and majority:
        text += " " + _("A candidate who wins a majority of the votes at the primary is elected "
                        "outright; otherwise the top two candidates meet again at the general "
                        "election in November.")
    elif rules.get("decided_at") == "general":
        text += " " + _("The general election in November decides.")
    if rules.get("ballot") == "ranked-choice":
        text += " " + _("Voters rank the candidates in order of choice (ranked-choice voting): "
                        "if nobody is the first choice of a majority, the last candidate is "
                        "dropped and those ballots count for their next choice, until one "
                        "candidate has a majority.")
    return text


def register(app) -> None:
    """Make the wordings template filters: ``candidate|status_words`` and the others."""
    app.add_template_filter(status_words)
    app.add_template_filter(no_answer_words)
    app.add_template_filter(no_answer_brief)
    app.add_template_filter(change_set_status)
    app.add_template_filter(change_set_state)
    app.add_template_filter(change_set_title)
    app.add_template_filter(kind_words)
    app.add_template_filter(field_name)
    app.add_template_filter(district_label)
    app.add_template_filter(race_status_note)
    app.add_template_global(field_value, "field_value")
    app.add_template_filter(figure_words)
    app.add_template_global(number_words, "number_words")
    app.add_template_global(_l(UNOPPOSED), "UNOPPOSED")
    app.add_template_global(_l(UNOPPOSED_MEANING), "UNOPPOSED_MEANING")
    app.add_template_global(choice_words, "choice_words")
    app.add_template_global(scale_key, "scale_key")
    app.add_template_global(silence_sentence, "silence_sentence")
    app.add_template_global(candidate_silence, "candidate_silence")
    app.add_template_global(contact_sentence, "contact_sentence")
    app.add_template_filter(party_label)
    app.add_template_filter(office_selection_words)
    timing.register(app)
    app.add_template_test(is_missing_brief, "missing_brief")
    app.add_template_global(_l(WITHDRAWN), "WITHDRAWN")
    app.add_template_global(_l(ORDER_SENTENCE), "ORDER_SENTENCE")
    app.add_template_global(_l(ORDER_ASIDE), "ORDER_ASIDE")
    app.add_template_global({k: _l(v) for k, v in BIO_BYLINES.items()}, "BIO_BYLINES")
    app.add_template_global(words, "words")
    app.add_template_filter(party_words)
    app.add_template_filter(office_words)
    app.add_template_filter(stage_words)
    app.add_template_filter(question_topic)
    app.add_template_filter(question_text)
    app.add_template_filter(in_language)
    app.add_template_filter(said)
    app.add_template_global(and_list, "and_list")
