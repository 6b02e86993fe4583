"""A voter on a 375×667 phone, a keyboard and screen-reader user, and an organiser, in
headless Chromium against the guide in gunicorn: the first screen holds the ballot, the date
and the next deadline; errors reach assistive technology; the layout holds on a tablet and a
desktop; and axe-core finds nothing on the pages this work added or changed."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .support import DATA_DIR
from .support.browser import ADDRESS_LABEL, axe_results, csp_violations, look_up

PHONE = {"width": 375, "height": 667}
TABLET = {"width": 768, "height": 1024}
WIDE = {"width": 1440, "height": 900}
DEMO = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))


def slug_of(race: dict) -> str:
    """A demo race's district slug."""
    return race["candidates"][0]["slug"].rsplit("-", 2)[0]


def bottom(page: Page, selector: str) -> float:
    """Where an element ends, in CSS pixels from the top of the page."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


@pytest.mark.parametrize("slug", ["al-circuit-6", "al-circuit-1", "al-circuit-10",
                                  slug_of(max(DEMO["races"], key=lambda r: len(r["candidates"])))])
def test_the_first_phone_screen_holds_the_ballot_the_date_and_the_next_deadline(new_page, slug):
    page = new_page(viewport=PHONE)
    page.goto(f"/districts/{slug}")
    summary = page.locator(".summary")
    expect(summary.get_by_text("Election day")).to_be_visible()
    expect(summary.get_by_text("Next deadline")).to_be_visible()
    expect(summary.locator(".ballot li").first).to_contain_text("District Attorney")
    for part in (".summary .ballot", ".summary dt:has-text('Next deadline') + dd",
                 ".summary dt:has-text('Election day') + dd"):
        assert bottom(page, part) <= PHONE["height"], part
    # and the candidates follow on the second screen, not the twelfth
    assert page.locator(".candidates").first.bounding_box()["y"] < 3 * PHONE["height"]


def test_from_the_home_page_to_the_next_step_in_one_screen(new_page):
    page = new_page(viewport=PHONE)
    look_up(page, "Tuscaloosa, AL 35401")
    assert urlsplit(page.url).path == "/districts/al-circuit-6"
    link = page.locator(".summary").get_by_role("link", name="Find your polling place")
    expect(link).to_be_visible()
    assert bottom(page, ".summary") <= PHONE["height"]
    assert link.get_attribute("href") == "https://myinfo.alabamavotes.gov/voterview"


def test_non_responders_are_named_once_per_race_on_a_phone(new_page):
    race = next(r for r in DEMO["races"]
                if all(c["questionnaire_status"] != "responded" for c in r["candidates"])
                and len(r["candidates"]) >= 3)
    page = new_page(viewport=PHONE)
    page.goto(f"/districts/{slug_of(race)}")
    text = page.get_by_role("main").inner_text()
    # each candidate's status, and the race's one sentence (the deadline is still to come)
    assert len(re.findall("did not respond", text, re.I)) == len(race["candidates"])
    assert len(re.findall("have not responded yet", text)) == 1
    assert page.locator(".question").count() == 0
    # the race, its candidates and the one sentence on them: within two screens
    assert page.locator("section.race").first.bounding_box()["height"] < 2 * PHONE["height"]


@pytest.mark.parametrize(("address", "message"), [
    ("", "Please type your address."),
    ("Nowhereville Qqq", "We couldn't find that place."),
    ("Portland, OR 97201", "That place is outside the area this guide covers."),
], ids=["empty", "not-found", "outside"])
def test_each_failure_reaches_a_screen_reader(new_page, address, message):
    page = new_page(viewport=PHONE)
    response = look_up(page, address)
    assert response.status == 422
    field = page.get_by_label(ADDRESS_LABEL)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("^Error: " + re.escape(message)))
    expect(field).to_be_focused()
    # The alert was inserted after the page loaded, and announces the message.
    assert 'role="alert"' not in (response.text() or "")
    expect(page.get_by_role("alert")).to_contain_text(message)


def test_the_field_takes_no_more_characters_than_the_message_says(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/")
    field = page.get_by_label(ADDRESS_LABEL)
    field.fill("x" * 500)
    assert len(field.input_value()) == 200


def test_the_focus_ring_has_3_to_1_contrast(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/districts/al-circuit-6")
    for selector in ("header.site a", ".summary a", "main .candidates a"):
        element = page.locator(selector).first
        element.focus()
        style = element.evaluate("e => { const s = getComputedStyle(e); return "
                                 "[s.outlineStyle, s.outlineWidth, s.outlineColor]; }")
        assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2, style
        background = element.evaluate(
            "e => { for (let n = e.parentElement; n; n = n.parentElement) {"
            " const c = getComputedStyle(n).backgroundColor;"
            " if (c !== 'rgba(0, 0, 0, 0)') return c; } return 'rgb(255, 255, 255)'; }")
        assert contrast(rgb(style[2]), rgb(background)) >= 3, (selector, style, background)


def test_a_tablet_shows_answers_in_readable_columns(new_page):
    page = new_page(viewport=TABLET)
    most = max(DEMO["races"], key=lambda r: sum(c["questionnaire_status"] == "responded"
                                                for c in r["candidates"]))
    page.goto(f"/districts/{slug_of(most)}")
    widths = page.eval_on_selector_all(".answers li", "els => els.map(e => e.offsetWidth)")
    assert widths and min(widths) >= 240, widths


def test_desktop_lines_stay_readable(new_page):
    page = new_page(viewport=WIDE)
    page.goto("/about")
    width = page.locator("main p.lede").bounding_box()["width"]
    font = float(page.locator("main p.lede").evaluate("e => getComputedStyle(e).fontSize")
                 .rstrip("px"))
    # about 2 characters per em of width: at most ~90 characters a line
    assert width / font * 2 <= 90, (width, font)


def test_the_suggested_embed_height_holds_its_tallest_answer(new_page):
    from voterguide.outreach.views import EMBED_HEIGHT

    page = new_page(viewport={"width": 640, "height": EMBED_HEIGHT})
    tallest = 0
    for race in sorted(DEMO["races"], key=lambda r: -len(r["candidates"]))[:4]:
        page.goto(f"/embed/{slug_of(race)}")
        tallest = max(tallest, page.evaluate("document.documentElement.scrollHeight"))
    assert tallest <= EMBED_HEIGHT, tallest


def test_a_long_answer_prints_in_full(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/districts/al-circuit-6")
    folded = page.locator("details").first
    expect(folded).to_be_visible()
    page.emulate_media(media="print")
    expect(folded).to_be_hidden()
    full = page.locator(".explanation.print-only").first
    expect(full).to_be_visible()
    assert len(full.inner_text().split()) > 120


@pytest.mark.parametrize("path", [
    "/share", "/about", "/districts/al-circuit-6", "/districts/al-circuit-1",
    "/districts/al-circuit-10", "/candidates/al-circuit-6-simone-pruitt",
    "/candidates/al-circuit-6-kendall-lassiter", "/districts/al-circuit-6/flyer",
    "/districts/al-circuit-2/flyer", "/embed/al-circuit-6", "/no-such-page",
])
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_axe_finds_nothing_on_the_new_and_changed_pages(new_page, path, viewport):
    page = new_page(viewport=viewport)
    page.goto(path)
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    assert csp_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("address", ["Nowhereville Qqq", "Portland, OR 97201"])
def test_axe_finds_nothing_on_the_error_page(new_page, address):
    page = new_page(viewport=PHONE)
    look_up(page, address)
    expect(page.get_by_role("alert")).to_be_attached()
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
