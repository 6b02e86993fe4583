"""Browser tests: headless Chromium drives the guide served by gunicorn, as a voter would."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .support import DATA_DIR, DESKTOP, HOST, PHONE, TIMEOUT_MS, settings
from .support.browser import ADDRESS_LABEL, RECORD_VIOLATIONS, axe_results, csp_violations, look_up

DISTRICTS = json.loads((DATA_DIR / "al" / "districts.json").read_text(encoding="utf-8"))
ELECTION = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))

#: Pages by name; "picker" and "home-error" are reached through the form, not a fixed path.
PAGES = {
    "home": "/",
    "district": "/districts/al-circuit-6",
    "district-bessemer": "/districts/al-circuit-10-bessemer",
    "district-california": "/districts/ca-county-los-angeles",  # no race, its next election
    "race-california": "/districts/ca-county-fresno/ca-2028-primary-sample",  # decided in March
    "district-four-candidates": "/districts/ca-county-sacramento",  # the stage sentence
    "candidate": "/candidates/al-circuit-6-kendall-lassiter",
    "districts": "/districts/",
    "about": "/about",
    "explainer": "/what-a-district-attorney-does",
    "not-found": "/no-such-page",
}


@pytest.fixture
def page(new_page) -> Page:
    """A page in a fresh context at a desktop viewport."""
    return new_page()


@pytest.fixture(scope="session")
def picker_path(browser, server) -> str:
    """The picker's path and query, as the form reaches it for a ZIP code in two counties."""
    context = browser.new_context(base_url=server)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        look_up(page, "Salem, AL 36874")
        parts = urlsplit(page.url)
        assert parts.path == "/choose", page.url
        return f"{parts.path}?{parts.query}"
    finally:
        context.close()


def race_of(slug: str) -> dict:
    """The demo election's race in the district with this slug."""
    [district_id] = [d["id"] for d in DISTRICTS["districts"] if d["slug"] == slug]
    [race] = [r for r in ELECTION["races"] if r["district"] == district_id]
    return race




def open_named(page: Page, name: str, picker_path: str) -> None:
    """Go to a page of the PAGES table, the picker, or the home page after a failed submit."""
    if name == "home-error":
        look_up(page, "")
    elif name == "picker":
        page.goto(picker_path)
    else:
        page.goto(PAGES[name])


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_voter_flow(new_page, javascript):
    """An address leads to its district's race, candidates and answers, and not into the URL."""
    page = new_page(java_script_enabled=javascript)
    response = look_up(page, "Tuscaloosa, AL 35401")
    assert response.status == 200
    assert urlsplit(page.url).path == "/districts/al-circuit-6"
    assert "35401" not in page.url and "tuscaloosa" not in page.url.lower()
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("6th Judicial Circuit")
    expect(main).to_contain_text("Sample data")
    race = race_of("al-circuit-6")
    for candidate in race["candidates"]:
        expect(main.get_by_role("link", name=candidate["name"], exact=True)).to_be_visible()
    silent = [c for c in race["candidates"] if c["questionnaire_status"] == "no_response"]
    assert silent, "the demo race should have a candidate who did not respond"
    for candidate in silent:
        card = page.locator(".candidates li", has_text=candidate["name"])
        expect(card).to_contain_text("Did not respond")
    explanation = next(a["explanation"] for c in race["candidates"] for a in c["answers"]
                       if a.get("explanation") and "\n" not in a["explanation"]
                       and len(a["explanation"].split()) <= 120)
    expect(main.get_by_text(explanation, exact=True)).to_be_visible()


