"""The offices' records in a real browser (headless Chromium, CSRF on, served by gunicorn),
tried as a new staff member would: load a figures file for three districts, preview it,
publish it, see the charts with their sources on the district pages, the flyer and embed of
an unopposed race; a malformed file changes nothing. axe-core finds no violation on any new
page, none breaks its Content-Security-Policy, and each fits 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import DESKTOP, PASSWORD, PHONE, TIMEOUT_MS
from .support.browser import RECORD_VIOLATIONS, axe_results, csp_violations, sign_in
from .support.servers import staff_site

EMAIL = "admin@example.org"
FIGURES = (
    "district,fact,period,value,unit,source,link,retrieved,caveat\n"
    "al-circuit-6,Felony cases filed,2021,2410,cases,Office annual report,"
    "https://da6.example.org/report,2024-03-01,\n"
    "al-circuit-6,Felony cases filed,2022,2530,cases,Office annual report,"
    "https://da6.example.org/report,2024-03-01,\n"
    "al-circuit-6,Felony cases filed,2023,2675,cases,Office annual report,"
    "https://da6.example.org/report,2024-03-01,\"Counts cases, not people\"\n"
    "20th Judicial Circuit,Felony cases filed,2023,980,cases,Office annual report,"
    "https://da20.example.org/report,2024-02-01,\n"
    "al-circuit-13,Felony cases filed,2023,1740,cases,Office annual report,"
    "https://da13.example.org/report,2024-02-01,\n")
MALFORMED = ("district,fact,period,value,unit,source,link,retrieved\n"
             "al-circuit-6,Felony cases filed,2023,many,cases,,nowhere,2024-03-01\n")


@pytest.fixture(scope="module")
def profile_server(seeded_database, tmp_path_factory) -> str:
    """The app in gunicorn on its own database copy with an admin user."""
    with staff_site(seeded_database, tmp_path_factory.mktemp("profiles-browser"), EMAIL,
                    PASSWORD) as base_url:
        yield base_url


@pytest.fixture
def page(browser, profile_server):
    """A page in a fresh context that records CSP violations."""
    context = browser.new_context(base_url=profile_server, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    yield context.new_page()
    context.close()


def audit(page: Page) -> None:
    """No axe-core violation, no CSP violation, and the page fits 320 px."""
    results = axe_results(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert csp_violations(page) == [], page.url
    viewport = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide at 320 px"
    finally:
        page.set_viewport_size(viewport)


def upload(page: Page, path) -> None:
    """Upload a figures file on the import page."""
    page.goto("/staff/figures/import")
    page.get_by_label("Figures file (CSV or Excel .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def test_the_district_page_with_its_office_record_is_accessible(page):
    """The office section, its charts and tables pass axe-core and fit a phone; the chart's
    numbers are in a table that names its source."""
    page.goto("/districts/al-circuit-20")
    expect(page.get_by_role("region", name=re.compile(r"^The office"))).to_contain_text(
        "Holds the office now")
    office = page.get_by_role("region", name=re.compile(r"^What the office has done"))
    table = office.get_by_role("table", name=re.compile(r"County jail population"))
    expect(table.get_by_role("row")).to_have_count(6)  # the header and five years
    expect(office.locator("svg.chart").first).to_be_visible()
    expect(office.locator("p.source").first).to_be_visible()
    expect(page.get_by_text("Unopposed.", exact=True)).to_be_visible()
    audit(page)


def test_loading_figures_for_three_districts_and_publishing_them(page, tmp_path):
    """Upload, preview, apply, publish; the new chart and its source show on the district
    page; the flyer and embed of the unopposed race show the incumbent and a figure."""
    path = tmp_path / "figures.csv"
    path.write_text(FIGURES, encoding="utf-8")
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/staff/profiles")
    expect(page.get_by_role("table")).to_contain_text("6th Judicial Circuit")
    audit(page)
    page.goto("/staff/figures/import")
    audit(page)
    upload(page, path)
    main = page.get_by_role("main")
    expect(main).to_contain_text("5 new figures, 0 changed figures")
    audit(page)
    page.get_by_role("link", name="6th Judicial Circuit", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Felony cases filed")
    page.go_back()
    page.get_by_role("button", name="Apply to the draft").click()
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    page.goto("/districts/al-circuit-6")
    figure = page.get_by_role("region", name="Felony cases filed")
    expect(figure.locator("svg.chart rect.bar")).to_have_count(3)
    expect(figure.get_by_role("table")).to_contain_text("2,675 cases")
    expect(figure.locator("p.source")).to_contain_text("Source: Office annual report")
    expect(figure).to_contain_text("Note: Counts cases, not people")
    audit(page)
    page.goto("/districts/al-circuit-20/flyer")
    expect(page.get_by_role("main")).to_contain_text("Holds the office now")
    expect(page.get_by_role("main")).to_contain_text("Unopposed.")
    audit(page)
    page.goto("/embed/al-circuit-20")
    expect(page.get_by_role("main")).to_contain_text("Holds the office now:")
    audit(page)


def test_a_malformed_file_changes_nothing_published(page, tmp_path):
    """The preview's error table names the row and column of each problem; nothing can be
    applied, and the district page is as it was."""
    page.goto("/districts/al-circuit-6")
    before = page.get_by_role("region", name=re.compile(r"^What the office has done")).inner_text()
    path = tmp_path / "bad.csv"
    path.write_text(MALFORMED, encoding="utf-8")
    sign_in(page, EMAIL, PASSWORD)
    upload(page, path)
    problems = page.get_by_role("table", name=re.compile(r"Problems"))
    expect(problems).to_contain_text("D (value)")
    expect(problems).to_contain_text("F (source)")
    expect(problems).to_contain_text("G (link)")
    expect(page.get_by_role("button", name="Apply to the draft")).to_have_count(0)
    audit(page)
    page.goto("/districts/al-circuit-6")
    record = page.get_by_role("region", name=re.compile(r"^What the office has done"))
    assert record.inner_text() == before


def test_the_profile_editing_page_is_accessible(page):
    """The staff page that edits a profile and its figures passes axe-core and fits 320 px,
    and a save reaches the draft."""
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/staff/profiles/al-circuit-13")
    expect(page.get_by_label("Who holds the office now")).not_to_be_empty()
    audit(page)
    page.get_by_label("Their party").fill("Independent")
    page.get_by_role("button", name="Save the profile to my draft").click()
    expect(page.get_by_role("status")).to_contain_text("Saved to your draft")
    expect(page.get_by_label("Their party")).to_have_value("Independent")
    audit(page)

