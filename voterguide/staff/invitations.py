"""Staff pages for the online questionnaire: the deadline, invitations by email or letter,
reminders, withdrawing a link, returning answers with a note, and the tracker (per race and
candidate: invited, opened, draft, submitted, published, declined, and when).

A submission is a draft change set, previewed and published on the change set's page like
an import (voterguide/staff/views.py); nothing here publishes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Candidate, Election
from ..questionnaire import mail, sending, services, tokens
from ..web.staff_words import s_
from . import blueprint
from . import services as staff_services


def _election(slug: str) -> Election:
    """An election by slug, or 404."""
    return db.session.scalar(select(Election).where(Election.slug == slug)) or abort(404)


def _candidate(slug: str) -> Candidate:
    """A candidate by slug, or 404."""
    return db.session.scalar(select(Candidate).where(Candidate.slug == slug)) or abort(404)


@blueprint.get("/invitations")
def invitations():
    """The elections, each with its tracker."""
    elections = list(db.session.scalars(select(Election).order_by(Election.date.desc())))
    if len(elections) == 1:
        return redirect(url_for("staff.tracker", slug=elections[0].slug), 303)
    return render_template("staff/invitations/index.html", elections=elections)


@blueprint.get("/invitations/<slug>")
def tracker(slug: str):
    """The tracker of one election: every race, every candidate, where each one is."""
    election = _election(slug)
    races = services.tracker(db.session, election)
    questionnaires = {r.race.questionnaire.id: r.race.questionnaire for r in races
                      if r.race.questionnaire is not None}
    return render_template("staff/invitations/tracker.html", election=election, races=races,
                           questionnaires=list(questionnaires.values()),
                           states=services.STATE_WORDS, email=mail.configured(),
                           cap=int(current_app.config["QUESTIONNAIRE_MAX_REMINDERS"]),
                           why_not_remind=services.why_not_remind)


def _back(candidate: Candidate):
    """Back to the candidate's row of the tracker."""
    return redirect(url_for("staff.tracker", slug=candidate.race.election.slug,
                            _anchor=f"c-{candidate.slug}"), 303)


def _act(candidate: Candidate, action: Callable[[], str]):
    """Run one action on a candidate; a refusal or a mail failure undoes it, said plainly."""
    try:
        with db.session.begin_nested():
            done = action()
    except services.QuestionnaireRefused as refusal:
        flash(str(refusal), "problem")
    except mail.MailNotSent as failure:
        flash(s_("Nothing was sent to %(name)s: %(failure)s", name=candidate.name,
                 failure=failure), "problem")
    else:
        flash(done, "done")
    return _back(candidate)


@blueprint.post("/invitations/<slug>/deadline")
def set_deadline(slug: str):
    """Set (or clear) the deadline of the election's questionnaires."""
    election = _election(slug)
    typed = (request.form.get("deadline") or "").strip()
    try:
        deadline = dt.date.fromisoformat(typed) if typed else None
    except ValueError:
        flash(s_("Type the deadline as a date, such as 2028-08-15."), "problem")
        return redirect(url_for("staff.tracker", slug=slug), 303)
    if deadline is not None and deadline > election.date:
        flash(s_("The deadline must be on or before election day."), "problem")
        return redirect(url_for("staff.tracker", slug=slug), 303)
    wanted = deadline.isoformat() if deadline else None
    changes = [{"entity": "questionnaire", "key": q.slug, "label": s_(
                    "%(title)s (deadline)", title=q.title),
                "before": {"deadline": q.deadline.isoformat() if q.deadline else None},
                "after": {"deadline": wanted}}
               for q in sorted({r.questionnaire for r in election.races if r.questionnaire},
                               key=lambda q: q.slug)
               if (q.deadline.isoformat() if q.deadline else None) != wanted]
    try:  # in the history like any change, and undone by its rollback
        staff_services.publish_at_once(db.session, changes, s_(
            "Deadline set in the invitations tracker"), current_user, election=election)
    except staff_services.StaffActionRefused as refusal:
        flash(str(refusal), "problem")
        return redirect(url_for("staff.tracker", slug=slug), 303)
    day = f"{deadline:%B} {deadline.day}, {deadline.year}" if deadline else ""
    flash(s_("Deadline set to %(day)s.", day=day) if deadline else
          s_("The deadline is cleared."), "done")
    return redirect(url_for("staff.tracker", slug=slug), 303)


@blueprint.post("/invitations/candidates/<slug>/invite")
def invite(slug: str):
    """Email the candidate a new private link (any earlier link stops working)."""
    candidate = _candidate(slug)

    def action() -> str:
        sending.invite_by_email(db.session, candidate, current_user)
        return s_("Invitation emailed to %(name)s.", name=candidate.name)

    return _act(candidate, action)


