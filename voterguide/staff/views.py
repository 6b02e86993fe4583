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
from ..web.staff_words import s_, s_n
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
        try:
            user = accounts.authenticate(db.session, form.email.data, form.password.data,
                                         request.remote_addr or "")
        except accounts.NoCheckSlot:  # a flood of sign-ins: nothing checked, nothing counted
            return render_template("staff/login.html", form=form, problem=s_(
                "Too many sign-ins are being checked at this moment. Try again in a few "
                "seconds.")), 503, {"Retry-After": "2"}
        if user is not None and login_user(user):  # a disabled account is refused here
            remember_session_version(user)
            return redirect(_safe_next(request.args.get("next")), 303)
        return render_template("staff/login.html", form=form, problem=s_(
            "That email and password do not match an account, or the account is locked for a "
            "while after repeated failures. Check them and try again later.")), 401
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
    questions, questionnaire = [], None
    if found.election is not None:
        context = ImportContext(db.session, found.election)
        questions, questionnaire = context.questions, context.questionnaire
    unpaired = [p["column"] for p in found.problems
                if not p["blocking"] and "Pair it" in p["message"]]
    undone_by = db.session.scalar(select(ChangeSet).where(
        ChangeSet.rolls_back_id == found.id, ChangeSet.status == ChangeSetStatus.PUBLISHED))
    return render_template("staff/change_set.html", change_set=found,
                           districts=_district_names(districts),
                           candidates=_candidate_names(found.changes, candidates),
                           questions=questions, questionnaire=questionnaire,
                           unpaired=unpaired,
                           details=list(DETAILS.items()), rolled_back=undone_by is not None,
                           undone_by=undone_by, can_download=_may_download(found))


def _candidate_names(changes: list[dict], slugs: list[str]) -> list[tuple[str, str]]:
    """(slug, name) of the candidates a change set touches, named as it leaves them."""
    from ..models import Candidate

    names = dict(db.session.execute(select(Candidate.slug, Candidate.name)
                                    .where(Candidate.slug.in_(slugs))).all()) if slugs else {}
    for change in changes:
        if change["entity"] == "candidate" and (change["after"] or {}).get("name"):
            names[change["key"]] = change["after"]["name"]
    return [(slug, names.get(slug, slug)) for slug in slugs]


def _may_download(found: ChangeSet) -> bool:
    """Whether the signed-in user may download the file uploaded for a change set: its
    uploader and admins, while the file is kept."""
    return found.source is not None and (current_user.is_admin
                                         or found.created_by_id == current_user.id)


@blueprint.get("/changes/<int:change_set_id>/original")
def original_file(change_set_id: int):
    """The file uploaded for an import, byte for byte, for its uploader and admins."""
    found = _change_set(change_set_id)
    if found.source is None:
        abort(404, description="The uploaded file is no longer kept (a discarded import "
                               "drops it).")
    if not _may_download(found):
        abort(403, description="Only the person who uploaded it and admins can download it.")
    return _attachment(found.source, found.file_name or "upload", "application/octet-stream")


@blueprint.get("/changes/<int:change_set_id>/export.csv")
def export_change_set(change_set_id: int):
    """A change set's candidates and answers as the spreadsheet an import reads."""
    from .exports import change_set_csv

    found = _change_set(change_set_id)
    return _attachment(change_set_csv(db.session, found.changes),
                       f"changes-{found.id}.csv", "text/csv; charset=utf-8")


def _attachment(content: bytes, name: str, mimetype: str):
    """A download response that never runs in the page (the name made safe for a header)."""
    from flask import Response
    from werkzeug.utils import secure_filename

    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{secure_filename(name) or "download"}"')
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _act(change_set_id: int, action: Callable[[ChangeSet], object],
         done: str | Callable[[object], str]):
    """Run a change-set action; a refusal undoes what it began and is shown as a message.
    ``done`` is the message of success, or makes it from what the action returned."""
    found = _change_set(change_set_id)
    try:
        with db.session.begin_nested():  # a refusal rolls back this action only
            result = action(found)
    except (services.StaffActionRefused, FileRefused) as refusal:
        flash(str(refusal), "problem")
        return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)
    flash(done if isinstance(done, str) else done(result), "done")
    return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)


