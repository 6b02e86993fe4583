"""A whole season in a real browser (headless Chromium, CSRF on, served by gunicorn), as a
staff member who is not a programmer would run it: create a questionnaire, an election and
two races; publish with confirmation; import answers; correct one; re-import the file and
keep the correction; roll back the import after that later edit; add and disable a
colleague. Once with JavaScript at 1280 px (axe-core on every page, and each page again at
375 px: no wider than the screen), once without JavaScript at 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import DESKTOP, TIMEOUT_MS
from .support.browser import axe_results
from .support.servers import staff_site

EMAIL, PASSWORD = "admin@example.org", "correct horse battery staple"
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def season_server(seeded_database, tmp_path_factory) -> str:
    """The app in gunicorn on its own database copy with an admin user."""
    with staff_site(seeded_database, tmp_path_factory.mktemp("season-browser"), EMAIL,
                    PASSWORD) as base_url:
        yield base_url


class Walk:
    """A staff member's walk: every page is audited and, at phone width, measured."""

    def __init__(self, page: Page, phone: Page | None, audit: bool = True):
        self.page, self.phone, self.seen, self.audit = page, phone, set(), audit

    def check(self) -> None:
        """axe-core finds nothing on this page; it fits a phone (once per path)."""
        page = self.page
        path = re.sub(r"\?.*", "", page.url)
        if path in self.seen:
            return
        self.seen.add(path)
        if self.audit:
            results = axe_results(page)
            assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
        target = self.phone or page
        if self.phone is not None:
            self.phone.goto(page.url)
        width = target.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone"

    def click(self, name: str, role: str = "button") -> None:
        """Click a button or link by its name, then check the page it leads to."""
        self.page.get_by_role(role, name=name).click()
        self.page.wait_for_load_state()
        self.check()

    def status(self, text: str) -> None:
        """The page's status message says ``text``."""
        expect(self.page.get_by_role("status")).to_contain_text(text)


def sign_in(walk: Walk) -> None:
    """Sign in as the admin."""
    page = walk.page
    page.goto("/staff/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def set_up_season(walk: Walk, name: str, topics: list[str]) -> None:
    """A questionnaire with Yes/No questions, an election with two voting days and two races."""
    page = walk.page
    page.goto("/staff/season")
    walk.check()
    walk.click("New questionnaire", "link")
    page.get_by_label("Title", exact=True).fill(f"{name} questions")
    page.get_by_label("Sent to the candidates on").fill("2030-03-01")
    walk.click("Add the questionnaire to my draft")
    walk.status("now add its questions")
    for topic in topics:
        page.get_by_label("Topic (a few words, shown as the question's heading)").fill(topic)
        page.get_by_label("Question, as sent to the candidates").fill(f"Will you act on {topic}?")
        page.get_by_label("Yes/No, with an explanation").check()
        walk.click("Add the question to my draft")
        walk.status("is in your draft")
    page.goto("/staff/season")
    walk.click("New election", "link")
    page.get_by_label("Name voters see").fill(name)
    page.get_by_label("Election day (the last voting day)").fill("2030-11-05")
    page.get_by_label("First voting day: name").fill("Primary")
    page.get_by_label("First voting day: date").fill("2030-05-24")
    page.get_by_label("Second voting day: name").fill("General election")
    page.get_by_label("Second voting day: date").fill("2030-11-05")
    walk.click("Add the election to my draft")
    walk.status("now add its races")
    for district, status in (("6th Judicial Circuit (Tuscaloosa County)", "Contested"),
                             ("13th Judicial Circuit (Mobile County)", "Uncontested")):
        page.get_by_label("District", exact=True).select_option(label=district)
        page.get_by_label("Questionnaire sent to its candidates").select_option(
            label=f"{name} questions")
        page.get_by_label(re.compile(f"^{status}:")).check()
        walk.click("Add the race to my draft")
        walk.status("is in your draft")
    expect(page.get_by_role("main")).to_contain_text("Races (2)")


def publish_my_draft(walk: Walk, expect_text: str) -> None:
    """From the staff home, open the draft, publish it through the confirmation page."""
    page = walk.page
    page.goto("/staff/")
    walk.check()
    page.get_by_role("link", name=re.compile(r"^Edits in the browser by")).first.click()
    walk.check()
    walk.click("Publish…", "link")
    expect(page.get_by_role("main")).to_contain_text("Voters will see these changes")
    expect(page.get_by_role("main")).to_contain_text(expect_text)
    walk.click("Yes, publish")
    walk.status("Published: voters see it now.")


def import_file(walk: Walk, election: str, path) -> str:
    """Upload a file for an election; the preview's URL."""
    page = walk.page
    page.goto("/staff/imports/new")
    page.get_by_label("Election").select_option(label=election)
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(path))
    walk.click("Check the file")
    return page.url


