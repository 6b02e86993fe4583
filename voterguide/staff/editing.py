"""Correcting the guide in the browser: candidate details, answers, photos, new candidates,
withdrawals. Every edit goes into the editor's own draft, published by an admin like an import.
Opening a page writes nothing: the draft is made by the first save."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Candidate, District, Election, QuestionKind, Race
from ..presenters import day_words
from ..web.rules import accepts_upload
from ..web.staff_words import s_, s_n
from . import blueprint, services
from .changes import answer_fields, candidate_fields
from .forms import AnswerForm, CandidateForm, NewCandidateForm, PhotoForm, options

CHOICES = {QuestionKind.YES_NO: [("", "No choice"), ("Yes", "Yes"), ("No", "No")],
           QuestionKind.SCALE: [("", "No choice")] + [(str(n), f"{n} of 5") for n in range(1, 6)],
           QuestionKind.TEXT: [("", "Not used for this question")]}


def _candidate(slug: str) -> Candidate:
    """A live candidate by slug, or 404."""
    return db.session.scalar(select(Candidate).where(Candidate.slug == slug)) or abort(404)


def _draft_values(candidate: Candidate) -> tuple[dict, dict[int, dict | None]]:
    """The candidate's fields and answers as the user's edit draft leaves them."""
    fields = candidate_fields(candidate)
    answers: dict[int, dict | None] = {a.question_id: answer_fields(a) for a in candidate.answers}
    draft = services.open_edit_draft(db.session, current_user)
    for change in draft.changes if draft else []:
        if change["entity"] == "candidate" and change["key"] == candidate.slug:
            fields.update(change["after"] or {})
        elif change["entity"] == "answer" and change["key"][0] == candidate.slug:
            question_id = int(change["key"][1])
            answers[question_id] = None if change["after"] is None else \
                {**(answers.get(question_id) or {}), **change["after"]}
    return fields, answers


@blueprint.get("/candidates")
def candidates():
    """Every candidate by election and race, with links to correct them."""
    races = list(db.session.scalars(
        select(Race).join(Race.election).join(Race.district)
        .order_by(Election.date.desc(), District.name)
        .options(selectinload(Race.candidates))))
    return render_template("staff/candidates.html", races=races)


@blueprint.route("/candidates/<slug>", methods=["GET", "POST"])
def candidate(slug: str):
    """Correct a candidate's details and every answer in one form: one save keeps every
    field (nothing typed in one part is lost by saving another), and goes into your draft.

    A candidate added in your draft and not yet published has this page too: it is worked
    out with your draft applied (inside a savepoint, then undone), and the save recorded
    after, so a biography or answers need no publish first."""
    live = db.session.scalar(select(Candidate).where(Candidate.slug == slug))
    if live is not None:
        outcome = _edit_candidate(live, published=True)
    else:
        draft = services.open_edit_draft(db.session, current_user)
        if draft is None or not any(c["entity"] == "candidate" and c["key"] == slug
                                    and c["before"] is None for c in draft.changes):
            abort(404)
        outcome = services.with_draft_applied(
            db.session, draft, lambda: _edit_candidate(_candidate(slug), published=False))
    if isinstance(outcome, list):
        for change in outcome:
            services.record_edit(db.session, current_user, change)
        if outcome:
            flash(s_n("Saved to your draft (%(num)d change). An admin publishes it.",
                      "Saved to your draft (%(num)d changes). An admin publishes it.",
                      len(outcome)), "done")
        else:
            flash(s_("Nothing changed: the form is as your draft already had it."), "done")
        return redirect(url_for("staff.candidate", slug=slug), 303)
    return outcome


def _edit_candidate(found: Candidate, published: bool):
    """The edit page (with its status), or, for a valid save, the changes to record."""
    fields, answers = _draft_values(found)
    elected = fields.get("elected_at_stage")
    form = CandidateForm(data={**fields, "bio_source": fields.get("bio_source") or "",
                               "elected_at_stage": "" if elected is None else str(elected)})
    form.elected_at_stage.choices = options([("", s_("Not elected outright"))] + [
        (str(stage.position), f"{stage.name} ({day_words(stage.date)})")
        for stage in found.race.election.stages])
    answer_forms = _answer_forms(found, answers)
    if request.method == "POST":
        valid = form.validate_on_submit()
        valid = all([valid] + [answer_form.validate() for _, answer_form, _ in answer_forms])
        if valid:
            return _changes_of(found, form, answer_forms, fields, answers, published)
        flash(s_("Nothing was saved: correct the fields marked below (everything you typed "
                 "is still in the form)."), "problem")
    status = 422 if request.method == "POST" else 200
    return render_template("staff/candidate.html", candidate=found, form=form,
                           answer_forms=answer_forms, photo_form=PhotoForm(),
                           published=published,
                           draft=services.open_edit_draft(db.session, current_user)), status


def _changes_of(found: Candidate, form: CandidateForm, answer_forms: list, fields: dict,
                answers: dict[int, dict | None], published: bool) -> list[dict]:
    """What the one form changes against the draft, as changes to record ("before" is the
    published record, or None for a candidate only in the draft)."""
    changes = []
    wanted = {"name": " ".join(form.name.data.split()),
              "party": (form.party.data or "").strip() or None,
              "incumbent": form.incumbent.data,
              "website": (form.website.data or "").strip() or None,
              "bio": (form.bio.data or "").replace("\r\n", "\n").strip(),
              # a form sent without it (an older page) keeps who wrote the biography
              "bio_source": (form.bio_source.data or None) if "bio_source" in request.form
              else fields.get("bio_source"),
              "response_status": form.response_status.data, "withdrawn": form.withdrawn.data,
              "elected_at_stage": (int(form.elected_at_stage.data) if form.elected_at_stage.data
                                   else None) if "elected_at_stage" in request.form
              else fields.get("elected_at_stage")}
    if any(fields.get(k) != v for k, v in wanted.items()):
        live = candidate_fields(found)
        changes.append({"entity": "candidate", "key": found.slug,
                        "label": f"{found.name} (details)",
                        "before": {k: live[k] for k in wanted} if published else None,
                        "after": wanted})
    live_answers = {a.question_id: answer_fields(a) for a in found.answers} if published else {}
    for question, answer_form, _ in answer_forms:
        if not any(f"{answer_form._prefix}{name}" in request.form
                   for name in ("choice", "explanation", "received_on")):
            continue  # not in what was sent (a form of details only): left as it is
        drafted = answers.get(question.id)
        wanted_answer = _wanted_answer(answer_form, drafted)
        if wanted_answer == drafted or (wanted_answer is None and not drafted):
            continue
        changes.append({
            "entity": "answer", "key": [found.slug, question.id],
            "label": f"{found.name}: question {question.position} ({question.topic})",
            "before": live_answers.get(question.id), "after": wanted_answer})
    return changes


def _wanted_answer(answer_form: AnswerForm, drafted: dict | None) -> dict | None:
    """An answer as the form leaves it; None when both the choice and the words are empty."""
    explanation = (answer_form.explanation.data or "").replace("\r\n", "\n").strip()
    choice = answer_form.choice.data or None
    if choice is None and not explanation:
        return None
    received = answer_form.received_on.data
    return {"choice": choice, "explanation": explanation,
            "received_on": received.isoformat() if received else None}


def _answer_forms(candidate: Candidate, answers: dict[int, dict | None]) -> list:
    """One answer part of the form per question of the candidate's questionnaire (a retired
    question only where the candidate answered it: its answer stays in history)."""
    forms = []
    questionnaire = candidate.race.questionnaire
    for question in questionnaire.questions if questionnaire else []:
        values = answers.get(question.id) or {}
        received = values.get("received_on")
        data = None if request.method == "POST" else {
            "choice": values.get("choice") or "", "explanation": values.get("explanation", ""),
            "received_on": dt.date.fromisoformat(received) if received else None}
        form = AnswerForm(prefix=f"q{question.id}", data=data, meta={"csrf": False})
        form.choice.choices = options(CHOICES[question.kind])
        forms.append((question, form, bool(answers.get(question.id))))
    return forms


@blueprint.post("/candidates/<slug>/answers/<int:question_id>")
def candidate_answer(slug: str, question_id: int):
    """Correct (or remove) one answer; it goes into your draft."""
    found = _candidate(slug)
    questionnaire = found.race.questionnaire
    question = next((q for q in (questionnaire.questions if questionnaire else [])
                     if q.id == question_id), None) or abort(404)
    form = AnswerForm(prefix=f"q{question.id}")
    form.choice.choices = options(CHOICES[question.kind])
    if not form.validate_on_submit():
        flash(s_("Question %(position)s: %(problems)s", position=question.position,
                 problems="; ".join(str(e) for errors in form.errors.values() for e in errors)),
              "problem")
        return redirect(url_for("staff.candidate", slug=slug), 303)
    live = next((a for a in found.answers if a.question_id == question_id), None)
    live_fields = answer_fields(live) if live else None
    explanation = (form.explanation.data or "").replace("\r\n", "\n").strip()
    choice = form.choice.data or None
    wanted = None if choice is None and not explanation else {
        "choice": choice, "explanation": explanation,
        "received_on": live_fields["received_on"] if live_fields else None}
    label = f"{found.name}: question {question.position} ({question.topic})"
    change = {"entity": "answer", "key": [slug, question_id], "label": label,
              "before": live_fields, "after": wanted}
    services.record_edit(db.session, current_user, change)
    flash(s_("Question %(position)s saved to your draft.", position=question.position), "done")
    return redirect(url_for("staff.candidate", slug=slug), 303)


@blueprint.post("/candidates/<slug>/photo")
@accepts_upload()
def candidate_photo(slug: str):
    """Upload a photo: checked, shrunk and re-encoded; the new photo goes into your draft."""
    found = _candidate(slug)
    form = PhotoForm()
    if not form.validate_on_submit():
        flash(s_("Choose an image to upload."), "problem")
        return redirect(url_for("staff.candidate", slug=slug), 303)
    try:
        path = services.store_photo(db.session, form.photo.data.read())
    except services.StaffActionRefused as refusal:
        flash(str(refusal), "problem")
        return redirect(url_for("staff.candidate", slug=slug), 303)
    services.record_edit(db.session, current_user, {
        "entity": "candidate", "key": slug, "label": f"{found.name} (photo)",
        "before": {"photo_url": found.photo_url}, "after": {"photo_url": path}})
    flash(s_("Photo saved to your draft."), "done")
    return redirect(url_for("staff.candidate", slug=slug), 303)


@blueprint.route("/candidates/new", methods=["GET", "POST"])
def new_candidate():
    """Add a candidate to a race; it goes into your draft."""
    form = NewCandidateForm()
    races = list(db.session.scalars(select(Race).join(Race.election).join(Race.district)
                                    .order_by(Election.date.desc(), District.name)))
    form.race.choices = options((r.id, f"{r.district.name}: {r.office}, {r.election.name}")
                                for r in races)
    if form.validate_on_submit():
        from .importer import ImportContext

        race = db.session.get(Race, form.race.data) or abort(404)
        name = " ".join(form.name.data.split())
        if any(c.name.casefold() == name.casefold() for c in race.candidates):
            flash(s_("%(name)s is already a candidate in this race.", name=name), "problem")
            return render_template("staff/new_candidate.html", form=form), 422
        context = ImportContext(db.session, race.election)
        slug = context.new_slug(race.district, name)
        services.record_edit(db.session, current_user, {
            "entity": "candidate", "key": slug, "label": f"{name} ({race.district.name})",
            "before": None, "after": {
                "name": name, "party": (form.party.data or "").strip() or None,
                "incumbent": False, "website": None, "photo_url": None, "bio": "",
                "bio_source": None, "response_status": "no_response", "withdrawn": False,
                "race": {"election": race.election.slug, "district": race.district_id,
                         "office": race.office,
                         "questionnaire": race.questionnaire.slug if race.questionnaire
                         else None}}})
        flash(s_("%(name)s added to your draft.", name=name), "done")
        return redirect(url_for("staff.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/new_candidate.html", form=form), status


@blueprint.post("/candidates/<slug>/remove")
def remove_candidate(slug: str):
    """Remove a candidate entered by mistake, with their answers; it goes into your draft
    (and, once published, a rollback brings them back, answers and all)."""
    found = _candidate(slug)
    race = found.race
    for answer in sorted(found.answers, key=lambda a: a.question.position):
        services.record_edit(db.session, current_user, {
            "entity": "answer", "key": [slug, answer.question_id],
            "label": f"{found.name}: question {answer.question.position} "
                     f"({answer.question.topic})",
            "before": answer_fields(answer), "after": None})
    services.record_edit(db.session, current_user, {
        "entity": "candidate", "key": slug, "label": f"{found.name} ({race.district.name})",
        "before": {**candidate_fields(found), "race": {
            "election": race.election.slug, "district": race.district_id,
            "office": race.office,
            "questionnaire": race.questionnaire.slug if race.questionnaire else None}},
        "after": None})
    flash(s_("Removing %(name)s is in your draft; an admin publishes it.", name=found.name),
          "done")
    return redirect(url_for("staff.candidates"), 303)