@blueprint.post("/changes/<int:change_set_id>/apply")
def apply_to_draft(change_set_id: int):
    """Make a checked import a draft for an admin to publish."""
    return _act(change_set_id, lambda cs: services.queue(db.session, cs),
                s_("Applied to the draft. An admin can now preview and publish it."))


@blueprint.post("/changes/<int:change_set_id>/recheck")
def recheck(change_set_id: int):
    """Check an import's file again against the current guide."""
    return _act(change_set_id, lambda cs: services.recheck(db.session, cs),
                s_("Checked again against the guide as it is now."))


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

    return _act(change_set_id, pair_and_recheck, s_(
        "Columns saved and remembered for this questionnaire; the file was checked again."))


@blueprint.post("/changes/<int:change_set_id>/decisions")
def decide(change_set_id: int):
    """Answer the import's questions (is this the candidate in the guide? which date order?),
    and check the file again."""
    names = {name.removeprefix("name:"): value for name, value in request.form.items()
             if name.startswith("name:") and value}

    edits = {name.removeprefix("edit:"): value for name, value in request.form.items()
             if name.startswith("edit:") and value}

    def decide_and_recheck(cs: ChangeSet) -> None:
        services.decide(db.session, cs, names, request.form.get("dates") or None, edits)
        services.recheck(db.session, cs)

    return _act(change_set_id, decide_and_recheck,
                s_("Answers saved; the file was checked again."))


def _int(value: str) -> int:
    """A form value as an integer, or 400."""
    try:
        return int(value)
    except ValueError:
        abort(400)


def _confirm(found: ChangeSet, action: str, plan=None):
    """The page that asks before a publish, a rollback or a discard, saying what voters will
    see change; its button posts back to the same URL (no JavaScript needed)."""
    from .changes import touched_pages

    changes = plan.changes if plan is not None else found.changes
    districts, candidates = touched_pages(db.session, changes)
    later = services.later_change_sets(db.session, found, plan.left) if plan else {}
    return render_template("staff/confirm.html", change_set=found, action=action,
                           changes=changes, districts=_district_names(districts),
                           candidates=candidates, left=plan.left if plan else [],
                           later=later)


def _district_names(slugs: list[str]) -> list[tuple[str, str]]:
    """(slug, name) of districts, in the order given."""
    from ..models import District

    names = dict(db.session.execute(select(District.slug, District.name)
                                    .where(District.slug.in_(slugs))).all()) if slugs else {}
    return [(slug, names.get(slug, slug)) for slug in slugs]


@blueprint.route("/changes/<int:change_set_id>/discard", methods=["GET", "POST"])
def discard(change_set_id: int):
    """Drop a preview or a draft (asked first on a page of its own)."""
    if request.method == "GET":
        found = _change_set(change_set_id)
        if found.status not in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
            flash(s_("Only an import being checked or a draft can be discarded."), "problem")
            return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)
        return _confirm(found, "discard")
    return _act(change_set_id, lambda cs: services.discard(db.session, cs, current_user),
                s_("Discarded: nothing voters see has changed. It stays in the history."))


@blueprint.route("/changes/<int:change_set_id>/publish", methods=["GET", "POST"])
@admin_required
def publish(change_set_id: int):
    """Publish a draft to the public guide in one transaction (asked first)."""
    if request.method == "GET":
        found = _change_set(change_set_id)
        if found.status is not ChangeSetStatus.DRAFT:
            flash(s_("Only a draft can be published."), "problem")
            return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)
        return _confirm(found, "publish")
    return _act(change_set_id, lambda cs: services.publish(db.session, cs, current_user),
                s_("Published: voters see it now."))


