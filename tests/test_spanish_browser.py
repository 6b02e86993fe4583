"""The guide in Spanish in a real browser: every public page walked with no English sentence
left (names and answers marked as English allowed), axe-core on the Spanish pages at desktop
and 320 px, and the language switch by keyboard, keeping the same page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import DESKTOP, PHONE
from .support.browser import axe_results
from .test_spanish_pages import english_left

PAGES = ["/es/", "/es/districts/", "/es/districts/al-circuit-6", "/es/districts/al-circuit-10",
         "/es/what-a-district-attorney-does", "/es/about", "/es/share",
         "/es/districts/ca-fresno", "/es/embed/al-circuit-6"]

#: Names the pages show as written (candidates, districts, the site's own name).
NAMES_SCRIPT = """() => Array.from(document.querySelectorAll(
  'ul.candidates a.name, p.who, h1, .brand a, table.by-county a, .choices h2 a'))
  .map(e => e.textContent.trim())"""


def walk(page, path: str) -> list[str]:
    """The English left on a page, once the names it shows are allowed."""
    page.goto(path)
    names = page.evaluate(NAMES_SCRIPT)
    # Headings hold names beside translated words: allow the names only.
    names = [n for n in names if not re.search(r"[áéíóúñ¿¡]", n)]
    return english_left(page.content(), names + ["Prosecutor Voter Guide", "voterguide",
                                                 "CC BY 4.0", "Alabama", "California",
                                                 "Vote.gov"])


def test_every_public_page_in_spanish_has_no_english_sentence_left(new_page):
    page = new_page()
    left = {path: english for path in PAGES if (english := walk(page, path))}
    assert not left, left


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "320px"])
@pytest.mark.parametrize("path", ["/es/", "/es/districts/al-circuit-6", "/es/districts/",
                                  "/es/what-a-district-attorney-does", "/es/about"])
def test_axe_finds_no_violations_on_spanish_pages(new_page, path, viewport):
    page = new_page(viewport=viewport)
    page.goto(path)
    assert page.evaluate("document.documentElement.lang") == "es"
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize(("start", "name", "target", "lang"), [
    ("/districts/al-circuit-6", "Español", "/es/districts/al-circuit-6", "es"),
    ("/es/districts/al-circuit-6", "English", "/districts/al-circuit-6", "en"),
])
def test_the_language_switch_works_by_keyboard_and_keeps_the_page(new_page, start, name,
                                                                  target, lang):
    page = new_page()
    page.goto(start)
    switch = page.get_by_role("link", name=name, exact=True)
    for _ in range(40):  # Tab through the header until the switch has the focus
        page.keyboard.press("Tab")
        if switch.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the {name} link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    assert page.evaluate("document.documentElement.lang") == lang


def test_a_spanish_browser_opens_in_spanish_and_keeps_english_once_chosen(new_page, server):
    """Accept-Language chooses the first page only: the switch's English sticks, through
    the guide's own links, with no cookie."""
    page = new_page(locale="es-ES")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/es/$"))
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(re.compile(r"/\?lang=en$"))
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("link", name="About", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/about$"))
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator(".brand a").click()  # the guide's own link to its home page
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.context.cookies() == []
