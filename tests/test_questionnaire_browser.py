"""The online questionnaire in a real browser (headless Chromium, CSRF on, gunicorn, mail to
a real SMTP server on loopback): staff email an invitation from the tracker; a candidate
opens the emailed link on a phone without JavaScript, saves, leaves, comes back, previews and
submits, and gets a receipt; another answers with JavaScript (autosave, live word counts);
staff see the tracker move and publish; voters find the answers with their date. axe-core
audits the candidate and tracker pages, and the server's log never holds a link's token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import DESKTOP, PASSWORD, PHONE, TIMEOUT_MS
from .support.browser import RECORD_VIOLATIONS, axe_results, csp_violations, sign_in
from .support.mailbox import body, mailbox
from .support.servers import gunicorn

ADMIN = "admin@example.org"
PEOPLE = {"al-circuit-1-jamal-dunaway": "dunaway@campaign.example",
          "al-circuit-1-keisha-ingram": "ingram@campaign.example"}
TRACKER = "/staff/invitations/al-2028-general-sample"


@pytest.fixture(scope="module")
def inbox():
    """A real SMTP server on loopback for the whole module."""
    with mailbox() as box:
        yield box


@pytest.fixture(scope="module")
def site(seeded_database, tmp_path_factory, inbox):
    """gunicorn on its own database copy with an admin and two candidates' emails; yields
    (base URL, work folder)."""
    from sqlalchemy import select

    from voterguide import create_app
    from voterguide.extensions import db
    from voterguide.models import Candidate, CandidateContact
    from voterguide.staff.accounts import create_user

    from .support import settings

    workdir = tmp_path_factory.mktemp("questionnaire-browser")
    database = seeded_database.copy(workdir)
    app = create_app(settings(database))
    with app.app_context():
        create_user(db.session, ADMIN, PASSWORD, "admin")
        for slug, email in PEOPLE.items():
            person = db.session.scalar(select(Candidate).where(Candidate.slug == slug))
            db.session.add(CandidateContact(candidate_id=person.id, email=email))
        db.session.commit()
        db.engine.dispose()
    with gunicorn(database, workdir, **inbox.environment()) as base_url:
        yield base_url, workdir


@pytest.fixture
def open_page(browser, site):
    """A page in a fresh browser context: open_page(viewport=..., java_script_enabled=...)."""
    contexts = []

    def make(**options) -> Page:
        context = browser.new_context(base_url=site[0], **{"viewport": DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_VIOLATIONS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def audit(page: Page) -> None:
    """axe-core finds no violation, the page breaks no CSP rule, and it fits 320 px (axe
    needs JavaScript: the pages a candidate uses without it are audited with it)."""
    results = axe_results(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert csp_violations(page) == [], page.url
    viewport = page.viewport_size
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(viewport)
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at 320 px"


def row(page: Page, slug: str):
    """A candidate's row of the tracker."""
    return page.locator(f"tr#c-{slug}")


def emailed_link(inbox, address: str, count: int) -> str:
    """The path of the private link in the newest email to an address."""
    inbox.wait_for(count)
    message = inbox.to(address)[-1]
    return re.search(r"https?://[^/\s]+(/questionnaire/[A-Za-z0-9_-]+)", body(message)).group(1)


