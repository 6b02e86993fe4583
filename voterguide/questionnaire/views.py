"""The candidate's pages: type a letter's code (/questionnaire), or open the emailed link
(/questionnaire/<token>) to answer, save and come back, preview, submit, or decline.

No account: the link is the key. So every page here is declared ``@secret_url`` (no
referrer, no cache, no index), and a link or code that does not work (never issued,
withdrawn or expired) gets one and the same 404, counted by a rate limit per address.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..extensions import db, limiter
from ..models import Invitation
from ..web.rules import commits_refusals, secret_url
from . import mail, sending, services, tokens

blueprint = Blueprint("questionnaire", __name__, url_prefix="/questionnaire")


class CodeForm(FlaskForm):
    """The access code printed on a letter."""

    code = StringField(_l("Access code"), validators=[InputRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "spellcheck": "false"})


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token (the answers are read by the service)."""


def _refused(response) -> bool:
    """Whether a link or code did not work (only those count toward the rate limit)."""
    return response.status_code == 404


def _limit() -> str:
    """The rate limit of links and codes that do not work."""
    return current_app.config["QUESTIONNAIRE_RATE_LIMIT"]


def guesses(**options):
    """The one rate limit shared by every candidate page: links and codes that do not work,
    counted per address (working ones count nothing)."""
    return limiter.shared_limit(_limit, scope="questionnaire-guesses", deduct_when=_refused,
                                **options)


def _not_found():
    """One answer for every link that does not work, whatever the reason."""
    return render_template("questionnaire/not_found.html"), 404


def _invitation(token: str) -> Invitation:
    """The working invitation of a link, or the 404 that says nothing more."""
    invitation = tokens.by_token(db.session, token)
    if invitation is None or invitation.candidate.race.questionnaire is None:
        abort(404)
    return invitation


@blueprint.errorhandler(404)
def not_found(_error):
    """A link or code that does not work: the same page for every reason."""
    return _not_found()


@blueprint.route("", methods=["GET", "POST"])
@secret_url
@guesses(methods=["POST"])
def enter():
    """Type the code from a letter; a working code opens the candidate's questionnaire."""
    form = CodeForm()
    if form.validate_on_submit():
        invitation = tokens.by_code(db.session, form.code.data)
        if invitation is None or invitation.candidate.race.questionnaire is None:
            return render_template("questionnaire/enter.html", form=form, problem=_(
                "That code does not open a questionnaire. Check it against your letter "
                "(it has ten letters and digits), or ask us for a new one.")), 404
        return redirect(url_for("questionnaire.answer", token=tokens.token_for(invitation)),
                        303)
    status = 422 if request.method == "POST" else 200
    return render_template("questionnaire/enter.html", form=form), status


def _page(current: services.Sheet, token: str, status: int = 200, problem: str | None = None,
          statement: str | None = None):
    """The questionnaire page (with the statement as typed, when a refusal was refused)."""
    return render_template("questionnaire/answer.html", sheet=current, token=token,
                           form=ActionForm(), problem=problem,
                           statement=current.invitation.decline_statement
                           if statement is None else statement,
                           editable=services.editable(current.invitation)), status


@blueprint.route("/<token>", methods=["GET", "POST"])
@secret_url
@commits_refusals  # a refused submission still saves what was typed
@guesses()
def answer(token: str):
    """The questions with the candidate's answers: save, autosave, preview or submit."""
    invitation = _invitation(token)
    current = services.sheet(db.session, invitation)
    if request.method == "GET":
        services.mark_opened(invitation)
        return _page(current, token)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400, description="This form has expired. Reload the page and try again: your "
              "saved answers are kept.")
    action = request.form.get("action", "save")
    if action not in ("save", "autosave", "preview", "submit"):
        abort(400, description="That is not something this form does.")
    services.read_answers(current, request.form)
    try:
        if action == "submit":
            services.submit(db.session, current)
            sending.send_receipt(db.session, invitation, current)
            return redirect(url_for("questionnaire.receipt", token=token), 303)
        services.save_draft(db.session, current)
    except services.QuestionnaireRefused as refusal:
        if action == "autosave":
            return jsonify(saved=False, message=str(refusal)), 409
        services.save_draft_if_editable(db.session, current)
        return _page(current, token, 422, str(refusal))
    except mail.MailNotSent:
        # The answers are in; only the receipt failed. The receipt page says so.
        flash(_("Your answers were received, but we could not email you a copy just now: "
                "this page is your receipt."), "problem")
        return redirect(url_for("questionnaire.receipt", token=token), 303)
    if action == "autosave":
        return jsonify(saved=True, problems={a.question.id: a.problem for a in current.fields
                                             if a.problem})
    if action == "preview":
        return redirect(url_for("questionnaire.preview", token=token), 303)
    flash(_("Saved. Come back to this page any time before the deadline to finish."), "done")
    return redirect(url_for("questionnaire.answer", token=token, _anchor="saved"), 303)


@blueprint.get("/<token>/preview")
@secret_url
@guesses()
def preview(token: str):
    """The saved answers as voters will see them once published, with a button to submit."""
    invitation = _invitation(token)
    return render_template("questionnaire/preview.html",
                           sheet=services.saved_sheet(db.session, invitation), token=token,
                           form=ActionForm(), now_date=tokens.now().date())


@blueprint.post("/<token>/submit")
@secret_url
@commits_refusals  # a refused submission still saves what was typed
@guesses()
def submit_saved(token: str):
    """Submit the answers saved (from the preview)."""
    invitation = _invitation(token)
    if not ActionForm().validate_on_submit():
        abort(400, description="This form has expired. Reload the page and try again.")
    current = services.saved_sheet(db.session, invitation)
    try:
        services.submit(db.session, current)
    except services.QuestionnaireRefused as refusal:
        return _page(current, token, 422, str(refusal))
    try:
        sending.send_receipt(db.session, invitation, current)
    except mail.MailNotSent:
        flash(_("Your answers were received, but we could not email you a copy just now: "
                "this page is your receipt."), "problem")
    return redirect(url_for("questionnaire.receipt", token=token), 303)


@blueprint.post("/<token>/decline")
@secret_url
@guesses()
def decline(token: str):
    """Decline to answer, with an optional statement."""
    invitation = _invitation(token)
    if not ActionForm().validate_on_submit():
        abort(400, description="This form has expired. Reload the page and try again.")
    current = services.sheet(db.session, invitation)
    statement = request.form.get("statement", "")
    try:
        services.decline(db.session, invitation, statement)
    except services.QuestionnaireRefused as refusal:
        return _page(current, token, 422, str(refusal), statement=statement)
    try:
        sending.send_receipt(db.session, invitation, current)
    except mail.MailNotSent:
        flash(_("We received your answer, but could not email you a copy just now."), "problem")
    return redirect(url_for("questionnaire.receipt", token=token), 303)


@blueprint.get("/<token>/receipt")
@secret_url
@guesses()
def receipt(token: str):
    """What the guide received, and when, and what happens next."""
    invitation = _invitation(token)
    if invitation.submitted_at is None and invitation.declined_at is None:
        return redirect(url_for("questionnaire.answer", token=token), 303)
    return render_template("questionnaire/receipt.html", sheet=services.sheet(db.session,
                                                                              invitation),
                           token=token, editable=services.editable(invitation))
