"""Every public page in Spanish has no English sentence left: only names, answers (marked
``lang="en"``, "Respuesta en inglés") and addresses may stay as written."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

#: English words that never appear in a Spanish sentence of this guide (names aside).
ENGLISH = re.compile(r"\b(the|and|of|your|you|with|is|are|was|this|that|to|for|by|from|"
                     r"who|what|not|candidates?|answers?|election|district attorney|"
                     r"county|counties|ballot|questionnaire|sample|deadline|voting)\b",
                     re.IGNORECASE)
#: The public pages, in Spanish (the demo election's district, a candidate, a race).
PAGES = ["/es/", "/es/districts/", "/es/districts/al-circuit-6", "/es/about",
         "/es/what-a-district-attorney-does", "/es/share", "/es/embed",
         "/es/embed/al-circuit-6", "/es/districts/al-circuit-6/flyer", "/es/nowhere",
         "/es/districts/ca-fresno"]


class VisibleText(HTMLParser):
    """The text a reader sees (and the alt and aria labels they hear), leaving out what is
    marked as English, scripts and styles."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def english(self) -> bool:
        return any(flag for _tag, flag in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in ("script", "style", "title") and tag != "title"
        flag = attrs.get("lang", "").startswith("en") or hidden or tag in ("script", "style")
        for name in ("alt", "aria-label", "placeholder"):
            if attrs.get(name) and not (self.english() or flag):
                self.parts.append(attrs[name])
        if tag not in self.VOID:
            self.stack.append((tag, flag))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.english() and data.strip():
            self.parts.append(data.strip())


def english_left(html: str, allowed: list[str]) -> list[str]:
    """The pieces of visible text that still read as English, once names are taken out."""
    parser = VisibleText()
    parser.feed(html)
    left = []
    for part in parser.parts:
        part = re.sub(r"(https?://|mailto:)\S+|\S+@\S+", "", part)  # addresses stay as they are
        for name in sorted(allowed, key=len, reverse=True):
            part = part.replace(name, "")
        if ENGLISH.search(part):
            left.append(part)
    return left


def names(app) -> list[str]:
    """Names the pages show as written: candidates, districts, states, the site, the
    organisation, the questionnaire's and the election's own titles."""
    from sqlalchemy import select

    from voterguide.extensions import db
    from voterguide.models import Candidate, District

    with app.app_context():
        found = [c.name for c in db.session.scalars(select(Candidate))]
        found += [d.name for d in db.session.scalars(select(District))]
    return found + [app.config["SITE_NAME"], app.config["ORGANISATION"], "Alabama",
                    "California", "Vote.gov", "WhatsApp", "Facebook", "X (Twitter)",
                    app.config["DATA_LICENCE"]]


@pytest.mark.parametrize("path", PAGES)
def test_a_spanish_page_has_no_english_sentence_left(app, client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    left = english_left(response.get_data(as_text=True), names(app))
    assert not left, left


@pytest.mark.parametrize("method, path, code", [
    ("delete", "/es/", 405),            # Werkzeug's stock words, replaced by ours
    ("post", "/es/districts/al-circuit-6", 405),
    ("post", "/es/", 413),              # more than the form accepts
])
def test_an_error_page_in_spanish_has_no_english_sentence_left(app, client, method, path,
                                                               code):
    data = {"address": "x" * 200_000} if code == 413 else None
    response = getattr(client, method)(path, data=data)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert not english_left(html, names(app)), english_left(html, names(app))
    english = getattr(client, method)(path.removeprefix("/es"), data=data)
    assert english.status_code == code
    assert ("does not accept that kind of request" in english.get_data(as_text=True)
            if code == 405 else "more than this form accepts" in english.get_data(as_text=True))