def test_picker_leads_to_each_district(page):
    """A ZIP code in two counties shows a picker by county; choosing one opens its district."""
    response = look_up(page, "Salem, AL 36874")
    assert response.status == 200
    assert urlsplit(page.url).path == "/choose"
    assert "salem" not in page.url.lower() and "36874" not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Which county do you live in?")
    for county in ("Lee County", "Russell County"):
        expect(page.get_by_role("heading", level=2, name=county)).to_be_visible()
    page.get_by_role("link", name="Russell County").click()
    expect(page).to_have_url(re.compile(r"/districts/al-circuit-26$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("26th Judicial Circuit")


@pytest.mark.parametrize(("address", "message"), [
    ("", "Please type your address."),
    (("2000 University Blvd, Tuscaloosa, AL 35401. " * 12)[:500], "That is too long"),
], ids=["empty", "500-characters"])
def test_bad_input_keeps_the_form(page, address, message):
    """Bad input answers 4xx with a clear message tied to the field, and the form stays.
    (The field's maxlength stops typing at the limit; a client that ignores it, as this one
    does, still gets the message.)"""
    page.goto("/")
    field = page.get_by_label(ADDRESS_LABEL)
    field.evaluate("e => e.removeAttribute('maxlength')")
    field.fill(address)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Find my race").click()
    response = navigation.value
    assert 400 <= response.status < 500
    expect(page.locator("#address-error")).to_contain_text(message)
    field = page.get_by_label(ADDRESS_LABEL)
    expect(field).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.get_by_role("button", name="Find my race")).to_be_visible()
    expect(page).to_have_title(re.compile("^Please check your address"))


@pytest.mark.parametrize("candidate", race_of("al-circuit-6")["candidates"],
                         ids=lambda candidate: candidate["slug"])
def test_candidate_page_shows_every_answer(page, candidate):
    """A candidate's page has one section per question, with the answer or why there is none."""
    questions = ELECTION["questionnaire"]["questions"]
    page.goto(f"/candidates/{candidate['slug']}")
    main = page.get_by_role("main")
    for answer in candidate["answers"]:
        if answer.get("explanation"):
            expect(main).to_contain_text(answer["explanation"].splitlines()[0])
    if candidate["questionnaire_status"] == "no_response":
        # Said once, with the questions they were asked, not once per question.
        expect(main.locator("section.question")).to_have_count(0)
        expect(main.locator("ol.asked li")).to_have_count(len(questions))
        # The demo's deadline is still to come: not yet "did not respond by".
        expect(main.get_by_text(re.compile(
            "has not responded to the questionnaire yet \\(answers are taken until"))
        ).to_have_count(1)
    else:
        expect(main.locator("section.question")).to_have_count(len(questions))


@pytest.mark.parametrize("name", ["home", "district", "candidate", "picker", "districts",
                                  "district-california", "race-california",
                                  "district-four-candidates"])
def test_fits_a_320_pixel_screen(new_page, picker_path, name):
    """No page scrolls sideways on a 320-pixel-wide phone."""
    page = new_page(viewport=PHONE)
    open_named(page, name, picker_path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width} px wide at 320 px"


AUDITS = [pytest.param(name, DESKTOP, id=f"{name}-desktop") for name in
          ["home", "home-error", "district", "district-bessemer", "district-california",
           "race-california", "district-four-candidates", "candidate", "picker", "districts",
           "about", "explainer", "not-found"]]
AUDITS += [pytest.param(name, PHONE, id=f"{name}-320px") for name in
           ["home", "home-error", "district"]]


@pytest.mark.parametrize(("name", "viewport"), AUDITS)
def test_axe_finds_no_violations(new_page, picker_path, name, viewport):
    """axe-core reports no accessibility violation on the page, and the page breaks no rule
    of its Content-Security-Policy (no inline script or style is blocked)."""
    page = new_page(viewport=viewport)
    open_named(page, name, picker_path)
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    assert csp_violations(page) == []


def test_no_third_party_requests(new_page):
    """Every request of the voter flow, up to a candidate's page, goes to our own server."""
    page = new_page()
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    look_up(page, "Tuscaloosa, AL 35401")
    assert urlsplit(page.url).path == "/districts/al-circuit-6"
    page.get_by_role("main").locator(".candidates a").first.click()
    expect(page).to_have_url(re.compile(r"/candidates/al-circuit-6-"))
    page.wait_for_load_state("load")
    assert requests, "no request was recorded"
    foreign = [url for url in requests if urlsplit(url).hostname != HOST]
    assert not foreign, f"requests left {HOST}: {foreign}"


def test_the_policy_blocks_inline_script_and_foreign_images_and_the_recorder_sees_it(
        new_page):
    """What the audits' CSP check relies on: a blocked inline script or foreign image is a
    recorded violation (and the inline script does not run)."""
    page = new_page()
    page.goto(PAGES["about"])
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
        const image = document.createElement("img");
        image.src = "https://tracker.example/pixel.png";
        document.body.append(image);
    }""")
    page.wait_for_function("window.cspViolations.length >= 2")
    found = " ".join(csp_violations(page))
    assert "script-src" in found and "img-src https://tracker.example" in found
    assert page.evaluate("window.inlineRan") is None


def test_use_my_location(new_page):
    """The browser's position (granted) leads to its district; no address, no coordinates in
    the URL."""
    page = new_page(geolocation={"latitude": 33.2098, "longitude": -87.5692, "accuracy": 25},
                    permissions=["geolocation"])
    page.goto("/")
    page.get_by_role("button", name="Use my location instead").click()
    page.wait_for_url(re.compile(r".*/districts/al-circuit-6$"))
    assert "33.2" not in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("6th Judicial Circuit")


def test_use_my_location_is_not_offered_without_javascript(new_page):
    """Without JavaScript the button stays hidden; the address form is all there is."""
    page = new_page(java_script_enabled=False)
    page.goto("/")
    expect(page.get_by_role("button", name="Use my location instead")).to_be_hidden()


# --- staff: upload -> preview -> apply -> publish, in the browser, CSRF on -----------------

STAFF_EMAIL, STAFF_PASSWORD = "admin@example.org", "correct horse battery staple"


@pytest.fixture(scope="session")
def staff_server(seeded_database, tmp_path_factory, gunicorn_server) -> str:
    """The app in gunicorn on its own database copy with an admin user; yields its base URL."""
    from voterguide import create_app
    from voterguide.extensions import db
    from voterguide.staff.accounts import create_user

    workdir = tmp_path_factory.mktemp("staff-browser")
    database = seeded_database.copy(workdir)
    app = create_app(settings(database))
    with app.app_context():
        create_user(db.session, STAFF_EMAIL, STAFF_PASSWORD, "admin")
        db.session.commit()
        db.engine.dispose()
    with gunicorn_server(database, workdir) as base_url:
        yield base_url


def test_staff_import_flow(browser, staff_server, tmp_path):
    """Sign in, upload a wide CSV, see the preview, apply, preview the draft, publish; axe
    finds no violation on the staff pages on the way."""
    question = ELECTION["questionnaire"]["questions"][0]
    upload = tmp_path / "answers.csv"
    upload.write_text(f'name,district,party,"{question["text"]}","{question["text"]} — '
                      'explanation"\nBrowser Person,al-circuit-6,Independent,Yes,'
                      '"Answered in <em>the</em> browser test."\n', encoding="utf-8")
    context = browser.new_context(base_url=staff_server, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        page = context.new_page()
        page.goto("/staff/")
        expect(page).to_have_url(re.compile(r"/staff/login"))
        audit(page)
        page.get_by_label("Email").fill(STAFF_EMAIL)
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        staff_nav(page).get_by_role("link", name="Import a spreadsheet").click()
        expect(page).to_have_url(re.compile(r"/staff/imports/new$"))
        audit(page)
        page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(upload))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("heading", name=re.compile("New candidates"))).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("Browser Person (6th Judicial Circuit)")
        audit(page)
        page.get_by_role("button", name="Apply to the draft").click()
        expect(page.get_by_role("status")).to_contain_text("Applied to the draft")
        page.get_by_role("link", name="6th Judicial Circuit", exact=True).click()
        expect(page.get_by_role("main")).to_contain_text("Browser Person")
        expect(page.locator(".draft-banner")).to_contain_text("Draft preview")
        audit(page)
        public = context.new_page()
        public.goto("/districts/al-circuit-6")
        expect(public.get_by_role("main")).not_to_contain_text("Browser Person")
        page.get_by_role("link", name="Back to the change set").click()
        page.get_by_role("link", name="Publish…").click()
        expect(page).to_have_url(re.compile(r"/staff/changes/\d+/publish$"))
        audit(page)
        page.get_by_role("button", name="Yes, publish").click()
        expect(page.get_by_role("status")).to_contain_text("Published")
        staff_nav(page).get_by_role("link", name="History").click()
        expect(page).to_have_url(re.compile(r"/staff/history$"))
        audit(page)
        public.goto("/districts/al-circuit-6")
        expect(public.get_by_role("main")).to_contain_text("Answered in <em>the</em> browser test.")
        staff_nav(page).get_by_role("link", name="Candidates").click()
        page.get_by_role("link", name="Browser Person").click()
        expect(page).to_have_url(re.compile(r"/staff/candidates/[^/]+$"))
        audit(page)
        for link in ("Campaign codes", "Geocoding"):
            staff_nav(page).get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(link.split()[0])
            audit(page)
    finally:
        context.close()


def audit(page: Page) -> None:
    """axe-core finds no accessibility violation on the page, it breaks no rule of its
    Content-Security-Policy, and it fits 320 px."""
    results = axe_results(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert csp_violations(page) == [], page.url
    assert_fits_a_phone(page)


def assert_fits_a_phone(page: Page) -> None:
    """At 320 px wide the page does not scroll sideways (then back to the page's width)."""
    viewport = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide at 320 px"
    finally:
        page.set_viewport_size(viewport)


def staff_nav(page: Page):
    """The staff navigation bar."""
    return page.get_by_role("navigation", name="Staff")