@blueprint.post("/invitations/candidates/<slug>/remind")
def remind(slug: str):
    """Email the candidate a reminder with their link (capped per candidate)."""
    candidate = _candidate(slug)

    def action() -> str:
        invitation = tokens.active_invitation(db.session, candidate)
        sending.remind(db.session, invitation)
        return s_("Reminder emailed to %(name)s.", name=candidate.name)

    return _act(candidate, action)


@blueprint.post("/invitations/candidates/<slug>/revoke")
def revoke(slug: str):
    """Withdraw the candidate's link and code (what they saved is kept)."""
    candidate = _candidate(slug)

    def action() -> str:
        invitation = tokens.active_invitation(db.session, candidate)
        if invitation is None:
            raise services.QuestionnaireRefused(
                s_("%(name)s has no working invitation.", name=candidate.name))
        tokens.revoke(db.session, invitation)
        return s_("%(name)s's link and code no longer work. Invite them again to send a new "
                  "one.", name=candidate.name)

    return _act(candidate, action)


@blueprint.post("/invitations/candidates/<slug>/return")
def return_answers(slug: str):
    """Send a submission back to the candidate with a note; nothing of theirs is edited."""
    candidate = _candidate(slug)

    def action() -> str:
        invitation = tokens.active_invitation(db.session, candidate)
        if invitation is None:
            raise services.QuestionnaireRefused(s_(
                "%(name)s has no working invitation: invite them again first.",
                name=candidate.name))
        services.return_to_candidate(db.session, invitation, request.form.get("note", ""))
        emailed = sending.send_return_note(db.session, invitation)
        return (s_("Returned to %(name)s with your note, by email.", name=candidate.name)
                if emailed else s_("Returned to %(name)s with your note. There is no email to "
                                   "send it by: the note is on their questionnaire page.",
                                   name=candidate.name))

    return _act(candidate, action)


@blueprint.post("/invitations/<slug>/invite-all")
def invite_all(slug: str):
    """Email every candidate of the election who has an email address and no invitation."""
    election = _election(slug)
    sent, skipped = 0, []
    for race in services.tracker(db.session, election):
        for row in race.rows:
            if row.invitation is not None or row.candidate.race.questionnaire is None:
                continue
            try:
                with db.session.begin_nested():
                    sending.invite_by_email(db.session, row.candidate, current_user)
                sent += 1
            except (services.QuestionnaireRefused, mail.MailNotSent) as refusal:
                skipped.append(str(refusal))
    flash(s_("Invitations emailed: %(count)s.", count=sent), "done")
    if skipped:
        flash(s_("Not sent: %(reasons)s", reasons=" ".join(skipped[:20])), "problem")
    return redirect(url_for("staff.tracker", slug=slug), 303)


@blueprint.post("/invitations/<slug>/letters")
def letters(slug: str):
    """Print letters (a PDF, one page each) with a new code for the chosen candidates, or
    for every candidate not invited yet; their earlier links and codes stop working."""
    election = _election(slug)
    chosen = set(request.form.getlist("candidate"))
    candidates = [row.candidate for race in services.tracker(db.session, election)
                  for row in race.rows if row.candidate.race.questionnaire is not None and (
                      row.candidate.slug in chosen if chosen else row.invitation is None)]
    if not candidates:
        flash(s_("Every candidate is invited already: choose whom to print a new letter for."),
              "problem")
        return redirect(url_for("staff.tracker", slug=slug), 303)
    pdf = sending.invite_by_letter(db.session, candidates, current_user)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="letters-{election.slug}.pdf"'})


@blueprint.route("/invitations/candidates/<slug>/contact", methods=["GET", "POST"])
def contact(slug: str):
    """A candidate's email and postal address, typed by hand (staff only; not part of the
    published guide, so a save takes effect at once)."""
    from .cleaners import CleanError, clean_email, clean_postal_address

    candidate = _candidate(slug)
    found = services.contact_of(db.session, candidate)
    values = {"email": found.email if found else "",
              "postal_address": found.postal_address if found else ""}
    if request.method == "GET":
        return render_template("staff/invitations/contact.html", candidate=candidate,
                               values=values)
    values = {name: (request.form.get(name) or "")[:1000] for name in values}
    try:
        email = clean_email(values["email"])
        postal = clean_postal_address(values["postal_address"])
    except CleanError as error:
        return render_template("staff/invitations/contact.html", candidate=candidate,
                               values=values, problem=str(error)), 422
    services.save_contact(db.session, candidate, email, postal)
    flash(s_("Saved %(name)s's contact (for staff only).", name=candidate.name), "done")
    return _back(candidate)
