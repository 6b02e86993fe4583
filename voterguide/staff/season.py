"""Setting up an election season in the browser: elections with their voting days, races per
district (contested, uncontested or cancelled), questionnaires and their questions.

Every save goes into the staff member's own draft, like a correction to a candidate, and
reaches voters only when an admin publishes it (with the same preview, history and
rollback). The pages show the guide with that draft applied (inside a savepoint that is
rolled back), so an election made a minute ago can be given races before anything is
published.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import District, Election, ElectionStage, Question, Questionnaire, Race, State
from ..presenters import district_label, natural_key
from ..web.rules import accepts_upload
from ..web.staff_words import s_, s_n
from . import blueprint, services
from .changes import season_fields, season_key
from .forms import (
    ElectionForm,
    QuestionForm,
    QuestionnaireForm,
    QuestionsUploadForm,
    RaceForm,
    options,
)
from .names import slug_words
from .question_sheet import SheetRefused, questions_csv, read_questions
from .reading import FileRefused


def _in_draft(work: Callable[[], object]):
    """Run ``work`` with the signed-in user's draft applied (then undone); without the draft
    if it no longer applies, saying so."""
    draft = services.open_edit_draft(db.session, current_user)
    if draft is None or not draft.changes:
        return work()
    try:
        return services.with_draft_applied(db.session, draft, work)
    except services.ChangeConflict:
        flash(s_("Your draft no longer fits the published guide (someone published a change "
                 "to the same records): these pages show the published guide. Open your draft "
                 "to discard it."), "problem")
        return work()


def _record(entity: str, key, label: str, live, wanted: dict | None) -> bool:
    """Put one change into the user's draft; whether it changed anything there."""
    draft = services.open_edit_draft(db.session, current_user)
    count = len(draft.changes) if draft else 0
    previous = [dict(c) for c in draft.changes] if draft else []
    services.record_edit(db.session, current_user, {
        "entity": entity, "key": key, "label": label,
        "before": season_fields(live) if live is not None else None, "after": wanted})
    draft = services.open_edit_draft(db.session, current_user)
    return len(draft.changes) != count or draft.changes != previous


def _saved(changed: bool) -> None:
    """The message after a save."""
    flash(s_("Saved to your draft. An admin publishes it.") if changed else
          s_("Nothing changed: your draft already had this."), "done")


def _live(model, **where):
    """A published record, or None."""
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _states() -> list[tuple[str, str]]:
    """The states the guide covers, as menu options."""
    return [(s.code, s.name) for s in db.session.scalars(select(State).order_by(State.name))]


# --- the season's front page ------------------------------------------------------------

@blueprint.get("/season")
def season():
    """Every election and questionnaire, published or in your draft."""
    def render() -> str:
        elections = list(db.session.scalars(select(Election).order_by(Election.date.desc())
                                            .options(selectinload(Election.races))))
        questionnaires = list(db.session.scalars(select(Questionnaire)
                                                 .order_by(Questionnaire.title)))
        return render_template("staff/season.html", elections=elections,
                               questionnaires=questionnaires)
    return _in_draft(render)


# --- elections ----------------------------------------------------------------------------

def _election_slug(state: str, date, name: str) -> str:
    """A new election's slug: state, year and name, unique."""
    base = f"{state.lower()}-{date.year}-" + (slug_words(name) or "election")
    base = base[:90]
    taken = set(db.session.scalars(select(Election.slug)))
    draft = services.open_edit_draft(db.session, current_user)
    taken |= {c["key"] for c in (draft.changes if draft else []) if c["entity"] == "election"}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@blueprint.route("/season/elections/new", methods=["GET", "POST"])