def add_and_disable_a_colleague(walk: Walk, email: str) -> None:
    """Add an editor, then disable them."""
    page = walk.page
    page.goto("/staff/users")
    walk.check()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 12 characters)").fill("a long enough passphrase")
    walk.click("Add the user")
    walk.status(f"Added {email}")
    walk.click(f"Disable {email}")
    walk.status(f"{email} is disabled.")
    expect(page.get_by_role("main")).to_contain_text("No: disabled")


def test_a_whole_season_with_javascript(browser, season_server, tmp_path):
    """The whole season, every page audited and measured at phone width."""
    context = browser.new_context(base_url=season_server, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        phone = context.new_page()
        phone.set_viewport_size(PHONE)
        walk = Walk(page, phone)
        sign_in(walk)
        set_up_season(walk, "2030 Election", ["Cash bail", "Diversion"])
        publish_my_draft(walk, "Election: 2030 Election")
        upload = tmp_path / "season.csv"
        upload.write_text("Name,District,Cash bail,Cash bail explanation,Diversion\n"
                          "Pat Newcomer,6th Judicial Circuit,\"Yes, with conditions\","
                          "Teh courts decide.,No\n"
                          "Lee Second,6th Judicial Circuit,No,,Yes\n", encoding="utf-8")
        first = import_file(walk, "2030 Election", upload)
        main = page.get_by_role("main")
        expect(main).to_contain_text("New candidates (2)")
        expect(main).to_contain_text("Kept in the candidate's own words, with no Yes or No")
        walk.click("Apply to the draft")
        walk.click("Publish…", "link")
        walk.click("Yes, publish")
        page.goto("/candidates/al-circuit-6-pat-newcomer")
        expect(page.get_by_role("main")).to_contain_text("Yes, with conditions")
        # Fix a typo in the one form: every other field stays as it was.
        page.goto("/staff/candidates/al-circuit-6-pat-newcomer")
        walk.check()
        bail = page.locator("section", has_text="Cash bail")
        words = bail.get_by_label("Explanation, in the candidate's words")
        words.fill(words.input_value().replace("Teh", "The"))
        walk.click("Save everything to my draft")
        walk.status("Saved to your draft (1 change)")
        expect(page.locator("section", has_text="Diversion").get_by_label("Choice")
               ).to_have_value("No")
        publish_my_draft(walk, "Pat Newcomer: question 1 (Cash bail)")
        # The same file again: it would undo the correction; keep it.
        import_file(walk, "2030 Election", upload)
        expect(main).to_contain_text("The file would undo that correction")
        page.get_by_label(re.compile("^Keep the correction")).check()
        walk.click("Save these answers and check again")
        expect(main).to_contain_text("This file changes nothing in the guide")
        # Roll back the first import after the later edit: the edit stays, and is named.
        page.goto(first)
        walk.click("Roll back…", "link")
        expect(main).to_contain_text("Left as later changes made them")
        # named twice: the corrected answer, and its candidate, whom that answer keeps
        expect(main.get_by_role("link", name=re.compile("^Edits in the browser"))).to_have_count(
            2)
        walk.click("Yes, roll back")
        walk.status("later changes kept")
        expect(main).to_contain_text("Published, then rolled back")
        page.goto("/candidates/al-circuit-6-pat-newcomer")
        expect(page.get_by_role("main")).to_contain_text("The courts decide.")
        assert context.request.get(season_server + "/candidates/al-circuit-6-lee-second"
                                   ).status == 404
        page.goto("/staff/history")
        walk.check()
        add_and_disable_a_colleague(walk, "colleague@example.org")
        page.goto("/staff/account")
        walk.check()
        # A volunteer's link with a campaign code, made on the campaign report.
        page.goto("/staff/campaigns")
        page.get_by_label("Campaign code").fill("church-flyer")
        page.get_by_label("Page").select_option(label="6th Judicial Circuit, Alabama")
        walk.click("Make the link")
        expect(page.get_by_role("status")).to_contain_text(
            "/districts/al-circuit-6?ref=church-flyer")
    finally:
        context.close()


def test_a_season_without_javascript_on_a_phone(browser, season_server):
    """Without JavaScript at 375 px: set up, publish with confirmation, manage a user."""
    context = browser.new_context(base_url=season_server, viewport=PHONE,
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        # The page runs no script; Playwright's own evaluation still measures it. (axe-core
        # waits on the page's event loop, so it runs in the test with JavaScript.)
        walk = Walk(page, None, audit=False)
        sign_in(walk)
        set_up_season(walk, "2031 Election", ["Victims"])
        publish_my_draft(walk, "Election: 2031 Election")
        page.goto("/staff/season")
        expect(page.get_by_role("main")).to_contain_text("2031 Election")
        add_and_disable_a_colleague(walk, "phone.colleague@example.org")
    finally:
        context.close()

