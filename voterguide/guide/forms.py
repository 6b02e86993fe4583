"""The address form, and the position form of the "use my location" button."""

from __future__ import annotations

import math
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, StringField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput


def _squeeze(value: str | None) -> str | None:
    """Collapse runs of white space and trim; None stays None."""
    return " ".join(value.split()) if isinstance(value, str) else value


def check_address(form: FlaskForm, field: StringField) -> None:
    """Refuse addresses that are too long, or that hold no letters or digits at all."""
    limit = current_app.config["ADDRESS_MAX_LENGTH"]
    if len(field.data) > limit:
        raise ValidationError(_("That is too long for an address: please use at most "
                                "%(limit)s characters.", limit=limit))
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in field.data):
        raise ValidationError(_("That address has characters we can't read. Please type it "
                                "again."))
    if not any(c.isalnum() for c in field.data):
        raise ValidationError(_("Please type a street address, a city or a ZIP code."))


class AddressForm(FlaskForm):
    """Where the voter lives: the only thing we ask, and never keep.

    No CSRF token: a lookup changes nothing but a count and answers only whoever sent it, and
    a token would need a session cookie, which would keep every cache from storing the home
    page (web/freshness.py)."""

    class Meta:
        csrf = False

    address = StringField(
        _l("Your home address"),
        description=_l("Street, city and ZIP code (a ZIP code, a town or a county alone will "
                       "do). We use it only to find your district and do not keep it."),
        filters=[_squeeze],
        validators=[InputRequired(message=_l("Please type your address.")), check_address],
        render_kw={"autocomplete": "street-address", "spellcheck": "false"},
    )


def finite(form: FlaskForm, field: FloatField) -> None:
    """Refuse NaN and infinities, which pass range checks."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_("Not a number."))


class PositionForm(FlaskForm):
    """The browser's own position, sent by the "use my location" button; never kept (no
    CSRF token either, as for the address)."""

    class Meta:
        csrf = False

    lat = FloatField(validators=[InputRequired(), finite, NumberRange(-90, 90)],
                     widget=HiddenInput())
    lon = FloatField(validators=[InputRequired(), finite, NumberRange(-180, 180)],
                     widget=HiddenInput())
    # How far the browser says the position may be off, in metres.
    accuracy = FloatField(validators=[Optional(), finite, NumberRange(0, 1_000_000)],
                          widget=HiddenInput())
