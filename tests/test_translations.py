"""The catalogues: every string marked for translation in the code and the templates (as
``make translations`` extracts them with babel.cfg) has a Spanish translation in
voterguide/translations/es, with the same placeholders; and the compiled catalogue is the
one the guide speaks.

The staff pages' strings are a domain of their own ("staff", marked ``s_()``, ``s_n()``,
``s_l()``): they stay out of the voters' catalogue, every staff template marks its words, and
the committed staff.pot and staff.po files hold exactly what the code marks."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from voterguide.web.staff_words import KEYWORDS as STAFF_KEYWORDS

from .support import REPO

TRANSLATIONS = REPO / "voterguide" / "translations"
CATALOGUE = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
VOTER_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
                  "_l": None, "N_": None}
TEMPLATES = REPO / "voterguide" / "templates"
#: The staff pages' templates: the staff area's, and the campaign report's (outreach's).
STAFF_TEMPLATES = [*sorted((TEMPLATES / "staff").rglob("*.html")),
                   TEMPLATES / "outreach" / "campaigns.html"]
STAFF_CODE = ("voterguide/staff/", "voterguide/templates/staff/", "voterguide/outreach/staff.py",
              "voterguide/templates/outreach/campaigns.html")
#: Staff templates with no words of their own (the field macro shows a form's labels).
WORDLESS_TEMPLATES = {"_fields.html"}


def extracted(keywords: dict) -> list[tuple[str, str | tuple[str, ...]]]:
    """Each (file, msgid) the code and the templates mark with ``keywords``, extracted now
    with babel.cfg's sections, as ``make translations`` does (not from a stale .pot)."""
    method_map, options_map = [], {}
    for line in (REPO / "babel.cfg").read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            method, pattern = (part.strip() for part in line[1:-1].split(":", 1))
            method_map.append((pattern, method))
            options_map[pattern] = {}
    return [(filename, message) for filename, _lineno, message, _comments, _context
            in extract_from_dir(REPO, method_map, options_map, keywords=keywords)]


def marked_strings() -> set[str | tuple[str, ...]]:
    """Every msgid of the voters' catalogue the code and the templates mark."""
    return {message for _filename, message in extracted(VOTER_KEYWORDS)}


def msgids(messages) -> set[str]:
    """The singular msgids of messages (a plural's first form stands for it)."""
    return {m if isinstance(m, str) else m[0] for m in messages}


@pytest.fixture(scope="module")
def spanish():
    with CATALOGUE.open("rb") as file:
        return read_po(file, locale="es")


def test_every_marked_string_has_a_spanish_translation(spanish):
    missing = []
    for message in sorted(marked_strings(), key=str):
        key = message if isinstance(message, str) else message[0]
        entry = spanish.get(key)
        translated = entry is not None and not entry.fuzzy and (
            all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string))
        if not translated:
            missing.append(key)
    assert not missing, "No Spanish yet for (run `make translations`, translate, " \
        f"`make catalogues`): {missing}"


def test_translations_keep_their_placeholders(spanish):
    wrong = []
    for entry in spanish:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) - wanted:
                wrong.append(entry.id)
            if string and not set(PLACEHOLDER.findall(string)) >= set(
                    PLACEHOLDER.findall(ids[0])) - {""} and len(strings) == 1:
                wrong.append(entry.id)
    assert not wrong, wrong


def test_the_spanish_catalogue_is_the_one_the_guide_speaks(client):
    page = client.get("/es/").get_data(as_text=True)
    assert "¿Quiénes se postulan para fiscal de distrito donde usted vive?" in page
    assert "Who is running" not in page
    assert "Who is running for district attorney" in client.get("/").get_data(as_text=True)


@pytest.fixture(scope="module")
def staff_marks():
    return extracted(STAFF_KEYWORDS)


def test_staff_pages_mark_nothing_for_the_voters_catalogue():
    staff_files = [filename for filename, _message in extracted(VOTER_KEYWORDS)
                   if filename.startswith(STAFF_CODE)]
    assert not staff_files, "Staff strings are marked s_(), not _(): " + ", ".join(staff_files)


def test_every_staff_template_marks_its_words(staff_marks):
    marking = {filename for filename, _message in staff_marks}
    silent = [str(path.relative_to(REPO)) for path in STAFF_TEMPLATES
              if path.name not in WORDLESS_TEMPLATES and str(path.relative_to(REPO)) not in marking]
    assert not silent, f"No s_() in {silent}"
    assert len(staff_marks) >= 300


@pytest.mark.parametrize("module", [
    "staff/forms.py", "staff/profile_forms.py", "staff/views.py", "staff/services.py",
    "staff/editing.py", "staff/season.py", "staff/invitations.py", "staff/profile_pages.py",
    "staff/accounts.py", "staff/users.py", "staff/reading.py", "staff/question_sheet.py",
    "outreach/staff.py", "presenters.py"])
def test_staff_python_marks_its_messages(staff_marks, module):
    assert any(filename == f"voterguide/{module}" for filename, _message in staff_marks)


def read_catalogue(path):
    with path.open("rb") as file:
        return read_po(file)


def test_the_staff_catalogue_is_up_to_date_with_the_code(staff_marks):
    marked = msgids(message for _filename, message in staff_marks)
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in
                read_catalogue(TRANSLATIONS / "staff.pot") if m.id}
    assert marked - template == set(), "Run `make translations`: staff.pot lacks these"
    assert template - marked == set(), "Run `make translations`: staff.pot has these no more"
    for language in ("en", "es"):
        catalogue = read_catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "staff.po")
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id} == \
            template, f"Run `make translations`: {language}/LC_MESSAGES/staff.po is behind"