def new_election():
    """A new election, with its voting days; it goes into your draft."""
    form = ElectionForm()
    form.state_code.choices = options(_states())
    if form.validate_on_submit():
        name = " ".join(form.name.data.split())
        slug = _election_slug(form.state_code.data, form.date.data, name)
        _record("election", slug, f"Election: {name}", None, {
            "name": name, "date": form.date.data.isoformat(),
            "state_code": form.state_code.data, "is_sample": form.is_sample.data,
            "name_es": " ".join((form.name_es.data or "").split())})
        for position, (stage, date) in enumerate(form.stages(), start=1):
            _record("stage", [slug, position], f"{name}: {stage}", None,
                    {"name": stage, "date": date.isoformat()})
        flash(s_("%(name)s is in your draft: now add its races.", name=name), "done")
        return redirect(url_for("staff.election", slug=slug), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/election_new.html", form=form), status


@blueprint.route("/season/elections/<slug>", methods=["GET", "POST"])
def election(slug: str):
    """An election: its details and voting days, its races, and a form to add a race."""
    form, race_form = ElectionForm(prefix="e"), RaceForm(prefix="r")
    form.state_code.choices = options(_states())
    if request.method == "POST" and request.form.get("save") == "election":
        return _save_election(slug, form)

    def render() -> str:
        found = _live(Election, slug=slug) or abort(404)
        if request.method == "GET":
            form.process(data={**season_fields(found), "date": found.date,
                               **{f"stage_{s.position}_{f}": getattr(s, f)
                                  for s in found.stages for f in ("name", "date")}})
        _race_choices(race_form, found)
        races = sorted(found.races, key=lambda r: natural_key(r.district.name))
        return render_template("staff/election.html", election=found, form=form,
                               race_form=race_form, races=races)
    page = _in_draft(render)
    return page, (422 if request.method == "POST" else 200)


def _save_election(slug: str, form: ElectionForm):
    """Save an election's details and voting days into the draft."""
    exists = _in_draft(lambda: _live(Election, slug=slug) is not None)
    if not exists:
        abort(404)
    if not form.validate_on_submit():
        flash(s_("Nothing was saved: correct the fields marked below."), "problem")
        return election_page_again(slug, form)
    live = _live(Election, slug=slug)
    name = " ".join(form.name.data.split())
    changed = _record("election", slug, f"Election: {name}", live, {
        "name": name, "date": form.date.data.isoformat(), "state_code": form.state_code.data,
        "is_sample": form.is_sample.data, "name_es": " ".join((form.name_es.data or "").split())})
    wanted = dict(enumerate(form.stages(), start=1))
    drafted = _in_draft(lambda: [s.position for s in _live(Election, slug=slug).stages])
    for position in sorted(set(wanted) | set(drafted)):
        stage = _live(ElectionStage, election_id=live.id, position=position) if live else None
        after = None if position not in wanted else {"name": wanted[position][0],
                                                     "date": wanted[position][1].isoformat()}
        if after is None and position not in drafted:
            continue
        changed |= _record("stage", [slug, position], f"{name}: voting day {position}", stage,
                           after)
    _saved(changed)
    return redirect(url_for("staff.election", slug=slug), 303)


def election_page_again(slug: str, form: ElectionForm | None = None,
                        race_form: RaceForm | None = None):
    """The election page with a refused form as typed (the other filled as saved)."""
    race_form = race_form or RaceForm(prefix="r", formdata=None)

    def render() -> str:
        found = _live(Election, slug=slug) or abort(404)
        shown = form or _election_form(found)
        shown.state_code.choices = options(_states())
        _race_choices(race_form, found)
        races = sorted(found.races, key=lambda r: natural_key(r.district.name))
        return render_template("staff/election.html", election=found, form=shown,
                               race_form=race_form, races=races)
    return _in_draft(render), 422


def _election_form(found: Election) -> ElectionForm:
    """The election form filled with an election as the draft leaves it."""
    return ElectionForm(prefix="e", formdata=None, data={
        **season_fields(found), "date": found.date,
        **{f"stage_{s.position}_{f}": getattr(s, f) for s in found.stages
           for f in ("name", "date")}})


def _race_choices(form: RaceForm, found: Election) -> None:
    """The menus of a race form: the state's districts in natural order, named with their
    counties; the questionnaires; the election's voting days."""
    districts = list(db.session.scalars(select(District).where(
        District.state_code == found.state_code).options(selectinload(District.counties))))
    districts.sort(key=lambda d: natural_key(d.name))
    form.district.choices = options((d.slug, district_label(d)) for d in districts)
    form.questionnaire.choices = options([("", s_("None yet"))] + [
        (q.slug, q.title) for q in db.session.scalars(select(Questionnaire)
                                                       .order_by(Questionnaire.title))])
    form.stage.choices = options([("", s_("The election day"))] + [
        (str(s.position), f"{s.name}, {s.date:%-d %B %Y}") for s in found.stages])


@blueprint.post("/season/elections/<slug>/races")
def new_race(slug: str):
    """Add a race to an election; it goes into your draft."""
    form = RaceForm(prefix="r")

    def check() -> tuple[str, str, str] | None:
        found = _live(Election, slug=slug) or abort(404)
        _race_choices(form, found)
        if not form.validate_on_submit():
            return None
        district = _live(District, slug=form.district.data)
        office = " ".join((form.office.data or "").split()) or district.office
        if any(r.district_id == district.id and r.office == office for r in found.races):
            form.district.errors = [f"{found.name} already has a {office} race in "
                                    f"{district.name}."]
            return None
        return district.id, district.name, office
    found = _in_draft(check)
    if found is None:
        flash(s_("The race was not added: see the form below."), "problem")
        return election_page_again(slug, race_form=form)
    district_id, district_name, office = found
    _record("race", [slug, district_id, office], f"Race: {office}, {district_name}", None,
            _race_values(form))
    flash(s_("The %(office)s race in %(district)s is in your draft.", office=office,
             district=district_name), "done")
    return redirect(url_for("staff.election", slug=slug), 303)


def _race_values(form: RaceForm) -> dict:
    """A race's fields from its form."""
    return {"questionnaire": form.questionnaire.data or None, "status": form.status.data,
            "status_note": (form.status_note.data or "").replace("\r\n", "\n").strip(),
            "stage": int(form.stage.data) if form.stage.data else None}


@blueprint.route("/season/elections/<slug>/races/<district_slug>", methods=["GET", "POST"])
def race(slug: str, district_slug: str):
    """A race: its questionnaire, voting day, and whether it is contested, uncontested or
    cancelled (with the words voters read)."""
    office = request.args.get("office", "")
    form = RaceForm(prefix="r")

    def find() -> Race:
        found = _live(Election, slug=slug) or abort(404)
        district = _live(District, slug=district_slug) or abort(404)
        return next((r for r in found.races if r.district_id == district.id
                     and (r.office == office or not office)), None) or abort(404)

    if request.method == "POST":
        key = _in_draft(lambda: season_key(find()))
        label = _in_draft(lambda: f"Race: {find().office}, {find().district.name}")

        def validate() -> bool:
            _race_choices(form, find().election)
            del form.district  # a race stays in its district
            return form.validate_on_submit()
        if _in_draft(validate):
            published = _live(Election, slug=slug)
            live = _live(Race, election_id=published.id, district_id=key[1],
                         office=key[2]) if published else None
            _saved(_record("race", key, label, live, _race_values(form)))
            return redirect(url_for("staff.election", slug=slug), 303)
        flash(s_("Nothing was saved: correct the fields marked below."), "problem")

    def render() -> str:
        found = find()
        _race_choices(form, found.election)
        if request.method == "GET":
            values = season_fields(found)
            form.process(data={"questionnaire": values["questionnaire"] or "",
                               "status": values["status"], "status_note": values["status_note"],
                               "stage": str(values["stage"] or "")})
        return render_template("staff/race.html", race=found, form=form)
    return _in_draft(render), (422 if request.method == "POST" else 200)


# --- questionnaires -------------------------------------------------------------------------

@blueprint.route("/season/questionnaires/new", methods=["GET", "POST"])
def new_questionnaire():
    """A new questionnaire; it goes into your draft."""
    form = QuestionnaireForm()
    if form.validate_on_submit():
        title = " ".join(form.title.data.split())
        base = (slug_words(title) or "questionnaire")[:90]
        taken = set(db.session.scalars(select(Questionnaire.slug)))
        draft = services.open_edit_draft(db.session, current_user)
        taken |= {c["key"] for c in (draft.changes if draft else [])
                  if c["entity"] == "questionnaire"}
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        _record("questionnaire", slug, f"Questionnaire: {title}", None, _questionnaire_values(
            form))
        flash(s_("%(title)s is in your draft: now add its questions.", title=title), "done")
        return redirect(url_for("staff.questionnaire", slug=slug), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/questionnaire_new.html", form=form), status


def _questionnaire_values(form: QuestionnaireForm) -> dict:
    """A questionnaire's fields from its form."""
    return {"title": " ".join(form.title.data.split()),
            "description": _paragraphs(form.description.data),
            **{name: getattr(form, name).data.isoformat() if getattr(form, name).data
               else None for name in ("sent_on", "reminder_on", "deadline")},
            "title_es": " ".join((form.title_es.data or "").split()),
            "description_es": _paragraphs(form.description_es.data)}


def _paragraphs(text: str | None) -> str:
    """A text area's text with plain line ends and no surrounding blanks ("" for none)."""
    return (text or "").replace("\r\n", "\n").strip()


def _live_question(slug: str, code: str) -> Question | None:
    """A published question by its questionnaire and code (codes are unique only within a
    questionnaire: two questionnaires may each have a "q1")."""
    return db.session.scalar(select(Question).join(Question.questionnaire).where(
        Questionnaire.slug == slug, Question.code == code))


def _questionnaire(slug: str) -> Questionnaire:
    """A questionnaire (published or in the draft being applied), or 404."""
    return _live(Questionnaire, slug=slug) or abort(404)


@blueprint.route("/season/questionnaires/<slug>", methods=["GET", "POST"])
def questionnaire(slug: str):
    """A questionnaire: its details, its questions in order (move, edit, retire), and a form
    to add a question."""
    form, question_form = QuestionnaireForm(prefix="d"), QuestionForm(prefix="q")
    if request.method == "POST":
        exists = _in_draft(lambda: _live(Questionnaire, slug=slug) is not None)
        if not exists:
            abort(404)
        if request.form.get("save") == "details" and form.validate_on_submit():
            _saved(_record("questionnaire", slug, f"Questionnaire: {form.title.data.strip()}",
                           _live(Questionnaire, slug=slug), _questionnaire_values(form)))
            return redirect(url_for("staff.questionnaire", slug=slug), 303)
        if request.form.get("save") == "question" and _question_ok(question_form):
            count = _in_draft(lambda: len(_questionnaire(slug).all_questions))
            code = "q" + secrets.token_hex(6)
            _record("question", [slug, code], f"Question {count + 1}: "
                    f"{question_form.topic.data.strip()}", None,
                    {"position": count + 1, **_question_values(question_form)})
            flash(s_("Question %(position)s is in your draft.", position=count + 1), "done")
            return redirect(url_for("staff.questionnaire", slug=slug), 303)
        flash(s_("Nothing was saved: correct the fields marked below."), "problem")

    def render() -> str:
        found = _questionnaire(slug)
        if request.method == "GET":
            form.process(data={**season_fields(found), "sent_on": found.sent_on,
                               "reminder_on": found.reminder_on, "deadline": found.deadline})
        races = list(db.session.scalars(select(Race).where(Race.questionnaire_id == found.id)))
        return render_template("staff/questionnaire.html", questionnaire=found, form=form,
                               question_form=question_form, races=races)
    return _in_draft(render), (422 if request.method == "POST" else 200)


def _question_ok(form: QuestionForm) -> bool:
    """A question form is valid, and a scale has both its words or neither."""
    ok = form.validate_on_submit()
    if ok and form.kind.data == "scale" and bool((form.scale_low.data or "").strip()) != bool(
            (form.scale_high.data or "").strip()):
        form.scale_high.errors = ["Give the scale both its words (what 1 and 5 mean), or "
                                  "neither."]
        ok = False
    return ok


def _question_values(form: QuestionForm) -> dict:
    """A question's fields from its form (scale words only on a scale)."""
    scale = form.kind.data == "scale"
    return {"topic": " ".join(form.topic.data.split()),
            "text": form.text.data.replace("\r\n", "\n").strip(), "kind": form.kind.data,
            "scale_low": ((form.scale_low.data or "").strip() or None) if scale else None,
            "scale_high": ((form.scale_high.data or "").strip() or None) if scale else None,
            "word_limit": form.word_limit.data, "retired": form.retired.data,
            "topic_es": " ".join((form.topic_es.data or "").split()),
            "text_es": _paragraphs(form.text_es.data),
            "scale_low_es": " ".join((form.scale_low_es.data or "").split()) if scale else "",
            "scale_high_es": " ".join((form.scale_high_es.data or "").split()) if scale else ""}


@blueprint.route("/season/questionnaires/<slug>/questions/<code>", methods=["GET", "POST"])
def question(slug: str, code: str):
    """Edit or retire one question (a retired question keeps its answers in history)."""
    form = QuestionForm(prefix="q")

    def find() -> Question:
        found = _questionnaire(slug)
        return next((q for q in found.all_questions if q.code == code), None) or abort(404)

    if request.method == "POST":
        label = _in_draft(lambda: f"Question {find().position}")
        if _question_ok(form):
            live = _live_question(slug, code)
            wanted = _question_values(form)
            _saved(_record("question", [slug, code], f"{label}: {wanted['topic']}", live,
                           wanted))
            return redirect(url_for("staff.questionnaire", slug=slug), 303)
        flash(s_("Nothing was saved: correct the fields marked below."), "problem")

    def render() -> str:
        found = find()
        if request.method == "GET":
            form.process(data={**season_fields(found), "kind": found.kind.value})
        return render_template("staff/question.html", question=found, form=form)
    return _in_draft(render), (422 if request.method == "POST" else 200)


@blueprint.post("/season/questionnaires/<slug>/questions/<code>/move")
def move_question(slug: str, code: str):
    """Move a question up or down one place (two questions swap places in your draft)."""
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)

    def order() -> list[tuple[str, int, str]]:
        return [(q.code, q.position, q.topic) for q in _questionnaire(slug).all_questions]
    questions = _in_draft(order)
    index = next((i for i, (c, _, _) in enumerate(questions) if c == code), None)
    if index is None:
        abort(404)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        flash(s_("That question is already first.") if direction == "up" else
              s_("That question is already last."), "problem")
        return redirect(url_for("staff.questionnaire", slug=slug), 303)
    (code_a, place_a, topic_a), (code_b, place_b, topic_b) = questions[index], questions[other]
    for moved, place, topic in ((code_a, place_b, topic_a), (code_b, place_a, topic_b)):
        live = _live_question(slug, moved)
        wanted = {**(season_fields(live) if live else {}), "position": place}
        if live is None:
            wanted = {"position": place}
        _record("question", [slug, moved], f"Question: {topic} (to place {place})", live,
                wanted)
    flash(s_("“%(topic)s” moved up, in your draft.", topic=topic_a) if direction == "up" else
          s_("“%(topic)s” moved down, in your draft.", topic=topic_a), "done")
    return redirect(url_for("staff.questionnaire", slug=slug), 303)


# --- the questions as a spreadsheet, a column per language --------------------------------

@blueprint.get("/season/questionnaires/<slug>/questions.csv")
def questions_file(slug: str):
    """Every question of a questionnaire (as your draft leaves them) as a CSV with its
    Spanish columns, to translate in a spreadsheet and upload again."""
    from .views import _attachment

    content = _in_draft(lambda: questions_csv(_questionnaire(slug).all_questions))
    return _attachment(content, f"questions-{slug}.csv", "text/csv; charset=utf-8")


@blueprint.route("/season/questionnaires/<slug>/questions/upload", methods=["GET", "POST"])
@accepts_upload()
def upload_questions(slug: str):
    """Upload the questions file: every row goes into your draft (a file with any bad row is
    refused whole, each problem named, and nothing is saved)."""
    form = QuestionsUploadForm()
    title = _in_draft(lambda: _questionnaire(slug).title)
    page = {"questionnaire": {"slug": slug, "title": title}, "form": form}
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("staff/questions_upload.html", **page), status
    upload = form.spreadsheet.data
    drafted = _in_draft(lambda: {q.code: (season_fields(q), q.topic) for q in
                                 _questionnaire(slug).all_questions})
    try:
        rows = read_questions(upload.filename or "questions.csv", upload.read(), set(drafted))
        wanted = _uploaded_questions(rows, {c: f for c, (f, _) in drafted.items()})
    except SheetRefused as refusal:
        return render_template("staff/questions_upload.html", problems=refusal.problems,
                               **page), 422
    except FileRefused as refusal:
        return render_template("staff/questions_upload.html", problems=[str(refusal)],
                               **page), 422
    changed = False
    for code, fields in wanted:
        live = _live_question(slug, code) if code in drafted else None
        changed |= _record("question", [slug, code], f"Question {fields['position']}: "
                           f"{fields['topic']}", live, fields)
    _saved(changed)
    draft = services.open_edit_draft(db.session, current_user)
    if draft is None:
        return redirect(url_for("staff.questionnaire", slug=slug), 303)
    return redirect(url_for("staff.change_set", change_set_id=draft.id), 303)


#: The file's columns and the change-set fields they fill.
SHEET_FIELDS = {"position": "position", "topic": "topic", "text": "text", "kind": "kind",
                "scale low": "scale_low", "scale high": "scale_high",
                "word limit": "word_limit", "topic_es": "topic_es", "text_es": "text_es",
                "scale_low_es": "scale_low_es", "scale_high_es": "scale_high_es"}


def _uploaded_questions(rows: list[dict], drafted: dict[str, dict]) -> list[tuple[str, dict]]:
    """(code, fields) for each row of an uploaded questions file, the columns it leaves out
    kept as they are; raises SheetRefused when two questions would share a place."""
    places = {code: fields["position"] for code, fields in drafted.items()}
    result = []
    for row in rows:
        code = row["code"] or "q" + secrets.token_hex(6)
        fields = dict(drafted.get(code) or {"topic_es": "", "text_es": "", "scale_low_es": "",
                                             "scale_high_es": "", "retired": False,
                                             "word_limit": None, "scale_low": None,
                                             "scale_high": None})
        for column, value in row["values"].items():
            fields[SHEET_FIELDS[column]] = value
        fields["topic"] = " ".join(fields["topic"].split())
        fields["text"] = _paragraphs(fields["text"])
        limit = fields.get("word_limit")
        fields["word_limit"] = int(limit) if limit not in (None, "") else None
        scale = fields["kind"] == "scale"
        for name in ("scale_low", "scale_high"):
            fields[name] = (" ".join((fields.get(name) or "").split()) or None) if scale \
                else None
            fields[f"{name}_es"] = " ".join((fields.get(f"{name}_es") or "").split()) if scale \
                else ""
        for name in ("topic_es",):
            fields[name] = " ".join((fields.get(name) or "").split())
        fields["text_es"] = _paragraphs(fields.get("text_es"))
        position = fields.get("position")
        if position in (None, ""):
            position = max(places.values(), default=0) + 1
        places[code] = fields["position"] = int(position)
        result.append((code, fields))
    taken: dict[int, str] = {}
    problems = []
    for code, place in places.items():
        if place in taken:
            problems.append(s_("Two questions would be number %(place)s: give each question "
                               "its own position (questions the file leaves out keep theirs).",
                               place=place))
        taken[place] = code
    if problems:
        raise SheetRefused(problems[:1])
    return result


# --- remembered column pairings ------------------------------------------------------------

@blueprint.get("/season/questionnaires/<slug>/columns")
def remembered_columns(slug: str):
    """The column pairings remembered from uploads for a questionnaire, each with a way to
    forget it (and one to forget them all)."""
    found = _live(Questionnaire, slug=slug) or abort(404)
    return render_template("staff/pairings.html", questionnaire=found,
                           pairings=services.remembered_pairings(db.session, found))


@blueprint.route("/season/questionnaires/<slug>/columns/forget", methods=["GET", "POST"])
def forget_columns(slug: str):
    """Forget one remembered pairing (``pairing=<id>``) or all (``pairing=all``), asked first
    on a page of its own; later uploads then read those columns by their headers again."""
    found = _live(Questionnaire, slug=slug) or abort(404)
    raw = request.values.get("pairing", "all")
    if raw != "all" and not raw.isdigit():
        abort(404)
    pairing_id = None if raw == "all" else int(raw)
    back = redirect(url_for("staff.remembered_columns", slug=slug), 303)
    if request.method == "POST":
        try:
            count = services.forget_pairings(db.session, found, pairing_id)
        except services.StaffActionRefused as refusal:
            flash(str(refusal), "problem")
            return back
        flash(s_n("Forgotten (%(num)d pairing): later uploads read that column by the header "
                  "again.", "Forgotten (%(num)d pairings): later uploads read those columns by "
                  "the header again.", count), "done")
        return back
    chosen = [p for p in services.remembered_pairings(db.session, found)
              if pairing_id is None or p.id == pairing_id]
    if not chosen:
        flash(s_("There is no remembered pairing to forget."), "problem")
        return back
    return render_template("staff/pairings_forget.html", questionnaire=found, chosen=chosen,
                           pairing=raw)
