"""What the browser tests share: a recorder of Content-Security-Policy violations, the
voter's lookup on the home page, and a staff member's sign-in."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error, Page, Response, expect

#: The address field's label on the home page.
ADDRESS_LABEL = "Your home address"

#: Records every Content-Security-Policy violation of a page, from before its first script
#: (install it with context.add_init_script).
RECORD_VIOLATIONS = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""


#: What Chromium says when a script ran on a document that a navigation was replacing.
BETWEEN_PAGES = ("Execution context was destroyed", "reading 'documentElement'",
                 "Cannot find context with specified id")


def axe_results(page: Page):
    """axe-core's findings on the page, once it has loaded. A click that navigates returns
    before the next page is there; when axe was started on the page being left, it is run
    again on the page that came (a test that meant an earlier page waits for its URL)."""
    page.wait_for_load_state()
    try:
        return Axe().run(page)
    except Error as error:
        if not any(words in error.message for words in BETWEEN_PAGES):
            raise
    page.wait_for_load_state()
    return Axe().run(page)


def csp_violations(page) -> list[str]:
    """The violations recorded on the page so far (the recorder must have run)."""
    found = page.evaluate("window.cspViolations")
    assert isinstance(found, list), f"{page.url}: the CSP recorder did not run"
    return found


def look_up(page: Page, address: str) -> Response:
    """Type an address on the home page and submit it; return the navigation's response."""
    page.goto("/")
    page.get_by_label(ADDRESS_LABEL).fill(address)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Find my race").click()
    return navigation.value


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign a staff member in on the sign-in page; wait for the staff home page."""
    page.goto("/staff/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
