"""Staff forms: sign-in, upload, candidate details, answers, photos and users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Optional

from ..presenters import STATUS_WORDS


def options(pairs) -> list[SelectChoice]:
    """Choices for a select or radio field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[InputRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[InputRequired(), Length(max=500)],
                             render_kw={"autocomplete": "current-password"})


class UploadForm(FlaskForm):
    """A spreadsheet of candidates and answers for one election."""

    election = SelectField("Election", coerce=int, validators=[InputRequired()])
    spreadsheet = FileField("Spreadsheet (CSV or Excel .xlsx)",
                            validators=[FileRequired("Choose a file to upload.")])
    shape = RadioField("Shape", default="auto", choices=options([
        ("auto", "Work it out from the headers"),
        ("wide", "Wide: one row per candidate, one column per question"),
        ("long", "Long: one row per candidate and question")]))
    delete_missing = BooleanField("Also delete published answers that this file leaves blank "
                                  "(for the candidates it lists)")


class CandidateForm(FlaskForm):
    """A candidate's details as voters see them."""

    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    party = StringField("Party", validators=[Optional(), Length(max=100)])
    incumbent = BooleanField("Holds the office now (incumbent)")
    website = StringField("Website", validators=[Optional(), URL(require_tld=True),
                                                 Length(max=500)])
    bio = TextAreaField("Biography", validators=[Optional(), Length(max=10_000)])
    response_status = RadioField("Questionnaire", choices=options(
        (status.value, words) for status, words in STATUS_WORDS.items()))
    withdrawn = BooleanField("Withdrawn from the race (shown as withdrawn on the public page)")


class NewCandidateForm(FlaskForm):
    """A candidate added by hand."""

    race = SelectField("Race", coerce=int, validators=[InputRequired()])
    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    party = StringField("Party", validators=[Optional(), Length(max=100)])


class AnswerForm(FlaskForm):
    """One answer: the choice, the candidate's own words and the day it came."""

    choice = SelectField("Choice", validators=[Optional()])
    explanation = TextAreaField("Explanation, in the candidate's words",
                                validators=[Optional(), Length(max=20_000)])
    received_on = DateField("Received on", validators=[Optional()],
                            description="The day the candidate's answer came in.")


class PhotoForm(FlaskForm):
    """A candidate's photo."""

    photo = FileField("Photo (JPEG, PNG, GIF or WebP)",
                      validators=[FileRequired("Choose an image to upload.")])


class UserForm(FlaskForm):
    """A new staff user."""

    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password (at least 12 characters)",
                             validators=[InputRequired(), Length(min=12, max=500)],
                             render_kw={"autocomplete": "new-password"})
    role = RadioField("Role", default="editor", choices=options([
        ("editor", "Editor: imports and edits"), ("admin", "Admin: also publishes and manages "
                                                           "users")]))
