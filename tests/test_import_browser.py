"""The import preview in a real browser (headless Chromium, CSRF on, served by gunicorn): a
survey tool's export with a near name and ambiguous dates is checked, the questions answered,
a column paired, applied and published; axe-core finds no violation and the page fits 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import DESKTOP, TIMEOUT_MS
from .support.browser import axe_results, sign_in
from .support.servers import staff_site

EMAIL, PASSWORD = "admin@example.org", "correct horse battery staple"
PHONE = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def import_server(seeded_database, tmp_path_factory) -> str:
    """The app in gunicorn on its own database copy with an admin user."""
    with staff_site(seeded_database, tmp_path_factory.mktemp("import-browser"), EMAIL,
                    PASSWORD) as base_url:
        yield base_url


def audit(page: Page) -> None:
    """axe-core finds no accessibility violation on the page."""
    results = axe_results(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_answering_the_preview_questions_in_the_browser(browser, import_server, tmp_path):
    """Typeform file, "Andres Pettway", dates that read both ways: the preview asks, the
    answers are saved, a column is paired from its menu, and the answers are published."""
    upload = tmp_path / "typeform.csv"
    upload.write_text(
        "#,What's your full name?,Which judicial circuit are you running in?,"
        "Would your office seek the death penalty in any case?,Why?,Notes for staff,"
        "Submit Date (UTC),Network ID\n"
        "t1,Andres Pettway,13th Circuit,1,Only for the worst murders.,called twice,"
        "07/08/2028 10:00:00,ab\n", encoding="utf-8")
    context = browser.new_context(base_url=import_server, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, EMAIL, PASSWORD)
        page.goto("/staff/imports/new")
        page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(upload))
        page.get_by_role("button", name="Check the file").click()
        main = page.get_by_role("main")
        expect(main).to_contain_text("Written by")
        expect(main).to_contain_text("Typeform")
        expect(main).to_contain_text("Is this Andrés Pettway (13th Judicial Circuit)?")
        expect(page.get_by_role("button", name="Apply to the draft")).to_have_count(0)
        audit(page)
        phone = context.new_page()
        phone.set_viewport_size(PHONE)
        phone.goto(page.url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.close()
        page.get_by_label("Yes: Andrés Pettway (13th Judicial Circuit)").check()
        page.get_by_label(re.compile(r"^day/month/year")).check()
        page.get_by_role("button", name="Save these answers and check again").click()
        expect(page.get_by_role("status")).to_contain_text("Answers saved")
        notes = page.get_by_label(re.compile(r"Column F: Notes for staff"))
        notes.select_option("ignore")
        page.get_by_role("button", name="Save the columns and check again").click()
        expect(page.get_by_role("status")).to_contain_text("Columns saved")
        expect(main).not_to_contain_text("New candidates")
        audit(page)
        page.get_by_role("button", name="Apply to the draft").click()
        page.get_by_role("link", name="Publish…").click()
        expect(page.get_by_role("main")).to_contain_text("Voters will see these changes")
        page.get_by_role("button", name="Yes, publish").click()
        expect(page.get_by_role("status")).to_contain_text("Published")
        page.goto("/candidates/al-circuit-13-andres-pettway")
        expect(page.get_by_role("main")).to_contain_text("Only for the worst murders.")
        expect(page.get_by_role("main")).to_contain_text("received Aug 7, 2028")
    finally:
        context.close()


def _fits_a_phone(context, url: str) -> None:
    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
    phone.close()


def test_a_remembered_pairing_is_shown_and_forgotten_in_the_browser(
        browser, import_server, tmp_path):
    """A column paired from its menu is remembered: the next upload's preview says so and
    links to the questionnaire's remembered columns, where it is forgotten after a
    confirmation page (plain links and forms); axe-core finds nothing on these pages, and
    each fits 320 px."""
    header = "Shoe size"
    upload = tmp_path / "shoes.csv"
    upload.write_text(f"Name,District,{header}\nRosa Import,al-circuit-6,9\n",
                      encoding="utf-8")
    context = browser.new_context(base_url=import_server, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, EMAIL, PASSWORD)

        def check_file() -> None:
            page.goto("/staff/imports/new")
            page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(upload))
            page.get_by_role("button", name="Check the file").click()
            expect(page.get_by_role("main")).to_contain_text("Written by")

        check_file()
        page.get_by_label(re.compile(rf"Column C: {header}")).select_option("ignore")
        page.get_by_role("button", name="Save the columns and check again").click()
        expect(page.get_by_role("status")).to_contain_text("Columns saved")
        check_file()
        main = page.get_by_role("main")
        expect(main).to_contain_text("1 column was read as staff paired it on an earlier "
                                     "upload")
        expect(main).to_contain_text("A remembered pairing: paired by staff on an earlier "
                                     "upload.")
        audit(page)
        page.get_by_role("link", name="forget remembered pairings").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Remembered columns")
        expect(page.get_by_role("main")).to_contain_text(f"“{header.lower()}”")
        audit(page)
        _fits_a_phone(context, page.url)
        page.get_by_role("link", name=f"Forget this pairing of “{header.lower()}”").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Forget this pairing?")
        audit(page)
        _fits_a_phone(context, page.url)
        page.get_by_role("button", name="Yes, forget it").click()
        expect(page.get_by_role("status")).to_contain_text("Forgotten (1 pairing)")
        expect(page.get_by_role("main")).not_to_contain_text(f"“{header.lower()}”")
        audit(page)
        check_file()
        expect(page.get_by_role("main")).not_to_contain_text("remembered pairing")
    finally:
        context.close()
