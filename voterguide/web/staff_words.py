"""The staff pages' words: marked for translation in a gettext domain of their own, "staff".

Voters' strings are in the domain "messages" (``_()``, ``{% trans %}``), every one of them
translated; staff pages stay English, so their strings must not join that catalogue, yet a
team that works in another language can still translate them. Staff strings are marked
with the functions below, in Python and (``s_``, ``s_n``) in the templates; ``make
translations`` extracts them by those names into voterguide/translations/staff.pot.

Never call the domain's own methods on a literal (``STAFF.gettext("...")``): the voters'
extraction knows ``gettext`` by name and would take the string into "messages".
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Domain
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

STAFF = Domain(domain="staff")

#: The staff strings of Python code, translated now (flashes, refusals).
s_ = STAFF.gettext
s_n = STAFF.ngettext

#: How ``make translations`` and the tests find staff strings (babel keyword specs);
#: ``SN_`` marks the staff wordings kept as English constants (presenters.py).
KEYWORDS = {"s_": None, "s_n": (1, 2), "s_l": None, "SN_": None}
#: The presenters' template filters (and globals) that word things for staff pages only.
STAFF_FILTERS = ("change_set_status", "kind_words", "field_name")
STAFF_GLOBALS = ("field_value",)


class LazyText(LazyString):
    """A staff string translated when it is shown: plain text, escaped in a page like any
    ``str`` (Flask-Babel's own lazy string would pass into HTML unescaped)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def s_l(string: str, **variables) -> LazyText:
    """A staff string translated when shown: form labels, choices and validation messages,
    made once at import and shown in each request's language."""
    return LazyText(s_, string, **variables)


def _in_template(eval_ctx, text: str, variables: dict) -> str:
    """A template's translated text as Jinja's own ``{% trans %}`` gives it: the message is
    markup written in the template, the values put into it are escaped."""
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables else text


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    """``{{ s_("Sign out %(email)s", email=user.email) }}`` in a staff template."""
    return _in_template(eval_ctx, s_(string), variables)


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    """``{{ s_n("%(num)d race", "%(num)d races", races|length) }}`` in a staff template."""
    variables.setdefault("num", num)
    text = STAFF.get_translations().ungettext(singular, plural, num)
    return _in_template(eval_ctx, text, variables)


def init_app(app: Flask) -> None:
    """Give the templates ``s_`` and ``s_n``."""
    app.add_template_global(template_gettext, "s_")
    app.add_template_global(template_ngettext, "s_n")


def _translated(wording):
    """A presenter that words something for staff, its English wording shown translated."""
    def translated(*args, **kwargs) -> str:
        return s_(wording(*args, **kwargs))
    return translated


def translate_staff_wordings(app: Flask) -> None:
    """Show the presenters' staff wordings (``SN_``) in the staff domain: call it after the
    presenters' filters are installed."""
    for name in STAFF_FILTERS:
        app.jinja_env.filters[name] = _translated(app.jinja_env.filters[name])
    for name in STAFF_GLOBALS:
        app.jinja_env.globals[name] = _translated(app.jinja_env.globals[name])
    # A change set's title is put together from several wordings: each is translated.
    title = app.jinja_env.filters["change_set_title"]
    app.jinja_env.filters["change_set_title"] = lambda change_set: title(change_set, s_)
