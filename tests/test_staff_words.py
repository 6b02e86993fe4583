"""The staff pages' own gettext domain (voterguide/web/staff_words.py): a staff catalogue,
once translated, is what the staff pages say (under its language's prefix); values put into
a template's message are escaped, the message's own markup is kept; lazy labels are escaped
like any text."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import render_template_string
from markupsafe import escape
from wtforms.fields.core import Label

from voterguide.models import ChangeSet, ChangeSetKind
from voterguide.presenters import change_set_title
from voterguide.web.language import babel
from voterguide.web.staff_words import STAFF, s_l


@pytest.fixture
def fresh_staff_catalogue():
    """A domain keeps what it loaded for the whole process, keyed by language alone: load
    them again here, and forget this test's catalogues afterwards (the voters' domain too,
    which the test's folder holds none of: kept, it would leave every later app English)."""
    def forget() -> None:
        for domain in (STAFF, vars(babel).get("domain_instance")):  # None: not made yet
            if domain is not None:
                domain.cache.clear()

    forget()
    yield
    forget()


def write_catalogue(folder, language: str, translations: dict[str, str]) -> None:
    catalogue = Catalog(locale=language, domain="staff")
    for english, translated in translations.items():
        catalogue.add(english, translated)
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "staff.mo").open("wb") as file:
        write_mo(file, catalogue)


def test_a_translated_staff_catalogue_is_what_the_staff_pages_say(
        make_app, tmp_path, fresh_staff_catalogue):
    write_catalogue(tmp_path, "en", {"Staff sign-in": "Sign in to the back office",
                                     "Email": "Work email", "Sign in": "Enter"})
    client = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path)).test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    assert "<h1>Sign in to the back office</h1>" in page
    assert '<label for="email">Work email</label>' in page  # a form's lazy label
    assert '<button type="submit">Enter</button>' in page
    refused = client.post("/staff/login", data={"email": "nobody@example.org",
                                                "password": "not the password"})
    assert refused.status_code == 401
    assert "That email and password do not match an account" in refused.get_data(as_text=True)


def test_a_staff_catalogue_speaks_under_its_language_prefix(
        make_app, tmp_path, fresh_staff_catalogue):
    write_catalogue(tmp_path, "es", {"Staff sign-in": "Acceso del personal", "Email": "Correo"})
    client = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path)).test_client()
    spanish = client.get("/es/staff/login").get_data(as_text=True)
    assert "<h1>Acceso del personal</h1>" in spanish
    assert '<label for="email">Correo</label>' in spanish
    assert "<h1>Staff sign-in</h1>" in client.get("/staff/login").get_data(as_text=True)


def test_the_presenters_staff_wordings_are_shown_translated(
        make_app, tmp_path, fresh_staff_catalogue):
    write_catalogue(tmp_path, "en", {"biography": "life story", "(none)": "(nothing)",
                                     "Yes/No": "Yes or no"})
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    with app.test_request_context("/staff/"):
        shown = render_template_string(
            '{{ "bio"|field_name }}; {{ field_value("bio", None) }}; {{ "yes_no"|kind_words }}; '
            '{{ field_value("bio", "A lawyer") }}')
    assert shown == "life story; (nothing); Yes or no; A lawyer"


def test_a_change_sets_title_is_put_together_from_translated_wordings(
        make_app, tmp_path, fresh_staff_catalogue):
    write_catalogue(tmp_path, "en", {
        "Import of %(file)s": "Upload of %(file)s",
        "Rollback of the import of %(file)s": "Undoing the upload of %(file)s",
        "%(title)s (no. %(number)s)": "%(title)s [#%(number)s]",
        "a spreadsheet": "a sheet"})
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    upload = ChangeSet(id=7, kind=ChangeSetKind.IMPORT, file_name="<b>answers.csv")
    undo = ChangeSet(id=8, kind=ChangeSetKind.ROLLBACK, rolls_back=upload)
    unnamed = ChangeSet(id=9, kind=ChangeSetKind.IMPORT)
    with app.test_request_context("/staff/"):
        shown = render_template_string("{{ a|change_set_title }}; {{ b|change_set_title }}; "
                                       "{{ c|change_set_title }}", a=upload, b=undo, c=unnamed)
    assert shown == ("Upload of &lt;b&gt;answers.csv [#7]; Undoing the upload of "
                     "&lt;b&gt;answers.csv [#8]; Upload of a sheet [#9]")
    # What is stored or logged stays in English, whatever the catalogue says.
    assert change_set_title(undo) == "Rollback of the import of <b>answers.csv (no. 8)"


def test_the_shipped_staff_catalogues_change_no_word(client, fresh_staff_catalogue):
    for path in ("/staff/login", "/es/staff/login"):
        page = client.get(path).get_data(as_text=True)
        assert "<h1>Staff sign-in</h1>" in page
        assert '<label for="email">Email</label>' in page


@pytest.mark.parametrize(("template", "shown"), [
    ('{{ s_("Sign out %(email)s", email=email) }}', "Sign out &lt;b&gt;@example.org"),
    ('{{ s_("<strong>%(email)s</strong>: kept", email=email) }}',
     "<strong>&lt;b&gt;@example.org</strong>: kept"),
    ('{{ s_n("%(num)d race for %(email)s", "%(num)d races for %(email)s", 1, email=email) }}',
     "1 race for &lt;b&gt;@example.org"),
    ('{{ s_n("%(num)d race", "%(num)d races", 3) }}', "3 races"),
    ('{{ s_("No value: 100%") }}', "No value: 100%"),
])
def test_a_template_message_keeps_its_markup_and_escapes_its_values(app, template, shown):
    with app.test_request_context("/staff/"):
        assert render_template_string(template, email="<b>@example.org") == shown


def test_a_lazy_label_is_escaped_like_text(app):
    with app.test_request_context("/staff/"):
        text = s_l("Tom & Jerry's <label>")
        assert str(escape(text)) == "Tom &amp; Jerry&#39;s &lt;label&gt;"
        assert Label("x", text)() == '<label for="x">Tom &amp; Jerry&#39;s &lt;label&gt;</label>'
