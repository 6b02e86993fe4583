"""Staff forms: sign-in, upload, candidate details, answers, photos and users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError

from ..presenters import STATUS_WORDS
from ..web.staff_words import s_, s_l


def options(pairs) -> list[SelectChoice]:
    """Choices for a select or radio field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ReadableText:
    """Refuse text no page can show: control characters (NUL and the like, which PostgreSQL
    cannot store either; line ends and tabs are fine) and U+FFFD, which stands for bytes that
    were not UTF-8 and so were lost before they reached us."""

    def __call__(self, form, field) -> None:
        text = field.data or ""
        if "\ufffd" in text:
            raise ValidationError(s_("Some characters could not be read (they show as �): "
                                     "type them again, or paste the text as plain text."))
        if any(ord(c) < 32 and c not in "\n\r\t" or 0x7f <= ord(c) < 0xa0 for c in text):
            raise ValidationError(s_("This text holds an invisible control character: type "
                                     "it again, or paste it as plain text."))


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(s_l("Email"), validators=[InputRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(s_l("Password"), validators=[InputRequired(), Length(max=500)],
                             render_kw={"autocomplete": "current-password"})


class UploadForm(FlaskForm):
    """A spreadsheet of candidates and answers for one election."""

    election = SelectField(s_l("Election"), coerce=int, validators=[InputRequired()])
    spreadsheet = FileField(s_l("Spreadsheet (CSV or Excel .xlsx)"),
                            validators=[FileRequired(s_l("Choose a file to upload."))])
    shape = RadioField(s_l("Shape"), default="auto", choices=options([
        ("auto", s_l("Work it out from the headers")),
        ("wide", s_l("Wide: one row per candidate, one column per question")),
        ("long", s_l("Long: one row per candidate and question"))]))
    delete_missing = BooleanField(s_l("Also delete published answers that this file leaves "
                                      "blank (for the candidates it lists)"))


class QuestionsUploadForm(FlaskForm):
    """A questionnaire's questions as a spreadsheet (the download, edited)."""

    spreadsheet = FileField(s_l("Questions file (CSV or Excel .xlsx)"),
                            validators=[FileRequired(s_l("Choose a file to upload."))])


class CandidateForm(FlaskForm):
    """A candidate's details as voters see them."""

    name = StringField(s_l("Name"), validators=[InputRequired(), Length(max=200)])
    party = StringField(s_l("Party"), validators=[Optional(), Length(max=100)])
    incumbent = BooleanField(s_l("Holds the office now (incumbent)"))
    website = StringField(s_l("Website"), validators=[Optional(), URL(require_tld=True),
                                                      Length(max=500)])
    bio = TextAreaField(s_l("Biography"), validators=[Optional(), Length(max=10_000)])
    # Voters read who wrote it under the biography ("Biography written by the candidate.").
    bio_source = RadioField(s_l("Who wrote the biography"), default="", choices=options(
        [("", s_l("Not said")), ("candidate", s_l("The candidate")),
         ("staff", s_l("Our staff, from public sources"))]))
    response_status = RadioField(s_l("Questionnaire"), choices=options(
        (status.value, words) for status, words in STATUS_WORDS.items()))
    withdrawn = BooleanField(s_l("Withdrawn from the race (shown as withdrawn on the public page)"))
    # Only for an election with several voting days (a primary that can decide the race);
    # the choices are that election's days, set by the view.
    elected_at_stage = SelectField(s_l("Elected outright on"), choices=options(
        [("", s_l("Not elected outright"))]))


class NewCandidateForm(FlaskForm):
    """A candidate added by hand."""

    race = SelectField(s_l("Race"), coerce=int, validators=[InputRequired()])
    name = StringField(s_l("Name"), validators=[InputRequired(), Length(max=200)])
    party = StringField(s_l("Party"), validators=[Optional(), Length(max=100)])


class AnswerForm(FlaskForm):
    """One answer: the choice, the candidate's own words and the day it came."""

    choice = SelectField(s_l("Choice"), validators=[Optional()])
    explanation = TextAreaField(s_l("Explanation, in the candidate's words"),
                                validators=[Optional(), Length(max=20_000)])
    received_on = DateField(s_l("Received on"), validators=[Optional()],
                            description=s_l("The day the candidate's answer came in."))


class PhotoForm(FlaskForm):
    """A candidate's photo."""

    photo = FileField(s_l("Photo (JPEG, PNG, GIF or WebP)"),
                      validators=[FileRequired(s_l("Choose an image to upload."))])


class UserForm(FlaskForm):
    """A new staff user."""

    email = EmailField(s_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(s_l("Password (at least 12 characters)"),
                             validators=[InputRequired(), Length(min=12, max=500)],
                             render_kw={"autocomplete": "new-password"})
    role = RadioField(s_l("Role"), default="editor", choices=options([
        ("editor", s_l("Editor: imports and edits")),
        ("admin", s_l("Admin: also publishes and manages users"))]))


class ElectionForm(FlaskForm):
    """An election: its name, state, main day and up to three voting days."""

    name = StringField(s_l("Name voters see"), validators=[InputRequired(), Length(max=200)],
                       description=s_l("For example: 2028 General Election"))
    state_code = SelectField(s_l("State"), validators=[InputRequired()])
    date = DateField(s_l("Election day (the last voting day)"), validators=[InputRequired()])
    is_sample = BooleanField(s_l("Sample data: fictional candidates for trying the guide out "
                                 "(every page says so)"))
    name_es = StringField(s_l("Spanish name"), validators=[Optional(), Length(max=200),
                                                           ReadableText()],
                          render_kw={"lang": "es"})
    stage_1_name = StringField(s_l("First voting day: name"),
                               validators=[Optional(), Length(max=100)],
                               description=s_l("For example: Primary"))
    stage_1_date = DateField(s_l("First voting day: date"), validators=[Optional()])
    stage_2_name = StringField(s_l("Second voting day: name"),
                               validators=[Optional(), Length(max=100)],
                               description=s_l("For example: Runoff, or General election"))
    stage_2_date = DateField(s_l("Second voting day: date"), validators=[Optional()])
    stage_3_name = StringField(s_l("Third voting day: name"),
                               validators=[Optional(), Length(max=100)])
    stage_3_date = DateField(s_l("Third voting day: date"), validators=[Optional()])

    def stages(self) -> list[tuple[str, object]]:
        """The voting days filled in, as (name, date); a half-filled one is an error."""
        found = []
        for n in (1, 2, 3):
            name, date = getattr(self, f"stage_{n}_name"), getattr(self, f"stage_{n}_date")
            if (name.data or "").strip() and date.data:
                found.append((" ".join(name.data.split()), date.data))
        return found

    def validate(self, extra_validators=None) -> bool:
        """Every voting day has both a name and a date."""
        ok = super().validate(extra_validators)
        for n in (1, 2, 3):
            name, date = getattr(self, f"stage_{n}_name"), getattr(self, f"stage_{n}_date")
            if bool((name.data or "").strip()) != bool(date.data) and not date.errors:
                date.errors = [*date.errors, s_("Give this voting day both a name and a date.")]
                ok = False
        return ok


RACE_STATUSES = [("contested", s_l("Contested: more than one candidate")),
                 ("uncontested", s_l("Uncontested: one candidate only")),
                 ("cancelled", s_l("Cancelled: not on the ballot"))]


class RaceForm(FlaskForm):
    """A race: where, which office, which questionnaire, and whether it is contested."""

    district = SelectField(s_l("District"), validators=[InputRequired()])
    office = StringField(s_l("Office"), validators=[Optional(), Length(max=100)],
                         description=s_l("Leave empty for the district's own office "
                                         "(District Attorney)."))
    questionnaire = SelectField(s_l("Questionnaire sent to its candidates"),
                                validators=[Optional()])
    stage = SelectField(s_l("Decided on"), validators=[Optional()])
    status = RadioField(s_l("Status"), default="contested", choices=options(RACE_STATUSES))
    status_note = TextAreaField(s_l("What voters read about it (leave empty for the standard "
                                    "words)"), validators=[Optional(), Length(max=2_000)])


class QuestionnaireForm(FlaskForm):
    """A questionnaire's title, description, the days it was sent and a reminder went out,
    and its deadline."""

    title = StringField(s_l("Title"), validators=[InputRequired(), Length(max=200), ReadableText()])
    description = TextAreaField(s_l("Description"), validators=[Optional(), Length(max=5_000),
                                                                ReadableText()])
    sent_on = DateField(s_l("Sent to the candidates on"), validators=[Optional()])
    reminder_on = DateField(s_l("Reminder sent on"), validators=[Optional()])
    deadline = DateField(s_l("Answers taken until (the candidates' private links stop "
                             "working after this day)"), validators=[Optional()])
    title_es = StringField(s_l("Spanish title"), validators=[Optional(), Length(max=200),
                                                             ReadableText()],
                           render_kw={"lang": "es"})
    description_es = TextAreaField(s_l("Spanish description"),
                                   validators=[Optional(), Length(max=5_000), ReadableText()],
                                   render_kw={"lang": "es"})

    def validate_reminder_on(self, field) -> None:
        """A reminder follows the questionnaire."""
        if field.data and self.sent_on.data and field.data < self.sent_on.data:
            raise ValidationError(s_("The reminder cannot come before the questionnaire was sent."))

    def validate_deadline(self, field) -> None:
        """Answers are due after the questionnaire was sent."""
        if field.data and self.sent_on.data and field.data < self.sent_on.data:
            raise ValidationError(s_("The deadline cannot come before the questionnaire was sent."))


QUESTION_KINDS = [("yes_no", s_l("Yes/No, with an explanation")),
                  ("scale", s_l("Scale of 1 to 5, with an explanation")),
                  ("text", s_l("Written answer only"))]


class QuestionForm(FlaskForm):
    """One question of a questionnaire."""

    topic = StringField(s_l("Topic (a few words, shown as the question's heading)"),
                        validators=[InputRequired(), Length(max=100), ReadableText()])
    text = TextAreaField(s_l("Question, as sent to the candidates"),
                         validators=[InputRequired(), Length(max=5_000), ReadableText()])
    kind = RadioField(s_l("Kind of answer"), default="yes_no", choices=options(QUESTION_KINDS))
    scale_low = StringField(s_l("Scale: what 1 means"), validators=[Optional(), Length(max=100)],
                            description=s_l("For example: Strongly disagree"))
    scale_high = StringField(s_l("Scale: what 5 means"), validators=[Optional(), Length(max=100)],
                             description=s_l("For example: Strongly agree"))
    word_limit = IntegerField(s_l("Word limit for the explanation (leave empty for none)"),
                              validators=[Optional(), NumberRange(min=1, max=10_000)])
    retired = BooleanField(s_l("Retired: no longer asked or shown (its answers stay in history)"))
    topic_es = StringField(s_l("Spanish topic"), validators=[Optional(), Length(max=100),
                                                             ReadableText()],
                           render_kw={"lang": "es"})
    text_es = TextAreaField(s_l("Spanish text"), validators=[Optional(), Length(max=5_000),
                                                             ReadableText()],
                            render_kw={"lang": "es"})
    scale_low_es = StringField(s_l("Scale: what 1 means, in Spanish"),
                               validators=[Optional(), Length(max=100), ReadableText()],
                               render_kw={"lang": "es"})
    scale_high_es = StringField(s_l("Scale: what 5 means, in Spanish"),
                                validators=[Optional(), Length(max=100), ReadableText()],
                                render_kw={"lang": "es"})


class PasswordChangeForm(FlaskForm):
    """One's own password, changed."""

    current = PasswordField(s_l("Current password"), validators=[InputRequired(), Length(max=500)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(s_l("New password (at least 12 characters)"),
                        validators=[InputRequired(), Length(min=12, max=500)],
                        render_kw={"autocomplete": "new-password"})