@blueprint.route("/changes/<int:change_set_id>/rollback", methods=["GET", "POST"])
@admin_required
def rollback(change_set_id: int):
    """Undo a published change set (asked first); what later change sets wrote again is
    kept, and said. The undo is recorded in history too."""
    found = _change_set(change_set_id)
    if request.method == "GET":
        try:
            plan = services.plan_rollback(db.session, found)
        except services.StaffActionRefused as refusal:
            flash(str(refusal), "problem")
            return redirect(url_for("staff.change_set", change_set_id=change_set_id), 303)
        return _confirm(found, "rollback", plan)
    return _act(change_set_id, lambda cs: services.rollback(db.session, cs, current_user),
                _rolled_back_words)


def _rolled_back_words(undo: ChangeSet) -> str:
    """What a rollback did, in a sentence."""
    if not undo.problems:
        return s_("Rolled back: the guide is as it was before this change.")
    return s_n("Rolled back what was still this change's own; %(num)d later change kept as they "
               "are (listed on the rollback's page).",
               "Rolled back what was still this change's own; %(num)d later changes kept as "
               "they are (listed on the rollback's page).", len(undo.problems))


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
    return render_template("staff/history.html", change_sets=change_sets,
                           rolled_back=services.rolled_back_ids(
                               db.session, [cs.id for cs in change_sets]))


@blueprint.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """Staff users, what can be done with each, and a form to add one."""
    form = UserForm()
    problem = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(db.session, form.email.data, form.password.data,
                                        form.role.data)
        except accounts.AccountError as error:
            problem = str(error)
        else:
            from .users import _history

            _history(db.session, current_user, user, None, {"role": user.role.value},
                     f"Added {user.email} as an {user.role.value}")
            flash(s_("Added %(email)s. Give them their password in person or by phone, not "
                     "by email.", email=user.email), "done")
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
    flash(s_("Unlocked %(email)s: they can sign in again.", email=user.email), "done")
    return redirect(url_for("staff.users"), 303)


@blueprint.post("/users/<int:user_id>")
@admin_required
def manage_user(user_id: int):
    """Disable, enable, change the role of, or reset the password of one user."""
    from ..models import StaffUser
    from . import users as staff_users

    user = db.session.get(StaffUser, user_id) or abort(404)
    action = request.form.get("action", "")
    try:
        if action in ("disable", "enable"):
            staff_users.set_disabled(db.session, current_user, user, action == "disable")
            message = (s_("%(email)s is disabled.", email=user.email) if action == "disable"
                       else s_("%(email)s is enabled.", email=user.email))
        elif action == "role":
            staff_users.set_role(db.session, current_user, user, request.form.get("role", ""))
            message = (s_("%(email)s is now an admin.", email=user.email) if user.is_admin
                       else s_("%(email)s is now an editor.", email=user.email))
        elif action == "reset":
            temporary = staff_users.reset_password(db.session, current_user, user)
            db.session.commit()  # shown once: the page after this never shows it again
            return render_template("staff/password_reset.html", user=user,
                                   temporary=temporary)
        else:
            abort(400)
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error), "problem")
        return redirect(url_for("staff.users"), 303)
    flash(message, "done")
    return redirect(url_for("staff.users"), 303)


@blueprint.route("/account", methods=["GET", "POST"])
def account():
    """Your own account: change your password."""
    from . import users as staff_users
    from .forms import PasswordChangeForm

    form = PasswordChangeForm()
    problem = None
    if form.validate_on_submit():
        try:
            staff_users.change_own_password(db.session, current_user, form.current.data,
                                            form.new.data)
        except accounts.AccountError as error:
            problem = str(error)
        else:
            flash(s_("Your password is changed."), "done")
            return redirect(url_for("staff.account"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/account.html", form=form, problem=problem), status