def test_invite_answer_without_javascript_publish(open_page, site, inbox):
    """The whole round trip, the candidate on a phone with JavaScript off."""
    slug, address = "al-circuit-1-jamal-dunaway", PEOPLE["al-circuit-1-jamal-dunaway"]
    staff = open_page()
    sign_in(staff, ADMIN, PASSWORD)
    staff.get_by_role("navigation", name="Staff").get_by_role(
        "link", name="Invitations and answers").click()
    expect(staff).to_have_url(re.compile(r"/staff/invitations$"))
    audit(staff)  # both sample elections (Alabama's, California's), each with its tracker
    staff.get_by_role("link", name="2028 General Election (sample)").click()
    expect(staff).to_have_url(re.compile(TRACKER))
    audit(staff)
    expect(row(staff, slug)).to_contain_text("Not invited yet")
    row(staff, slug).get_by_role("button", name="Email an invitation to Jamal Dunaway").click()
    expect(staff.get_by_role("status")).to_contain_text("Invitation emailed to Jamal Dunaway.")
    expect(row(staff, slug)).to_contain_text("Invited")
    link = emailed_link(inbox, address, 1)

    phone = open_page(viewport=PHONE, java_script_enabled=False)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Questionnaire")
    expect(phone.get_by_role("main")).to_contain_text("Who sees what, and when")
    first = phone.get_by_role("group", name=re.compile(r"^1\. "))
    first.get_by_label("Yes").check()
    first.get_by_label("Your explanation").fill("Nobody should wait in jail for lack of money.")
    phone.get_by_role("button", name="Save and finish later").click()
    expect(phone.get_by_role("status").first).to_contain_text("Saved")
    phone.goto("/")  # leave
    expect(phone.get_by_role("heading", level=1)).not_to_contain_text("Questionnaire")
    again = open_page(viewport=PHONE, java_script_enabled=False)  # come back, another day
    again.goto(link)
    first = again.get_by_role("group", name=re.compile(r"^1\. "))
    expect(first.get_by_label("Yes")).to_be_checked()
    expect(first.get_by_label("Your explanation")).to_have_value(
        "Nobody should wait in jail for lack of money.")
    staff.reload()
    expect(row(staff, slug)).to_contain_text("Draft saved")
    again.get_by_role("button", name="Preview as voters will see it").click()
    expect(again.get_by_role("heading", level=1)).to_contain_text("Preview")
    expect(again.get_by_role("main")).to_contain_text("Nobody should wait in jail")
    again.get_by_role("button", name="Submit these answers").click()
    expect(again.get_by_role("heading", level=1)).to_contain_text("Received")
    inbox.wait_for(2)
    receipt = inbox.to(address)[-1]
    assert receipt["Subject"].startswith("Received: your answers")
    assert "Nobody should wait in jail for lack of money." in body(receipt)

    staff.reload()
    expect(row(staff, slug)).to_contain_text("Submitted, waiting to be published")
    row(staff, slug).get_by_role("link", name=re.compile("Change set")).click()
    expect(staff).to_have_url(re.compile(r"/staff/changes/\d+$"))
    audit(staff)
    staff.get_by_role("link", name="Publish…").click()  # asked first, on a page of its own
    staff.get_by_role("button", name="Yes, publish").click()
    expect(staff.get_by_role("status")).to_contain_text("Published")
    voter = open_page(viewport=PHONE)
    voter.goto("/districts/al-circuit-1")
    expect(voter.get_by_role("main")).to_contain_text(
        "Nobody should wait in jail for lack of money.")
    expect(voter.get_by_role("main")).to_contain_text(re.compile(r"received \w{3} \d+, \d{4}"))
    staff.goto(TRACKER)
    expect(row(staff, slug)).to_contain_text("Published")
    log = (site[1] / "gunicorn.log").read_text()
    token = link.rsplit("/", 1)[1]
    assert token not in log and "/questionnaire/<link>" in log


def test_answer_with_javascript_autosaves(open_page, site, inbox):
    """With JavaScript: live word counts, saved as typed, there after a reload; submitted."""
    slug, address = "al-circuit-1-keisha-ingram", PEOPLE["al-circuit-1-keisha-ingram"]
    staff = open_page()
    sign_in(staff, ADMIN, PASSWORD)
    staff.goto(TRACKER)
    row(staff, slug).get_by_role("button", name="Email an invitation to Keisha Ingram").click()
    expect(staff.get_by_role("status")).to_contain_text("Invitation emailed")
    link = emailed_link(inbox, address, len(inbox.messages))
    page = open_page()
    page.goto(link)
    audit(page)
    third = page.get_by_role("group", name=re.compile(r"^3\. "))
    box = third.get_by_label(re.compile("Your (answer|explanation)"))
    box.fill("Treatment courts first, then prison only for violence.")
    expect(third.locator(".word-count")).to_contain_text("8 of 250 words")
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    page.reload()
    third = page.get_by_role("group", name=re.compile(r"^3\. "))
    expect(third.get_by_label(re.compile("Your (answer|explanation)"))).to_have_value(
        "Treatment courts first, then prison only for violence.")
    page.get_by_role("button", name="Preview as voters will see it").click()
    expect(page.get_by_role("main")).to_contain_text("Treatment courts first")
    audit(page)
    page.get_by_role("link", name="Back to change your answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Received")
    audit(page)
    staff.reload()
    expect(row(staff, slug)).to_contain_text("Submitted")


def test_the_code_page_and_a_dead_link(open_page):
    """The letter's code page and the refusal are accessible too."""
    page = open_page(viewport=PHONE)
    page.goto("/questionnaire")
    audit(page)
    page.get_by_label("Access code").fill("CDEFG-HJKMN")
    page.get_by_role("button", name="Open my questionnaire").click()
    expect(page.get_by_role("alert")).to_contain_text("That code does not open a questionnaire")
    audit(page)
    page.goto("/questionnaire/not-a-real-link")
    expect(page.get_by_role("heading", level=1)).to_contain_text("does not open")
    audit(page)
