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
            raise ValidationError("Some characters could not be read (they show as �): type "
                                  "them again, or paste the text as plain text.")
        if any(ord(c) < 32 and c not in "\n\r\t" or 0x7f <= ord(c) < 0xa0 for c in text):
            raise ValidationError("This text holds an invisible control character: type it "
                                  "again, or paste it as plain text.")


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


class QuestionsUploadForm(FlaskForm):
    """A questionnaire's questions as a spreadsheet (the download, edited)."""

    spreadsheet = FileField("Questions file (CSV or Excel .xlsx)",
                            validators=[FileRequired("Choose a file to upload.")])


class CandidateForm(FlaskForm):
    """A candidate's details as voters see them."""

    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    party = StringField("Party", validators=[Optional(), Length(max=100)])
    incumbent = BooleanField("Holds the office now (incumbent)")
    website = StringField("Website", validators=[Optional(), URL(require_tld=True),
                                                 Length(max=500)])
    bio = TextAreaField("Biography", validators=[Optional(), Length(max=10_000)])
    # Voters read who wrote it under the biography ("Biography written by the candidate.").
    bio_source = RadioField("Who wrote the biography", default="", choices=options(
        [("", "Not said"), ("candidate", "The candidate"),
         ("staff", "Our staff, from public sources")]))
    response_status = RadioField("Questionnaire", choices=options(
        (status.value, words) for status, words in STATUS_WORDS.items()))
    withdrawn = BooleanField("Withdrawn from the race (shown as withdrawn on the public page)")
    # Only for an election with several voting days (a primary that can decide the race);
    # the choices are that election's days, set by the view.
    elected_at_stage = SelectField("Elected outright on", choices=options(
        [("", "Not elected outright")]))


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


class ElectionForm(FlaskForm):
    """An election: its name, state, main day and up to three voting days."""

    name = StringField("Name voters see", validators=[InputRequired(), Length(max=200)],
                       description="For example: 2028 General Election")
    state_code = SelectField("State", validators=[InputRequired()])
    date = DateField("Election day (the last voting day)", validators=[InputRequired()])
    is_sample = BooleanField("Sample data: fictional candidates for trying the guide out "
                             "(every page says so)")
    name_es = StringField("Spanish name", validators=[Optional(), Length(max=200),
                                                      ReadableText()],
                          render_kw={"lang": "es"})
    stage_1_name = StringField("First voting day: name", validators=[Optional(),
                                                                      Length(max=100)],
                               description="For example: Primary")
    stage_1_date = DateField("First voting day: date", validators=[Optional()])
    stage_2_name = StringField("Second voting day: name", validators=[Optional(),
                                                                       Length(max=100)],
                               description="For example: Runoff, or General election")
    stage_2_date = DateField("Second voting day: date", validators=[Optional()])
    stage_3_name = StringField("Third voting day: name", validators=[Optional(),
                                                                      Length(max=100)])
    stage_3_date = DateField("Third voting day: date", validators=[Optional()])

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
                date.errors = [*date.errors, "Give this voting day both a name and a date."]
                ok = False
        return ok


RACE_STATUSES = [("contested", "Contested: more than one candidate"),
                 ("uncontested", "Uncontested: one candidate only"),
                 ("cancelled", "Cancelled: not on the ballot")]


class RaceForm(FlaskForm):
    """A race: where, which office, which questionnaire, and whether it is contested."""

    district = SelectField("District", validators=[InputRequired()])
    office = StringField("Office", validators=[Optional(), Length(max=100)],
                         description="Leave empty for the district's own office "
                                     "(District Attorney).")
    questionnaire = SelectField("Questionnaire sent to its candidates", validators=[Optional()])
    stage = SelectField("Decided on", validators=[Optional()])
    status = RadioField("Status", default="contested", choices=options(RACE_STATUSES))
    status_note = TextAreaField("What voters read about it (leave empty for the standard "
                                "words)", validators=[Optional(), Length(max=2_000)])


class QuestionnaireForm(FlaskForm):
    """A questionnaire's title, description, the days it was sent and a reminder went out,
    and its deadline."""

    title = StringField("Title", validators=[InputRequired(), Length(max=200), ReadableText()])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5_000),
                                                           ReadableText()])
    sent_on = DateField("Sent to the candidates on", validators=[Optional()])
    reminder_on = DateField("Reminder sent on", validators=[Optional()])
    deadline = DateField("Answers taken until (the candidates' private links stop working "
                         "after this day)", validators=[Optional()])
    title_es = StringField("Spanish title", validators=[Optional(), Length(max=200),
                                                        ReadableText()],
                           render_kw={"lang": "es"})
    description_es = TextAreaField("Spanish description",
                                   validators=[Optional(), Length(max=5_000), ReadableText()],
                                   render_kw={"lang": "es"})

    def validate_reminder_on(self, field) -> None:
        """A reminder follows the questionnaire."""
        if field.data and self.sent_on.data and field.data < self.sent_on.data:
            raise ValidationError("The reminder cannot come before the questionnaire was sent.")

    def validate_deadline(self, field) -> None:
        """Answers are due after the questionnaire was sent."""
        if field.data and self.sent_on.data and field.data < self.sent_on.data:
            raise ValidationError("The deadline cannot come before the questionnaire was sent.")


QUESTION_KINDS = [("yes_no", "Yes/No, with an explanation"),
                  ("scale", "Scale of 1 to 5, with an explanation"),
                  ("text", "Written answer only")]


class QuestionForm(FlaskForm):
    """One question of a questionnaire."""

    topic = StringField("Topic (a few words, shown as the question's heading)",
                        validators=[InputRequired(), Length(max=100), ReadableText()])
    text = TextAreaField("Question, as sent to the candidates",
                         validators=[InputRequired(), Length(max=5_000), ReadableText()])
    kind = RadioField("Kind of answer", default="yes_no", choices=options(QUESTION_KINDS))
    scale_low = StringField("Scale: what 1 means", validators=[Optional(), Length(max=100)],
                            description="For example: Strongly disagree")
    scale_high = StringField("Scale: what 5 means", validators=[Optional(), Length(max=100)],
                             description="For example: Strongly agree")
    word_limit = IntegerField("Word limit for the explanation (leave empty for none)",
                              validators=[Optional(), NumberRange(min=1, max=10_000)])
    retired = BooleanField("Retired: no longer asked or shown (its answers stay in history)")
    topic_es = StringField("Spanish topic", validators=[Optional(), Length(max=100),
                                                        ReadableText()],
                           render_kw={"lang": "es"})
    text_es = TextAreaField("Spanish text", validators=[Optional(), Length(max=5_000),
                                                        ReadableText()],
                            render_kw={"lang": "es"})
    scale_low_es = StringField("Scale: what 1 means, in Spanish",
                               validators=[Optional(), Length(max=100), ReadableText()],
                               render_kw={"lang": "es"})
    scale_high_es = StringField("Scale: what 5 means, in Spanish",
                                validators=[Optional(), Length(max=100), ReadableText()],
                                render_kw={"lang": "es"})


class PasswordChangeForm(FlaskForm):
    """One's own password, changed."""

    current = PasswordField("Current password", validators=[InputRequired(), Length(max=500)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("New password (at least 12 characters)",
                        validators=[InputRequired(), Length(min=12, max=500)],
                        render_kw={"autocomplete": "new-password"})
