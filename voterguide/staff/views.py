"""Staff pages: sign in, import a spreadsheet, preview and publish drafts, read the history,
roll back, manage users. Every URL of the staff area needs a signed-in user (the area's guard,
voterguide/staff/__init__.py); publishing, rollback and users are declared admins only."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..extensions import db, limiter, runtime
from ..guide.pages import candidate_html, district_html
from ..models import ChangeSet, ChangeSetStatus, Election
from ..web.access import remember_session_version
from ..web.rules import accepts_upload, admin_required, commits_refusals, sign_in_not_required
from . import accounts, blueprint, services
from .forms import LoginForm, UploadForm, UserForm, options
from .reading import FileRefused

#: A staff path as a safe redirect target: URL path characters only (no line break, no
#: backslash, no scheme or host, no "//").
SAFE_NEXT = re.compile(r"/staff/(?:[A-Za-z0-9\-._~%!$&'()*+,;=:@]+/?)*", re.ASCII)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a staff path on this site, never another site; any
    other ``next`` is ignored."""
    if target and len(target) <= 500 and SAFE_NEXT.fullmatch(target) and "//" not in target:
        return target
    return url_for("staff.index")


def _failed_sign_in(response) -> bool:
    """Whether a sign-in attempt failed (only failures count toward the rate limit)."""
    return response.status_code == 401


@blueprint.route("/login", methods=["GET", "POST"])
@sign_in_not_required
@commits_refusals  # a failed attempt is counted toward the account's lockout
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=_failed_sign_in)
def login():
    """Sign in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data,
                                     request.remote_addr or "")
        if user is not None:
            login_user(user)
            remember_session_version(user)
            return redirect(_safe_next(request.args.get("next")), 303)
        return render_template("staff/login.html", form=form, problem="That email and password "
                               "do not match an account, or the account is locked for a while "
                               "after repeated failures. Check them and try again later."), 401
    status = 422 if request.method == "POST" else 200
    return render_template("staff/login.html", form=form), status


@blueprint.post("/logout")
def logout():
    """Sign out: this session and every other of the same user end (a copied cookie too)."""
    accounts.end_sessions(db.session, current_user)
    logout_user()
    return redirect(url_for("staff.login"), 303)


@blueprint.get("/")
def index():
    """What is waiting: imports being checked and drafts to publish."""
    waiting = list(db.session.scalars(select(ChangeSet).where(ChangeSet.status.in_(
        [ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT])).order_by(ChangeSet.id.desc())))
    return render_template("staff/index.html", waiting=waiting)


@blueprint.get("/geocoding")
def geocoding():
    """How often the geocoding cache answered, per day, and which geocoders are set up."""
    locator = runtime().locator
    days = locator.cache.stats() if locator.cache is not None else None
    return render_template("staff/geocoding.html", locator=locator, days=days)


def _elections() -> list[Election]:
    """Elections, newest first."""
    return list(db.session.scalars(select(Election).order_by(Election.date.desc())))


@blueprint.route("/imports/new", methods=["GET", "POST"])
@accepts_upload()
def new_import():
    """Upload a spreadsheet; it is checked and shown as a preview, nothing changes yet."""
    form = UploadForm()
    form.election.choices = options((e.id, e.name) for e in _elections())
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("staff/import.html", form=form), status
    upload = form.spreadsheet.data
    election = db.session.get(Election, form.election.data) or abort(404)
    try:
        change_set = services.start_import(
            db.session, election, upload.filename or "upload", upload.read(), current_user,
            None if form.shape.data == "auto" else form.shape.data, form.delete_missing.data)
    except FileRefused as refusal:
        return render_template("staff/import.html", form=form, problem=str(refusal)), 422
    return redirect(url_for("staff.change_set", change_set_id=change_set.id), 303)


def _change_set(change_set_id: int) -> ChangeSet:
    """A change set by id, or 404."""
    return db.session.get(ChangeSet, change_set_id) or abort(404)


@blueprint.get("/changes/<int:change_set_id>")
def change_set(change_set_id: int):
    """A change set: how its file was read, the questions it asks, its problems, its changes
    (before -> after), and what can be done next."""
    found = _change_set(change_set_id)
    from .changes import touched_pages
    from .columns import DETAILS
    from .importer import ImportContext

    districts, candidates = touched_pages(db.session, found.changes)
    questions = []
    if found.election is not None:
        questions = ImportContext(db.session, found.election).questions
    unpaired = [p["column"] for p in found.problems
                if not p["blocking"] and "Pair it" in p["message"]]
    return render_template("staff/change_set.html", change_set=found, districts=districts,
                           candidates=candidates, questions=questions, unpaired=unpaired,
                           details=list(DETAILS.items()))


def _act(change_set_id: int, action: Callable[[ChangeSet], object], done: str):
    """Run a change-set action; a refusal undoes what it began and is shown as a message."""
    found = _change_set(change_set_id)
    try:
        with db.session.begin_nested():  # a refusal rolls back this action only
            action(found)
    except (services.StaffActionRefused, FileRefused) as refusal:
        flash(str(refusal), "problem")
        return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)
    flash(done, "done")
    return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)


@blueprint.post("/changes/<int:change_set_id>/apply")
def apply_to_draft(change_set_id: int):
    """Make a checked import a draft for an admin to publish."""
    return _act(change_set_id, lambda cs: services.queue(db.session, cs),
                "Applied to the draft. An admin can now preview and publish it.")


@blueprint.post("/changes/<int:change_set_id>/recheck")
def recheck(change_set_id: int):
    """Check an import's file again against the current guide."""
    return _act(change_set_id, lambda cs: services.recheck(db.session, cs),
                "Checked again against the guide as it is now.")


