"""The lookup's answers in a real browser: the picker by county (with "outside this guide"),
Jefferson County's page with both races, and "Did you mean ...?", with and without
JavaScript, at 320 px, audited by axe-core."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .support import DESKTOP, PHONE
from .support.browser import axe_results, look_up

BIRMINGHAM_SENTENCE = ("If you live in the Bessemer Cutoff, you also vote for the Bessemer "
                       "Division district attorney.")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_jefferson_county_goes_to_one_page_with_both_races(new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    look_up(page, "Jefferson County, Alabama")
    expect(page).to_have_url(re.compile(r"/districts/al-circuit-10$"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Birmingham Division")
    expect(main.get_by_text(BIRMINGHAM_SENTENCE)).to_be_visible()
    expect(main.get_by_role("heading", level=2,
                            name=re.compile("Bessemer Division"))).to_be_visible()
    expect(main.locator("section.also section.race")).not_to_have_count(0)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_zip_across_the_state_line_offers_outside_alabama(new_page, javascript):
    page = new_page(java_script_enabled=javascript, viewport=PHONE)
    look_up(page, "36855")
    query = parse_qs(urlsplit(page.url).query)
    # 36855's Alabama part lies in Chambers County alone (one of the 5th circuit's four).
    assert query == {"district": ["al-circuit-5"], "county": ["01017"], "why": ["coarse"],
                     "outside": ["1"]}
    expect(page.locator("p.why")).to_contain_text(
        "Do you live in Chambers County or outside Alabama?")
    expect(page.get_by_role("heading", level=2, name="Outside Alabama")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="Chambers County").click()
    expect(page).to_have_url(re.compile(r"/districts/al-circuit-5$"))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_did_you_mean_sends_the_suggestion(new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    response = look_up(page, "Tuscalosa")
    assert response.status == 422
    expect(page.get_by_text("Did you mean:")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Tuscaloosa, AL").click()
    expect(page).to_have_url(re.compile(r"/districts/al-circuit-6$"))


def open_case(page, name: str) -> None:
    """Open one of the audited pages."""
    if name == "suggestion":
        look_up(page, "Huntsvile, AL")
        expect(page.get_by_text("Did you mean:")).to_be_visible()
    elif name == "picker-outside":
        page.goto("/choose?district=al-circuit-5&why=coarse&outside=1")
    elif name == "picker-three":
        page.goto("/choose?district=al-circuit-27&district=al-circuit-41&district=al-circuit-32"
                  "&why=coarse")
    else:
        page.goto("/districts/al-circuit-10")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "320px"])
@pytest.mark.parametrize("name", ["birmingham", "picker-outside", "picker-three",
                                  "suggestion"])
def test_axe_finds_no_violations_and_nothing_scrolls_sideways(new_page, name, viewport):
    page = new_page(viewport=viewport)
    open_case(page, name)
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
