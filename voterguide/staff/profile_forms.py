"""Staff forms for an office profile and one figure, and the figures file upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional

from ..models import FactUnit
from ..web.staff_words import s_, s_l
from .forms import options

UNIT_LABELS = {FactUnit.PEOPLE: s_l("people"), FactUnit.PERCENT: s_l("percent (0 to 100)"),
               FactUnit.CASES: s_l("cases"), FactUnit.DOLLARS: s_l("dollars"),
               FactUnit.DAYS: s_l("days"), FactUnit.PER_100K: s_l("per 100,000 residents")}
YEARS = NumberRange(min=1800, max=2200, message=s_l("A year, e.g. 2017."))


def parse_policies(text: str) -> list[dict]:
    """Policies written one per line as "title | link" (the link may be left out)."""
    policies = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        title, _, url = (part.strip() for part in line.partition("|"))
        if not title:
            raise ValueError(s_("Line %(number)s: the policy needs a title before the “|”.",
                                number=number))
        if len(title) > 300:
            raise ValueError(s_("Line %(number)s: the title is longer than 300 characters.",
                                number=number))
        if url and (not url.startswith(("http://", "https://")) or " " in url or len(url) > 500):
            raise ValueError(s_("Line %(number)s: “%(url)s” is not a web address (https://…).",
                                number=number, url=url[:80]))
        policies.append({"title": title, "url": url or None})
    if len(policies) > 50:
        raise ValueError(s_("At most 50 policies."))
    return policies


def policies_text(policies: list[dict]) -> str:
    """Policies as the form's lines."""
    return "\n".join(p["title"] + (f" | {p['url']}" if p.get("url") else "") for p in policies)


class ProfileForm(FlaskForm):
    """What the office is and who holds it."""

    office_name = StringField(s_l("Name of the office"),
                              validators=[InputRequired(), Length(max=200)])
    incumbent_name = StringField(s_l("Who holds the office now"),
                                 validators=[Optional(), Length(max=200)])
    incumbent_party = StringField(s_l("Their party"), validators=[Optional(), Length(max=100)])
    in_office_since = IntegerField(s_l("In office since (year)"), validators=[Optional(), YEARS])
    term_ends = DateField(s_l("Term ends (YYYY-MM-DD)"), validators=[Optional()])
    running_again = RadioField(s_l("Running again?"), default="unknown", choices=options([
        ("unknown", s_l("Not known yet")), ("yes", s_l("Yes")), ("no", s_l("No"))]))
    how_chosen = TextAreaField(s_l("How the office is chosen"),
                               validators=[Optional(), Length(max=2000)])
    last_contested_year = IntegerField(s_l("Last contested election (year)"),
                                       validators=[Optional(), YEARS])
    last_contested_result = TextAreaField(s_l("Its result"),
                                          validators=[Optional(), Length(max=2000)])
    website = StringField(s_l("The office's website"),
                          validators=[Optional(), URL(require_tld=True), Length(max=500)])
    contact = TextAreaField(s_l("The office's public contact (phone, address)"),
                            validators=[Optional(), Length(max=2000)])
    policies = TextAreaField(s_l("Published policies and commitments: one per line, as "
                                 "“title | link”"), validators=[Optional(), Length(max=30_000)])
    headline_fact = StringField(s_l("The figure a flyer shows for an unopposed race (its name)"),
                                validators=[Optional(), Length(max=200)])

    def validate_policies(self, field) -> None:
        """Every line is a title and, if given, a web address."""
        try:
            parse_policies(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None


class FigureForm(FlaskForm):
    """One sourced figure: a fact for a period, and where it came from."""

    fact = StringField(s_l("Figure"), validators=[InputRequired(), Length(max=200)])
    period = StringField(s_l("Period (a year, 2023, or a month, 2023-06)"),
                         validators=[InputRequired(), Length(max=7)])
    value = StringField(s_l("Value"), validators=[InputRequired(), Length(max=30)])
    unit = RadioField(s_l("Unit"), default=FactUnit.PEOPLE.value, choices=options(
        (unit.value, UNIT_LABELS[unit]) for unit in FactUnit))
    source = StringField(s_l("Source's name"), validators=[InputRequired(
        s_l("A figure without a source cannot be saved.")), Length(max=300)])
    link = StringField(s_l("Source's link"), validators=[InputRequired(
        s_l("A figure without its source's link cannot be saved.")), Length(max=500)])
    retrieved = StringField(s_l("Retrieved on (YYYY-MM-DD)"), validators=[InputRequired()])
    counties = StringField(s_l("Counties it covers (names separated by “;”, empty: all of them)"),
                           validators=[Optional(), Length(max=2000)])
    caveat = TextAreaField(s_l("Caveat (optional)"), validators=[Optional(), Length(max=2000)])
    remove = BooleanField(s_l("Remove this figure"))


class FiguresUploadForm(FlaskForm):
    """A figures file (CSV or .xlsx)."""

    figures = FileField(s_l("Figures file (CSV or Excel .xlsx)"),
                        validators=[FileRequired(s_l("Choose a file to upload."))])