@blueprint.post("/changes/<int:change_set_id>/pairings")
def pair_columns(change_set_id: int):
    """Pair columns with a question, an explanation, a candidate detail or nothing; remember
    the pairings that changed, and check the file again."""
    pairs: dict[str, object] = {}
    for name, value in request.form.items(multi=True):
        if not name.startswith("pair:") or not value:
            continue
        key = name.removeprefix("pair:")
        if request.form.get(f"was:{key}") == value:
            continue  # unchanged: keep reading it as the file suggests
        pairs[key] = _int(value) if value.isdigit() else value

    def pair_and_recheck(cs: ChangeSet) -> None:
        services.pair_columns(db.session, cs, pairs)
        services.recheck(db.session, cs)

    return _act(change_set_id, pair_and_recheck, "Columns saved and remembered for this "
                "questionnaire; the file was checked again.")


@blueprint.post("/changes/<int:change_set_id>/decisions")
def decide(change_set_id: int):
    """Answer the import's questions (is this the candidate in the guide? which date order?),
    and check the file again."""
    names = {name.removeprefix("name:"): value for name, value in request.form.items()
             if name.startswith("name:") and value}

    def decide_and_recheck(cs: ChangeSet) -> None:
        services.decide(db.session, cs, names, request.form.get("dates") or None)
        services.recheck(db.session, cs)

    return _act(change_set_id, decide_and_recheck, "Answers saved; the file was checked "
                "again.")


def _int(value: str) -> int:
    """A form value as an integer, or 400."""
    try:
        return int(value)
    except ValueError:
        abort(400)


@blueprint.post("/changes/<int:change_set_id>/discard")
def discard(change_set_id: int):
    """Drop a preview or a draft."""
    return _act(change_set_id, lambda cs: services.discard(db.session, cs, current_user),
                "Discarded.")


@blueprint.post("/changes/<int:change_set_id>/publish")
@admin_required
def publish(change_set_id: int):
    """Publish a draft to the public guide in one transaction."""
    return _act(change_set_id, lambda cs: services.publish(db.session, cs, current_user),
                "Published: voters see it now.")


@blueprint.post("/changes/<int:change_set_id>/rollback")
@admin_required
def rollback(change_set_id: int):
    """Undo a published change set (the undo is recorded in history too)."""
    return _act(change_set_id, lambda cs: services.rollback(db.session, cs, current_user),
                "Rolled back: the guide is as it was before this change set.")


def _preview(change_set_id: int, render: Callable[[], str]):
    """A public page rendered with the change set applied inside a savepoint, then undone."""
    found = _change_set(change_set_id)
    request.environ["voterguide.draft_preview"] = found.id  # the banner, for this request only
    try:
        return services.with_draft_applied(db.session, found, render)
    except services.ChangeConflict as conflict:  # pragma: no cover - shown as text
        abort(409, description=str(conflict))


@blueprint.get("/changes/<int:change_set_id>/districts/<slug>")
def preview_district(change_set_id: int, slug: str):
    """A district page as voters will see it once this change set is published."""
    return _preview(change_set_id, lambda: district_html(slug))


@blueprint.get("/changes/<int:change_set_id>/candidates/<slug>")
def preview_candidate(change_set_id: int, slug: str):
    """A candidate page as voters will see it once this change set is published."""
    return _preview(change_set_id, lambda: candidate_html(slug))


@blueprint.get("/history")
def history():
    """Every import, edit and rollback: who, when, file checksum, summary."""
    change_sets = list(db.session.scalars(select(ChangeSet).order_by(ChangeSet.id.desc())
                                          .limit(500)))
    return render_template("staff/history.html", change_sets=change_sets)


@blueprint.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """Staff users, and a form to add one."""
    form = UserForm()
    problem = None
    if form.validate_on_submit():
        try:
            accounts.create_user(db.session, form.email.data, form.password.data,
                                 form.role.data)
        except accounts.AccountError as error:
            problem = str(error)
        else:
            flash(f"Added {form.email.data}.", "done")
            return redirect(url_for("staff.users"), 303)
    status = 422 if request.method == "POST" else 200
    everyone = accounts.users(db.session)
    locked = {user.id for user in everyone if accounts.locked_out(db.session, user)}
    return render_template("staff/users.html", form=form, users=everyone, locked=locked,
                           problem=problem), status


@blueprint.post("/users/<int:user_id>/unlock")
@admin_required
def unlock_user(user_id: int):
    """Lift every sign-in lock on an account (its own, and its addresses')."""
    from ..models import StaffUser

    user = db.session.get(StaffUser, user_id) or abort(404)
    accounts.unlock(db.session, user)
    flash(f"Unlocked {user.email}: they can sign in again.", "done")
    return redirect(url_for("staff.users"), 303)
