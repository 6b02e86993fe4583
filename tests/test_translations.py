"""The catalogues: every string marked for translation in the code and the templates (as
``make translations`` extracts them with babel.cfg) has a Spanish translation in
voterguide/translations/es, with the same placeholders; and the compiled catalogue is the
one the guide speaks."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from .support import REPO

CATALOGUE = REPO / "voterguide" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def marked_strings() -> set[str | tuple[str, ...]]:
    """Every msgid the code and the templates mark, extracted now (not from a stale .pot)."""
    method_map, options_map = [], {}
    section = None
    for line in (REPO / "babel.cfg").read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            method, pattern = (part.strip() for part in line[1:-1].split(":", 1))
            method_map.append((pattern, method))
            section = pattern
            options_map[section] = {}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
                "_l": None, "N_": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            REPO, method_map, options_map, keywords=keywords):
        found.add(message)
    return found


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
