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
from .forms import options

UNIT_LABELS = {FactUnit.PEOPLE: "people", FactUnit.PERCENT: "percent (0 to 100)",
               FactUnit.CASES: "cases", FactUnit.DOLLARS: "dollars", FactUnit.DAYS: "days",
               FactUnit.PER_100K: "per 100,000 residents"}
YEARS = NumberRange(min=1800, max=2200, message="A year, e.g. 2017.")


def parse_policies(text: str) -> list[dict]:
    """Policies written one per line as "title | link" (the link may be left out)."""
    policies = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        title, _, url = (part.strip() for part in line.partition("|"))
        if not title:
            raise ValueError(f"Line {number}: the policy needs a title before the “|”.")
        if len(title) > 300:
            raise ValueError(f"Line {number}: the title is longer than 300 characters.")
        if url and (not url.startswith(("http://", "https://")) or " " in url or len(url) > 500):
            raise ValueError(f"Line {number}: “{url[:80]}” is not a web address (https://…).")
        policies.append({"title": title, "url": url or None})
    if len(policies) > 50:
        raise ValueError("At most 50 policies.")
    return policies


def policies_text(policies: list[dict]) -> str:
    """Policies as the form's lines."""
    return "\n".join(p["title"] + (f" | {p['url']}" if p.get("url") else "") for p in policies)


class ProfileForm(FlaskForm):
    """What the office is and who holds it."""

    office_name = StringField("Name of the office", validators=[InputRequired(), Length(max=200)])
    incumbent_name = StringField("Who holds the office now", validators=[Optional(),
                                                                          Length(max=200)])
    incumbent_party = StringField("Their party", validators=[Optional(), Length(max=100)])
    in_office_since = IntegerField("In office since (year)", validators=[Optional(), YEARS])
    term_ends = DateField("Term ends (YYYY-MM-DD)", validators=[Optional()])
    running_again = RadioField("Running again?", default="unknown", choices=options([
        ("unknown", "Not known yet"), ("yes", "Yes"), ("no", "No")]))
    how_chosen = TextAreaField("How the office is chosen", validators=[Optional(),
                                                                      Length(max=2000)])
    last_contested_year = IntegerField("Last contested election (year)",
                                       validators=[Optional(), YEARS])
    last_contested_result = TextAreaField("Its result", validators=[Optional(),
                                                                    Length(max=2000)])
    website = StringField("The office's website", validators=[Optional(), URL(require_tld=True),
                                                              Length(max=500)])
    contact = TextAreaField("The office's public contact (phone, address)",
                            validators=[Optional(), Length(max=2000)])
    policies = TextAreaField("Published policies and commitments: one per line, as "
                             "“title | link”", validators=[Optional(), Length(max=30_000)])
    headline_fact = StringField("The figure a flyer shows for an unopposed race (its name)",
                                validators=[Optional(), Length(max=200)])

    def validate_policies(self, field) -> None:
        """Every line is a title and, if given, a web address."""
        try:
            parse_policies(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None


class FigureForm(FlaskForm):
    """One sourced figure: a fact for a period, and where it came from."""

    fact = StringField("Figure", validators=[InputRequired(), Length(max=200)])
    period = StringField("Period (a year, 2023, or a month, 2023-06)",
                         validators=[InputRequired(), Length(max=7)])
    value = StringField("Value", validators=[InputRequired(), Length(max=30)])
    unit = RadioField("Unit", default=FactUnit.PEOPLE.value, choices=options(
        (unit.value, UNIT_LABELS[unit]) for unit in FactUnit))
    source = StringField("Source's name", validators=[InputRequired(
        "A figure without a source cannot be saved."), Length(max=300)])
    link = StringField("Source's link", validators=[InputRequired(
        "A figure without its source's link cannot be saved."), Length(max=500)])
    retrieved = StringField("Retrieved on (YYYY-MM-DD)", validators=[InputRequired()])
    counties = StringField("Counties it covers (names separated by “;”, empty: all of them)",
                           validators=[Optional(), Length(max=2000)])
    caveat = TextAreaField("Caveat (optional)", validators=[Optional(), Length(max=2000)])
    remove = BooleanField("Remove this figure")


class FiguresUploadForm(FlaskForm):
    """A figures file (CSV or .xlsx)."""

    figures = FileField("Figures file (CSV or Excel .xlsx)",
                        validators=[FileRequired("Choose a file to upload.")])
